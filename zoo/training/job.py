"""Training a registered architecture on a bundled dataset (``zoo train``).

`train` prepares the data (`zoo.data.tasks.prepare`), fits with progress bars,
EarlyStopping and `keras.callbacks.BackupAndRestore`, and writes everything it learns
under one folder, each file atomically.
"""

from __future__ import annotations

import csv
import os
import shutil
import time
from dataclasses import dataclass
from typing import Any

import numpy as np

from zoo import registry
from zoo.data.tasks import TaskData, baseline_scores, prepare
from zoo.models.heads import Head
from zoo.runtime import distribute
from zoo.training.checks import check_train_args
from zoo.utils.files import folder_lock, write_json
from zoo.utils.signals import check_interrupt
from zoo.utils.validation import (
    check_bool,
    check_float,
    check_int,
    invalid_value,
)


def test_scores(model: Any, data: TaskData) -> dict[str, float]:
    """The model's `evaluate` scores on the test split, plus ``mse`` for regression."""
    strategy = distribute.get_strategy()
    if distribute.is_multi_worker(strategy):  # Keras 3 evaluate/predict fail there too (keras#20585)
        from zoo.training.multi_worker import evaluate_distributed

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
    check_train_args(architecture, builder_kwargs, out=out, verbose=verbose, callbacks=callbacks)
    folder = os.path.join(os.fspath(out), architecture)
    if os.path.isfile(folder):
        raise invalid_value("out", "must be a folder, but a file is in the way", folder)
    # One run per folder, checked before any work; the workers of a multi-worker run share it,
    # each under its own task.
    with folder_lock(folder, holder=_lock_holder()):
        # Before any TensorFlow op: a multi-worker strategy must configure the runtime first.
        distribute.get_strategy()
        data = prepare(architecture, dataset, task=task, seed=seed)
        model = registry.build(architecture, **{**data.builder_kwargs, **_seed_kwarg(architecture, seed),
                                                **builder_kwargs})
        return fit_and_record(model, data, folder, epochs=epochs, batch_size=batch_size, seed=seed,
                              patience=patience, validation_split=validation_split, tensorboard=tensorboard,
                              verbose=verbose, callbacks=callbacks, title=f"{architecture} on {dataset}")


def _lock_holder() -> str:
    """``run`` for a single process; ``task-<type>-<index>`` for each task of a ``TF_CONFIG`` cluster."""
    task = distribute.tf_config_task()
    return f"task-{task.get('type', 'worker')}-{task.get('index', 0)}" if task else "run"


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
    from zoo.training.checks import check_fit_data
    from zoo.training.targets import model_head

    model_head(model)
    check_fit_data(model, data.x_train, data.y_train)  # before any file: the data must fit the model built

    import keras

    from zoo.models.saving import save_model
    from zoo.training.backup import backup_and_restore
    from zoo.viz import plots

    os.makedirs(folder, exist_ok=True)
    files = {name: os.path.join(folder, name) for name in
             ("model.keras", "history.csv", "history.json", "history.png", "metrics.json")}
    backup = os.path.join(folder, "backup")
    if not os.path.isdir(backup) and os.path.exists(files["history.csv"]):
        os.remove(files["history.csv"])  # a fresh run, not a resumed one
    keras.utils.set_random_seed(seed)
    # The CSV row of an epoch is written before its backup: a kill between the two repeats
    # that epoch (read_history keeps its last row) instead of losing its row.
    stop = stop_on_non_finite()
    cbs = [keras.callbacks.CSVLogger(files["history.csv"], append=True), backup_and_restore(backup), stop]
    if patience is not None:
        cbs.insert(0, keras.callbacks.EarlyStopping(patience=patience, restore_best_weights=True))
    if tensorboard:
        files["logs"] = os.path.join(folder, "logs")
        cbs.append(keras.callbacks.TensorBoard(files["logs"]))
    start = time.perf_counter()
    strategy = distribute.get_strategy()
    if distribute.is_multi_worker(strategy):
        resumable = keras.callbacks.BackupAndRestore  # needs fit, which this path cannot use
        _fit_multi_worker(model, data, strategy, epochs=epochs, batch_size=batch_size, seed=seed,
                          validation_split=validation_split,
                          callbacks=[c for c in cbs + list(callbacks or []) if not isinstance(c, resumable)],
                          verbose=verbose)
    else:
        from zoo.training.pipeline import fit

        fit(model, data.x_train, data.y_train, epochs=epochs, batch_size=batch_size, seed=seed,
            validation_split=validation_split, callbacks=cbs + list(callbacks or []), verbose=verbose)
    seconds = time.perf_counter() - start
    shutil.rmtree(backup, ignore_errors=True)  # a diverged run resumed would only diverge again
    if stop.epoch is not None:
        _refuse_non_finite(model, stop.epoch, files["model.keras"], restored=patience is not None)
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
    from zoo.training.multi_worker import fit_distributed
    from zoo.training.pipeline import split_validation

    (x, y), validation = split_validation(data.x_train, data.y_train, validation_split)
    fit_distributed(model, x, y, strategy=strategy, epochs=epochs,
                    batch_size=batch_size, validation_data=validation, callbacks=callbacks,
                    verbose=0 if verbose == 0 else 2 if verbose == 2 else 1, seed=seed)


class DivergedError(RuntimeError):
    """Training's loss became non-finite and no finite weights were left to save."""


def stop_on_non_finite() -> Any:
    """A Keras callback that stops training at the first non-finite training or validation loss.

    At each epoch's end it also raises a Ctrl-C or SIGTERM that Python lost (`zoo.utils.signals`).

    Its ``epoch`` attribute is then that epoch (1-based); None while every loss is finite.
    Made on demand so that importing this module never imports Keras.
    """
    import keras

    class StopOnNonFinite(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.epoch: int | None = None
            self._current = 0

        def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            self._current = epoch + 1

        def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
            self._check((logs or {}).get("loss"))

        def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
            check_interrupt()  # a Ctrl-C or SIGTERM Python lost during the epoch stops here
            for name in ("loss", "val_loss"):
                self._check((logs or {}).get(name))

        def _check(self, value: Any) -> None:
            if value is not None and self.epoch is None and not np.all(np.isfinite(np.asarray(value, dtype=float))):
                self.epoch = self._current
                self.model.stop_training = True

    return StopOnNonFinite()


def _learning_rate_of(model: Any) -> float | None:
    """The optimizer's current learning rate as a float (None without one)."""
    rate = getattr(getattr(model, "optimizer", None), "learning_rate", None)
    try:
        return float(np.asarray(rate))
    except (TypeError, ValueError):
        return None


def _refuse_non_finite(model: Any, epoch: int, target: str, *, restored: bool) -> None:
    """After a non-finite loss: keep finite weights (the best epoch's when EarlyStopping restored them) or refuse."""
    rate = _learning_rate_of(model)
    said = f"the loss became non-finite at epoch {epoch}" + ("" if rate is None else f" (learning_rate={rate:g})")
    if all(np.all(np.isfinite(w)) for w in model.get_weights()):
        kept = "its best finite epoch's weights" if restored else "its last weights, which are finite"
        print(f"[train] {said}; training stopped there and the model keeps {kept}", flush=True)
        return
    raise DivergedError(f"{said}, so training stopped and the weights are not finite: {target} was not "
                        "saved; run again with a smaller learning rate (for example a tenth of it)")


def _seed_kwarg(architecture: str, seed: int) -> dict[str, int]:
    return {"seed": seed} if "seed" in registry.get_entry(architecture).defaults() else {}


def _head_dict(head: Head) -> dict[str, Any]:
    return {"task": head.task, "units": head.units, "activation": head.activation, "loss": head.loss}
