"""Output-head rules: task -> units, activation, loss and metrics.

The table comes from the notes' hyperparameter tables (seed 001):

========== =============== ============================== ========================== ======================
task       units           output activation              loss                       metrics
========== =============== ============================== ========================== ======================
binary     1               sigmoid                        binary cross-entropy       accuracy, AUC
multilabel 1 per label     sigmoid                        binary cross-entropy       binary accuracy, AUC
multiclass 1 per class     softmax                        (sparse) categorical CE    accuracy
regression 1 per target    none / softplus / sigmoid/tanh MSE (Huber or MAE: outliers) MAE, RMSE
========== =============== ============================== ========================== ======================

A head's activation and loss always agree (never softmax followed by a loss that
applies softmax again): `Head` refuses a disagreeing pair.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zoo.registry import TASKS
from zoo.utils.lazy import keras
from zoo.utils.validation import check_choice, check_int, invalid_type, invalid_value

LABEL_FORMATS = ("sparse", "one_hot")
OUTLIER_LOSSES = {False: "mean_squared_error", True: "huber", "huber": "huber", "mae": "mean_absolute_error"}

# Which output activations each loss accepts: the loss expects probabilities from exactly
# these activations, so a softmax head never meets a loss that applies softmax again.
_LOSS_ACTIVATIONS = {
    "binary_crossentropy": {"sigmoid"},
    "categorical_crossentropy": {"softmax"},
    "sparse_categorical_crossentropy": {"softmax"},
    "mean_squared_error": {"linear", "softplus", "relu", "sigmoid", "tanh"},
    "mean_absolute_error": {"linear", "softplus", "relu", "sigmoid", "tanh"},
    "huber": {"linear", "softplus", "relu", "sigmoid", "tanh"},
}

_METRICS = {
    "accuracy": lambda head: "accuracy",
    "binary_accuracy": lambda head: keras.metrics.BinaryAccuracy(name="binary_accuracy"),
    "auc": lambda head: keras.metrics.AUC(name="auc"),
    "multilabel_auc": lambda head: keras.metrics.AUC(
        name="auc", multi_label=True, num_labels=head.units
    ),
    "mae": lambda head: keras.metrics.MeanAbsoluteError(name="mae"),
    "rmse": lambda head: keras.metrics.RootMeanSquaredError(name="rmse"),
}


MAX_UNITS = 100_000
_REGRESSION_ACTIVATIONS = {"linear", "softplus", "relu", "sigmoid", "tanh"}
# What each task allows in a hand-built `Head`: exactly what `head_for` can produce.
_TASK_RULES: dict[str, dict[str, Any]] = {
    "binary": {"min_units": 1, "max_units": 1, "losses": ("binary_crossentropy",),
               "activations": {"sigmoid"}, "metrics": ("accuracy", "auc")},
    "multilabel": {"min_units": 2, "max_units": MAX_UNITS, "losses": ("binary_crossentropy",),
                   "activations": {"sigmoid"}, "metrics": ("binary_accuracy", "multilabel_auc")},
    "multiclass": {"min_units": 2, "max_units": MAX_UNITS,
                   "losses": ("sparse_categorical_crossentropy", "categorical_crossentropy"),
                   "activations": {"softmax"}, "metrics": ("accuracy",)},
    "regression": {"min_units": 1, "max_units": MAX_UNITS,
                   "losses": ("mean_squared_error", "huber", "mean_absolute_error"),
                   "activations": _REGRESSION_ACTIVATIONS, "metrics": ("mae", "rmse")},
}
_FLOAT32_MAX = float(np.finfo(np.float32).max)


def _check_rescale(rescale: Any, task: str, activation: str) -> None:
    if task != "regression" or activation not in ("linear", "sigmoid", "softplus"):
        raise invalid_value("rescale", "applies to regression heads (linear, sigmoid or softplus output) only, "
                            f"not task={task!r} with activation={activation!r}", rescale)
    if (not isinstance(rescale, tuple) or len(rescale) != 2
            or any(isinstance(v, bool) or not isinstance(v, numbers.Real) for v in rescale)):
        raise invalid_type("rescale", "a (scale, offset) tuple of numbers or None", rescale)
    scale, offset = rescale
    if not all(math.isfinite(v) and abs(v) <= _FLOAT32_MAX for v in rescale) or scale == 0:
        raise invalid_value("rescale", "must be finite float32 numbers with a non-zero scale", rescale)


@dataclass(frozen=True)
class Head:
    """What a model's output layer and loss must be for a task.

    Attributes:
        task: One of `TASKS`.
        units: Output units.
        activation: Output activation (a Keras activation name).
        loss: Loss name (a Keras loss name).
        metrics: Metric names, built by `keras_metrics()`.
        label_format: "sparse" (integer ids) or "one_hot" rows, for multiclass; else None.
        rescale: ``(scale, offset)`` applied after the activation, for bounded
            regression; None when the activation's range is already the target's.
        reason: Why this head was chosen (filled by `infer_head`).
    """

    task: str
    units: int
    activation: str
    loss: str
    metrics: tuple[str, ...]
    label_format: str | None = None
    rescale: tuple[float, float] | None = None
    reason: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        # Any combination the head rules would never produce is refused, naming the field.
        task = check_choice("task", self.task, TASKS)
        rule = _TASK_RULES[task]
        check_int("units", self.units, minimum=rule["min_units"], maximum=rule["max_units"])
        check_choice("loss", self.loss, rule["losses"])
        allowed = sorted(_LOSS_ACTIVATIONS[self.loss] & rule["activations"])
        if self.activation not in allowed:
            raise invalid_value(
                "activation",
                f"must agree with task={task!r} and loss={self.loss!r}: one of {', '.join(map(repr, allowed))}",
                self.activation,
            )
        if not isinstance(self.metrics, tuple):
            raise invalid_type("metrics", "a tuple of metric names", self.metrics)
        for metric in self.metrics:
            check_choice("metrics", metric, rule["metrics"])
        if task == "multiclass":
            check_choice("label_format", self.label_format, LABEL_FORMATS)
            expected = {"sparse": "sparse_categorical_crossentropy", "one_hot": "categorical_crossentropy"}
            if self.loss != expected[self.label_format]:
                raise invalid_value("loss", f"must be {expected[self.label_format]!r} for "
                                    f"label_format={self.label_format!r}", self.loss)
        elif self.label_format is not None:
            raise invalid_value("label_format", f"applies to task='multiclass' only, not task={task!r}",
                                self.label_format)
        if self.rescale is not None:
            _check_rescale(self.rescale, task, self.activation)
        if not isinstance(self.reason, str):
            raise invalid_type("reason", "a string", self.reason)

    def keras_metrics(self) -> list[Any]:
        """Builds fresh Keras metric objects for `compile`."""
        return [_METRICS[m](self) for m in self.metrics]

    def compile_kwargs(self) -> dict[str, Any]:
        """The ``loss`` and ``metrics`` arguments for `keras.Model.compile`."""
        return {"loss": self.loss, "metrics": self.keras_metrics()}


def _check_bounds(bounds: Any) -> tuple[float | None, float | None] | None:
    if bounds is None:
        return None
    if isinstance(bounds, str):
        if bounds == "positive":
            return (0.0, None)
        raise invalid_value("bounds", "must be None, 'positive' or a (low, high) pair", bounds)
    if isinstance(bounds, np.ndarray) and bounds.shape == (2,) and bounds.dtype.kind in "iuf":
        bounds = tuple(float(v) for v in bounds)
    if not isinstance(bounds, (tuple, list)) or len(bounds) != 2:
        raise invalid_type("bounds", "None, 'positive' or a (low, high) pair (either may be None)", bounds)
    ends = []
    for end in bounds:
        if end is None:
            ends.append(None)
        elif isinstance(end, bool) or not isinstance(end, numbers.Real) or not math.isfinite(end):
            raise invalid_value("bounds", "must hold finite numbers or None", bounds)
        else:
            ends.append(float(end))
    low, high = ends
    if low is None and high is None:
        return None
    if low is not None and high is not None and not low < high:
        raise invalid_value("bounds", "must satisfy low < high", bounds)
    # The output runs in float32: ends or a width beyond its range would make every prediction inf or NaN.
    if any(end is not None and abs(end) > _FLOAT32_MAX for end in ends) or (
            low is not None and high is not None and high - low > _FLOAT32_MAX):
        raise invalid_value("bounds", f"must lie within float32's range: |low|, |high| and high - low at most "
                            f"{_FLOAT32_MAX:.3g}", bounds)
    return (low, high)


def _regression_output(bounds: tuple[float | None, float | None] | None) -> tuple[str, tuple[float, float] | None]:
    """Chooses the output activation and rescaling that map onto `bounds`."""
    if bounds is None:
        return "linear", None
    low, high = bounds
    if high is None:  # [low, inf): softplus shifted up
        return "softplus", (None if low == 0 else (1.0, low))
    if low is None:  # (-inf, high]: softplus mirrored below high
        return "softplus", (-1.0, high)
    if (low, high) == (-1.0, 1.0):
        return "tanh", None
    return "sigmoid", (None if (low, high) == (0.0, 1.0) else (high - low, low))


def head_for(
    task: str,
    outputs: int | None = None,
    *,
    label_format: str = "sparse",
    bounds: Any = None,
    outliers: bool | str = False,
) -> Head:
    """Returns the head that the notes' tables prescribe for `task`.

    Args:
        task: "binary", "multilabel", "multiclass" or "regression".
        outputs: Labels (multilabel), classes (multiclass) or targets (regression).
            Binary always has 1 output; None means 1 for binary and regression.
        label_format: Multiclass labels as "sparse" integer ids or "one_hot" rows.
        bounds: Regression only: None (unbounded, linear output), "positive" (softplus),
            or a ``(low, high)`` pair where either end may be None. ``(-1, 1)`` uses
            tanh; other finite pairs use sigmoid rescaled onto ``[low, high]``.
        outliers: Regression only: False for MSE, True or "huber" for Huber, "mae" for MAE.

    Returns:
        A frozen `Head`.

    Raises:
        ValueError: If an argument is invalid or does not apply to `task`.
    """
    task = check_choice("task", task, TASKS)
    check_choice("label_format", label_format, LABEL_FORMATS)
    if not isinstance(outliers, bool):
        check_choice("outliers", outliers, [k for k in OUTLIER_LOSSES if not isinstance(k, bool)])
    if task != "multiclass" and label_format != "sparse":
        raise invalid_value("label_format", f"applies to task='multiclass' only, not task={task!r} "
                            "(binary and multilabel targets are 0/1 columns)", label_format)
    if task != "regression":
        for arg, value, unset in (("bounds", bounds, None), ("outliers", outliers, False)):
            if value is not unset:
                raise invalid_value(arg, f"applies to task='regression' only, not task={task!r}", value)
    return _HEAD_RULES[task](outputs, label_format=label_format, bounds=bounds, outliers=outliers)


def _binary(outputs: Any, **_: Any) -> Head:
    if outputs is not None:
        check_int("outputs", outputs, minimum=1)  # True == 1, but a bool is not a count
    if outputs not in (None, 1):
        raise invalid_value("outputs", "must be 1 (or None) for task='binary'; use task='multilabel' for several labels", outputs)
    return Head("binary", 1, "sigmoid", "binary_crossentropy", ("accuracy", "auc"))


def _multilabel(outputs: Any, **_: Any) -> Head:
    units = check_int("outputs", outputs, minimum=2) if outputs is not None else None
    if units is None:
        raise invalid_value("outputs", "must give the number of labels (>= 2) for task='multilabel'", outputs)
    return Head("multilabel", units, "sigmoid", "binary_crossentropy", ("binary_accuracy", "multilabel_auc"))


def _multiclass(outputs: Any, *, label_format: str, **_: Any) -> Head:
    if outputs is None:
        raise invalid_value("outputs", "must give the number of classes (>= 2) for task='multiclass'", outputs)
    units = check_int("outputs", outputs, minimum=2)
    loss = {"sparse": "sparse_categorical_crossentropy", "one_hot": "categorical_crossentropy"}[label_format]
    return Head("multiclass", units, "softmax", loss, ("accuracy",), label_format=label_format)


def _regression(outputs: Any, *, bounds: Any, outliers: Any, **_: Any) -> Head:
    units = 1 if outputs is None else check_int("outputs", outputs, minimum=1)
    activation, rescale = _regression_output(_check_bounds(bounds))
    return Head("regression", units, activation, OUTLIER_LOSSES[outliers], ("mae", "rmse"), rescale=rescale)


_HEAD_RULES = {
    "binary": _binary,
    "multilabel": _multilabel,
    "multiclass": _multiclass,
    "regression": _regression,
}


def _refuse(rule: str, y: Any, hint: str) -> ValueError:
    return ValueError(f"Cannot infer a head from `y`: {rule}. {hint} Received: y with {_describe(y)}")


def _describe(y: np.ndarray) -> str:
    return f"shape={getattr(y, 'shape', None)}, dtype={getattr(y, 'dtype', type(y).__name__)}"


_PASS_TASK = "Pass task= (and outputs=) to the builder explicitly."


@dataclass(frozen=True)
class TargetProfile:
    """What target data holds: the one analysis behind `infer_head` and the target checks of training.

    Attributes:
        array: The targets as a numpy array (as given when they could not be read).
        problem: Why they cannot be learnt as numbers: "unreadable", "complex",
            "non-numeric", "empty" or "non-finite"; None when they can.
        values: Their distinct values, as float64 (None with a problem before "non-finite").
        integral: Whether every value is a whole number.
        integer_dtype: Whether the dtype is integer or bool.
    """

    array: Any
    problem: str | None = None
    values: np.ndarray | None = None
    integral: bool = False
    integer_dtype: bool = False

    def describe(self) -> str:
        """``shape=..., dtype=...`` for messages."""
        return f"shape={getattr(self.array, 'shape', None)}, dtype={getattr(self.array, 'dtype', type(self.array).__name__)}"


def profile_targets(y: Any) -> TargetProfile:
    """Reads target data once: its array, distinct values, whole-numberness, and what makes it unusable."""
    try:
        array = np.asarray(y)
    except Exception:  # ragged lists and the like
        return TargetProfile(y, "unreadable")
    if array.dtype.kind == "c":
        return TargetProfile(array, "complex")
    if array.dtype == object or array.dtype.kind not in "biuf":
        return TargetProfile(array, "non-numeric")
    if array.size == 0:
        return TargetProfile(array, "empty")
    values = np.unique(array.astype(np.float64))
    if not np.all(np.isfinite(values)):
        return TargetProfile(array, "non-finite", values)
    return TargetProfile(array, None, values, bool(np.all(values == np.round(values))), array.dtype.kind in "biu")


def infer_head(y: Any) -> Head:
    """Derives the head from target data, and says why in ``head.reason``.

    Understood targets: 1-D integer class ids (binary when they are 0/1, else
    multiclass), 0/1 float vectors (binary), one-hot rows (multiclass, one_hot),
    multi-hot rows (multilabel), and non-integer floats, 1-D or 2-D (regression).

    Args:
        y: Target array-like, one row per sample.

    Returns:
        A `Head` whose ``reason`` explains the decision.

    Raises:
        ValueError: For empty, NaN/inf, single-class, negative-class, mixed-type,
            string, >2-D or ambiguous (integer-valued float) targets; the message
            names the argument to pass instead.
        TypeError: If `y` cannot be read as an array.
    """
    profile = profile_targets(y)
    y = profile.array
    if profile.problem == "unreadable":
        raise TypeError(f"`y` must be array-like with one row per sample. Received: y of type {type(y).__name__}")
    if profile.problem == "complex":
        raise _refuse("targets must be real numbers (complex values found)", y,
                      "Split real and imaginary parts into two regression targets (np.stack([y.real, y.imag], 1)).")
    if profile.problem == "non-numeric":
        raise _refuse("targets must be numbers (mixed or string labels found)", y,
                      "Encode labels as integers 0..n-1 first, or " + _PASS_TASK)
    if profile.problem == "empty":
        raise _refuse("it is empty", y, "Pass at least one target per sample.")
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    if y.ndim not in (1, 2):
        raise _refuse("targets must be 1-D or 2-D (one row per sample)", y, _PASS_TASK)
    if profile.problem == "non-finite":
        raise _refuse("it contains NaN or infinite values", y, "Drop or impute those rows first.")
    y = y.astype(np.int64) if y.dtype == bool else y
    yf, values, integral, is_int_dtype = y.astype(np.float64), profile.values, profile.integral, profile.integer_dtype
    return (_infer_1d if y.ndim == 1 else _infer_2d)(y, yf, values, integral, is_int_dtype)


def _infer_1d(y: np.ndarray, yf: np.ndarray, values: np.ndarray, integral: bool, is_int: bool) -> Head:
    if integral and set(values.tolist()) <= {0.0, 1.0}:
        if len(values) < 2:
            raise _refuse(f"only one class ({values[0]:g}) is present", y,
                          "A classifier needs at least two classes; or " + _PASS_TASK)
        head = head_for("binary")
        return _with_reason(head, "1-D targets with values {0, 1} -> binary: 1 sigmoid unit, binary cross-entropy.")
    if is_int:
        if values.min() < 0:
            raise _refuse("class ids must be >= 0", y, "Shift labels to 0..n-1, or " + _PASS_TASK)
        if len(values) < 2:
            raise _refuse(f"only one class ({values[0]:g}) is present", y, _PASS_TASK)
        if values.min() > 0:  # [1, 2] is two classes, not three with an empty class 0
            raise _refuse(f"class ids must start at 0 (the smallest is {values.min():g})", y,
                          "Shift them to 0..n-1 (y - y.min()), or " + _PASS_TASK)
        classes = int(values.max()) + 1
        if classes > MAX_UNITS or (classes > 1000 and len(values) < classes / 2):
            raise _refuse(f"{len(values)} distinct ids up to {classes - 1} would need {classes} output units", y,
                          "Re-encode them to 0..n-1 with np.unique(y, return_inverse=True), or " + _PASS_TASK)
        missing = classes - len(values)
        note = f" ({missing} of the ids 0..{classes - 1} never appear)" if missing else ""
        head = head_for("multiclass", classes, label_format="sparse")
        return _with_reason(head, f"1-D integer targets with {len(values)} distinct ids{note} -> multiclass: "
                                  f"{classes} softmax units, sparse categorical cross-entropy.")
    if integral:
        raise _refuse("float targets that are all whole numbers could be class ids or counts", y,
                      "Pass task='multiclass' (with integer labels) or task='regression'.")
    if values.min() >= 0 and values.max() <= 1:
        raise _refuse("floats within [0, 1] could be probabilities (soft binary labels) or bounded values", y,
                      "Pass task='binary' for probabilities (binary cross-entropy takes soft labels) or "
                      "task='regression' with bounds=(0, 1).")
    head = head_for("regression", 1)
    return _with_reason(head, "1-D non-integer float targets -> regression: 1 linear unit, MSE." + _positive_hint(yf))


def _infer_2d(y: np.ndarray, yf: np.ndarray, values: np.ndarray, integral: bool, is_int: bool) -> Head:
    width = y.shape[1]
    if integral and set(values.tolist()) <= {0.0, 1.0}:
        row_sums = yf.sum(axis=1)
        hot_columns = int(np.count_nonzero(yf.any(axis=0)))
        if np.all(row_sums == 1):
            if hot_columns < 2:
                raise _refuse("one-hot rows with only one class present", y, _PASS_TASK)
            head = head_for("multiclass", width, label_format="one_hot")
            return _with_reason(head, f"one-hot rows of width {width} -> multiclass: {width} softmax units, "
                                      "categorical cross-entropy (label_format='one_hot').")
        if hot_columns == 0:
            raise _refuse("every label is 0", y, _PASS_TASK)
        if np.all(row_sums <= 1):
            raise _refuse("0/1 rows with at most one 1 but some all-zero rows could be one-hot rows with "
                          "missing labels or multilabel rows", y,
                          "Pass task='multilabel' (outputs=width), or fix the empty one-hot rows.")
        head = head_for("multilabel", width)
        return _with_reason(head, f"multi-hot 0/1 rows of width {width} -> multilabel: {width} sigmoid units, "
                                  "binary cross-entropy.")
    if not is_int and values.min() >= 0 and values.max() <= 1 and np.allclose(yf.sum(axis=1), 1, atol=1e-6):
        if width < 2:
            raise _refuse("rows of probabilities need at least 2 classes", y, _PASS_TASK)
        head = head_for("multiclass", width, label_format="one_hot")
        return _with_reason(head, f"rows of probabilities summing to 1 (soft labels) of width {width} -> multiclass: "
                                  f"{width} softmax units, categorical cross-entropy (it takes soft labels).")
    if is_int:
        raise _refuse("2-D integer targets that are not 0/1 rows", y,
                      "For regression pass float targets or task='regression'; for classes pass 1-D ids.")
    head = head_for("regression", width)
    return _with_reason(head, f"2-D float targets of width {width} -> regression: {width} linear units, MSE."
                        + _positive_hint(yf))


def _positive_hint(yf: np.ndarray) -> str:
    if np.all(yf >= 0):
        return " All targets are >= 0: pass bounds='positive' to constrain the output."
    return ""


def _with_reason(head: Head, reason: str) -> Head:
    return Head(**{**head.__dict__, "reason": reason})


def resolve_head(
    task: Any,
    outputs: Any,
    *,
    default_classes: int | None = None,
    label_format: str = "sparse",
    bounds: Any = None,
    outliers: Any = False,
) -> Head:
    """The builders' entry point to the head rules.

    A `Head` passed as `task` is used as it is. Otherwise `head_for` decides; for
    ``task="multiclass"`` with ``outputs=None`` the builder's `default_classes` (the
    notes' class count) is used.
    """
    if isinstance(task, Head):
        # The head decides these; a different value beside it would be silently ignored.
        if outputs is not None and outputs != task.units:
            raise invalid_value("outputs", f"must be None or {task.units} when task is a Head with {task.units} "
                                "unit(s)", outputs)
        if bounds is not None:
            raise invalid_value("bounds", "must be None when task is a Head (its activation and rescale set them)",
                                bounds)
        if outliers is not False:
            raise invalid_value("outliers", f"must be False when task is a Head (its loss is {task.loss!r})", outliers)
        return task
    if outputs is None and task == "multiclass":
        outputs = default_classes
    return head_for(task, outputs, label_format=label_format, bounds=bounds, outliers=outliers)
