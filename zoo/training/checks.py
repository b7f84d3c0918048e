"""The one validation path for training data: `zoo.fit`, `zoo.pipeline.dataset`, `zoo.train` and `run_search`.

Everything here runs on numpy before any TensorFlow work, so a bad array is refused in
milliseconds with the zoo's template (the argument's name, the rule, ``Received:``)
instead of training to ``loss=nan`` or failing inside Keras after the work started:
non-finite values (with the index of the first one), values beyond float32, complex or
non-numeric data, ragged lists, sample counts (naming ``validation_data`` when it is the
culprit), features against the model's input, targets against its head (the rules of
`zoo.training.targets.check_targets`, plus the range of a bounded regression output),
images against a transfer model's ``input_range``, and sample and class weights.
"""

from __future__ import annotations

import numbers
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from zoo.training.targets import check_targets
from zoo.utils.arrays import as_samples, check_weights, describe, model_facts
from zoo.utils.validation import check_file_target, check_int, invalid_type, invalid_value

# A batch size beyond TensorFlow's int32 shapes fails inside tf.data; no dataset has that many samples.
MAX_BATCH_SIZE = 2**31 - 1
# Losses whose target rules `check_targets` knows; a model compiled with another loss keeps its own rules.
KNOWN_LOSSES = ("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy",
                "mean_squared_error", "mean_absolute_error", "huber", "mse", "mae")


def check_class_weight(value: Any, *, loss: str | None, units: int | None) -> dict[int, float]:
    """``{class id: weight}`` for every class of a classification head, finite and >= 0."""
    if not isinstance(value, Mapping) or not value:
        raise invalid_type("class_weight", "a non-empty {class id: weight} dict", value)
    for key, weight in value.items():
        if isinstance(key, bool) or not isinstance(key, numbers.Integral) or key < 0:
            raise invalid_value("class_weight", "must have class ids (integers >= 0) as keys", value)
        if isinstance(weight, bool) or not isinstance(weight, numbers.Real) or not np.isfinite(weight) or weight < 0:
            raise invalid_value("class_weight", f"must map each class to a finite weight >= 0 (class {key})", value)
    if loss in ("sparse_categorical_crossentropy", "categorical_crossentropy", "binary_crossentropy") and units:
        classes = 2 if loss == "binary_crossentropy" and units == 1 else units
        missing = sorted(set(range(classes)) - set(value))
        extra = sorted(set(value) - set(range(classes)))
        if missing or extra:
            rule = f"needs a weight for each class 0..{classes - 1}"
            rule += f" (missing {missing})" if missing else f" (no class {extra})"
            raise invalid_value("class_weight", rule, value)
    elif loss is not None and loss in KNOWN_LOSSES:
        raise invalid_value("class_weight", f"applies to classification heads only, not a {loss} head", value)
    return {int(k): float(v) for k, v in value.items()}


@dataclass
class FitData:
    """The checked arrays of one `fit` call (validation as ``(x, y[, weights])`` or None)."""

    x: np.ndarray
    y: np.ndarray | None
    sample_weight: np.ndarray | None
    validation_data: tuple[Any, ...] | None


def check_fit_args(*, epochs: Any = None, batch_size: Any = None) -> None:
    """`epochs` and `batch_size` as every fit takes them: integers >= 1 (None: not given)."""
    if epochs is not None:
        check_int("epochs", epochs, minimum=1)
    if batch_size is not None:
        check_int("batch_size", batch_size, minimum=1, maximum=MAX_BATCH_SIZE)


def check_fit_data(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    sample_weight: Any = None,
    class_weight: Any = None,
    validation_data: Any = None,
    head: tuple[str, int] | None = None,
    output_range: tuple[float | None, float | None] | None = None,
    input_shape: tuple[Any, ...] | None = None,
    input_range: tuple[float, float] | None = None,
    output_rank: int | None = None,
) -> FitData:
    """Checks everything a fit is given against each other and against the model, before any work.

    Args:
        model: A Keras model, or None when the facts below are passed instead (a search).
        x, y: Training arrays.
        sample_weight: Per-sample weights or None.
        class_weight: ``{class: weight}`` or None.
        validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, weights)`` or None.
        head: ``(loss, units)``; read from `model` when None.
        output_range: ``(low, high)`` of a bounded regression output; read from `model` when None.
        output_rank: The rank of the model's output with the batch axis; read from `model` when None.
        input_shape: The model's input shape without the batch axis; read from `model` when None.
        input_range: A transfer model's ``input_range``; read from `model` when None.

    Returns:
        A `FitData` of numpy arrays.

    Raises:
        TypeError, ValueError: Naming the argument (``validation_data`` for its parts).
    """
    if model is not None:
        head = head or model_facts(model)["head"]
        facts = model_facts(model)
        output_range = output_range or facts["output_range"]
        input_shape = input_shape or facts["input_shape"]
        input_range = input_range or facts["input_range"]
        output_rank = output_rank or facts["output_rank"]
    x = as_samples("x", x)
    _check_features("x", x, input_shape, input_range)
    if y is not None:
        y = _check_labels("y", y, head, output_range, output_rank)
        if len(y) != len(x):
            raise invalid_value("y", f"must have one row per sample of x ({len(x)})", describe(y))
    if sample_weight is not None:
        if y is None:
            raise invalid_value("sample_weight", "needs targets `y`", describe(np.asarray(sample_weight)))
        sample_weight = check_weights("sample_weight", sample_weight, len(x))
    if class_weight is not None:
        check_class_weight(class_weight, loss=head[0] if head else None, units=head[1] if head else None)
    if validation_data is not None:
        validation_data = check_validation_data(validation_data, x, head=head, output_range=output_range,
                                                input_shape=input_shape, input_range=input_range,
                                                output_rank=output_rank)
    return FitData(x, y, sample_weight, validation_data)


def check_validation_data(value: Any, x: np.ndarray, *, head: tuple[str, int] | None = None, output_range: Any = None,
                          input_shape: Any = None, input_range: Any = None, output_rank: int | None = None,
                          ) -> tuple[Any, ...]:
    """``(x_val, y_val[, weights])`` checked as the training data is, every problem naming `validation_data`."""
    name = "validation_data"
    if not isinstance(value, (tuple, list)) or len(value) not in (2, 3):
        raise invalid_type(name, "a tuple (x_val, y_val) or (x_val, y_val, weights)", value)
    x_val = as_samples(name, value[0])
    if x_val.shape[1:] != x.shape[1:]:
        raise invalid_value(name, f"must hold samples of the training shape {x.shape[1:]}", describe(x_val))
    _check_features(name, x_val, input_shape, input_range)
    y_val = _check_labels(name, value[1], head, output_range, output_rank)
    if len(y_val) != len(x_val):
        raise invalid_value(name, f"must have as many targets as inputs ({len(x_val)} x_val, {len(y_val)} y_val)",
                            describe(y_val))
    parts: tuple[Any, ...] = (x_val, y_val)
    if len(value) == 3 and value[2] is not None:
        parts += (check_weights(name, value[2], len(x_val)),)
    return parts


def _check_labels(name: str, y: Any, head: tuple[str, int] | None, output_range: Any,
                  output_rank: int | None = None) -> np.ndarray:
    y = as_samples(name, y)
    if head is None or head[0] not in KNOWN_LOSSES:
        return y
    loss, units = head
    y = check_targets(y, loss=loss, units=units, name=name)
    if output_rank is not None:
        # Sparse class ids drop the output's last axis; every other target keeps it (a 1-unit output may drop it).
        if loss == "sparse_categorical_crossentropy":
            ranks = {output_rank - 1} | ({output_rank} if y.shape[-1:] == (1,) else set())
        else:
            ranks = {output_rank} | ({output_rank - 1} if units == 1 else set())
        if y.ndim not in ranks:
            raise invalid_value(name, f"must have {' or '.join(str(r) for r in sorted(ranks))} dimension(s) for the "
                                f"model's output of rank {output_rank} ({loss}, {units} unit(s))", describe(y))
    if output_range is not None and loss not in ("sparse_categorical_crossentropy", "categorical_crossentropy",
                                                 "binary_crossentropy"):
        low, high = output_range
        if (low is not None and y.min() < low) or (high is not None and y.max() > high):
            span = f"[{'-inf' if low is None else f'{low:g}'}, {'inf' if high is None else f'{high:g}'}]"
            raise invalid_value(name, f"must lie in the model's output range {span} (its bounds), but holds values "
                                f"from {float(y.min()):g} to {float(y.max()):g}", describe(y))
    return y


def _check_features(name: str, x: np.ndarray, input_shape: Any, input_range: Any) -> None:
    if input_shape is not None:
        expected = tuple(input_shape)
        got = tuple(x.shape[1:])
        if len(got) != len(expected) or any(e is not None and e != g for e, g in zip(expected, got)):
            shape = tuple("None" if e is None else e for e in expected)
            raise invalid_value(name, f"must hold samples of the model's input shape {shape} (without the batch axis)",
                                describe(x))
    if input_range is not None:
        low, high = input_range
        slack = 1e-3 * (high - low)
        if float(x.min()) < low - slack or float(x.max()) > high + slack:
            hint = " (uint8 pixels 0-255: divide by 255, or build with input_range=(0, 255))" if high == 1 else ""
            raise invalid_value(name, f"must hold images in the model's input_range [{low:g}, {high:g}], but holds "
                                f"values from {float(x.min()):g} to {float(x.max()):g}{hint}", describe(x))


def check_train_args(architecture: Any, builder_kwargs: Mapping[str, Any], *, out: Any, verbose: Any,
                     callbacks: Any) -> None:
    """`zoo.train`'s architecture and builder keywords, output folder, `verbose` and `callbacks`,
    checked before the folder is created.

    Raises:
        TypeError, ValueError: Naming the argument; for `out`, a file in the way or a
            parent that cannot be written.
    """
    from zoo import registry

    defaults = registry.get_entry(architecture).defaults()
    unknown = sorted(set(builder_kwargs) - set(defaults))
    if unknown:
        raise TypeError(f"`{unknown[0]}` is not an argument of zoo.{architecture}; its arguments are "
                        f"{', '.join(defaults)}. Received: {unknown[0]}={builder_kwargs[unknown[0]]!r}")
    check_file_target("out", out, folder=True)
    check_fit_options({"verbose": verbose, "callbacks": callbacks})


def check_fit_options(options: Mapping[str, Any], *, epochs: int | None = None) -> None:
    """The Keras ``fit`` options the zoo passes through: ``verbose``, ``callbacks``, ``initial_epoch``
    (below `epochs`), ``validation_freq`` and ``validation_batch_size``, refused in the zoo's template
    rather than deep inside Keras."""
    verbose = options.get("verbose", "auto")
    if isinstance(verbose, bool) or verbose not in (0, 1, 2, "auto"):
        raise invalid_value("verbose", "must be 0, 1, 2 or 'auto'", verbose)
    callbacks = options.get("callbacks")
    if callbacks is not None:
        if isinstance(callbacks, (str, bytes)) or not isinstance(callbacks, (list, tuple)):
            raise invalid_type("callbacks", "a list of keras.callbacks.Callback", callbacks)
        import keras

        for callback in callbacks:
            if not isinstance(callback, keras.callbacks.Callback):
                raise invalid_type("callbacks", "a list of keras.callbacks.Callback", callback)
    if "initial_epoch" in options:
        check_int("initial_epoch", options["initial_epoch"], minimum=0,
                  maximum=None if epochs is None else epochs - 1)
    if "validation_freq" in options:
        check_int("validation_freq", options["validation_freq"], minimum=1)
    if options.get("validation_batch_size") is not None:
        check_int("validation_batch_size", options["validation_batch_size"], minimum=1, maximum=MAX_BATCH_SIZE)
