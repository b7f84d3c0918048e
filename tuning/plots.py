"""A picture of a search: score per trial with the best so far, and each hyperparameter against the score."""

from __future__ import annotations

import json
import math
import os
from typing import Any

from zoo.utils.validation import check_choice, invalid_type, invalid_value


def _load(table: Any, direction: str | None, objective: str | None) -> tuple[list[dict[str, Any]], str, str]:
    if direction is not None:
        check_choice("direction", direction, ("max", "min"))
    if objective is not None and not isinstance(objective, str):
        raise invalid_type("objective", "a metric name or None", objective)
    if isinstance(table, (str, os.PathLike)):
        try:
            with open(table) as f:
                data = json.load(f)
        except OSError as err:
            raise invalid_value("table", f"must be a readable trials.json ({err.strerror})", os.fspath(table)) from None
        except ValueError:
            raise invalid_value("table", "must be a trials.json file (it is not valid JSON)", os.fspath(table)) from None
        if not isinstance(data, dict) or not {"trials", "direction", "objective"} <= set(data):
            raise invalid_value("table", "must be a trials.json written by a search (trials, direction, objective)",
                                os.fspath(table))
        rows, direction, objective = data["trials"], direction or data["direction"], objective or data["objective"]
    elif hasattr(table, "trials") and hasattr(table, "direction"):  # a SearchResult
        rows, direction, objective = table.trials, direction or table.direction, objective or table.objective
    elif isinstance(table, list):
        rows, direction, objective = table, direction or "max", objective or "score"
    else:
        raise invalid_type("table", "a SearchResult, a trials.json path or a list of trial rows", table)
    if not isinstance(rows, list) or not rows:
        raise invalid_value("table", "must hold at least one trial", table)
    for row in rows:
        if not isinstance(row, dict) or "status" not in row:
            raise invalid_value("table", "must hold trial rows: dicts with a status and a score", row)
        score = row.get("score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, (int, float))):
            raise invalid_value("table", "must hold numeric scores (or None)", row)
    return rows, check_choice("direction", direction, ("max", "min")), str(objective)


def plot_trials(table: Any, path: str | os.PathLike[str], *, direction: str | None = None,
                objective: str | None = None) -> str:
    """Draws the search: score per trial with the best-so-far line, then one panel per hyperparameter.

    Example:
        >>> tuning.plot_trials(result, "out/tune/mlp/trials.png")

    Args:
        table: A `SearchResult`, the path of a project's ``trials.json``, or its rows.
        path: The PNG (or SVG/PDF) to write, atomically.
        direction: "max" or "min"; read from `table` when it says.
        objective: The score's name for the axis labels.

    Returns:
        The path written.
    """
    from zoo.viz.plots import check_figure_path, pyplot, save_figure

    rows, direction, objective = _load(table, direction, objective)
    check_figure_path(path)
    plt = pyplot()
    scored = [(i, r) for i, r in enumerate(rows, start=1) if r.get("status") == "COMPLETED" and r.get("score") is not None]
    pruned = [(i, r) for i, r in enumerate(rows, start=1) if r.get("status") == "PRUNED" and r.get("score") is not None]
    skip = {"trial_id", "status", "score", "epochs", "best_epoch", "default", "seconds"}
    names = [k for k in (rows[0] if rows else {}) if k not in skip]
    names = [n for n in names if any(r.get(n) is not None for r in rows)]
    cols = 3
    hp_rows = math.ceil(len(names) / cols)
    fig = plt.figure(figsize=(12, 3.6 + 3.0 * hp_rows), layout="constrained")
    grid = fig.add_gridspec(1 + hp_rows, cols, height_ratios=[1.3] + [1] * hp_rows)
    ax = fig.add_subplot(grid[0, :])
    if scored:
        xs, ys = [i for i, _ in scored], [r["score"] for _, r in scored]
        best, line = None, []
        for y in ys:
            best = y if best is None else (max(best, y) if direction == "max" else min(best, y))
            line.append(best)
        ax.plot(xs, ys, "o", color="tab:blue", label="trial score (its best epoch)")
        ax.step(xs, line, where="post", color="tab:orange", linewidth=2, label="best so far")
    if pruned:
        ax.plot([i for i, _ in pruned], [r["score"] for _, r in pruned], "x", color="tab:gray",
                label="pruned trial (score when stopped)")
    defaults = [(i, r) for i, r in enumerate(rows, start=1) if r.get("default") and r.get("score") is not None]
    if defaults:
        ax.plot([i for i, _ in defaults], [r["score"] for _, r in defaults], "*", color="tab:green", markersize=14,
                label="untuned default (trial one)")
    failed = [i for i, r in enumerate(rows, start=1) if r.get("status") in ("FAILED", "INVALID")]
    for i in failed:
        ax.axvline(i, color="tab:red", alpha=0.3, linestyle="--")
    if failed:
        ax.plot([], [], color="tab:red", alpha=0.5, linestyle="--", label="failed / invalid trial")
    ax.set(title=f"Search: {objective} per trial ({'higher' if direction == 'max' else 'lower'} is better)",
           xlabel="trial", ylabel=objective)
    ax.set_xticks(range(1, len(rows) + 1))
    ax.grid(alpha=0.3)
    ax.legend(loc="best")
    for k, name in enumerate(names):
        sub = fig.add_subplot(grid[1 + k // cols, k % cols])
        points = [(r[name], r["score"]) for _, r in scored if r.get(name) is not None]
        values = [v for v, _ in points]
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        if numeric and values:
            sub.scatter(values, [s for _, s in points], color="tab:blue")
            if min(values) > 0 and max(values) / min(values) >= 50:
                sub.set_xscale("log")
        elif values:
            labels = sorted({str(v) for v in values})
            sub.scatter([labels.index(str(v)) for v in values], [s for _, s in points], color="tab:blue")
            sub.set_xticks(range(len(labels)), labels)
        sub.set(title=name, ylabel=objective)
        sub.grid(alpha=0.3)
    return save_figure(fig, path)
