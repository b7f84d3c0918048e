"""Search spaces: which hyperparameters each architecture searches, mapped onto its builder's keywords.

A space is a function ``space(s) -> dict`` registered under an architecture's name with
`@search_space`. It declares hyperparameters through `Space` (which skips keywords the
user fixed and takes every default from the builder's signature) and returns builder
keywords. It never builds a layer: the zoo's builder does that. A newly registered
builder becomes tunable by declaring its space here.

Ranges were chosen by measurement (``scripts/bench_tuning.py``, README "Tuning"): every
region of a space must learn within a short trial (20-30 epochs on the bundled data), so
a search spends no trial on a model that cannot learn in time. Adam is the only
optimizer searched by default: plain SGD at Adam's learning rates never got past chance
in 20 epochs (40 of 96 trials were hopeless). Adam's rate is searched over 5e-4..2e-2 on a
log scale (1e-4 left digits at 37% after 20 epochs at batch 128); a fixed optimizer gets
its own range from `LEARNING_RATES`. The notes' fine-tuning advice (seed 001) sets the
shapes: a few hidden layers, equal widths or a decreasing pyramid.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from zoo import registry
from zoo.utils.validation import check_choice

MAX_HIDDEN_LAYERS = 3
# SELU is left out of the searched activations: its trials were the worst on diabetes
# (test R^2 -0.31, -0.27, -0.17 where tanh reached 0.33-0.43); pass activation="selu" to fix it.
ACTIVATIONS = ["relu", "tanh"]
# Learning-rate ranges in which each optimizer learns within a short trial (log scale).
LEARNING_RATES = {"adam": (5e-4, 2e-2), "adamw": (5e-4, 2e-2), "nadam": (5e-4, 2e-2), "rmsprop": (2e-4, 1e-2),
                  "sgd": (1e-2, 3e-1)}


def search_space(name: str) -> Callable[[Callable[["Space"], dict[str, Any]]], Callable[["Space"], dict[str, Any]]]:
    """Declares `fn` the search space of the registered architecture `name` (kept in its `ModelEntry`)."""
    def decorator(fn: Callable[[Space], dict[str, Any]]) -> Callable[[Space], dict[str, Any]]:
        registry.declare_search_space(name, fn)
        return fn
    return decorator


def space_for(name: str) -> Callable[["Space"], dict[str, Any]]:
    """The declared search space of `name`; a clear error for untunable names."""
    return registry.get_entry(check_choice("name", name, registry.list_tunable())).search_space


class Space:
    """Declares hyperparameters on `hp`, with the builder's defaults, skipping fixed keywords.

    Args:
        hp: The trial's `keras_tuner.HyperParameters`.
        defaults: The builder's keyword defaults.
        fixed: Keywords the user fixed: they are passed through, never searched.
    """

    def __init__(self, hp: Any, defaults: Mapping[str, Any], fixed: Mapping[str, Any]) -> None:
        self.hp = hp
        self.defaults = defaults
        self.fixed = fixed

    def default(self, name: str) -> Any:
        """The value the builder would use: the fixed one, else its signature default."""
        return self.fixed.get(name, self.defaults.get(name))

    def int(self, name: str, low: int, high: int, *, step: int | None = None, sampling: str = "linear",
            default: Any = None) -> int:
        """An integer hyperparameter; its range is widened to hold the builder's default."""
        if name in self.fixed:
            return self.fixed[name]
        default = self.default(name) if default is None else default
        return self.hp.Int(name, min(low, default), max(high, default), step=step, sampling=sampling,
                           default=default)

    def float(self, name: str, low: float, high: float, *, step: float | None = None,
              sampling: str = "linear") -> float:
        """A float hyperparameter defaulting to the builder's value."""
        if name in self.fixed:
            return self.fixed[name]
        default = self.default(name)
        return self.hp.Float(name, min(low, default), max(high, default), step=step, sampling=sampling,
                             default=default)

    def choice(self, name: str, values: Sequence[Any], *, default: Any = None) -> Any:
        """A categorical hyperparameter; the builder's default is always one of the values."""
        if name in self.fixed:
            return self.fixed[name]
        default = self.default(name) if default is None else default
        values = list(values) if default in values else [default, *values]
        return self.hp.Choice(name, values, default=default)


def _training(s: Space) -> dict[str, Any]:
    """The learning rate, in the range where the optimizer learns within a short trial.

    The optimizer itself is not searched (the builder's, Adam unless fixed); an
    optimizer object fixed by the user keeps its own rate.
    """
    optimizer = s.default("optimizer")
    if not isinstance(optimizer, str):
        return {"optimizer": optimizer, "learning_rate": None}
    low, high = LEARNING_RATES.get(optimizer.lower(), LEARNING_RATES["adam"])
    return {"optimizer": optimizer, "learning_rate": s.float("learning_rate", low, high, sampling="log")}


def _widths(s: Space, layers_name: str, max_layers: int, low: int, high: int) -> dict[str, Any]:
    """Layer count and widths: equal widths, or a decreasing pyramid.

    ``units`` is the first layer's width. With two or more layers, ``width_profile``
    chooses "equal" or "pyramid"; a pyramid multiplies each next width by ``shrink``
    (never below `low`). ``width_profile`` is active only with 2+ layers and ``shrink``
    only in a pyramid, so inactive choices never appear in a trial's values.
    """
    hp = s.hp
    layers = s.int(layers_name, 1, max_layers)
    units = s.int("units", low, high, sampling="log")
    if "units" in s.fixed or (layers_name in s.fixed and layers < 2):
        return {layers_name: layers, "units": units}
    scope = (hp.conditional_scope(layers_name, list(range(2, max_layers + 1))) if layers_name not in s.fixed
             else contextlib.nullcontext())
    with scope:
        profile = s.choice("width_profile", ["equal", "pyramid"], default="equal")
        with hp.conditional_scope("width_profile", ["pyramid"]):
            shrink = s.choice("shrink", [0.5, 0.75], default=0.5)
    if layers < 2 or profile != "pyramid":
        return {layers_name: layers, "units": units}
    return {layers_name: layers, "units": tuple(max(low, round(units * shrink ** i)) for i in range(layers))}


def _regularisation(s: Space, high: float = 0.3) -> dict[str, Any]:
    return {"dropout": s.float("dropout", 0.0, high, step=0.1)}


@search_space("mlp")
def mlp_space(s: Space) -> dict[str, Any]:
    """Hidden layers 1-3, 32-256 units (equal or pyramid), activation, dropout, learning rate."""
    return {**_widths(s, "hidden_layers", MAX_HIDDEN_LAYERS, 32, 256),
            "activation": s.choice("activation", ACTIVATIONS),
            **_regularisation(s), **_training(s)}


@search_space("mnist_mlp")
def mnist_mlp_space(s: Space) -> dict[str, Any]:
    """The notes' one hidden layer: its width, activation, dropout and learning rate."""
    return {"units": s.int("units", 32, 256, sampling="log"), "activation": s.choice("activation", ACTIVATIONS),
            **_regularisation(s), **_training(s)}


@search_space("logistic_regression")
def logistic_regression_space(s: Space) -> dict[str, Any]:
    """A single unit: only the learning rate."""
    return _training(s)


def _recurrent_space(s: Space) -> dict[str, Any]:
    """Recurrent layers 1-3 of 32-128 units (equal or pyramid), dropout, learning rate.

    Measured: with 8-128 units, 3 of 20 LSTM trials on digits (10-16 units) were hopeless.
    """
    return {**_widths(s, "recurrent_layers", 3, 32, 128), **_regularisation(s), **_training(s)}


search_space("simple_rnn")(_recurrent_space)
search_space("lstm")(_recurrent_space)


@search_space("cnn")
def cnn_space(s: Space) -> dict[str, Any]:
    """Conv blocks 1-3 with doubling filters, kernel size, dense units, dropout, rate.

    Where a valid convolution would not fit the feature map (8x8 digits with three
    blocks of 5x5), the trial uses ``padding="same"`` instead of failing.
    """
    from zoo.models.convolutional import plan_blocks

    filters = s.default("filters")
    filters = (filters,) if isinstance(filters, int) else tuple(filters)
    if "filters" in s.fixed:
        kwargs: dict[str, Any] = {"filters": filters}
    else:
        blocks = s.int("blocks", 1, 3, default=len(filters))
        first = s.choice("filters_1", [16, 32, 64], default=filters[0])
        kwargs = {"filters": tuple(first * 2 ** i for i in range(blocks))}
    kwargs["kernel_size"] = s.choice("kernel_size", [3, 5])
    shape = s.default("input_shape")
    if "padding" not in s.fixed:
        try:
            plan_blocks(tuple(shape[:2]), len(kwargs["filters"]), kwargs["kernel_size"], s.default("pool_size"),
                        "valid")
            kwargs["padding"] = s.default("padding")
        except ValueError:
            kwargs["padding"] = "same"
    return {**kwargs, "units": s.int("units", 32, 256, step=32), **_regularisation(s), **_training(s)}


@search_space("transfer")
def transfer_space(s: Space) -> dict[str, Any]:
    """The head on the frozen base: dense units, dropout, optimizer and rate."""
    return {"units": s.int("units", 32, 512, step=32), "dropout": s.float("dropout", 0.0, 0.7, step=0.1),
            **_training(s)}
