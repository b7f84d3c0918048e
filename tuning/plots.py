"""A picture of a search: score per trial with the best so far, and each hyperparameter against the score."""

from __future__ import annotations

import json
import math
import os
from typing import Any

from zoo.utils.validation import invalid_type


def _load(table: Any, direction: str | None, objective: str | None) -> tuple[list[dict[str, Any]], str, str]:
    if isinstance(table, (str, os.PathLike)):
        with open(table) as f:
            data = json.load(f)
        return data["trials"], direction or data["direction"], objective or data["objective"]
    if hasattr(table, "trials") and hasattr(table, "direction"):  # a SearchResult
        return table.trials, direction or table.direction, objective or table.objective
    if isinstance(table, list):
        return table, direction or "max", objective or "score"
    raise invalid_type("table", "a SearchResult, a trials.json path or a list of trial rows", table)


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
    from zoo.viz.plots import pyplot, save_figure

    rows, direction, objective = _load(table, direction, objective)
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
