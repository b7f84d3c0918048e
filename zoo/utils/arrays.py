"""Array checks below the training layer: numeric, rectangular, finite samples and what a model expects.

`zoo.training.checks` builds the one data validation path of `fit`, `train` and
`run_search` on these; the plots use them for their points. Nothing here imports Keras.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.utils.validation import invalid_type, invalid_value

FLOAT32_MAX = float(np.finfo(np.float32).max)
_ACTIVATION_RANGE = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0), "softplus": (0.0, None), "relu": (0.0, None)}


class _Summary(str):
    """An array's description that prints without quotes after ``Received:``."""

    def __repr__(self) -> str:
        return str(self)


def describe(array: np.ndarray) -> str:
    """``<array of shape (n, ...) and dtype d>``: what the messages print instead of the data."""
    return _Summary(f"<array of shape {tuple(array.shape)} and dtype {array.dtype}>")


def as_samples(name: str, value: Any, *, finite: bool = True) -> np.ndarray:
    """`value` as a numeric numpy array with a first axis of samples, or the zoo's error.

    Args:
        name: The argument's name, for the message.
        value: An array, a (rectangular) nested list, or a tensor.
        finite: Also refuse NaN, infinity and floats beyond float32's range.

    Returns:
        The array (float64 is kept: the caller casts it).

    Raises:
        TypeError: For None, a non-array, complex, string or object data.
        ValueError: For a ragged list, no samples, or (with `finite`) a non-finite value or
            one beyond float32, naming its index.
    """
    if value is None or isinstance(value, (str, bytes, dict, set)):
        raise invalid_type(name, "a numpy array (or a list or tensor convertible to one)", value)
    if not isinstance(value, np.ndarray):
        if not (hasattr(value, "numpy") or hasattr(value, "__array__") or isinstance(value, (list, tuple))):
            raise invalid_type(name, "a numpy array (or a list or tensor convertible to one)", value)
        try:
            value = np.asarray(value)
        except (ValueError, TypeError):
            raise invalid_value(name, "must be rectangular: every sample the same shape (a ragged list was given)",
                                _Summary(f"<ragged {type(value).__name__} of {len(value)} items>")) from None
    if value.dtype.kind == "c":
        raise _not_numeric(name, "real numbers (complex values would lose their imaginary part)", value)
    if value.dtype.kind not in "biuf":
        raise _not_numeric(name, "numbers (not strings or objects)", value)
    if value.ndim == 0 or len(value) == 0:
        raise invalid_value(name, "must hold at least one sample (an array with a first axis of length >= 1)",
                            describe(value))
    if finite and value.dtype.kind == "f":
        bad = ~np.isfinite(value)
        if value.dtype.itemsize > 4:
            bad |= np.abs(np.where(bad, 0.0, value)) > FLOAT32_MAX
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            at = ", ".join(map(str, index))
            raise invalid_value(name, f"must hold finite float32 values, but {name}[{at}] is {float(value[index])!r}",
                                describe(value))
    return value


def _not_numeric(name: str, rule: str, value: np.ndarray) -> TypeError:
    return TypeError(f"`{name}` must hold {rule}. Received: {name}={describe(value)}")


def check_weights(name: str, value: Any, samples: int) -> np.ndarray:
    """Per-sample weights: 1-D, one per sample, finite and >= 0, not all zero."""
    weights = as_samples(name, value)
    if weights.ndim != 1:
        raise invalid_value(name, "must be 1-D: one weight per sample", describe(weights))
    if len(weights) != samples:
        raise invalid_value(name, f"must have one weight per sample ({samples})", describe(weights))
    if (weights < 0).any() or not weights.any():
        raise invalid_value(name, "must be >= 0 and not all zero", describe(weights))
    return weights


def model_facts(model: Any) -> dict[str, Any]:
    """What the checks need from a Keras model: head ``(loss, units)`` (None when not compiled or
    not a single output), bounded output range, input shape and a transfer model's ``input_range``."""
    facts: dict[str, Any] = {"head": None, "output_range": None, "input_shape": None, "input_range": None,
                             "output_rank": None}
    try:
        shape = model.input_shape
    except (AttributeError, ValueError):
        shape = None
    if isinstance(shape, tuple) and all(d is None or isinstance(d, int) for d in shape):
        facts["input_shape"] = shape[1:]
    try:
        out = model.output_shape
    except (AttributeError, ValueError):
        out = None
    if getattr(model, "compiled", False) and isinstance(out, tuple) and isinstance(model.loss, str) and out[-1]:
        facts["head"] = (model.loss, int(out[-1]))
        facts["output_rank"] = len(out)  # with the batch axis
    layers = {layer.name: layer for layer in _all_layers(model)}
    head = layers.get("head")
    activation = getattr(getattr(head, "activation", None), "__name__", None)
    if activation in _ACTIVATION_RANGE:
        low, high = _ACTIVATION_RANGE[activation]
        rescale = layers.get("head_rescale")
        if rescale is not None:
            scale, offset = float(rescale.scale), float(rescale.offset)
            ends = [None if v is None else scale * v + offset for v in (low, high)]
            low, high = (ends[0], ends[1]) if scale > 0 else (ends[1], ends[0])
        facts["output_range"] = (low, high)
    for layer in layers.values():
        if type(layer).__name__ == "ImagePreprocessing" and getattr(layer, "input_range", None):
            facts["input_range"] = tuple(float(v) for v in layer.input_range)
    return facts


def _all_layers(model: Any) -> list[Any]:
    found, stack = [], list(getattr(model, "layers", []))
    while stack:
        layer = stack.pop()
        found.append(layer)
        stack.extend(getattr(layer, "layers", []))
    return found
