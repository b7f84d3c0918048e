"""Model diagrams through `keras.utils.model_to_dot` (pydot), rendered by graphviz's `dot`.

The DOT source is always written; PNG and SVG need the `dot` program. Where it is
missing, `export_diagram` writes the ``.dot`` file, prints a one-line hint on installing
graphviz and carries on: a diagram is never the reason a job fails.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from typing import Any

from zoo.utils.files import write_atomic
from zoo.utils.validation import check_bool, check_choice, check_file_target, check_int, invalid_type, invalid_value

FORMATS = ("png", "svg", "dot")
GRAPHVIZ_HINT = ("graphviz's `dot` program is not installed, so only the DOT source was written "
                 "(install it with `apt-get install graphviz` or `conda install graphviz`, then render "
                 "with `dot -Tpng file.dot -o file.png`)")


def has_dot() -> bool:
    """Whether graphviz's `dot` program is on the PATH."""
    return shutil.which("dot") is not None


def export_diagram(
    model: Any,
    path: str | os.PathLike[str],
    *,
    formats: Sequence[str] = ("png", "svg"),
    show_shapes: bool = True,
    show_layer_names: bool = True,
    show_layer_activations: bool = True,
    show_trainable: bool = True,
    rankdir: str = "TB",
    dpi: int = 96,
) -> dict[str, str]:
    """Draws `model` with its layers and shapes; writes each format atomically.

    Example:
        >>> zoo.viz.diagrams.export_diagram(zoo.cnn(), "out/cnn")   # out/cnn.dot, .png, .svg

    Args:
        model: A built `keras.Model`.
        path: The output path without extension (an extension given is dropped).
        formats: Any of "png", "svg" and "dot"; the DOT source is always written too.
        show_shapes: Show each layer's input and output shapes.
        show_layer_names: Show the layers' names.
        show_layer_activations: Show the activations of Dense/Conv layers.
        show_trainable: Mark frozen layers.
        rankdir: "TB" (top to bottom) or "LR" (left to right).
        dpi: Resolution of the PNG.

    Returns:
        ``{format: path}`` of every file written ("dot" always; "png"/"svg" when graphviz is installed).

    Raises:
        TypeError, ValueError: For a non-model, an unbuilt model or an unknown format.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model", model)
    if not model.built:
        raise invalid_value("model", "must be built (give it an input shape) before it can be drawn", model.name)
    if isinstance(formats, str) or not isinstance(formats, Sequence) or not formats:
        raise invalid_type("formats", f"a non-empty sequence of {', '.join(map(repr, FORMATS))}", formats)
    formats = [check_choice("formats", f, FORMATS) for f in formats]
    for flag, value in (("show_shapes", show_shapes), ("show_layer_names", show_layer_names),
                        ("show_layer_activations", show_layer_activations), ("show_trainable", show_trainable)):
        check_bool(flag, value)
    check_choice("rankdir", rankdir, ("TB", "LR"))
    # graphviz loops for minutes on a negative dpi; beyond 1200 a diagram is hundreds of megapixels.
    dpi = check_int("dpi", dpi, minimum=10, maximum=1200)
    path = check_file_target("path", path)
    stem, ext = os.path.splitext(path)
    if ext[1:] not in FORMATS:  # "out/model.v2" keeps its dot
        stem = path
    for fmt in {"dot", *formats}:
        check_file_target("path", f"{stem}.{fmt}")
    dot = keras.utils.model_to_dot(model, show_shapes=show_shapes, show_layer_names=show_layer_names,
                                   show_layer_activations=show_layer_activations, show_trainable=show_trainable,
                                   rankdir=rankdir, dpi=dpi, expand_nested=False)
    source = dot.to_string()
    written = {"dot": write_atomic(f"{stem}.dot", lambda tmp: _write_text(tmp, source))}
    rendered = [f for f in formats if f != "dot"]
    if rendered and not has_dot():
        print(f"[diagram] {model.name}: {GRAPHVIZ_HINT}")
        return written
    for fmt in rendered:
        data = dot.create(prog="dot", format=fmt)
        written[fmt] = write_atomic(f"{stem}.{fmt}", lambda tmp, data=data: _write_bytes(tmp, data))
    return written


def _write_text(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _write_bytes(path: str, data: bytes) -> None:
    with open(path, "wb") as f:
        f.write(data)


def export_registered(names: Sequence[str] | str, out: str | os.PathLike[str], *,
                      formats: Sequence[str] = ("png", "svg")) -> list[dict[str, Any]]:
    """Builds each registered model (offline defaults) and draws it into `out`, with an ``index.html``.

    Args:
        names: Registered names, or "all".
        out: The output folder.
        formats: See `export_diagram`.

    Returns:
        One dict per model: name, family, parameter count and the files written.
    """
    from zoo import registry
    from zoo.viz.report import write_diagram_index

    if isinstance(names, str) and names != "all":
        raise invalid_type("names", "'all' or a list of registered names such as ['cnn']", names)
    if not isinstance(names, str) and (not isinstance(names, Sequence) or not names):
        raise invalid_value("names", "must be 'all' or a non-empty list of registered names", names)
    names = registry.list_models() if names == "all" else list(names)
    entries = [registry.get_entry(n) for n in names]  # unknown names fail before any build
    if isinstance(formats, str) or not isinstance(formats, Sequence) or not formats:
        raise invalid_type("formats", f"a non-empty sequence of {', '.join(map(repr, FORMATS))}", formats)
    formats = [check_choice("formats", f, FORMATS) for f in formats]
    out = check_file_target("out", out, folder=True)
    rows = []
    for i, entry in enumerate(entries, start=1):
        model = registry.build(entry.name, **entry.offline)
        files = export_diagram(model, os.path.join(out, entry.name), formats=formats)
        print(f"[plot] {i}/{len(entries)} {entry.name}: " + ", ".join(files.values()), flush=True)
        rows.append({"name": entry.name, "family": entry.family, "summary": entry.summary,
                     "params": int(model.count_params()), "files": files})
    write_diagram_index(rows, os.path.join(out, "index.html"))
    return rows
