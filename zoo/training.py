"""Training a registered architecture on a bundled dataset (``zoo train``), and the data
preparation that tuning and the tour share.

`prepare` turns (architecture, dataset) into arrays of the shape the family reads (flat
rows, images or sequences) plus the builder keywords that fit them; the head follows the
data (`zoo.infer_head`) unless a task is named. `train` then fits with progress bars,
EarlyStopping and `keras.callbacks.BackupAndRestore`, and writes everything it learns
under one folder, each file atomically.
"""

from __future__ import annotations

import csv
import dataclasses
import inspect
import math
import os
import shutil
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from zoo import datasets, distribute, registry
from zoo.files import write_json
from zoo.heads import Head, infer_head, resolve_head
from zoo.validation import check_bool, check_choice, check_float, check_int, invalid_type, invalid_value

DATASETS = ("digits", "breast_cancer", "iris", "diabetes", "sine")
# The input each family reads: flat feature rows, images (h, w, c) or sequences (t, f).
INPUT_KINDS = {"dense": "flat", "neurons": "flat", "recurrent": "sequence",
               "convolutional": "image", "transfer": "image"}
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
    if name == "digits":
        (x, y), (xt, yt) = datasets.digits(seed=seed)
        reshape = {"flat": lambda a: a.reshape(len(a), -1), "image": lambda a: a,
                   "sequence": lambda a: a[..., 0]}[kind]  # 8 rows of 8 pixels as 8 timesteps
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
    kind = INPUT_KINDS.get(entry.family, "flat")
    (x, y), (xt, yt) = load_dataset(dataset, kind=kind, seed=seed)
    params = inspect.signature(entry.builder).parameters
    per_step = y.ndim == x.ndim  # a target per timestep (sine)
    task = _KNOWN_TASKS.get(dataset) if task is None else task
    if task is None:
        head = infer_head(y.reshape(-1, y.shape[-1]) if per_step else y)
    else:
        head = resolve_head(task, None if isinstance(task, Head) or task == "binary" else _outputs(y))
    if not isinstance(task, Head):
        head = scale_regression_head(head, y)
    kwargs: dict[str, Any] = {"input_shape": tuple(x.shape[1:])}
    if "task" in params:
        kwargs["task"] = head
    elif "outputs" in params and head.task == "multiclass":  # a multiclass-only builder (mnist_mlp)
        kwargs.update(outputs=head.units, label_format=head.label_format)
    elif head.task != "binary":
        raise invalid_value("dataset", f"{architecture!r} learns binary labels only; {dataset!r} is "
                            f"{head.task}. Use 'breast_cancer'", dataset)
    if "return_sequences" in params:
        kwargs["return_sequences"] = per_step
    if "weights" in params and entry.family == "neurons":  # learnt from the data, not the notes' example
        kwargs.update(weights=None, bias=None)
    return TaskData(architecture, dataset, x, y, xt, yt, head, kwargs)


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
    """The score of a model that ignores its input: the majority class, or the training mean.

    Returns:
        ``{"accuracy": ...}`` for classification, ``{"mse": ..., "mae": ...}`` for regression.
    """
    if data.head.task == "regression":
        error = data.y_test - data.y_train.mean(axis=0)
        return {"mse": float(np.mean(error ** 2)), "mae": float(np.mean(np.abs(error)))}
    y, yt = data.y_train, data.y_test
    if y.ndim > 1 and data.head.task == "multiclass":  # one-hot rows
        y, yt = y.argmax(-1), yt.argmax(-1)
    values, counts = np.unique(y, axis=0, return_counts=True)
    majority = values[counts.argmax()]
    hits = np.all(yt == majority, axis=tuple(range(1, yt.ndim))) if yt.ndim > 1 else yt == majority
    return {"accuracy": float(np.mean(hits))}


def test_scores(model: Any, data: TaskData) -> dict[str, float]:
    """The model's `evaluate` scores on the test split, plus ``mse`` for regression."""
    strategy = distribute.get_strategy()
    if distribute.is_multi_worker(strategy):  # Keras 3 evaluate/predict fail there too (keras#20585)
        from zoo.custom_loop import evaluate_distributed

        scores = evaluate_distributed(model, data.x_test, data.y_test, strategy=strategy)
        predict = lambda x: np.asarray(model(x, training=False))  # noqa: E731
    else:
        scores = {k: float(v) for k, v in model.evaluate(data.x_test, data.y_test, verbose=0,
                                                         return_dict=True).items()}
        predict = lambda x: model.predict(x, verbose=0)  # noqa: E731
    if data.head.task == "regression":
        pred = predict(data.x_test).reshape(data.y_test.shape)
        scores["mse"] = float(np.mean((pred - data.y_test) ** 2))
    return scores


def read_history(path: str) -> dict[str, list[float]]:
    """Reads a Keras `CSVLogger` file into ``{metric: [one value per epoch]}``."""
    with open(path, newline="") as f:
        rows = list({int(r["epoch"]): r for r in csv.DictReader(f)}.values())  # a repeated epoch: last row
    rows.sort(key=lambda r: int(r["epoch"]))
    keys = [k for k in (rows[0] if rows else {}) if k != "epoch"]
    return {k: [float(r[k]) for r in rows] for k in keys}


@dataclass
class TrainResult:
    """What `train` produced.

    Attributes:
        model: The trained model (best validation weights).
        history: ``{metric: per-epoch values}`` across every run of the command.
        scores: Test-split scores.
        baseline: The input-ignoring baseline's scores on the same split.
        files: Name -> path of everything written.
        data: The `TaskData` trained on.
    """

    model: Any
    history: dict[str, list[float]]
    scores: dict[str, float]
    baseline: dict[str, float]
    files: dict[str, str]
    data: TaskData


def train(
    architecture: str,
    *,
    dataset: str = "digits",
    task: Any = None,
    epochs: int = 20,
    batch_size: int = 32,
    seed: int = 0,
    out: str = "out/train",
    patience: int = 5,
    validation_split: float = 0.2,
    tensorboard: bool = False,
    verbose: int | str = "auto",
    callbacks: list[Any] | None = None,
    **builder_kwargs: Any,
) -> TrainResult:
    """Trains a registered architecture on a bundled dataset and writes the results.

    Writes under ``out/<architecture>/``: ``model.keras``, ``history.csv``,
    ``history.json``, ``history.png``, ``metrics.json`` (test scores and the baseline's)
    and, if asked, TensorBoard ``logs/``. Killed mid-run, the same call resumes from the
    last finished epoch (`keras.callbacks.BackupAndRestore` in ``backup/``); the history
    CSV keeps every epoch of every run. EarlyStopping's patience counter restarts on resume.

    Example:
        >>> result = zoo.train("mlp", dataset="breast_cancer", epochs=30)
        >>> result.scores["accuracy"], result.baseline["accuracy"]

    Args:
        architecture: A registered model name.
        dataset: One of `DATASETS` (bundled: works offline).
        task: None to infer the head from the targets (`zoo.infer_head`), else a task.
        epochs: Maximum epochs.
        batch_size: Samples per step.
        seed: Seed of the split, the weights and the shuffling.
        out: Output folder; the architecture's files go in a subfolder.
        patience: EarlyStopping patience on the validation loss (best weights restored).
        validation_split: Fraction of the training split held out for validation.
        tensorboard: Also write TensorBoard logs.
        verbose: Keras's progress output (0, 1, 2 or "auto").
        callbacks: More Keras callbacks.
        **builder_kwargs: Passed to the builder (override what the data implies).

    Returns:
        A `TrainResult`.

    Raises:
        ValueError: For invalid arguments or targets the head cannot learn, before training.
    """
    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    patience = check_int("patience", patience, minimum=0)
    validation_split = check_float("validation_split", validation_split, minimum=0.0, maximum=1.0,
                                   exclusive_minimum=True, exclusive_maximum=True)
    check_bool("tensorboard", tensorboard)
    if not isinstance(out, (str, os.PathLike)):
        raise invalid_type("out", "a folder path", out)
    # Before any TensorFlow op: a multi-worker strategy must configure the runtime first.
    distribute.get_strategy()
    data = prepare(architecture, dataset, task=task, seed=seed)
    folder = os.path.join(os.fspath(out), architecture)
    if os.path.isfile(folder):
        raise invalid_value("out", "must be a folder, but a file is in the way", folder)
    model = registry.build(architecture, **{**data.builder_kwargs, **_seed_kwarg(architecture, seed),
                                            **builder_kwargs})
    return fit_and_record(model, data, folder, epochs=epochs, batch_size=batch_size, seed=seed, patience=patience,
                          validation_split=validation_split, tensorboard=tensorboard, verbose=verbose,
                          callbacks=callbacks, title=f"{architecture} on {dataset}")


def fit_and_record(
    model: Any,
    data: TaskData,
    folder: str,
    *,
    epochs: int,
    batch_size: int = 32,
    seed: int = 0,
    patience: int | None = 5,
    validation_split: float = 0.2,
    tensorboard: bool = False,
    verbose: int | str = "auto",
    callbacks: list[Any] | None = None,
    title: str | None = None,
) -> TrainResult:
    """Fits a compiled model on `data` with resumable training, and writes what `train` writes.

    Args:
        model: A compiled model whose head fits ``data.y_train`` (checked first).
        data: The arrays (see `prepare`).
        folder: Where the files go.
        epochs, batch_size, seed, patience, validation_split, tensorboard, verbose,
            callbacks: See `train` (``patience=None`` disables early stopping).
        title: The history figure's title.

    Returns:
        A `TrainResult`.
    """
    from zoo.targets import check_targets, model_head

    loss, units = model_head(model)
    check_targets(data.y_train, loss=loss, units=units)

    import keras

    from zoo import plots
    from zoo.saving import save_model

    os.makedirs(folder, exist_ok=True)
    files = {name: os.path.join(folder, name) for name in
             ("model.keras", "history.csv", "history.json", "history.png", "metrics.json")}
    backup = os.path.join(folder, "backup")
    _drop_unreadable_first_backup(backup)
    if not os.path.isdir(backup) and os.path.exists(files["history.csv"]):
        os.remove(files["history.csv"])  # a fresh run, not a resumed one
    keras.utils.set_random_seed(seed)
    # The CSV row of an epoch is written before its backup: a kill between the two repeats
    # that epoch (read_history keeps its last row) instead of losing its row.
    cbs = [keras.callbacks.CSVLogger(files["history.csv"], append=True), keras.callbacks.BackupAndRestore(backup, double_checkpoint=True)]
    if patience is not None:
        cbs.insert(0, keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True))
    if tensorboard:
        files["logs"] = os.path.join(folder, "logs")
        cbs.append(keras.callbacks.TensorBoard(files["logs"]))
    start = time.perf_counter()
    strategy = distribute.get_strategy()
    if distribute.is_multi_worker(strategy):
        _fit_multi_worker(model, data, strategy, epochs=epochs, batch_size=batch_size, seed=seed,
                          validation_split=validation_split, callbacks=[c for c in cbs + list(callbacks or [])
                                                                       if not isinstance(c, keras.callbacks.BackupAndRestore)],
                          verbose=verbose)
    else:
        from zoo.pipeline import fit

        fit(model, data.x_train, data.y_train, epochs=epochs, batch_size=batch_size, seed=seed,
            validation_split=validation_split, callbacks=cbs + list(callbacks or []), verbose=verbose)
    seconds = time.perf_counter() - start
    shutil.rmtree(backup, ignore_errors=True)
    history = read_history(files["history.csv"])
    save_model(model, files["model.keras"])
    write_json(files["history.json"], history)
    plots.plot_history(history, files["history.png"], title=title)
    scores, baseline = test_scores(model, data), baseline_scores(data)
    write_json(files["metrics.json"], {"architecture": data.architecture, "dataset": data.dataset,
                                       "head": _head_dict(data.head), "test": scores, "baseline": baseline,
                                       "epochs": len(next(iter(history.values()), [])),
                                       "seconds_this_run": round(seconds, 2),
                                       "params": int(model.count_params())})
    return TrainResult(model, history, scores, baseline, files, data)


def _fit_multi_worker(model: Any, data: TaskData, strategy: Any, *, epochs: int, batch_size: int, seed: int,
                      validation_split: float, callbacks: list[Any], verbose: Any) -> None:
    """Keras 3 `fit` fails under MultiWorkerMirroredStrategy (keras-team/keras#20585): the
    zoo's custom loop trains instead, with the same validation split as `fit` (the last
    fraction) and no resume (BackupAndRestore needs `fit`)."""
    from zoo.custom_loop import fit_distributed

    from zoo.pipeline import split_validation

    (x, y), validation = split_validation(data.x_train, data.y_train, validation_split)
    fit_distributed(model, x, y, strategy=strategy, epochs=epochs,
                    batch_size=batch_size, validation_data=validation, callbacks=callbacks,
                    verbose=0 if verbose == 0 else 2 if verbose == 2 else 1, seed=seed)


def _drop_unreadable_first_backup(backup: str) -> None:
    """A kill during the first epoch's backup leaves a broken file and no older one to fall
    back on (later epochs have one: ``double_checkpoint``); then training starts afresh."""
    weights = os.path.join(backup, "latest.weights.h5")
    if not os.path.isfile(weights) or os.path.isfile(weights + ".bkp"):
        return
    import h5py

    try:
        with h5py.File(weights, "r"):
            return
    except OSError:
        print(f"[train] the backup in {backup} was cut off while being written; starting afresh", flush=True)
        shutil.rmtree(backup, ignore_errors=True)


def _seed_kwarg(architecture: str, seed: int) -> dict[str, int]:
    return {"seed": seed} if "seed" in registry.get_entry(architecture).defaults() else {}


def _head_dict(head: Head) -> dict[str, Any]:
    return {"task": head.task, "units": head.units, "activation": head.activation, "loss": head.loss}
