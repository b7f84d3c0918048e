"""One search API over KerasTuner's algorithms: `make_tuner`, `run_search` and the trial table.

`make_tuner` checks everything it can before the first trial (tuner kind, objective,
grid steps, directory, a project reopened with another kind) and returns a
`tuning.engine.ZooTuner` over the kind's oracle: the default configuration is trial
one, ties break on the validation loss, losing trials are pruned, a trial's score and
model are its best epoch's, and ``max_trials`` and ``time_budget`` are honoured by every
kind. The tuner writes the trial table (CSV and JSON, atomically) into the project
folder after every trial, so a crash loses nothing finished, and prints ``trial n/N``
with the elapsed time and an estimate of what is left. `run_search` returns the
results as data: a `SearchResult`.
"""

from __future__ import annotations

import difflib
import glob
import json
import math
import os
import time
from dataclasses import dataclass, field
from typing import Any

import keras_tuner as kt
import numpy as np

from tuning.distributed import LEASE
from tuning.engine import ORACLES, MedianPruner, ZooTuner, read_trial_files, sort_key
from tuning.hypermodels import ZooHyperModel
from zoo.training.checks import check_fit_args, check_fit_data
from zoo.training.pipeline import split_validation
from zoo.utils.files import write_csv, write_json
from zoo.utils.validation import (
    check_bool,
    check_duration,
    check_file_target,
    check_float,
    check_int,
    invalid_type,
    invalid_value,
)

_MAXIMISE = ("accuracy", "auc", "precision", "recall")
_FINISHED = ("COMPLETED", "FAILED", "INVALID")
TABLE_CSV, TABLE_JSON, KIND_FILE = "trials.csv", "trials.json", "zoo_tuner.json"
KINDS = tuple(ORACLES)
# Keyword arguments that configure the oracle (the search algorithm), not the tuner.
_ORACLE_KWARGS = ("factor", "hyperband_iterations", "num_initial_points", "alpha", "beta", "max_retries_per_trial",
                  "max_consecutive_failed_trials", "allow_new_entries", "tune_new_entries")
# Below this many validation samples, one sample moves accuracy by more than a third of a point.
SMALL_VALIDATION = 300


class SearchTuner(ZooTuner):
    """The zoo's tuner with progress lines and the trial table written after every trial."""

    def on_search_begin(self) -> None:
        super().on_search_begin()
        self._zoo_start = time.perf_counter()
        self._zoo_done_before = len(_finished(trial_rows(self.project_dir)))

    def on_trial_end(self, trial: Any) -> None:
        super().on_trial_end(trial)
        rows = write_table(self.project_dir, self.oracle.objective)
        done = len(_finished(rows))
        total = getattr(self.oracle, "max_trials", None)
        elapsed = time.perf_counter() - self._zoo_start
        this_run = done - self._zoo_done_before
        left = ""
        if total and this_run > 0 and total > done:
            estimate = elapsed / this_run * (total - done)
            budget = self.oracle.seconds_left() if hasattr(self.oracle, "seconds_left") else None
            if budget is not None:
                estimate = min(estimate, max(budget, 0.0))
            left = f", about {_clock(estimate)} left"
        row = next((r for r in rows if r["trial_id"] == trial.trial_id), {})
        status = row.get("status", "?")
        if row.get("pruned_at"):
            status = f"PRUNED at epoch {row['pruned_at']}"
        print(f"[tune] trial {done}/{total or '?'} ({trial.trial_id}{', default' if row.get('default') else ''}) "
              f"{status}: {self.oracle.objective.name}={_fmt(row.get('score'))} | elapsed {_clock(elapsed)}{left}",
              flush=True)


def objective_for(hypermodel: ZooHyperModel, objective: Any = None) -> kt.Objective:
    """The search objective: the task's default, or a name the model reports, with its direction.

    Raises:
        ValueError: If the model cannot produce the objective; the message lists those it can.
    """
    name = hypermodel.default_objective() if objective is None else objective
    if isinstance(name, kt.Objective):
        name, direction = name.name, name.direction
        if direction not in ("max", "min"):
            raise invalid_value("objective", "must have direction 'max' or 'min'",
                                f"Objective({name!r}, {direction!r})")
    elif isinstance(name, str):
        direction = "max" if any(name.endswith(m) for m in _MAXIMISE) else "min"
    else:
        raise invalid_type("objective", "a metric name such as 'val_accuracy', a keras_tuner.Objective or None",
                           objective)
    allowed = hypermodel.objectives()
    if name not in allowed:
        close = difflib.get_close_matches(name, allowed, n=2)
        hint = f" Did you mean {' or '.join(map(repr, close))}?" if close else ""
        raise ValueError(f"`objective` must be a metric this model reports: {', '.join(allowed)}.{hint} "
                         f"Received: objective={name!r}")
    return kt.Objective(name, direction)


def stepped_learning_rate(low: float = 1e-3, high: float = 1e-2) -> kt.HyperParameters:
    """Pre-registered hyperparameters for a grid: the learning rate on a x10 log grid."""
    low = check_float("low", low, minimum=0.0, exclusive_minimum=True)
    high = check_float("high", high, minimum=0.0, exclusive_minimum=True)
    if not low < high:
        raise invalid_value("high", f"must be greater than low ({low:g})", high)
    hp = kt.HyperParameters()
    hp.Float("learning_rate", low, high, step=10, sampling="log", default=min(max(1e-3, low), high))
    return hp


def make_tuner(
    kind: str,
    hypermodel: ZooHyperModel,
    *,
    objective: Any = None,
    max_trials: int = 10,
    max_epochs: int = 10,
    directory: str | os.PathLike[str] = "out/tune",
    project_name: str | None = None,
    seed: int | None = None,
    overwrite: bool = False,
    hyperparameters: kt.HyperParameters | None = None,
    executions_per_trial: int = 1,
    time_budget: float | str | None = None,
    prune: bool = True,
    lease: float | str = LEASE,
    **kwargs: Any,
) -> SearchTuner:
    """Creates a tuner over a zoo hypermodel, checked before any trial.

    Whatever the kind, trial one is the builder's default configuration, at most
    `max_trials` trials run, and no trial starts once `time_budget` would be exceeded.

    Example:
        >>> tuner = tuning.make_tuner("random", tuning.MLPHyperModel(input_shape=(64,),
        ...                           task="multiclass", outputs=10), max_trials=5, seed=0)

    Args:
        kind: "random", "hyperband", "bayesian" or "grid".
        hypermodel: A `ZooHyperModel`.
        objective: None for the task's default (``val_accuracy`` for classification,
            ``val_loss`` for regression), a metric name, or a `keras_tuner.Objective`.
        max_trials: Trials to run at most, for every kind (hyperband included).
        max_epochs: Hyperband's largest training budget per model.
        directory: Parent folder of the project.
        project_name: The project's folder; the architecture's name by default.
        seed: Seed of the search. KerasTuner's oracle treats 0 as "none" and draws the
            hyperparameters of seed s + 1 as those of seed s shifted by one, so the oracle
            is given ``seed * 1000 + 1``: different seeds, different trials.
        overwrite: Start afresh instead of resuming the project.
        hyperparameters: Pre-registered `keras_tuner.HyperParameters` (fixed values or
            other ranges), as KerasTuner takes them.
        executions_per_trial: Models trained per trial (scores averaged; the best
            execution's weights kept).
        time_budget: Wall time for the search: seconds, or a string such as "90s",
            "5m" or "1h". No trial starts when less is left than a trial takes.
        prune: Stop trials that are clearly losing (`tuning.engine.MedianPruner`:
            after 3 finished trials and a quarter of the epochs, a trial whose best
            score so far is worse than the median of finished trials at the same
            epoch). Hyperband prunes by its own brackets instead.
        lease: In a chief/worker search: seconds (or "90s", "2m") a worker may go
            unheard before its trial goes back to the queue (once; then FAILED), and a
            worker waits for an answer before it stops with the chief lost
            (`tuning.distributed`).
        **kwargs: Passed to KerasTuner: oracle options (``num_initial_points``,
            ``factor``, ``max_retries_per_trial``, ...) or tuner options.

    Returns:
        A `SearchTuner` (a `keras_tuner.Tuner`).

    Raises:
        ValueError, TypeError: For an unknown kind (with a suggestion), ``max_trials < 1``,
            an objective the model cannot produce, a grid over a float range with no
            step, a bad time budget, a directory that is a file, or a project made by
            another tuner kind.
    """
    if not isinstance(kind, str) or kind not in KINDS:
        close = difflib.get_close_matches(str(kind), KINDS, n=1)
        hint = f" Did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"`kind` must be one of {', '.join(map(repr, KINDS))}.{hint} Received: kind={kind!r}")
    if not isinstance(hypermodel, ZooHyperModel):
        raise invalid_type("hypermodel", "a tuning.ZooHyperModel (tuning.hypermodel(name, ...))", hypermodel)
    max_trials = check_int("max_trials", max_trials, minimum=1)
    max_epochs = check_int("max_epochs", max_epochs, minimum=1)
    executions_per_trial = check_int("executions_per_trial", executions_per_trial, minimum=1)
    seed = None if seed is None else check_int("seed", seed, minimum=0)
    if not isinstance(overwrite, bool):
        raise invalid_type("overwrite", "True or False", overwrite)
    check_bool("prune", prune)
    time_budget = check_duration("time_budget", time_budget)
    lease = check_duration("lease", lease)
    if lease is None:
        raise invalid_type("lease", "seconds or a duration such as '60s'", lease)
    objective = objective_for(hypermodel, objective)
    if not isinstance(directory, (str, os.PathLike)):
        raise invalid_type("directory", "a folder path", directory)
    directory = os.fspath(directory)
    if project_name is not None and (not isinstance(project_name, str)):
        raise invalid_type("project_name", "a folder name (str) or None", project_name)
    if project_name is not None and (not project_name.strip() or os.sep in project_name
                                     or project_name in (".", "..")):
        raise invalid_value("project_name", "must be a plain folder name (no path separators)", project_name)
    if hyperparameters is not None and not isinstance(hyperparameters, kt.HyperParameters):
        raise invalid_type("hyperparameters", "a keras_tuner.HyperParameters or None", hyperparameters)
    project_name = project_name or hypermodel.architecture
    project = os.path.join(directory, project_name)
    for path, what in ((directory, "directory"), (project, "project folder")):
        if os.path.exists(path) and not os.path.isdir(path):
            raise invalid_value("directory", f"must be a folder, but the {what} {path!r} is a file", directory)
    check_file_target("directory", project, folder=True)
    _check_kind(project, kind, hypermodel.architecture, overwrite)
    if kind == "grid":
        _check_grid(hypermodel, hyperparameters)

    from zoo.runtime.distribute import get_strategy

    oracle_options = {k: kwargs.pop(k) for k in _ORACLE_KWARGS if k in kwargs}
    oracle_options.update(objective=objective, seed=None if seed is None else seed * 1000 + 1,
                          hyperparameters=hyperparameters)
    if kind == "hyperband":
        oracle_options["max_epochs"] = max_epochs
    else:
        oracle_options["max_trials"] = max_trials
    if kind == "bayesian":
        oracle_options.setdefault("num_initial_points", bayesian_initial_points(max_trials))
    oracle = ORACLES[kind](**oracle_options)
    oracle.max_trials = max_trials  # hyperband's oracle takes no trial count; every kind honours it here
    oracle.time_budget = time_budget
    tuner = SearchTuner(oracle, hypermodel, pruner=MedianPruner() if prune else None, lease=lease, directory=directory,
                        project_name=project_name, overwrite=overwrite, executions_per_trial=executions_per_trial,
                        distribution_strategy=get_strategy(), **kwargs)
    if current_role() != "worker":
        write_json(os.path.join(project, KIND_FILE), {"kind": kind, "architecture": hypermodel.architecture})
    if kind == "bayesian" and current_role() != "worker":
        first = oracle_options["num_initial_points"]
        if first >= max_trials:
            print(f"[tune] bayesian: {max_trials} trials leave no room to model the space after its {first} "
                  "starting trials (the default and random draws): this search is random search. Ask for "
                  f"more than {first} trials, or use kind='random'.", flush=True)
        else:
            print(f"[tune] bayesian: trials 1-{first} are the default and random draws; from trial {first + 1} "
                  "a Gaussian process chooses", flush=True)
    return tuner


def bayesian_initial_points(max_trials: int) -> int:
    """Random trials before the Gaussian process models the space: a third of the budget, at least 3.

    KerasTuner's own default, 3 per hyperparameter (27 for the MLP space), would leave a
    search of 20 trials random to the end.
    """
    return max(3, math.ceil(max_trials / 3))


def current_role() -> str:
    """This process's part in a KerasTuner search: "alone", "chief" or "worker" (from its environment)."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return "alone"
    return "chief" if "chief" in os.environ.get("KERASTUNER_TUNER_ID", "") else "worker"


def _check_kind(project: str, kind: str, architecture: str, overwrite: bool) -> None:
    path = os.path.join(project, KIND_FILE)
    if overwrite or not os.path.isfile(path):
        return
    with open(path) as f:
        saved = json.load(f)
    if (saved.get("kind"), saved.get("architecture")) != (kind, architecture):
        raise ValueError(
            f"`kind` must match the project's: {project!r} holds a {saved.get('kind')!r} search of {saved.get('architecture')!r}; it "
            f"cannot resume as a {kind!r} search of {architecture!r}. Pass overwrite=True to start afresh, or "
            f"another project_name. Received: kind={kind!r}"
        )


def _check_grid(hypermodel: ZooHyperModel, hyperparameters: kt.HyperParameters | None) -> None:
    hp = kt.HyperParameters() if hyperparameters is None else hyperparameters.copy()
    hypermodel.builder_kwargs(hp)  # the fit-time space (batch size) is discrete: no open range
    open_floats = [p.name for p in hp.space if type(p).__name__ == "Float" and p.step is None]
    if open_floats:
        raise ValueError(
            f"`kind` 'grid' needs a finite grid, but {', '.join(map(repr, open_floats))} is a float range with "
            "no step. Pass hyperparameters= with a step (tuning.stepped_learning_rate() for the learning "
            "rate), fix the value on the hypermodel, or use kind='random'. "
            f"Received: kind='grid' with open ranges {open_floats}"
        )


def trial_rows(project_dir: str) -> list[dict[str, Any]]:
    """Reads every trial of a project from disk.

    Works for a local search and for a chief/worker one (the chief writes each
    ``trial.json``, the worker that ran it writes ``zoo_trial.json`` beside it).

    Returns:
        One dict per trial: ``trial_id``, ``status``, ``score`` (None when not finite),
        ``values`` (active hyperparameters), ``metrics`` (the best epoch's), ``epochs``
        (run), ``best_epoch``, ``pruned_at``, ``default``, ``seconds`` and ``nan_score``.
    """
    rows = []
    records = read_trial_files(project_dir)
    for path in sorted(glob.glob(os.path.join(project_dir, "trial_*", "trial.json"))):
        try:
            with open(path) as f:
                state = json.load(f)
        except (OSError, ValueError):  # being written by another process
            continue
        hp = kt.HyperParameters.from_config(state["hyperparameters"])
        values = {k: v for k, v in hp.values.items() if hp.is_active(k) and not k.startswith("tuner/")}
        record = records.get(state["trial_id"], {})
        score = state.get("score")
        rows.append({"trial_id": state["trial_id"], "status": state.get("status"),
                     "score": None if score is None or not math.isfinite(score) else float(score),
                     "values": values, "metrics": record.get("metrics") or {}, "epochs": record.get("epochs"),
                     "best_epoch": record.get("best_epoch"), "pruned_at": record.get("pruned_at"),
                     "default": bool(record.get("default")), "seconds": record.get("seconds"),
                     "overhead": record.get("overhead"),
                     "nan_score": score is not None and not math.isfinite(score)})
    return rows


def _finished(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [r for r in rows if r["status"] in _FINISHED]


def best_row(rows: list[dict[str, Any]], objective: Any) -> dict[str, Any] | None:
    """The best completed, unpruned trial with a finite score; ties break on the validation loss.

    FAILED, INVALID, NaN and pruned trials never rank.

    Args:
        rows: From `trial_rows`.
        objective: The search's `keras_tuner.Objective` (or its direction, "max" or "min").
    """
    if isinstance(objective, str):
        objective = kt.Objective("score", objective)
    ranked = [r for r in rows if r["status"] == "COMPLETED" and r["score"] is not None and not r.get("pruned_at")]
    if not ranked:
        return None
    return max(ranked, key=lambda r: sort_key({**r.get("metrics", {}), objective.name: r["score"]}, objective))


# The input-free score that matches each objective, by the loss that defines the task.
_TASK_OF_LOSS = {"mean_squared_error": "regression", "sparse_categorical_crossentropy": "multiclass",
                 "categorical_crossentropy": "multiclass", "binary_crossentropy": "binary"}
_SCORE_OF_OBJECTIVE = {"val_loss": "mse", "val_accuracy": "accuracy", "val_binary_accuracy": "binary_accuracy"}


def trivial_score(objective: str, loss: str, y_train: Any, y_val: Any) -> float | None:
    """The validation score of a model that ignores its input (`zoo.data.tasks.input_free_scores`).

    None for objectives it is not defined for here (AUC, a classifier's loss, ...).
    """
    from zoo.data.tasks import input_free_scores

    task = _TASK_OF_LOSS.get(loss)
    if task == "binary" and np.ndim(y_val) > 1 and np.shape(y_val)[-1] > 1:
        task = "multilabel"
    name = _SCORE_OF_OBJECTIVE.get(objective)
    if task is None or name is None or (name == "mse") != (task == "regression"):
        return None
    return input_free_scores(task, y_train, y_val).get(name)


def hopeless_rows(rows: list[dict[str, Any]], objective: Any, trivial: float | None) -> list[dict[str, Any]]:
    """Trials that ended worse than halfway from the trivial model to the best trial.

    Such a trial could not learn within its epochs: the measure of a search space's
    dead regions (the zoo's spaces aim for at most 10%).
    """
    scored = [r for r in rows if r["status"] == "COMPLETED" and r["score"] is not None]
    if trivial is None or not scored:
        return []
    sign = 1 if objective.direction == "max" else -1
    best = max(sign * r["score"] for r in scored)
    line = sign * trivial + 0.5 * (best - sign * trivial)
    return [r for r in scored if sign * r["score"] < line]


def default_row(rows: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The trial that ran the builder's default configuration, if it finished."""
    return next((r for r in rows if r.get("default") and r["status"] == "COMPLETED"), None)


def _status(row: dict[str, Any]) -> str:
    if row["nan_score"]:
        return "INVALID"
    return "PRUNED" if row.get("pruned_at") and row["status"] == "COMPLETED" else row["status"]


def write_table(project_dir: str, objective: Any) -> list[dict[str, Any]]:
    """Writes the project's trial table as ``trials.csv`` and ``trials.json``, atomically.

    A pruned trial has status ``PRUNED`` and the epochs it ran; the default
    configuration's trial is marked in the ``default`` column.

    Returns:
        The rows (see `trial_rows`).
    """
    rows = trial_rows(project_dir)
    names = _hp_columns(rows)
    best = best_row(rows, objective)
    flat = [{"trial_id": r["trial_id"], "status": _status(r), "score": r["score"],
             **{n: r["values"].get(n) for n in names}, "epochs": r["epochs"], "best_epoch": r["best_epoch"],
             "default": r["default"], "seconds": r["seconds"]} for r in rows]
    write_csv(os.path.join(project_dir, TABLE_CSV), flat,
              ["trial_id", "status", "score", *names, "epochs", "best_epoch", "default", "seconds"])
    write_json(os.path.join(project_dir, TABLE_JSON),
               {"objective": objective.name, "direction": objective.direction,
                "best_trial": best["trial_id"] if best else None, "hyperparameters": names, "trials": flat})
    return rows


def _hp_columns(rows: list[dict[str, Any]]) -> list[str]:
    names: list[str] = []
    for r in rows:
        names += [n for n in r["values"] if n not in names]
    return names


@dataclass
class SearchResult:
    """What a search found, as data.

    Attributes:
        objective: The objective's name.
        direction: "max" or "min".
        best_trial_id: The best completed, unpruned trial (None when none completed).
        best_score: Its score (its best epoch's).
        best_hyperparameters: Its active hyperparameter values only.
        best_model: Its model, built, compiled and loaded with its best epoch's weights
            (refitted on training + validation data when ``refit=True``).
        trials: One dict per trial: trial_id, status (``PRUNED`` for pruned trials),
            score, each hyperparameter (None when inactive), epochs, best_epoch,
            default, seconds.
        files: ``{"csv": ..., "json": ...}``, the table in the project folder.
        seconds: Wall time of this `run_search` call.
        default_score: The score of the builder's default configuration (trial one).
        gain: ``best_score - default_score``, signed so that positive is better.
        validation_samples: Rows the trials were ranked on.
        notes: What the caller should know about the result (a small validation set).
        refit: Whether `best_model` was refitted on training + validation data.
        hopeless: Trials that ended worse than halfway from a model ignoring its input
            to the best trial (None where that baseline is not defined).
        trial_overhead: Median seconds a trial spends outside its epochs (building,
            compiling, tracing its first epoch, saving).
    """

    objective: str
    direction: str
    best_trial_id: str | None
    best_score: float | None
    best_hyperparameters: dict[str, Any]
    best_model: Any
    trials: list[dict[str, Any]]
    files: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    default_score: float | None = None
    gain: float | None = None
    validation_samples: int | None = None
    notes: list[str] = field(default_factory=list)
    refit: bool = False
    hopeless: int | None = None
    trial_overhead: float | None = None

    @property
    def pruned(self) -> int:
        """How many trials were pruned."""
        return sum(t["status"] == "PRUNED" for t in self.trials)

    def format_table(self) -> str:
        """The trial table as aligned text, best trial marked with ``*``."""
        if not self.trials:
            return "(no trials)"
        columns = list(self.trials[0])
        cells = [[_fmt(t.get(c)) for c in columns] for t in self.trials]
        widths = [max(len(c), *(len(row[i]) for row in cells)) for i, c in enumerate(columns)]
        line = lambda values: "  ".join(v.ljust(w) for v, w in zip(values, widths))  # noqa: E731
        marks = ["*" if t["trial_id"] == self.best_trial_id else " " for t in self.trials]
        return "\n".join([" " + line(columns)] + [m + line(row) for m, row in zip(marks, cells)])


def run_search(
    tuner: Any,
    x: Any,
    y: Any,
    *,
    validation_data: tuple[Any, Any] | None = None,
    validation_split: float = 0.2,
    epochs: int = 10,
    callbacks: list[Any] | None = None,
    verbose: int = 0,
    refit: bool = False,
    **fit_kwargs: Any,
) -> SearchResult:
    """Runs (or resumes) a search and returns its results as data.

    The targets are checked against the hypermodel's head first, so labels the head
    cannot learn fail before the first trial. A `validation_split` becomes an explicit
    validation set (the last fraction, as Keras's ``validation_split`` takes it, through
    `zoo.training.pipeline.split_validation`) so that the best model can be evaluated on the very
    data it was ranked on.

    Args:
        tuner: A tuner from `make_tuner`.
        x: Training inputs.
        y: Training targets.
        validation_data: ``(x_val, y_val)``; else `validation_split` is held out.
        validation_split: Fraction of `x`, `y` held out when no validation data is given.
        epochs: Epochs per trial (hyperband sets its own budgets). A trial's score is
            its best epoch's, so give trials room to peak; pruning stops the losers.
        callbacks: Keras callbacks for every trial (for example EarlyStopping).
        verbose: Keras's per-epoch output in each trial.
        refit: After the search, train the best configuration afresh on training +
            validation data for its best trial's epoch count, and return that model.
            Off by default: measured on digits, breast cancer and diabetes it helped
            some runs and hurt others (README, "Tuning").
        **fit_kwargs: More `fit` arguments (``batch_size`` fixes it instead of searching it).

    Returns:
        A `SearchResult`.
    """
    hypermodel = getattr(tuner, "hypermodel", None)
    if not isinstance(hypermodel, ZooHyperModel) or not isinstance(tuner, SearchTuner):
        raise invalid_type("tuner", "a tuner from tuning.make_tuner", tuner)
    check_fit_args(epochs=epochs, batch_size=fit_kwargs.get("batch_size"))
    check_bool("refit", refit)
    if validation_data is not None and (not isinstance(validation_data, (tuple, list)) or len(validation_data) != 2):
        raise invalid_type("validation_data", "an (x_val, y_val) pair", validation_data)
    facts = hypermodel.facts
    checked = check_fit_data(None, x, y, validation_data=validation_data, class_weight=fit_kwargs.get("class_weight"),
                             head=(hypermodel.loss, hypermodel.units), output_range=facts["output_range"],
                             input_shape=facts["input_shape"], input_range=facts["input_range"],
                             output_rank=facts["output_rank"])
    x, y, validation_data = checked.x, checked.y, checked.validation_data
    if "sample_weight" in fit_kwargs:
        raise invalid_value("sample_weight", "is not supported by run_search (a search ranks unweighted "
                            "validation scores); pass class_weight=", "weights")
    if validation_data is None:
        validation_split = check_float("validation_split", validation_split, minimum=0.0, maximum=1.0,
                                       exclusive_minimum=True, exclusive_maximum=True)
        (x, y), validation_data = split_validation(x, y, validation_split)
    if tuner.pruner is not None:
        tuner.pruner.warmup_epochs = max(3, epochs // 4)
    tuner.oracle.budget_start = time.time()
    start = time.perf_counter()
    tuner.search(x, y, validation_data=tuple(validation_data), epochs=epochs, callbacks=list(callbacks or []),
                 verbose=verbose, **fit_kwargs)
    result = collect(tuner, seconds=time.perf_counter() - start)
    trivial = trivial_score(result.objective, hypermodel.loss, y, validation_data[1])
    if trivial is not None:
        result.hopeless = len(hopeless_rows(trial_rows(tuner.project_dir), tuner.oracle.objective, trivial))
    result.validation_samples = len(validation_data[0])
    if result.validation_samples < SMALL_VALIDATION and hypermodel.loss != "mse":
        result.notes.append(
            f"the validation set holds {result.validation_samples} samples, so one sample moves a score by "
            f"{100 / result.validation_samples:.1f} points and close trials are within noise; "
            "executions_per_trial=3 averages out weight noise, refit=True trains the winner on all the data")
    if refit and result.best_model is not None:
        result.best_model = refit_best(tuner, result, x, y, validation_data, fit_kwargs)
        result.refit = True
    return result


def refit_best(tuner: Any, result: SearchResult, x: Any, y: Any, validation_data: tuple[Any, Any],
               fit_kwargs: dict[str, Any]) -> Any:
    """Trains the best configuration afresh on training + validation data for its best trial's epochs."""
    trial = tuner.oracle.get_trial(result.best_trial_id)
    row = next(t for t in result.trials if t["trial_id"] == result.best_trial_id)
    hp = trial.hyperparameters.copy()
    model = tuner._try_build(hp)
    x_all = np.concatenate([x, np.asarray(validation_data[0])])
    y_all = np.concatenate([y, np.asarray(validation_data[1])])
    tuner.hypermodel.fit(hp, model, x_all, y_all, epochs=int(row["best_epoch"] or 1), verbose=0, **fit_kwargs)
    return model


def collect(tuner: Any, *, seconds: float = 0.0) -> SearchResult:
    """Reads a tuner's project into a `SearchResult` (loads the best model)."""
    objective = tuner.oracle.objective
    rows = write_table(tuner.project_dir, objective)
    best, default = best_row(rows, objective), default_row(rows)
    best_model = None
    if best is not None and hasattr(tuner.oracle, "trials"):
        best_model = tuner.load_model(tuner.oracle.get_trial(best["trial_id"]))
    with open(os.path.join(tuner.project_dir, TABLE_JSON)) as f:
        table = json.load(f)
    overheads = [r["overhead"] for r in rows if r.get("overhead") is not None]
    gain = None
    if best is not None and default is not None:
        gain = (best["score"] - default["score"]) * (1 if objective.direction == "max" else -1)
    return SearchResult(
        objective=objective.name, direction=objective.direction,
        best_trial_id=best["trial_id"] if best else None, best_score=best["score"] if best else None,
        best_hyperparameters=dict(best["values"]) if best else {}, best_model=best_model,
        trials=table["trials"], seconds=seconds, default_score=default["score"] if default else None, gain=gain,
        trial_overhead=float(np.median(overheads)) if overheads else None,
        files={"csv": os.path.join(tuner.project_dir, TABLE_CSV), "json": os.path.join(tuner.project_dir, TABLE_JSON)},
    )


def _fmt(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _clock(seconds: float) -> str:
    minutes, secs = divmod(int(round(seconds)), 60)
    return f"{minutes}m{secs:02d}s" if minutes else f"{secs}s"
