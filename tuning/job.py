"""The tuning job behind ``zoo tune`` and ``scripts/tune.py``: data, search, best model, plot, test score.

Run the same call again after Ctrl-C or a kill and it resumes: KerasTuner reloads the
project, finished trials are kept, and the trial table already on disk is only added to.
"""

from __future__ import annotations

import os
import time
from typing import Any

from tuning.hypermodels import hypermodel
from tuning.plots import plot_trials
from tuning.search import (
    collect,
    current_role,
    make_tuner,
    run_search,
    stepped_learning_rate,
)
from zoo import registry
from zoo.utils.files import folder_lock
from zoo.utils.validation import check_bool, check_choice, check_duration, check_int, invalid_value

ROLES = ("alone", "chief", "worker")


def distributed_env(role: str = "alone", *, tuner_id: str | None = None, oracle_ip: str = "127.0.0.1",
                    oracle_port: int | None = None) -> dict[str, str]:
    """The environment variables of KerasTuner's chief/worker mode for one process.

    Args:
        role: "alone" (no distribution), "chief" (runs the oracle, trains nothing) or
            "worker" (asks the chief for trials and trains them).
        tuner_id: A worker's id, unique per worker (for example "tuner0"); "chief" for the chief.
        oracle_ip: The chief's address.
        oracle_port: The chief's port; required for "chief" and "worker".

    Returns:
        ``KERASTUNER_TUNER_ID``, ``KERASTUNER_ORACLE_IP`` and ``KERASTUNER_ORACLE_PORT``
        (empty for "alone").

    Raises:
        ValueError: For a missing port or worker id, or a worker id containing "chief".
    """
    check_choice("role", role, ROLES)
    if role == "alone":
        return {}
    port = check_int("oracle_port", oracle_port, minimum=1, maximum=65535) if oracle_port is not None else None
    if port is None:
        raise invalid_value("oracle_port", f"is required for a {role} (the port the chief listens on)", oracle_port)
    if role == "worker" and (not tuner_id or "chief" in tuner_id):
        raise invalid_value("tuner_id", "must name each worker uniquely (such as 'tuner0') and not contain 'chief'",
                            tuner_id)
    return {"KERASTUNER_TUNER_ID": "chief" if role == "chief" else tuner_id,
            "KERASTUNER_ORACLE_IP": str(oracle_ip), "KERASTUNER_ORACLE_PORT": str(port)}


def tune(
    architecture: str = "mlp",
    *,
    dataset: str = "digits",
    kind: str = "bayesian",
    trials: int = 10,
    epochs: int = 30,
    batch_size: int | None = None,
    patience: int | None = 10,
    seed: int = 0,
    out: str = "out/tune",
    overwrite: bool = False,
    verbose: int = 0,
    time_budget: float | str | None = None,
    refit: bool = False,
    prune: bool = True,
    lease: float | str = 30.0,
    tensorboard: bool = False,
    **fixed: Any,
) -> dict[str, Any]:
    """Searches an architecture's hyperparameters on a bundled dataset and writes the results.

    Writes under ``out/<architecture>/`` (the KerasTuner project): ``trials.csv`` and
    ``trials.json`` after every trial, then ``best.keras``, ``trials.png`` and
    ``summary.json`` (best hyperparameters, validation and test scores of the best and
    of the default configuration (trial one), the gain, timings).
    Under KerasTuner's chief/worker environment (`distributed_env`) a worker only
    trains trials; the chief writes the results.

    Args:
        architecture: A tunable registered name (`tuning.TUNABLE`).
        dataset: A bundled dataset (`zoo.training.DATASETS`); digits by default.
        kind: "bayesian" (the default: it scored best of the kinds in
            ``scripts/bench_tuning.py``), "random", "hyperband" or "grid".
        trials: Maximum trials (hyperband: its largest epoch budget is `epochs`).
        epochs: Epochs per trial at most: room for the slower configurations to peak;
            pruning and early stopping end the others sooner.
        batch_size: Fixed batch size; None searches it.
        patience: EarlyStopping patience on the objective within a trial; None for none.
        seed: Seed of the split, the search, the weights and the shuffling.
        out: Parent folder of the project.
        overwrite: Start afresh instead of resuming.
        verbose: Keras's per-epoch output inside trials.
        time_budget: Wall time for the search ("90s", "5m", "1h" or seconds); None for none.
        refit: Train the best configuration afresh on training + validation data.
        prune: Stop clearly losing trials early (`tuning.make_tuner`).
        lease: Chief/worker searches: seconds a worker may go unheard before its trial
            goes back to the queue, and a worker waits for its chief (`tuning.make_tuner`).
        tensorboard: Write TensorBoard logs under ``<project>/tensorboard/``, one run per
            trial with its hyperparameters (KerasTuner's HParams dashboard):
            ``tensorboard --logdir out/tune/<architecture>/tensorboard``.
        **fixed: Builder keywords held fixed (for example ``base="cnn.keras"`` for transfer).

    Returns:
        The summary (also written as ``summary.json``); on a worker only ``{"role": "worker"}``.
    """
    check_choice("architecture", architecture, registry.list_tunable())
    trials = check_int("trials", trials, minimum=1)
    epochs = check_int("epochs", epochs, minimum=1)
    time_budget = check_duration("time_budget", time_budget)
    check_bool("refit", refit)
    check_bool("prune", prune)
    lease = check_duration("lease", lease)
    check_bool("tensorboard", tensorboard)
    from zoo.data.tasks import baseline_scores, prepare
    from zoo.training.job import test_scores

    data = prepare(architecture, dataset, seed=seed)
    hm = hypermodel(architecture, seed=seed, **{**data.builder_kwargs, **fixed})
    # One search per project folder; a chief and its workers share it, each worker under its id.
    role = current_role()
    holder = "run" if role != "worker" else f"worker-{os.environ.get('KERASTUNER_TUNER_ID', '')}"
    with folder_lock(os.path.join(out, architecture), holder=holder):
        return _search(architecture, data, hm, dataset=dataset, kind=kind, trials=trials, epochs=epochs,
                       batch_size=batch_size, patience=patience, seed=seed, out=out, overwrite=overwrite,
                       verbose=verbose, time_budget=time_budget, refit=refit, prune=prune, lease=lease, fixed=fixed,
                       tensorboard=tensorboard,
                       baseline_scores=baseline_scores, test_scores=test_scores)


def _search(architecture: str, data: Any, hm: Any, *, dataset: str, kind: str, trials: int, epochs: int,
            batch_size: int | None, patience: int | None, seed: int, out: str, overwrite: bool, verbose: int,
            time_budget: Any, refit: bool, prune: bool, lease: float, fixed: dict[str, Any], baseline_scores: Any,
            test_scores: Any, tensorboard: bool = False) -> dict[str, Any]:
    tuner = make_tuner(kind, hm, max_trials=trials, max_epochs=epochs, directory=out, project_name=architecture,
                       seed=seed, overwrite=overwrite, time_budget=time_budget, prune=prune, lease=lease,
                       hyperparameters=stepped_learning_rate() if kind == "grid" and "learning_rate" not in fixed
                       else None)
    objective = tuner.oracle.objective
    callbacks = []
    if patience is not None:
        import keras

        callbacks.append(keras.callbacks.EarlyStopping(monitor=objective.name, mode=objective.direction,
                                                       patience=check_int("patience", patience, minimum=0)))
    if tensorboard:  # KerasTuner gives each trial its own run and adds the HParams callback
        import keras

        callbacks.append(keras.callbacks.TensorBoard(log_dir=os.path.join(tuner.project_dir, "tensorboard")))
    fit_kwargs = {} if batch_size is None else {"batch_size": check_int("batch_size", batch_size, minimum=1)}
    print(f"[tune] {kind} search of {architecture} on {dataset}: up to {trials} trials x {epochs} epochs, "
          f"objective {tuner.oracle.objective.name}, project {tuner.project_dir}", flush=True)
    start = time.perf_counter()
    result = run_search(tuner, data.x_train, data.y_train, epochs=epochs, callbacks=callbacks,
                        verbose=verbose, refit=refit, **fit_kwargs)
    if current_role() == "worker":
        print(f"[tune] worker {os.environ['KERASTUNER_TUNER_ID']} finished: no trials left", flush=True)
        return {"role": "worker"}
    if result.best_model is None:  # the chief reads the finished project back
        notes, samples = result.notes, result.validation_samples
        result = collect(tuner, seconds=result.seconds)
        result.notes, result.validation_samples = notes, samples
    if tensorboard:
        result.files["tensorboard"] = os.path.join(tuner.project_dir, "tensorboard")
        print(f"[tune] TensorBoard's HParams dashboard: tensorboard --logdir {result.files['tensorboard']}", flush=True)
    default = _default_model(tuner, result)
    return _report(tuner.project_dir, result, data, architecture, dataset, kind, time.perf_counter() - start,
                   test_scores, baseline_scores, default)


def _default_model(tuner: Any, result: Any) -> Any:
    """The default configuration's trained model (trial one), to score beside the best."""
    trial_id = next((t["trial_id"] for t in result.trials if t.get("default") and t["status"] != "FAILED"), None)
    if trial_id is None or not hasattr(tuner.oracle, "trials"):
        return None
    return tuner.load_model(tuner.oracle.get_trial(trial_id))


def _report(folder: str, result: Any, data: Any, architecture: str, dataset: str, kind: str, seconds: float,
            test_scores: Any, baseline_scores: Any, default_model: Any) -> dict[str, Any]:
    from zoo.models.saving import save_model
    from zoo.utils.files import write_json

    print("\n" + result.format_table())
    summary: dict[str, Any] = {
        "architecture": architecture, "dataset": dataset, "tuner": kind, "objective": result.objective,
        "trials": len(result.trials), "pruned": result.pruned, "best_trial": result.best_trial_id,
        "best_score": result.best_score, "default_score": result.default_score, "gain": result.gain,
        "best_hyperparameters": result.best_hyperparameters, "refit": result.refit, "seconds": round(seconds, 2),
        "trial_seconds": round(sum(t["seconds"] or 0 for t in result.trials), 2),
        "validation_samples": result.validation_samples, "notes": list(result.notes),
        "hopeless": result.hopeless, "trial_overhead_seconds": result.trial_overhead,
        "baseline": baseline_scores(data), "files": dict(result.files),
    }
    if default_model is not None:
        summary["default_test"] = test_scores(default_model, data)
    if result.best_model is not None:
        summary["test"] = test_scores(result.best_model, data)
        summary["files"]["best_model"] = save_model(result.best_model, os.path.join(folder, "best.keras"))
    if result.trials:
        summary["files"]["plot"] = plot_trials(result, os.path.join(folder, "trials.png"))
    summary["files"]["summary"] = os.path.join(folder, "summary.json")
    write_json(summary["files"]["summary"], summary)
    print(f"\n[tune] best trial {result.best_trial_id}: {result.objective}={_num(result.best_score)}; "
          f"default configuration (trial one): {_num(result.default_score)}; gain {_num(result.gain)}; "
          f"{result.pruned} of {len(result.trials)} trials pruned"
          + ("" if result.hopeless is None else f", {result.hopeless} hopeless")
          + ("" if result.trial_overhead is None else f"; {result.trial_overhead:.2f}s per trial outside its epochs"))
    print(f"[tune] best hyperparameters: {result.best_hyperparameters}")
    for note in result.notes:
        print(f"[tune] note: {note}")
    if "test" in summary:
        default = f", default configuration {summary['default_test']}" if "default_test" in summary else ""
        print(f"[tune] test scores of the best model: {summary['test']}{default} (baseline {summary['baseline']})")
    for name, path in summary["files"].items():
        print(f"[tune] {name}: {path}")
    return summary


def _num(value: Any) -> str:
    return "n/a" if value is None else f"{value:.4f}"
