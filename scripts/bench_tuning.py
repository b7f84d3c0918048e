"""Tuning benchmark: does ``zoo tune`` find better models than the usual tools, and at what cost?

Runs, in one process and interleaved per (dataset, seed) so that machine noise hits every
method alike, at the same number of trials and epochs:

* ``zoo``: ``tuning.job.tune("mlp", ...)`` with the library's defaults (``zoo tune``);
* ``optuna``: Optuna's TPE sampler and MedianPruner over a plain-Keras MLP space;
* ``kerastuner``: plain KerasTuner ``RandomSearch`` over its "Getting started" hypermodel;
* ``sklearn`` / ``sklearn_trainval``: ``MLPClassifier`` / ``MLPRegressor`` defaults, fitted on
  the training part / on training + validation;
* ``sklearn_search``: ``RandomizedSearchCV`` (3-fold) over the sklearn MLP.

Every method sees the same split (``zoo.data.tasks.prepare``; validation is the last 20% of
the training part, as the zoo holds it out) and is scored by this script on the same
held-out test set: accuracy for classification, R^2 for regression. Wall time is the time
from the start of a method to its fitted best model (for ``zoo``: the whole ``tune`` call,
which also evaluates, plots and saves).

Usage (Optuna is the ``bench`` extra: ``pip install -e .[bench]``):
    python scripts/bench_tuning.py [--datasets digits breast_cancer diabetes] [--seeds 0 1 2]
        [--methods zoo optuna kerastuner sklearn sklearn_trainval sklearn_search
                   zoo_random zoo_bayesian zoo_hyperband zoo_refit zoo_no_pruning]
        [--trials N] [--epochs N] [--out out/bench_tuning]

The ``zoo_*`` methods are the zoo with one default changed (tuner kind, refit, pruning):
the runs behind the choice of its defaults.

``--trials``/``--epochs`` override every dataset's budget (for a quick run). Writes
``results.json`` (every run) and ``results.md`` (the tables) under ``--out``; each method's
own output goes to ``--out/logs/``. A method whose package is missing is left out.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import json
import logging
import math
import os
import platform
import sys
import tempfile
import time
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

logging.getLogger("tensorflow").setLevel(logging.ERROR)  # tf.function retracing notices, one per trial

# (trials, epochs) per dataset, as in the issue.
BUDGETS: dict[str, tuple[int, int]] = {"digits": (12, 20), "breast_cancer": (10, 20), "diabetes": (10, 30)}
METHODS = ("zoo", "optuna", "kerastuner", "sklearn", "sklearn_trainval", "sklearn_search")
# The zoo with one default changed: the runs behind the choice of its defaults (README).
ZOO_VARIANTS = ("zoo_random", "zoo_bayesian", "zoo_hyperband", "zoo_refit", "zoo_no_pruning")
NEEDS = {"optuna": "optuna", "kerastuner": "keras_tuner", "zoo": "keras_tuner",
         **{v: "keras_tuner" for v in ZOO_VARIANTS}}  # method -> import name
VALIDATION_FRACTION = 0.2  # the zoo's hold-out


@dataclass
class Split:
    """One dataset at one seed, identical for every method.

    Attributes:
        name: The dataset's name.
        task: "multiclass", "binary" or "regression".
        outputs: Number of classes (multiclass) or 1.
        x_train, y_train: The whole training part (train + validation).
        x_tr, y_tr: The training part without the validation tail.
        x_val, y_val: The validation tail (last 20% of the training part).
        x_test, y_test: The held-out test set.
    """

    name: str
    task: str
    outputs: int
    x_train: np.ndarray
    y_train: np.ndarray
    x_tr: np.ndarray
    y_tr: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray


def load_split(name: str, seed: int) -> Split:
    """Loads `name` exactly as ``zoo tune`` does and holds out the zoo's validation tail."""
    from zoo.data.tasks import prepare
    from zoo.training.pipeline import split_validation

    data = prepare("mlp", name, seed=seed)
    (x_tr, y_tr), (x_val, y_val) = split_validation(data.x_train, data.y_train, VALIDATION_FRACTION)
    return Split(name, data.head.task, int(data.head.units), data.x_train, data.y_train, x_tr, y_tr, x_val, y_val,
                 data.x_test, data.y_test)


def metric_name(task: str) -> str:
    """The test metric of a task: "accuracy" or "r2"."""
    return "r2" if task == "regression" else "accuracy"


def test_score(split: Split, pred: Any) -> float:
    """Accuracy (classification) or R^2 (regression) of predictions on the test set.

    Args:
        split: The data; its ``y_test`` is the truth.
        pred: Predicted labels (integers), class probabilities (multiclass), a sigmoid
            probability or logit (binary), or values (regression).
    """
    from sklearn.metrics import accuracy_score, r2_score

    pred = np.asarray(pred)
    y = np.asarray(split.y_test)
    if split.task == "regression":
        return float(r2_score(y, pred.reshape(y.shape)))
    if pred.dtype.kind in "iub":
        labels = pred.reshape(-1)
    elif split.task == "multiclass":
        labels = pred.argmax(-1)
    else:  # binary: a probability, or a logit if it leaves [0, 1]
        p = pred.reshape(-1)
        labels = (p > (0.5 if p.min() >= 0.0 and p.max() <= 1.0 else 0.0)).astype(int)
    return float(accuracy_score(y.reshape(-1) if y.ndim == 1 or y.shape[-1] == 1 else y.argmax(-1), labels))


def _as_number(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def default_score(value: Any, split: Split) -> float | None:
    """Reads the zoo's test scores of its default configuration as this script's metric.

    Accepts a number, or a dict holding ``accuracy``/``r2``/``score`` (or ``mse``, turned into
    R^2 on the same test set), possibly under ``test``. None if it cannot be read that way.
    """
    if _as_number(value) is not None:
        return _as_number(value)
    if not isinstance(value, dict):
        return None
    if isinstance(value.get("test"), dict):
        return default_score(value["test"], split)
    for key in (metric_name(split.task), "score"):
        if _as_number(value.get(key)) is not None:
            return _as_number(value[key])
    if split.task == "regression" and _as_number(value.get("mse")) is not None:
        return 1.0 - value["mse"] / float(np.var(split.y_test))
    return None


# --------------------------------------------------------------------------- Keras pieces


def output_layer(task: str, outputs: int) -> Any:
    """The output layer of a plain Keras model for the task."""
    import keras

    if task == "multiclass":
        return keras.layers.Dense(outputs, activation="softmax")
    return keras.layers.Dense(1, activation="sigmoid" if task == "binary" else None)


def loss_and_metrics(task: str) -> tuple[str, list[str]]:
    """The loss and metrics to compile with: sparse CE / BCE with accuracy, or MSE."""
    return {"multiclass": ("sparse_categorical_crossentropy", ["accuracy"]),
            "binary": ("binary_crossentropy", ["accuracy"]),
            "regression": ("mean_squared_error", [])}[task]


def objective(task: str) -> tuple[str, str]:
    """The validation objective and its direction: val_accuracy/max or val_loss/min."""
    return ("val_loss", "min") if task == "regression" else ("val_accuracy", "max")


def warm_up() -> None:
    """Fits a tiny model once so TensorFlow's start-up cost is charged to no method."""
    import keras

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(2), keras.layers.Dense(1)])
    model.compile("adam", "mse")
    x = np.zeros((64, 4), "float32")
    model.fit(x, x[:, :1], validation_data=(x, x[:, :1]), epochs=2, verbose=0)
    model.predict(x, verbose=0)
    keras.backend.clear_session()


# --------------------------------------------------------------------------- the methods


def run_zoo(split: Split, seed: int, trials: int, epochs: int, log: Any, **options: Any) -> tuple[Any, dict[str, Any]]:
    """``zoo tune`` with its defaults (or `options`); returns the reloaded best model's test predictions.

    Returns:
        The test predictions and extras: the zoo's own test scores, its default
        configuration's scores (when it reports them), search seconds, best
        hyperparameters and every trial's score.
    """
    import keras

    from tuning.job import tune

    keras.utils.set_random_seed(seed)
    with tempfile.TemporaryDirectory(prefix="bench-zoo-") as folder:
        with contextlib.redirect_stdout(log):
            summary = tune("mlp", dataset=split.name, trials=trials, epochs=epochs, seed=seed, out=folder,
                           overwrite=True, **options)
        stop = time.perf_counter()  # the caller's clock stops here; reloading is not the search
        model = keras.saving.load_model(summary["files"]["best_model"])
        table = _read_json(summary["files"].get("json"))
        rows = (table.get("trials") if isinstance(table, dict) else table) or []
        pred = model.predict(split.x_test, verbose=0)
    extras: dict[str, Any] = {
        "stop": stop, "reported_test": summary.get("test"), "search_seconds": summary.get("seconds"),
        "best_hyperparameters": summary.get("best_hyperparameters"), "trials_run": summary.get("trials"),
        "trial_scores": [r.get("score") for r in rows], "trial_table": rows,
    }
    # The default configuration (trial one), where this version of the zoo reports it:
    # its validation objective and its test scores, read here as accuracy / R^2.
    reported = summary.get("default_test", summary.get("default"))
    extras.update(default_val_score=summary.get("default_score"), default_test_reported=reported,
                  default_test=default_score(reported, split) if reported is not None else None,
                  gain=summary.get("gain"), pruned=summary.get("pruned"), refit=summary.get("refit"),
                  notes=summary.get("notes"))
    return pred, extras


def _read_json(path: str | None) -> Any:
    if not path or not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def optuna_model(trial: Any, split: Split) -> tuple[Any, int]:
    """The Optuna search space: a compiled ``keras.Sequential`` MLP and its batch size.

    Returns:
        ``(model, batch_size)``.
    """
    import keras

    n_layers = trial.suggest_int("n_layers", 1, 3)
    activation = trial.suggest_categorical("activation", ["relu", "tanh"])
    dropout = trial.suggest_float("dropout", 0.0, 0.5)
    model = keras.Sequential([keras.Input(split.x_tr.shape[1:])])
    for i in range(n_layers):
        model.add(keras.layers.Dense(trial.suggest_int(f"units_{i}", 16, 256, log=True), activation=activation))
        if dropout > 0:
            model.add(keras.layers.Dropout(dropout))
    model.add(output_layer(split.task, split.outputs))
    loss, metrics = loss_and_metrics(split.task)
    model.compile(optimizer=keras.optimizers.Adam(trial.suggest_float("learning_rate", 1e-4, 1e-2, log=True)),
                  loss=loss, metrics=metrics)
    return model, trial.suggest_categorical("batch_size", [16, 32, 64, 128])


def run_optuna(split: Split, seed: int, trials: int, epochs: int, log: Any) -> tuple[Any, dict[str, Any]]:
    """Optuna TPE + MedianPruner; the best completed trial's best epoch is scored.

    Returns:
        The test predictions and extras: trial values, states and best parameters.
    """
    import keras
    import optuna

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    monitor, direction = objective(split.task)
    better = (lambda a, b: a > b) if direction == "max" else (lambda a, b: a < b)
    best: dict[str, Any] = {"value": None, "params": None, "weights": None}

    class Reporter(keras.callbacks.Callback):
        """Reports the epoch's validation objective to Optuna, prunes, keeps the best epoch's weights."""

        def __init__(self, trial: Any) -> None:
            super().__init__()
            self.trial, self.value, self.weights = trial, None, None

        def on_epoch_end(self, epoch: int, logs: dict[str, float] | None = None) -> None:
            value = float((logs or {})[monitor])
            if not math.isfinite(value):
                raise optuna.TrialPruned(f"{monitor} is {value}")
            if self.value is None or better(value, self.value):
                self.value, self.weights = value, self.model.get_weights()
            self.trial.report(value, epoch)
            if self.trial.should_prune():
                raise optuna.TrialPruned()

    def objective_fn(trial: Any) -> float:
        keras.backend.clear_session()
        model, batch_size = optuna_model(trial, split)
        reporter = Reporter(trial)
        model.fit(split.x_tr, split.y_tr, validation_data=(split.x_val, split.y_val), epochs=epochs,
                  batch_size=batch_size, callbacks=[reporter], verbose=0)
        if best["value"] is None or better(reporter.value, best["value"]):
            best.update(value=reporter.value, params=dict(trial.params), weights=reporter.weights)
        return reporter.value

    keras.utils.set_random_seed(seed)
    study = optuna.create_study(direction="maximize" if direction == "max" else "minimize",
                                sampler=optuna.samplers.TPESampler(seed=seed), pruner=optuna.pruners.MedianPruner())
    with contextlib.redirect_stdout(log):
        study.optimize(objective_fn, n_trials=trials)
    model, _ = optuna_model(optuna.trial.FixedTrial(best["params"]), split)
    model.set_weights(best["weights"])
    stop = time.perf_counter()
    states = [t.state.name for t in study.trials]
    return model.predict(split.x_test, verbose=0), {
        "stop": stop, "best_value": best["value"], "best_params": best["params"],
        # A pruned trial's value is its last reported epoch, as Optuna records it.
        "trial_scores": [t.value for t in study.trials], "trial_states": states, "pruned": states.count("PRUNED"),
    }


def run_kerastuner(split: Split, seed: int, trials: int, epochs: int, log: Any) -> tuple[Any, dict[str, Any]]:
    """Plain KerasTuner ``RandomSearch`` over the "Getting started" hypermodel.

    Returns:
        The test predictions and extras: trial scores and the best hyperparameters.
    """
    import keras
    import keras_tuner as kt

    loss, metrics = loss_and_metrics(split.task)

    def build_model(hp: Any) -> Any:
        model = keras.Sequential()
        model.add(keras.layers.Flatten())
        model.add(keras.layers.Dense(units=hp.Int("units", min_value=32, max_value=512, step=32),
                                     activation=hp.Choice("activation", ["relu", "tanh"])))
        if hp.Boolean("dropout"):
            model.add(keras.layers.Dropout(rate=0.25))
        model.add(output_layer(split.task, split.outputs))
        learning_rate = hp.Float("lr", min_value=1e-4, max_value=1e-2, sampling="log")
        model.compile(optimizer=keras.optimizers.Adam(learning_rate=learning_rate), loss=loss, metrics=metrics)
        return model

    monitor, direction = objective(split.task)
    keras.utils.set_random_seed(seed)
    with tempfile.TemporaryDirectory(prefix="bench-kt-") as folder:
        # KerasTuner's oracle reads seed=0 as "no seed" (a random one), so it gets seed + 1.
        tuner = kt.RandomSearch(build_model, objective=kt.Objective(monitor, direction), max_trials=trials,
                                seed=seed + 1, directory=folder, project_name="getting_started", overwrite=True)
        with contextlib.redirect_stdout(log):
            tuner.search(split.x_tr, split.y_tr, epochs=epochs, validation_data=(split.x_val, split.y_val),
                         verbose=0)
            model = tuner.get_best_models(1)[0]
        stop = time.perf_counter()
        done = tuner.oracle.get_best_trials(trials)
        extras = {"stop": stop, "best_hyperparameters": done[0].hyperparameters.values if done else None,
                  "trial_scores": [t.score for t in done]}
        return model.predict(split.x_test, verbose=0), extras


def _sklearn_mlp(task: str, **kwargs: Any) -> Any:
    from sklearn.neural_network import MLPClassifier, MLPRegressor

    return (MLPRegressor if task == "regression" else MLPClassifier)(**kwargs)


def run_sklearn(split: Split, seed: int, trials: int, epochs: int, log: Any, *, trainval: bool = False
                ) -> tuple[Any, dict[str, Any]]:
    """sklearn's MLP with its defaults (``random_state=seed``), on train or train + validation."""
    x, y = (split.x_train, split.y_train) if trainval else (split.x_tr, split.y_tr)
    model = _sklearn_mlp(split.task, random_state=seed).fit(x, y)
    stop = time.perf_counter()
    return model.predict(split.x_test), {"stop": stop, "iterations": int(model.n_iter_)}


def run_sklearn_trainval(split: Split, seed: int, trials: int, epochs: int, log: Any) -> tuple[Any, dict[str, Any]]:
    """`run_sklearn` fitted on training + validation (all the non-test data)."""
    return run_sklearn(split, seed, trials, epochs, log, trainval=True)


def run_sklearn_search(split: Split, seed: int, trials: int, epochs: int, log: Any) -> tuple[Any, dict[str, Any]]:
    """``RandomizedSearchCV`` (3-fold, `trials` candidates) over sklearn's MLP, on train + validation.

    The MLP keeps sklearn's own ``max_iter=200``; `epochs` is not used.
    """
    from scipy.stats import loguniform
    from sklearn.model_selection import RandomizedSearchCV

    space = {"hidden_layer_sizes": [(50,), (100,), (100, 50), (64, 64)],
             "alpha": loguniform(1e-5, 1e-1), "learning_rate_init": loguniform(1e-4, 1e-2)}
    search = RandomizedSearchCV(_sklearn_mlp(split.task, random_state=seed), space, n_iter=trials, cv=3,
                                random_state=seed)
    search.fit(split.x_train, split.y_train)
    stop = time.perf_counter()
    return search.predict(split.x_test), {"stop": stop, "best_params": _plain(search.best_params_),
                                          "cv_score": float(search.best_score_)}


def _plain(value: Any) -> Any:
    """JSON-friendly copy (tuples to lists, numpy scalars to numbers)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def _zoo_variant(**options: Any) -> Callable[..., tuple[Any, dict[str, Any]]]:
    """`run_zoo` with one option changed: how the zoo's defaults were chosen."""
    def run(split: Split, seed: int, trials: int, epochs: int, log: Any) -> tuple[Any, dict[str, Any]]:
        return run_zoo(split, seed, trials, epochs, log, **options)
    return run


RUNNERS: dict[str, Callable[..., tuple[Any, dict[str, Any]]]] = {
    "zoo": run_zoo, "zoo_random": _zoo_variant(kind="random"), "zoo_bayesian": _zoo_variant(kind="bayesian"),
    "zoo_hyperband": _zoo_variant(kind="hyperband"), "zoo_refit": _zoo_variant(refit=True),
    "zoo_no_pruning": _zoo_variant(prune=False), "optuna": run_optuna, "kerastuner": run_kerastuner,
    "sklearn": run_sklearn,
    "sklearn_trainval": run_sklearn_trainval, "sklearn_search": run_sklearn_search,
}


def run_one(method: str, split: Split, seed: int, trials: int, epochs: int, log_path: str) -> dict[str, Any]:
    """Runs one method on one split; a failure is recorded (score None), not raised.

    Returns:
        The run's record: dataset, seed, method, metric, score, seconds, trials, epochs and
        the method's extras (or its error).
    """
    from sklearn.exceptions import ConvergenceWarning

    record: dict[str, Any] = {"dataset": split.name, "seed": seed, "method": method,
                              "metric": metric_name(split.task), "trials": trials, "epochs": epochs}
    os.makedirs(os.path.dirname(log_path), exist_ok=True)
    with open(log_path, "w") as log, warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # A reloaded best model has no optimizer state; Keras says so for every KerasTuner reload.
        warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
        start = time.perf_counter()
        try:
            pred, extras = RUNNERS[method](split, seed, trials, epochs, log)
        except Exception as error:  # noqa: BLE001 - one broken method must not end the benchmark
            record.update(score=None, seconds=round(time.perf_counter() - start, 2),
                          error=f"{type(error).__name__}: {error}")
            return record
        record["seconds"] = round(extras.pop("stop") - start, 2)
        record["score"] = test_score(split, pred)
    record.update(_plain(extras))
    return record


# --------------------------------------------------------------------------- report


def versions() -> dict[str, str | None]:
    """Versions of the packages compared."""
    out: dict[str, str | None] = {}
    for name, module in (("tensorflow", "tensorflow"), ("keras", "keras"), ("keras_tuner", "keras_tuner"),
                         ("optuna", "optuna"), ("sklearn", "sklearn")):
        try:
            out[name] = __import__(module).__version__
        except Exception:  # noqa: BLE001 - missing or broken: reported as absent
            out[name] = None
    return out


def machine_line() -> str:
    """One line: CPU count, Python and the packages' versions."""
    import keras

    found = ", ".join(f"{k} {v}" for k, v in versions().items() if v)
    return (f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, Keras backend {keras.backend.backend()}; {found}")


def _stats(values: Sequence[float]) -> tuple[float, float, float]:
    return float(np.mean(values)), float(np.min(values)), float(np.max(values))


def markdown(runs: list[dict[str, Any]], config: dict[str, Any]) -> str:
    """The tables: mean (min-max) test score, mean wall time, and the zoo / method time ratio."""
    datasets = list(dict.fromkeys(r["dataset"] for r in runs))
    methods = list(dict.fromkeys(r["method"] for r in runs))
    ok = [r for r in runs if r.get("score") is not None]
    pick = lambda d, m, key: [r[key] for r in ok if r["dataset"] == d and r["method"] == m  # noqa: E731
                              and r.get(key) is not None]
    has_default = any(r.get("default_test") is not None for r in ok)
    seeds = ", ".join(map(str, config["seeds"]))
    budgets = "; ".join(f"{d} {t} trials x {e} epochs" for d, (t, e) in config["budgets"].items() if d in datasets)
    lines = ["# Tuning benchmark", "", f"Machine: {config['machine']}", "",
             f"Seeds {seeds}; budgets: {budgets}. Same split and test set for every method; validation is "
             "the last 20% of the training part (sklearn_trainval and sklearn_search fit on all of it).", "",
             "## Held-out test score: mean over seeds (min-max); accuracy, R^2 for regression", ""]
    header = ["dataset", "metric", *methods] + (["zoo default"] if has_default else [])
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for d in datasets:
        metric = next(r["metric"] for r in runs if r["dataset"] == d)
        cells = [d, metric]
        for m in methods + (["zoo default"] if has_default else []):
            values = pick(d, "zoo", "default_test") if m == "zoo default" else pick(d, m, "score")
            if not values:
                cells.append("failed" if m != "zoo default" else "-")
                continue
            mean, low, high = _stats(values)
            cells.append(f"{mean:.4f}" + (f" ({low:.4f}-{high:.4f})" if len(values) > 1 else ""))
        lines.append("| " + " | ".join(cells) + " |")
    times = {(d, m): float(np.mean(pick(d, m, "seconds"))) for d in datasets for m in methods if pick(d, m, "seconds")}
    times.update({("total", m): sum(times[d, m] for d in datasets) for m in methods
                  if all((d, m) in times for d in datasets)})
    for title, fmt in (("## Wall time, seconds: mean over seeds", lambda d, m: f"{times[d, m]:.1f}"),
                       ("## Time ratio zoo / method (above 1: the zoo is slower)",
                        lambda d, m: f"{times[d, 'zoo'] / times[d, m]:.2f}" if (d, "zoo") in times and times[d, m] > 0
                        else "-")):
        lines += ["", title, "", "| dataset | " + " | ".join(methods) + " |", "|" + "---|" * (len(methods) + 1)]
        for d in [*datasets, "total"]:
            cells = [fmt(d, m) if (d, m) in times else "-" for m in methods]
            lines.append(f"| {d} | " + " | ".join(cells) + " |")
    failed = [r for r in runs if r.get("score") is None]
    if failed:
        lines += ["", "Failed runs: " + "; ".join(f"{r['dataset']} seed {r['seed']} {r['method']}: {r.get('error')}"
                                                  for r in failed)]
    return "\n".join(lines) + "\n"


def write_results(out: str, runs: list[dict[str, Any]], config: dict[str, Any]) -> None:
    """Writes ``results.json`` and ``results.md`` under `out` (atomically)."""
    os.makedirs(out, exist_ok=True)
    for name, text in (("results.json", json.dumps({"config": config, "runs": runs}, indent=2, default=str)),
                       ("results.md", markdown(runs, config))):
        path = os.path.join(out, name)
        with open(path + ".tmp", "w") as f:
            f.write(text)
        os.replace(path + ".tmp", path)


# --------------------------------------------------------------------------- main


def available(methods: Sequence[str]) -> list[str]:
    """The methods whose packages are installed; prints one line per one left out."""
    kept = []
    for method in methods:
        module = NEEDS.get(method)
        if module and importlib.util.find_spec(module) is None:
            print(f"[bench] {method}: left out, package {module!r} is not installed "
                  f"(pip install -e .[bench], or pip install {module.replace('_', '-')})", flush=True)
            continue
        kept.append(method)
    return kept


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """The command line (see the module docstring)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(BUDGETS), choices=list(BUDGETS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--methods", nargs="+", default=list(METHODS), choices=[*METHODS, *ZOO_VARIANTS])
    parser.add_argument("--trials", type=int, help="trials for every dataset (overrides the budgets)")
    parser.add_argument("--epochs", type=int, help="epochs for every dataset (overrides the budgets)")
    parser.add_argument("--out", default="out/bench_tuning")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark; returns 0, or 1 when a run failed or nothing could run."""
    args = parse_args(argv)
    methods = available(args.methods)
    if not methods:
        print("[bench] no method left to run", file=sys.stderr)
        return 1
    budgets = {d: (args.trials or BUDGETS[d][0], args.epochs or BUDGETS[d][1]) for d in args.datasets}
    config = {"datasets": args.datasets, "seeds": args.seeds, "methods": methods, "budgets": budgets,
              "machine": machine_line(), "cpu_count": os.cpu_count(), "versions": versions()}
    print(f"[bench] {config['machine']}", flush=True)
    warm_up()
    runs: list[dict[str, Any]] = []
    for dataset in args.datasets:
        trials, epochs = budgets[dataset]
        for seed in args.seeds:
            split = load_split(dataset, seed)
            for method in methods:
                log_path = os.path.join(args.out, "logs", f"{dataset}_seed{seed}_{method}.log")
                record = run_one(method, split, seed, trials, epochs, log_path)
                runs.append(record)
                if record["score"] is None:
                    print(f"[bench] {dataset} seed {seed} {method:<16} FAILED after {record['seconds']:.1f} s: "
                          f"{record['error']} (log {log_path})", flush=True)
                else:
                    extra = (f" (its default configuration: {record['default_test']:.4f})"
                             if record.get("default_test") is not None else "")
                    print(f"[bench] {dataset} seed {seed} {method:<16} test {record['metric']} "
                          f"{record['score']:.4f} in {record['seconds']:.1f} s{extra}", flush=True)
                write_results(args.out, runs, config)
    print("\n" + markdown(runs, config))
    print(f"[bench] wrote {os.path.join(args.out, 'results.json')} and results.md", flush=True)
    return 1 if any(r["score"] is None for r in runs) else 0


if __name__ == "__main__":
    sys.exit(main())
