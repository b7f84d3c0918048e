"""KerasTuner hypermodels for the zoo's architectures (after keras-tuner's ``applications``).

One class does the work: `ZooHyperModel` validates the fixed arguments in its
constructor (the builder's own validation, so the same ``Received:`` errors), declares
the architecture's search space in `build(hp)` and hands the values to the zoo builder.
The named classes (`MLPHyperModel`, `CNNHyperModel`, ...) are thin variants that only
pick the architecture; `hypermodel(name, **fixed)` returns the one for a registered name.
"""

from __future__ import annotations

from typing import Any

import keras_tuner as kt
import numpy as np

from tuning.spaces import Space, space_for
from zoo import registry
from zoo.utils.validation import check_choice, check_int, invalid_value

# Batch sizes that learn within a short trial (128 left Adam at 5e-4 short of its peak in
# 20 epochs); the default is Keras's own.
BATCH_SIZES = (16, 32, 64)
DEFAULT_BATCH_SIZE = 32


class ZooHyperModel(kt.HyperModel):
    """A `keras_tuner.HyperModel` over a registered zoo architecture.

    Example:
        >>> hm = tuning.MLPHyperModel(input_shape=(64,), task="multiclass", outputs=10)
        >>> model = hm.build(keras_tuner.HyperParameters())   # the builder's default model

    Args:
        architecture: A registered, tunable name (see `tuning.TUNABLE`).
        seed: Seeds each trial's weights and shuffling: the same seed gives the same
            trials and scores. None for fresh randomness.
        **fixed: Builder keywords held fixed across trials (``input_shape``, ``task`` or a
            `zoo.Head`, ``outputs``, ...). A fixed keyword is never searched.

    Raises:
        ValueError, TypeError: If a fixed argument is invalid for the builder; raised here,
            before any trial.
    """

    architecture: str = ""

    def __init__(self, architecture: str | None = None, /, *, seed: int | None = None, **fixed: Any) -> None:
        named = type(self).architecture
        architecture = architecture or named
        self.architecture = check_choice("architecture", architecture, registry.list_tunable())
        if named and architecture != named:
            raise invalid_value("architecture", f"must be {named!r} for {type(self).__name__} (or use "
                                f"tuning.hypermodel({architecture!r}))", architecture)
        self.entry = registry.get_entry(architecture)
        self.seed = None if seed is None else check_int("seed", seed, minimum=0)
        for key in ("compile", "strategy", "name"):
            if key in fixed:
                raise ValueError(f"`{key}` is set by the tuner, not fixed by the user. Received: {key}={fixed[key]!r}")
        self.fixed = dict(fixed)
        defaults = self.entry.defaults()
        unknown = sorted(set(self.fixed) - set(defaults))
        if unknown:
            raise TypeError(f"`{unknown[0]}` is not an argument of zoo.{architecture}; its arguments are "
                            f"{', '.join(defaults)}. Received: {unknown[0]}={self.fixed[unknown[0]]!r}")
        for layers in ("hidden_layers", "recurrent_layers"):
            units = self.fixed.get("units")
            if layers in defaults and layers not in self.fixed and isinstance(units, (tuple, list)):
                raise invalid_value("units", f"fixes one width per layer, so the searched layer count would not fit "
                                    f"it: also fix {layers}={len(units)}, or fix one int", units)
        # The builder's own validation, run once now rather than failing every trial.
        probe = self.entry.builder(**self.fixed)
        self.loss: str = probe.loss
        self.units: int = int(probe.output_shape[-1])
        self.metric_names: tuple[str, ...] = _metric_names(probe)
        from zoo.utils.arrays import model_facts

        # What run_search checks the data against (input shape, output range, input_range).
        self.facts: dict[str, Any] = model_facts(probe)
        super().__init__(name=f"{architecture}_hypermodel", tunable=True)

    def builder_kwargs(self, hp: kt.HyperParameters) -> dict[str, Any]:
        """Declares this architecture's space on `hp`; returns the builder keywords of this trial."""
        space = Space(hp, self.entry.defaults(), self.fixed)
        return {**self.fixed, **space_for(self.architecture)(space)}

    def build(self, hp: kt.HyperParameters) -> Any:
        """Builds and compiles the trial's model with the zoo builder."""
        return self.entry.builder(**self.builder_kwargs(hp), seed=self.seed)

    def fit_kwargs(self, hp: kt.HyperParameters, kwargs: dict[str, Any]) -> dict[str, Any]:
        """Declares the fit-time space on `hp` (the batch size, unless given); returns the fit kwargs."""
        if "batch_size" in kwargs:
            return kwargs
        return {**kwargs, "batch_size": hp.Choice("batch_size", list(BATCH_SIZES), default=DEFAULT_BATCH_SIZE)}

    def default_values(self) -> dict[str, Any]:
        """The values of trial one: every searched hyperparameter at the builder's default."""
        hp = kt.HyperParameters()
        self.builder_kwargs(hp)
        self.fit_kwargs(hp, {})
        return {k: v for k, v in hp.values.items() if hp.is_active(k)}

    def is_default(self, hp: kt.HyperParameters) -> bool:
        """Whether a trial's active values are the default configuration's."""
        values = {k: v for k, v in hp.values.items() if hp.is_active(k) and not k.startswith("tuner/")}
        defaults = self.default_values()
        # A hyperparameter the search does not hold (the batch size when fixed) cannot differ.
        searched = {p.name for p in hp.space}
        return all(defaults.get(k, v) == v for k, v in values.items()) and all(
            k in values for k in defaults if k in searched)

    def fit(self, hp: kt.HyperParameters, model: Any, x: Any, y: Any = None, **kwargs: Any) -> Any:
        """Fits through `zoo.fit` with the searched batch size (unless given).

        `zoo.fit` compiles with XLA only when the trial is long enough to repay it (a
        20-epoch trial on digits is not: 2x64 MLP, 1.7-1.9 s without, 2.3-3.6 s with).
        """
        from zoo.training.pipeline import fit

        kwargs = self.fit_kwargs(hp, kwargs)
        if self.seed is not None:
            import keras

            keras.utils.set_random_seed(self.seed)
        seed = self.seed if self.seed is not None else int(np.random.default_rng().integers(2**31))
        return fit(model, x, y, seed=seed, **kwargs)

    def objectives(self) -> list[str]:
        """The objective names this hypermodel's models report (with validation data)."""
        names = ("loss", *self.metric_names)
        return [*names, *(f"val_{n}" for n in names)]

    def default_objective(self) -> str:
        """``val_accuracy`` (or ``val_binary_accuracy``) for classification, ``val_loss`` otherwise."""
        for metric in ("accuracy", "binary_accuracy"):
            if metric in self.metric_names:
                return f"val_{metric}"
        return "val_loss"

    def __repr__(self) -> str:
        fixed = ", ".join(f"{k}={v!r}" for k, v in self.fixed.items())
        return f"{type(self).__name__}({fixed})"


def _metric_names(model: Any) -> tuple[str, ...]:
    """Names of a compiled model's metrics, read from its compile config (no forward pass)."""
    names = []
    for metric in model.get_compile_config().get("metrics") or []:
        names.append(metric if isinstance(metric, str) else metric["config"]["name"])
    return tuple(names)


class MLPHyperModel(ZooHyperModel):
    """Searches `zoo.mlp`: layers, neurons (equal or pyramid), activation, dropout, optimizer, rate."""

    architecture = "mlp"


class MNISTMLPHyperModel(ZooHyperModel):
    """Searches `zoo.mnist_mlp`: hidden width, activation, dropout, optimizer, rate."""

    architecture = "mnist_mlp"


class LogisticRegressionHyperModel(ZooHyperModel):
    """Searches `zoo.logistic_regression`: optimizer and learning rate."""

    architecture = "logistic_regression"


class SimpleRNNHyperModel(ZooHyperModel):
    """Searches `zoo.simple_rnn`: recurrent layers, units, dropout, optimizer, rate."""

    architecture = "simple_rnn"


class LSTMHyperModel(ZooHyperModel):
    """Searches `zoo.lstm`: recurrent layers, units, dropout, optimizer, rate."""

    architecture = "lstm"


class CNNHyperModel(ZooHyperModel):
    """Searches `zoo.cnn`: blocks, filters, kernel size, dense units, dropout, rate."""

    architecture = "cnn"


class TransferHyperModel(ZooHyperModel):
    """Searches `zoo.transfer`'s head on the frozen base: units, dropout, optimizer, rate."""

    architecture = "transfer"


HYPERMODELS = {cls.architecture: cls for cls in (MLPHyperModel, MNISTMLPHyperModel, LogisticRegressionHyperModel,
                                                 SimpleRNNHyperModel, LSTMHyperModel, CNNHyperModel,
                                                 TransferHyperModel)}


TUNABLE = tuple(registry.list_tunable())  # at import; `registry.list_tunable()` sees later registrations


def hypermodel(name: str, /, *, seed: int | None = None, **fixed: Any) -> ZooHyperModel:
    """Returns the hypermodel of a registered architecture.

    Example:
        >>> hm = tuning.hypermodel("cnn", input_shape=(8, 8, 1), outputs=10)

    Args:
        name: A registered name with a search space (`zoo.registry.list_tunable()`).
        seed: See `ZooHyperModel`.
        **fixed: Builder keywords held fixed.

    Returns:
        The architecture's `ZooHyperModel` subclass, constructed.
    """
    check_choice("name", name, registry.list_tunable())
    return HYPERMODELS.get(name, ZooHyperModel)(name, seed=seed, **fixed)
