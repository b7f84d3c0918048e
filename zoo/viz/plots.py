"""Figures (matplotlib, Agg backend: no display needed): training history, the notes'
activation functions beside their derivatives, and decision boundaries on 2-D problems.

The derivatives are computed by automatic differentiation through Keras
(`activation_derivative`), not typed in, and a test checks them against the notes'
analytic formulas (seeds 002 and 003).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from zoo.utils.validation import check_choice, check_file_target, check_float, check_int, invalid_type, invalid_value


def pyplot() -> Any:
    """matplotlib's pyplot on the Agg backend (set before pyplot is first imported)."""
    import matplotlib

    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def check_figure_path(path: Any) -> str:
    """Checks a figure's target before anything is drawn: a writable .png, .svg or .pdf path."""
    if not isinstance(path, (str, os.PathLike)):
        raise invalid_type("path", "a file path such as 'out/history.png'", path)
    path = check_file_target("path", path)
    if os.path.splitext(path)[1].lower() not in (".png", ".svg", ".pdf"):
        raise invalid_value("path", "must end in .png, .svg or .pdf", path)
    return path


def save_figure(fig: Any, path: str | os.PathLike[str], *, dpi: int = 110) -> str:
    """Saves `fig` atomically (format from the extension) and closes it; returns the path."""
    from zoo.utils.files import write_atomic

    path = check_figure_path(path)
    ext = os.path.splitext(path)[1].lower()
    try:
        write_atomic(path, lambda tmp: fig.savefig(tmp, dpi=dpi, format=ext[1:]))
    finally:
        pyplot().close(fig)
    return path


def plot_history(history: Any, path: str | os.PathLike[str], *, title: str | None = None) -> str:
    """Draws the loss and each metric per epoch, training against validation (as in seed 003).

    Args:
        history: A `keras.callbacks.History`, or ``{metric: per-epoch values}``.
        path: The image to write.
        title: The figure's title.

    Returns:
        The path written.
    """
    logs = _check_history(history)
    check_figure_path(path)
    if title is not None and not isinstance(title, str):
        raise invalid_type("title", "a string or None", title)
    metrics = [k for k in logs if not k.startswith("val_") and k not in ("learning_rate", "lr")]
    plt = pyplot()
    fig, axes = plt.subplots(1, len(metrics), figsize=(4.6 * len(metrics), 3.8), layout="constrained", squeeze=False)
    for ax, metric in zip(axes[0], metrics):
        epochs = np.arange(1, len(logs[metric]) + 1)
        ax.plot(epochs, logs[metric], marker="o", markersize=3, label="training")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], marker="o", markersize=3, label="validation")
        ax.set(title=metric.replace("_", " "), xlabel="epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    return save_figure(fig, path)


def _check_history(history: Any) -> dict[str, list[float]]:
    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping) or not logs:
        raise invalid_type("history", "a keras History or a non-empty {metric: values} dict", history)
    checked = {}
    for key, values in logs.items():
        if not isinstance(key, str) or isinstance(values, (str, bytes)) or not isinstance(values, Sequence | np.ndarray):
            raise invalid_type("history", "a {metric name: per-epoch values} dict", history)
        if not len(values) or any(isinstance(v, bool) or not isinstance(v, (int, float, np.number)) for v in values):
            raise invalid_value("history", f"must hold a non-empty list of numbers per metric ({key!r})", history)
        checked[key] = list(values)
    if not any(not k.startswith("val_") and k not in ("learning_rate", "lr") for k in checked):
        raise invalid_value("history", "must hold at least one training metric (not only val_ ones)", history)
    if len({len(v) for v in checked.values()}) > 1:
        lengths = {k: len(v) for k, v in checked.items()}
        raise invalid_value("history", f"must hold one value per epoch for every metric; lengths {lengths}", history)
    return checked


def _softmax_first(z: Any) -> Any:
    import keras

    # softmax of [z, 0]: the two-class case, so it can be drawn as a curve (= sigmoid(z)).
    return keras.ops.softmax(keras.ops.stack([z, keras.ops.zeros_like(z)], axis=-1), axis=-1)[..., 0]


def _step(z: Any) -> Any:
    import keras

    return keras.ops.cast(keras.ops.greater_equal(z, 0), z.dtype)


# The notes' activation functions (seeds 000, 002, 003), as Keras computes them.
ACTIVATIONS = {
    "linear": lambda k, z: k.activations.linear(z),
    "step": lambda k, z: _step(z),
    "sigmoid": lambda k, z: k.activations.sigmoid(z),
    "tanh": lambda k, z: k.activations.tanh(z),
    "relu": lambda k, z: k.activations.relu(z),
    "leaky_relu": lambda k, z: k.activations.leaky_relu(z, negative_slope=0.01),
    "elu": lambda k, z: k.activations.elu(z),
    "selu": lambda k, z: k.activations.selu(z),
    "softplus": lambda k, z: k.activations.softplus(z),
    "softmax": lambda k, z: _softmax_first(z),
}


def activation_values(name: str, z: Sequence[float] | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """An activation and its derivative at `z`, the derivative by automatic differentiation.

    For softmax the curve is the first output of ``softmax([z, 0])`` and the derivative
    is its diagonal Jacobian entry ``s (1 - s)``. The step function's derivative is 0
    wherever it exists.

    Args:
        name: One of `ACTIVATIONS`.
        z: Points to evaluate at.

    Returns:
        ``(f(z), f'(z))`` as float64 arrays.
    """
    check_choice("name", name, ACTIVATIONS)
    from zoo.utils.arrays import as_samples

    z = as_samples("z", z).astype("float32")
    if z.ndim != 1:
        raise invalid_value("z", "must be 1-D: the points to evaluate at", f"shape {z.shape}")
    import keras

    fn = ACTIVATIONS[name]
    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        zt = tf.constant(z)
        with tf.GradientTape() as tape:
            tape.watch(zt)
            y = fn(keras, zt)
        grad = tape.gradient(y, zt)
        grad = tf.zeros_like(zt) if grad is None else grad
        return np.asarray(y, dtype="float64"), np.asarray(grad, dtype="float64")
    if backend == "jax":
        import jax

        y = fn(keras, z)
        grad = jax.vmap(jax.grad(lambda v: fn(keras, v)))(z)
        return np.asarray(y, dtype="float64"), np.asarray(grad, dtype="float64")
    import torch

    zt = torch.tensor(z, requires_grad=True)
    y = fn(keras, zt)
    (grad,) = torch.autograd.grad(y.sum(), zt, allow_unused=True)
    grad = torch.zeros_like(zt) if grad is None else grad
    return y.detach().numpy().astype("float64"), grad.numpy().astype("float64")


def plot_activations(path: str | os.PathLike[str], names: Sequence[str] | None = None, *,
                     z_range: tuple[float, float] = (-5.0, 5.0)) -> str:
    """Draws each of the notes' activation functions beside its derivative (autodiff).

    Args:
        path: The image to write.
        names: Activations to draw (see `ACTIVATIONS`); all by default.
        z_range: The input range.

    Returns:
        The path written.
    """
    if names is not None and (isinstance(names, str) or not isinstance(names, Sequence)):
        raise invalid_type("names", "a list of activation names such as ['relu', 'tanh'] or None", names)
    if names is not None and not names:
        raise invalid_value("names", "must name at least one activation", names)
    names = list(ACTIVATIONS) if names is None else [check_choice("names", n, ACTIVATIONS) for n in names]
    if not isinstance(z_range, (tuple, list)) or len(z_range) != 2:
        raise invalid_type("z_range", "a (low, high) pair of numbers", z_range)
    low, high = (check_float("z_range", v) for v in z_range)
    if not low < high:
        raise invalid_value("z_range", "must satisfy low < high", z_range)
    check_figure_path(path)
    plt = pyplot()
    z = np.linspace(low, high, 401)
    cols = 2
    rows = (len(names) + cols - 1) // cols
    fig, axes = plt.subplots(rows, 2 * cols, figsize=(15, 2.6 * rows), layout="constrained", squeeze=False)
    for k, name in enumerate(names):
        y, dy = activation_values(name, z)
        ax_f, ax_d = axes[k // cols, 2 * (k % cols)], axes[k // cols, 2 * (k % cols) + 1]
        ax_f.plot(z, y, color="tab:blue", linewidth=2)
        ax_f.set_title(f"{name}(z)")
        ax_d.plot(z, dy, color="tab:orange", linewidth=2)
        ax_d.set_title(f"{name}'(z)")
        for ax in (ax_f, ax_d):
            ax.axhline(0, color="grey", linewidth=0.6)
            ax.axvline(0, color="grey", linewidth=0.6)
            ax.grid(alpha=0.3)
    for ax in axes.flat[2 * len(names):]:
        ax.axis("off")
    fig.suptitle("Activation functions (blue) and their derivatives by automatic differentiation (orange)")
    return save_figure(fig, path)


def plot_decision_boundaries(panels: Sequence[tuple[str, Any, np.ndarray, np.ndarray]],
                             path: str | os.PathLike[str], *, resolution: int = 200) -> str:
    """Draws the decision regions of 2-D binary classifiers with their data points.

    Args:
        panels: ``(title, model, x, y)`` per panel: a model taking ``(n, 2)`` inputs and
            giving one output per sample (a probability or a 0/1 step), its data and 0/1 labels.
        path: The image to write.
        resolution: Grid points per axis.

    Returns:
        The path written.
    """
    if not isinstance(panels, Sequence) or isinstance(panels, str) or not panels:
        raise invalid_value("panels", "must hold at least one (title, model, x, y) panel", panels)
    resolution = check_int("resolution", resolution, minimum=2, maximum=2000)
    panels = [_check_panel(panel) for panel in panels]
    check_figure_path(path)
    plt = pyplot()
    cols = min(3, len(panels))
    rows = (len(panels) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 4.0 * rows), layout="constrained", squeeze=False)
    for ax, (title, model, x, y) in zip(axes.flat, panels):
        pad = 0.5 * max(float(np.ptp(x[:, 0])), float(np.ptp(x[:, 1])), 1.0) * 0.5
        gx, gy = np.meshgrid(np.linspace(x[:, 0].min() - pad, x[:, 0].max() + pad, resolution),
                             np.linspace(x[:, 1].min() - pad, x[:, 1].max() + pad, resolution))
        grid = np.c_[gx.ravel(), gy.ravel()].astype("float32")
        p = np.asarray(model.predict(grid, verbose=0, batch_size=4096)).reshape(gx.shape)
        ax.contourf(gx, gy, p, levels=[-0.01, 0.5, 1.01], colors=["#f4c7c3", "#c6dbef"], alpha=0.9)
        ax.contour(gx, gy, p, levels=[0.5], colors="black", linewidths=1)
        correct = np.mean((np.asarray(model.predict(x, verbose=0)).ravel() >= 0.5) == y)
        ax.scatter(x[y == 0, 0], x[y == 0, 1], c="tab:red", edgecolor="black", label="class 0")
        ax.scatter(x[y == 1, 0], x[y == 1, 1], c="tab:blue", edgecolor="black", marker="s", label="class 1")
        ax.set_title(f"{title}\ntraining accuracy {correct:.0%}")
        ax.legend(loc="lower right", fontsize=8)
    for ax in axes.flat[len(panels):]:
        ax.axis("off")
    return save_figure(fig, path)


def _check_panel(panel: Any) -> tuple[str, Any, np.ndarray, np.ndarray]:
    """One ``(title, model, x, y)`` panel: a model from 2 features to 1 output, finite 2-D points, 0/1 labels."""
    from zoo.utils.arrays import as_samples, describe, model_facts

    if not isinstance(panel, (tuple, list)) or len(panel) != 4:
        raise invalid_type("panels", "a sequence of (title, model, x, y) tuples", panel)
    title, model, x, y = panel
    if not hasattr(model, "predict"):
        raise invalid_type("panels", "panels whose model has predict()", model)
    facts = model_facts(model)
    if facts["input_shape"] not in (None, (2,)):
        raise invalid_value("panels", "needs models of 2 input features (a plane to draw)", facts["input_shape"])
    out = getattr(model, "output_shape", None)
    if isinstance(out, tuple) and out[-1] not in (None, 1):
        raise invalid_value("panels", "needs binary models with one output unit", out)
    x = as_samples("panels", x).astype("float32")
    if x.ndim != 2 or x.shape[1] != 2:
        raise invalid_value("panels", "needs x of shape (n, 2)", describe(x))
    y = as_samples("panels", y).ravel()
    if len(y) != len(x) or not set(np.unique(y).tolist()) <= {0, 1}:
        raise invalid_value("panels", "needs one 0/1 label per point of x", describe(y))
    return str(title), model, x, y
