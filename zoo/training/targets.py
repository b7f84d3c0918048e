"""Checks that target data can be learnt by a compiled model's head, before any training.

`zoo.train` and `tuning.run_search` call this so that, for example, ten-class labels
given to a binary head fail at once with a message naming `y`, instead of training a
model that cannot represent them.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.models.heads import profile_targets
from zoo.utils.validation import invalid_type, invalid_value

_CLASS_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy")


def model_head(model: Any) -> tuple[str, int]:
    """The loss name and the number of output units of a compiled zoo model."""
    if not getattr(model, "compiled", False):
        raise invalid_value("model", "must be compiled to check targets against it", getattr(model, "name", model))
    loss = model.loss if isinstance(model.loss, str) else type(model.loss).__name__
    return loss, int(model.output_shape[-1])


def check_targets(y: Any, *, loss: str, units: int, name: str = "y") -> np.ndarray:
    """Checks that targets `y` fit a head with `loss` and `units` outputs.

    Args:
        y: Targets, one row (or one sequence) per sample.
        loss: The model's loss name (``model.loss`` of a zoo model).
        units: The model's output units.
        name: The argument's name, for the message.

    Returns:
        `y` as a numpy array.

    Raises:
        ValueError: If the targets cannot be learnt by that head; the message says what
            the head needs, what `y` holds and which task would fit.
        TypeError: If `y` is not numeric.
    """
    profile = profile_targets(y)
    arr, values, seen = profile.array, profile.values, profile.describe()
    if profile.problem in ("unreadable", "complex", "non-numeric"):
        raise invalid_type(name, "a numeric array with one row per sample", y)
    if profile.problem == "empty":
        raise ValueError(f"`{name}` is empty. Received: {name} with {seen}")
    if profile.problem == "non-finite":
        raise ValueError(f"`{name}` contains NaN or infinite values. Received: {name} with {seen}")

    def refuse(rule: str, hint: str) -> ValueError:
        return ValueError(f"`{name}` does not fit the model's head ({loss}, {units} unit(s)): {rule}. {hint} "
                          f"Received: {name} with {seen}, values {_span(values)}")

    if loss == "sparse_categorical_crossentropy":
        if not profile.integral or values.min() < 0 or values.max() >= units:
            raise refuse(f"class ids must be integers 0..{units - 1}",
                         "Pass outputs= the number of classes, or task='regression' for real-valued targets.")
        if arr.ndim > 1 and arr.shape[-1] == units > 1 and set(values.tolist()) <= {0, 1} and (arr.sum(-1) == 1).all():
            raise refuse("one class id per sample is needed, not one-hot rows",
                         "Pass label_format='one_hot', or y.argmax(-1) as the labels.")
    elif loss == "categorical_crossentropy":
        if arr.ndim < 2 or arr.shape[-1] != units or not set(values.tolist()) <= {0, 1}:
            raise refuse(f"one-hot rows of width {units} are needed",
                         "Pass label_format='sparse' for integer class ids.")
    elif loss == "binary_crossentropy":
        if values.min() < 0 or values.max() > 1:
            hint = (f"Pass task='multiclass', outputs={int(values.max()) + 1}."
                    if profile.integral and values.min() >= 0 else "Pass task='regression'.")
            raise refuse("labels must be 0 or 1 (or probabilities in [0, 1])", hint)
        if units > 1 and (arr.ndim < 2 or arr.shape[-1] != units):
            raise refuse(f"multi-label rows of width {units} are needed", "Pass outputs= the number of labels.")
    elif units > 1 and (arr.ndim < 2 or arr.shape[-1] != units):
        raise refuse(f"rows of {units} targets are needed", "Pass outputs= the number of regression targets.")
    elif units == 1 and arr.ndim > 1 and arr.shape[-1] != 1:
        raise refuse("one target per sample is needed", f"Pass outputs={arr.shape[-1]} for {arr.shape[-1]} targets.")
    if loss in _CLASS_LOSSES and units == 1 and arr.ndim > 1 and arr.shape[-1] != 1:
        raise refuse("one label per sample is needed", "Pass task='multilabel' with outputs= the label count.")
    return arr


def _span(values: np.ndarray) -> str:
    if len(values) <= 6:
        return "{" + ", ".join(f"{v:g}" for v in values.tolist()) + "}"
    return f"{len(values)} distinct in [{values.min():g}, {values.max():g}]"
