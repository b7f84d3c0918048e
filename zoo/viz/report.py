"""Human-readable reports: a model's head line, and self-contained HTML pages (images inlined).

Shared by the CLI and the tour, and importing neither.
"""

from __future__ import annotations

import base64
import html
import os
from collections.abc import Mapping, Sequence
from typing import Any

from zoo.utils.files import write_atomic

_STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:1200px;
color:#222;background:#fafafa;line-height:1.45;padding:0 1rem}
h1{margin-bottom:.2rem} .sub{color:#555;margin-top:0}
.card{background:#fff;border:1px solid #ddd;border-radius:10px;padding:1rem 1.3rem;margin:1.2rem 0;
box-shadow:0 1px 3px rgba(0,0,0,.05)}
.card h2{margin:.1rem 0 .4rem} .meta{color:#444;font-size:.95rem}
.row{display:flex;flex-wrap:wrap;gap:1rem;align-items:flex-start}
.row figure{margin:0;flex:1 1 480px} .row figure.diagram{flex:0 1 340px} figure img{max-width:100%;border:1px solid #eee;border-radius:6px}
figcaption{font-size:.85rem;color:#666}
table{border-collapse:collapse;margin:.4rem 0;display:block;max-width:100%;overflow-x:auto} td,th{border:1px solid #ddd;padding:.25rem .6rem;text-align:left}
.ok{color:#1a7f37;font-weight:600} .bad{color:#b42318;font-weight:600}
.diagram img{max-height:520px}
.overview{font-size:.85rem} .overview td{white-space:nowrap} .overview th{vertical-align:bottom}
.overview td:first-child,.overview th:first-child{position:sticky;left:0;background:#fff}
.overview td:nth-child(2){white-space:normal;min-width:6em}
@media (max-width:600px){body{padding:0 .5rem}.card{padding:.8rem .7rem}.overview{font-size:.75rem}
.overview td,.overview th{padding:.2rem .35rem}}
pre{background:#f3f3f3;padding:.6rem;border-radius:6px;overflow-x:auto}
"""


def head_summary(model: Any) -> str:
    """One line on a built model's head: output shape, activation, loss, parameters."""
    try:
        layer = model.get_layer("head")
        activation = getattr(layer.activation, "__name__", str(layer.activation))
    except ValueError:
        activation = "step (Heaviside)"
    loss = getattr(model, "loss", None) if model.compiled else "(not compiled)"
    shape = getattr(model, "output_shape", None)
    return f"head: output {shape}, activation {activation}, loss {loss}, params {model.count_params():,}"


def image_tag(path: str | None, alt: str, *, css: str = "") -> str:
    """An <img> with the file inlined as a data URI (the page stays self-contained)."""
    if not path or not os.path.isfile(path):
        return f"<p><em>{html.escape(alt)}: not available</em></p>"
    ext = os.path.splitext(path)[1].lower()
    with open(path, "rb") as f:
        data = base64.b64encode(f.read()).decode("ascii")
    mime = {".png": "image/png", ".svg": "image/svg+xml"}.get(ext, "application/octet-stream")
    return f'<img class="{css}" alt="{html.escape(alt)}" src="data:{mime};base64,{data}">'


def _page(title: str, subtitle: str, body: str) -> str:
    return (f"<!doctype html><html lang=en><head><meta charset=utf-8>"
            f"<meta name=viewport content='width=device-width, initial-scale=1'><title>{html.escape(title)}</title>"
            f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
            f"<p class=sub>{subtitle}</p>{body}</body></html>\n")


def write_page(path: str, title: str, subtitle: str, body: str) -> str:
    """Writes a self-contained HTML page atomically."""
    text = _page(title, subtitle, body)

    def dump(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
    return write_atomic(path, dump)


def write_diagram_index(rows: Sequence[Mapping[str, Any]], path: str) -> str:
    """The index of `zoo plot`: one card per model with its diagram."""
    cards = []
    for row in rows:
        files = row["files"]
        picture = image_tag(files.get("png"), f"diagram of {row['name']}", css="diagram") if "png" in files else \
            f"<p>DOT source only (graphviz missing): <code>{html.escape(files['dot'])}</code></p>"
        cards.append(f"<div class=card><h2>{html.escape(row['name'])}</h2><p class=meta>{html.escape(row['family'])}"
                     f" &middot; {row['params']:,} parameters &middot; {html.escape(row['summary'])}</p>"
                     f"<div class=diagram>{picture}</div></div>")
    return write_page(path, "keras-zoo model diagrams", f"{len(rows)} registered models", "".join(cards))


def scores_table(scores: Mapping[str, float], baseline: Mapping[str, float], *, higher_is_better: bool,
                 default: Mapping[str, float] | None = None) -> str:
    """A table of the model against the baseline (and an untuned default), with a verdict on the shared metric."""
    keys = [k for k in scores if k in baseline] or list(scores)

    def cell(values: Mapping[str, float] | None, key: str) -> str:
        return f"<td>{values[key]:.4f}</td>" if values is not None and key in values else "<td></td>"

    rows = "".join(f"<tr><td>{html.escape(k)}</td>{cell(scores, k)}{cell(default, k) if default is not None else ''}"
                   f"{cell(baseline, k)}</tr>" for k in keys)
    key = keys[0]
    better = (lambda a, b: a > b) if higher_is_better else (lambda a, b: a < b)  # noqa: E731
    beats = key in baseline and better(scores[key], baseline[key])
    verdict = (f"<span class=ok>beats the baseline on {key}</span>" if beats
               else f"<span class=bad>does not beat the baseline on {key}</span>")
    header = "<th>test metric</th><th>model</th>" + ("<th>untuned default</th>" if default is not None else "")
    if default is not None and key in default:
        verdict += (" &middot; <span class=ok>at least as good as the untuned default</span>"
                    if not better(default[key], scores[key]) else
                    " &middot; <span class=bad>worse than the untuned default</span>")
    return (f"<table><tr>{header}<th>baseline</th></tr>{rows}</table>"
            f"<p>{verdict}</p>")


# Short headers for the overview (the CSV keeps timm's column names).
COLUMN_LABELS = {
    "model": "model", "dataset": "dataset", "metric": "metric", "test_score": "test", "baseline_score": "baseline",
    "param_count": "params", "input_shape": "input", "infer_flops": "FLOPs / sample",
    "infer_latency_ms": "latency ms (batch 1)", "infer_samples_per_sec": "predict / s (batch 256)",
    "train_samples_per_sec": "train samples / s", "train_seconds": "train s",
}


def format_value(column: str, value: Any) -> str:
    """A results-table value for people: counts with thousands separators, FLOPs in K/M/G, blanks for None."""
    if value is None or value == "":
        return ""
    if column == "infer_flops":
        value = float(value)
        for unit, size in (("G", 1e9), ("M", 1e6), ("K", 1e3)):
            if value >= size:
                return f"{value / size:.3g}{unit}"
        return f"{value:.0f}"
    if column == "param_count":
        return f"{int(value):,}"
    if column in ("infer_samples_per_sec", "train_samples_per_sec"):
        return f"{float(value):,.0f}"
    if isinstance(value, float):
        return f"{value:.4g}" if column.endswith("score") else f"{value:.3g}" if value < 100 else f"{value:,.0f}"
    return str(value)


def overview_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The results overview: one row per model, its name linking to its card (``row["card"]``, an element id)."""
    header = "".join(f"<th>{html.escape(COLUMN_LABELS.get(c, c))}</th>" for c in columns)
    body = []
    for row in rows:
        cells = []
        for column in columns:
            text = html.escape(format_value(column, row.get(column)))
            if column == "model" and row.get("card"):
                text = f'<a href="#{html.escape(row["card"])}">{text}</a>'
            cells.append(f"<td>{text}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return (f"<div class=card id=overview><h2>Results</h2><p class=meta>One row per model, measured on this machine "
            f"(also <code>results.csv</code>, <code>results.json</code>). FLOPs: one sample's forward pass.</p>"
            f"<table class=overview><thead><tr>{header}</tr></thead><tbody>{''.join(body)}</tbody></table></div>")


def markdown_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str]) -> str:
    """The same table in Markdown (for the README)."""
    lines = ["| " + " | ".join(COLUMN_LABELS.get(c, c) for c in columns) + " |",
             "|" + "---|" * len(columns)]
    lines += ["| " + " | ".join(format_value(c, row.get(c)).replace("|", "/") for c in columns) + " |" for row in rows]
    return "\n".join(lines)


def fill_markers(text: str, name: str, content: str) -> str:
    """Replaces what lies between ``<!-- name:start -->`` and ``<!-- name:end -->`` in `text` with `content`.

    Raises:
        ValueError: If the markers are missing or out of order.
    """
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise ValueError(f"`text` must hold {start} and then {end}. Received: name={name!r}")
    return text[:i + len(start)] + "\n" + content.strip("\n") + "\n" + text[j:]
