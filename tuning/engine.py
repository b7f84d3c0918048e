"""What the zoo adds to KerasTuner's search loop: the default first, honest ranking, pruning, a time budget.

KerasTuner supplies the search algorithms (its oracles) and the chief/worker engine;
this module supplies what made a search lose to Optuna and scikit-learn when left out
(measured in ``scripts/bench_tuning.py``):

* `ZooOracle`: the first trial of every search is the builder's default configuration
  (so a search is never worse, on validation, than not searching); trials stop being
  started once ``max_trials`` (every kind, hyperband included) or the time budget would
  be exceeded.
* `ZooTuner.run_trial`: trains through the hypermodel's ``fit`` (`zoo.fit`), scores a
  trial by its best epoch and keeps that epoch's weights, breaks ties on the
  validation loss, stops a trial on a non-finite loss (FAILED, never ranked), and
  prunes a trial that is clearly losing (`MedianPruner`).

Every trial writes ``zoo_trial.json`` beside KerasTuner's ``trial.json``: its
learning curve, best epoch, whether it was pruned, its wall time. Pruning reads the
curves of finished trials from there, so it works the same in one process and across
the workers of a chief/worker search sharing the project folder.
"""

from __future__ import annotations

import glob
import json
import math
import os
import statistics
import time
import warnings
from typing import Any

import keras_tuner as kt
import numpy as np
from keras_tuner.src.engine import trial as trial_module

# The direction KerasTuner's update_trial gives a reported metric; rebuilt trials get the same.
from keras_tuner.src.engine.oracle import _maybe_infer_direction_from_objective as infer_direction

from tuning.distributed import LEASE, LeaseKeeper, StopOnLostChief, ZooOracleClient, is_chief, is_worker, serve
from zoo.training.backup import checkpoint_bytes
from zoo.utils.files import DamagedStateError, ensure_free_space, write_json
from zoo.utils.signals import check_interrupt, uninterrupted

TRIAL_FILE = "zoo_trial.json"
GC_EVERY = 5  # builds between full garbage collections


def sort_key(metrics: dict[str, float], objective: Any) -> tuple[float, ...]:
    """A key where larger is better: the objective, then (for non-loss objectives) a lower validation loss.

    Accuracy on a small validation set ties often (three trials at 89/91 on breast
    cancer); the validation loss separates them by how confident the right answers are.
    """
    value = metrics.get(objective.name, math.nan)
    key = [value if objective.direction == "max" else -value]
    loss_name = "val_loss" if objective.name.startswith("val_") else "loss"
    if objective.name != loss_name and loss_name in metrics:
        key.append(-metrics[loss_name])
    return tuple(-math.inf if not math.isfinite(v) else v for v in key)


class MedianPruner:
    """Stops a trial whose best score so far is worse than the median of finished trials at the same epoch.

    As Optuna's ``MedianPruner``: nothing is pruned before `startup_trials` unpruned
    trials have finished, nor before `warmup_epochs` epochs; a finished trial that
    stopped early counts with its best score (best-so-far is monotone).

    Args:
        startup_trials: Finished, unpruned trials needed before pruning starts.
        warmup_epochs: Epochs every trial runs before it can be pruned.
    """

    def __init__(self, startup_trials: int = 3, warmup_epochs: int = 5) -> None:
        self.startup_trials = startup_trials
        self.warmup_epochs = warmup_epochs

    def should_prune(self, epoch: int, best_so_far: float, curves: list[list[float]], direction: str) -> bool:
        """Whether a trial at `epoch` (1-based) with `best_so_far` should stop.

        Args:
            epoch: Epochs the trial has run.
            best_so_far: Its best objective value so far.
            curves: Per-epoch objective values of the finished, unpruned trials.
            direction: "max" or "min".
        """
        if epoch < self.warmup_epochs or len(curves) < self.startup_trials or not math.isfinite(best_so_far):
            return False
        better = max if direction == "max" else min
        finite = [[v for v in c if math.isfinite(v)] for c in curves]
        at_epoch = [better(c[:epoch]) for c in finite if c]
        if len(at_epoch) < self.startup_trials:
            return False
        median = statistics.median(at_epoch)
        return best_so_far < median if direction == "max" else best_so_far > median


def _keras_callback_base() -> type:
    import keras

    return keras.callbacks.Callback


class TrialMonitor(_keras_callback_base()):  # type: ignore[misc]
    """Follows one execution of a trial epoch by epoch.

    Keeps the best epoch's logs and weights (by `sort_key`), stops on a non-finite
    loss, asks the pruner after every epoch, and raises there a Ctrl-C or SIGTERM that
    Python lost (`zoo.utils.signals`).

    Args:
        objective: The search's `keras_tuner.Objective`.
        pruner: A `MedianPruner`, or None for none.
        curves: The finished trials' curves the pruner compares with.
    """

    def __init__(self, objective: Any, pruner: MedianPruner | None = None,
                 curves: list[list[float]] | None = None) -> None:
        super().__init__()
        self.objective = objective
        self.pruner = pruner
        self.curves = curves or []
        self.curve: list[float] = []
        self.best_logs: dict[str, float] | None = None
        self.best_epoch: int | None = None
        self.best_weights: list[Any] | None = None
        self.pruned_at: int | None = None
        self.nonfinite_at: int | None = None
        self.epoch_seconds: list[float] = []
        self._epoch_start = 0.0

    def on_epoch_begin(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        self._epoch_start = time.perf_counter()

    def on_epoch_end(self, epoch: int, logs: dict[str, Any] | None = None) -> None:
        check_interrupt()  # a Ctrl-C or SIGTERM Python lost during the epoch stops the search here
        self.epoch_seconds.append(time.perf_counter() - self._epoch_start)
        logs = {k: float(v) for k, v in (logs or {}).items() if np.ndim(v) == 0}
        if not all(math.isfinite(logs.get(name, 0.0)) for name in ("loss", "val_loss")):
            self.nonfinite_at = epoch + 1
            self.model.stop_training = True
            return
        self.curve.append(logs.get(self.objective.name, math.nan))
        if self.best_logs is None or sort_key(logs, self.objective) > sort_key(self.best_logs, self.objective):
            self.best_logs, self.best_epoch = logs, epoch + 1
            self.best_weights = self.model.get_weights()
        if self.pruner is not None and self.best_logs is not None:
            best = self.best_logs.get(self.objective.name, math.nan)
            if self.pruner.should_prune(len(self.curve), best, self.curves, self.objective.direction):
                self.pruned_at = len(self.curve)
                self.model.stop_training = True


def write_state(path: str, state: dict[str, Any]) -> None:
    """Writes KerasTuner state (``oracle.json``, ``trial.json``, the tuner's) atomically, never interrupted."""
    with uninterrupted():
        write_json(path, state)


def save_checkpoint(model: Any, path: str) -> None:
    """Saves a trial's weights whole or not at all: space checked, a temporary sibling renamed, never interrupted.

    KerasTuner writes its checkpoints in place; a kill or a full disk there leaves a file
    that no resume can read (and h5py may crash the process).
    """
    folder = os.path.dirname(path)
    os.makedirs(folder, exist_ok=True)
    tmp = os.path.join(folder, ".tmp-" + os.path.basename(path))
    with uninterrupted():
        ensure_free_space(folder, checkpoint_bytes(model, path))
        try:
            model.save_weights(tmp, overwrite=True)
            os.replace(tmp, path)
        finally:
            if os.path.exists(tmp):
                os.remove(tmp)


def read_trial_files(project_dir: str) -> dict[str, dict[str, Any]]:
    """Every ``zoo_trial.json`` of a project, by trial id (unreadable ones skipped: being written)."""
    found = {}
    for path in glob.glob(os.path.join(project_dir, "trial_*", TRIAL_FILE)):
        try:
            with open(path) as f:
                found[os.path.basename(os.path.dirname(path))[len("trial_"):]] = json.load(f)
        except (OSError, ValueError):
            continue
    return found


class ZooOracle(LeaseKeeper):
    """Mixed into a KerasTuner oracle: the default configuration first, ``max_trials`` and a time budget honoured.

    It also keeps the leases of a chief/worker search (`tuning.distributed.LeaseKeeper`)
    and, on resume, repairs what a kill or a user left damaged (`reload`).

    Attributes set by `tuning.make_tuner`: ``time_budget`` (seconds or None),
    ``budget_start`` (``time.time()`` when the search started) and ``lease``.
    """

    time_budget: float | None = None
    budget_start: float | None = None

    def _default_values(self) -> dict[str, Any]:
        hps = self.get_space()
        return {hp.name: hp.default for hp in hps.space if hps.is_active(hp)}

    def _random_values(self) -> dict[str, Any] | None:
        # The first values any search draws are the defaults; every kind draws through here.
        if not self.start_order and not getattr(self, "_zoo_default_given", False):
            self._zoo_default_given = True
            return self._default_values()
        return super()._random_values()

    def seconds_left(self) -> float | None:
        """Seconds of the time budget left, or None without a budget."""
        if self.time_budget is None or self.budget_start is None:
            return None
        return self.time_budget - (time.time() - self.budget_start)

    def typical_trial_seconds(self) -> float:
        """The median wall time of the trials finished so far (0 before the first)."""
        seconds = [t.get("seconds") for t in read_trial_files(self._project_dir).values()]
        seconds = [s for s in seconds if isinstance(s, (int, float))]
        return statistics.median(seconds) if seconds else 0.0

    @kt.synchronized
    def create_trial(self, tuner_id: str) -> Any:
        self.heard_from(tuner_id)
        if tuner_id in self.ongoing_trials:  # a restarted worker taking its trial back
            return super().create_trial(tuner_id)
        if getattr(self, "_zoo_fatal", None):
            self.tuner_ids.discard(tuner_id)
            return trial_module.Trial(self.get_space(), status=trial_module.TrialStatus.STOPPED)
        if tuner_id not in self.ongoing_trials and not self._retry_queue:
            left = self.seconds_left()
            if left is not None and left < self.typical_trial_seconds():
                if not getattr(self, "_zoo_budget_said", False):
                    self._zoo_budget_said = True
                    print(f"[tune] time budget: {max(left, 0):.0f}s left, less than a trial takes "
                          f"(about {self.typical_trial_seconds():.0f}s); starting no more trials", flush=True)
                self.tuner_ids.discard(tuner_id)
                return trial_module.Trial(self.get_space(), status=trial_module.TrialStatus.STOPPED)
        trial = super().create_trial(tuner_id)
        if trial.status == trial_module.TrialStatus.STOPPED and self.others_running(tuner_id):
            # Trials still run elsewhere: one may come back (its worker lost), so this worker waits.
            self.tuner_ids.add(tuner_id)
            return trial_module.Trial(self.get_space(), status=trial_module.TrialStatus.IDLE)
        return trial

    def save(self) -> None:
        """KerasTuner's oracle state, written whole (KerasTuner writes it in place: a kill empties it)."""
        write_state(self._get_oracle_fname(), self.get_state())

    def _save_trial(self, trial: Any) -> None:
        write_state(os.path.join(self._get_trial_dir(trial.trial_id), "trial.json"), trial.get_state())

    @kt.synchronized
    def end_trial(self, trial: Any) -> None:
        stored = self.trials.get(trial.trial_id)
        if (trial.trial_id in self.end_order and stored is not None and stored.status == "FAILED"
                and trial.status == "COMPLETED" and stored.message and "lost with its worker" in stored.message):
            self.end_order.remove(trial.trial_id)  # given up after two missed leases, yet finished: keep it
        if trial.trial_id in self.end_order:  # ended before (in one process the trial object is shared)
            # A worker thought lost finished after all, and another ran the trial too: keep the first result.
            print(f"[tune] trial {trial.trial_id} finished twice (its first worker was thought lost); "
                  "the first result is kept", flush=True)
            for tuner_id in [t for t, running in self.ongoing_trials.items() if running.trial_id == trial.trial_id]:
                self.ongoing_trials.pop(tuner_id)
            return
        if trial.trial_id in self._retry_queue:  # given back after a missed lease, yet finished: not run again
            self._retry_queue.remove(trial.trial_id)
        try:
            super().end_trial(trial)
        except RuntimeError as err:  # KerasTuner's limit of consecutive FAILED trials
            if not is_chief():  # alone, KerasTuner's error ends the search as it always did
                raise
            # A chief must not die in a gRPC thread holding the oracle's lock: it stops the search instead.
            self._zoo_fatal = " ".join(str(err).split("\n")[0].split())
            self._zoo_stopped = True
            for tuner_id in [t for t, running in self.ongoing_trials.items() if running.trial_id == trial.trial_id]:
                self.ongoing_trials.pop(tuner_id)
            self._save_trial(self.trials[trial.trial_id])  # KerasTuner raised before saving it
            self.save()
            print(f"[tune] {self._zoo_fatal}: no new trials start", flush=True)
        # KerasTuner saves the oracle before it drops the trial from the ongoing ones: a kill
        # right after would make a resume train this finished trial again.
        self.save()

    def reload(self) -> None:
        """Reloads the project, first repairing what would make KerasTuner lose or repeat a trial.

        A trial whose ``trial.json`` is missing or unreadable is rebuilt from its
        ``zoo_trial.json`` (values and scores) or, failing that, recorded as FAILED, so
        that its number is never given to a new trial (KerasTuner numbers trials by
        counting them). A finished trial is never queued to run again. An unreadable
        ``oracle.json`` stops the resume with `DamagedStateError`.
        """
        if is_worker():  # the chief holds the state; a worker's copy is never used
            try:
                super().reload()
            except Exception:  # noqa: BLE001
                pass
            return
        for line in repair_trials(self):
            print(line, flush=True)
        super().reload()
        finished = (trial_module.TrialStatus.COMPLETED, trial_module.TrialStatus.FAILED)
        self._retry_queue = [t for t in self._retry_queue if self.trials[t].status not in finished]


def repair_trials(oracle: Any) -> list[str]:
    """Rewrites the missing or unreadable ``trial.json`` files of `oracle`'s project; returns what it did.

    Raises:
        DamagedStateError: If ``oracle.json`` itself cannot be read.
    """
    project = oracle._project_dir
    oracle_file = os.path.join(project, "oracle.json")
    if not os.path.exists(oracle_file):
        return []
    try:
        with open(oracle_file) as f:
            state = json.load(f)
        space = kt.HyperParameters.from_config(state["hyperparameters"])
    except (OSError, ValueError, KeyError, TypeError) as err:
        raise DamagedStateError(
            f"the tuning project {project!r} cannot be resumed: oracle.json is damaged ({err}); run again with "
            "--overwrite (overwrite=True) to start the search afresh, or restore that file") from None
    known = {str(t) for key in ("start_order", "end_order", "retry_queue") for t in state.get(key) or []}
    known |= {str(t) for t in (state.get("ongoing_trials") or {}).values()}
    known |= {os.path.basename(d)[len("trial_"):] for d in glob.glob(os.path.join(project, "trial_*"))
              if os.path.isdir(d)}
    said = []
    for trial_id in sorted(known):
        path = os.path.join(project, f"trial_{trial_id}", "trial.json")
        try:
            trial_module.Trial.load(path)
            continue
        except Exception:  # noqa: BLE001  missing, empty, or not a trial: rebuilt below
            check_interrupt()  # unless the error was a lost Ctrl-C's: then the trial is left as it is
        record = read_trial_files(project).get(trial_id, {})
        trial = trial_module.Trial(space.copy(), trial_id=trial_id, status=trial_module.TrialStatus.FAILED)
        if record.get("values") and record.get("metrics") and not record.get("nonfinite_at"):
            trial.hyperparameters.values = dict(record["values"])
            for name, value in record["metrics"].items():
                trial.metrics.register(name, direction=infer_direction(oracle.objective, name))
                trial.metrics.update(name, value, step=max((record.get("best_epoch") or 1) - 1, 0))
            trial.status = trial_module.TrialStatus.COMPLETED
            oracle.score_trial(trial)
            how = "rebuilt it from zoo_trial.json (its scores are kept)"
        else:
            trial.message = "its trial.json was lost; recorded as FAILED so its number is never reused"
            how = "recorded the trial as FAILED so that its number and folder are never reused"
        os.makedirs(os.path.dirname(path), exist_ok=True)
        trial.save(path)
        said.append(f"[tune] trial_{trial_id}/trial.json was missing or unreadable: {how}")
    return said


def _oracle(base: type) -> type:
    return type(base.__name__, (ZooOracle, base), {})


ORACLES = {
    "random": _oracle(kt.oracles.RandomSearchOracle),
    "hyperband": _oracle(kt.oracles.HyperbandOracle),
    "bayesian": _oracle(kt.oracles.BayesianOptimizationOracle),
    "grid": _oracle(kt.oracles.GridSearchOracle),
}


class ZooTuner(kt.Tuner):
    """A `keras_tuner.Tuner` whose trials the zoo runs (see the module doc).

    Args:
        oracle: A `ZooOracle` (from `ORACLES`).
        hypermodel: A `tuning.ZooHyperModel`.
        pruner: A `MedianPruner`, or None to let every trial run its epochs.
        **kwargs: Passed to `keras_tuner.Tuner`.
    """

    def __init__(self, oracle: Any, hypermodel: Any, *, pruner: MedianPruner | None = None, lease: float = LEASE,
                 **kwargs: Any) -> None:
        oracle.lease = lease
        super().__init__(oracle=oracle, hypermodel=hypermodel, **kwargs)
        self.pruner = pruner
        if is_worker():  # KerasTuner's client, with deadlines and a heartbeat (tuning.distributed)
            self.oracle = ZooOracleClient(self.oracle._oracle, lease)

    def save(self) -> None:
        """The oracle's and the tuner's state, each file written whole."""
        if not self._is_worker():
            self.oracle.save()
        write_state(self._get_tuner_fname(), self.get_state())

    def search(self, *fit_args: Any, **fit_kwargs: Any) -> None:
        """KerasTuner's search; a chief serves with leases and exits by itself (`tuning.distributed.serve`)."""
        from keras_tuner.src.distribute import utils as dist_utils

        if dist_utils.is_chief_oracle():
            if "verbose" in fit_kwargs:
                self.oracle.verbose = fit_kwargs["verbose"]
            self.save()
            serve(self.oracle)
            return
        super().search(*fit_args, **fit_kwargs)

    def pre_create_trial(self) -> None:
        check_interrupt()
        super().pre_create_trial()

    def _try_run_and_update_trial(self, trial: Any, *fit_args: Any, **fit_kwargs: Any) -> None:
        super()._try_run_and_update_trial(trial, *fit_args, **fit_kwargs)
        # KerasTuner records any error as the trial's own (FAILED or INVALID). After an interrupt
        # Python lost (zoo.utils.signals), the error is the interrupt's: the search stops and the
        # trial, never ended, runs again on resume.
        if trial.status != trial_module.TrialStatus.COMPLETED:
            check_interrupt()

    def _try_build(self, hp: Any) -> Any:
        # KerasTuner collects garbage twice per build (0.3 s each, a sixth of a 20-epoch trial
        # on digits); the zoo clears the session every build and collects every few builds.
        # The trials' step graphs are released too (TF keeps them otherwise: zoo.runtime.memory),
        # never a graph traced before the search.
        import keras

        from zoo.runtime.memory import release_traced_gradients, traced_gradient_names

        if not hasattr(self, "_zoo_outside_gradients"):
            self._zoo_outside_gradients = traced_gradient_names()
        self._zoo_builds = getattr(self, "_zoo_builds", 0) + 1
        keras.backend.clear_session(free_memory=self._zoo_builds % GC_EVERY == 0)
        release_traced_gradients(keep=self._zoo_outside_gradients)
        model = self._build_hypermodel(hp)
        if not isinstance(model, keras.Model):
            raise kt.errors.FatalTypeError(f"The hypermodel must build a keras.Model. Received: {type(model)}")
        return model

    def _build_hypermodel(self, hp: Any) -> Any:
        model = super()._build_hypermodel(hp)
        if "tuner/trial_id" in hp.values:  # a hyperband trial continues from its parent's best epoch
            model.load_weights(self._get_checkpoint_fname(hp.values["tuner/trial_id"]))
        return model

    def load_model(self, trial: Any) -> Any:
        """The trial's model with its best epoch's weights."""
        with warnings.catch_warnings():  # the checkpoint's optimizer state is not needed to predict or resume
            warnings.filterwarnings("ignore", message="Skipping variable loading for optimizer")
            return super().load_model(trial)

    def _finished_curves(self) -> list[list[float]]:
        files = read_trial_files(self.project_dir)
        ids = {t.trial_id for t in self.oracle.trials.values() if t.status == "COMPLETED"} if hasattr(
            self.oracle, "trials") else set(files)
        return [f["curve"] for i, f in files.items()
                if i in ids and f.get("curve") and not f.get("pruned_at") and not f.get("nonfinite_at")]

    def run_trial(self, trial: Any, *args: Any, **kwargs: Any) -> list[dict[str, float]]:
        """Trains the trial's executions; returns each one's best-epoch metrics.

        Raises:
            keras_tuner.errors.FailedTrialError: If the loss became non-finite (the
                trial is FAILED and never ranked).
        """
        start = time.perf_counter()
        hp = trial.hyperparameters
        hyperband = "tuner/epochs" in hp.values
        if hyperband:
            kwargs["epochs"] = hp.values["tuner/epochs"]
            kwargs["initial_epoch"] = hp.values["tuner/initial_epoch"]
        pruner = None if hyperband else self.pruner
        curves = self._finished_curves() if pruner is not None else []
        user_callbacks = kwargs.pop("callbacks", [])
        client = self.oracle if isinstance(self.oracle, ZooOracleClient) else None
        extra = [] if client is None else [StopOnLostChief(client)]  # not deep-copyable: added after the copy
        if client is not None:
            heartbeat = client.heartbeat()
        try:
            return self._run_executions(trial, hp, pruner, curves, user_callbacks, extra, start, *args, **kwargs)
        finally:
            if client is not None:
                heartbeat.set()

    def _run_executions(self, trial: Any, hp: Any, pruner: MedianPruner | None, curves: list[list[float]],
                        user_callbacks: list[Any], extra: list[Any], start: float, *args: Any,
                        **kwargs: Any) -> list[dict[str, float]]:
        results, best, record = [], None, {}
        for execution in range(self.executions_per_trial):
            monitor = TrialMonitor(self.oracle.objective, pruner, curves)
            callbacks = self._deepcopy_callbacks(user_callbacks)
            self._configure_tensorboard_dir(callbacks, trial, execution)
            model = self._try_build(hp)
            self.hypermodel.fit(hp, model, *args, callbacks=[*callbacks, *extra, monitor], **kwargs)
            record = {"curve": monitor.curve, "best_epoch": monitor.best_epoch, "pruned_at": monitor.pruned_at,
                      "nonfinite_at": monitor.nonfinite_at, "epochs": len(monitor.curve) + bool(monitor.nonfinite_at)}
            if monitor.nonfinite_at is not None or monitor.best_logs is None:
                record["seconds"] = round(time.perf_counter() - start, 3)
                write_json(os.path.join(self.get_trial_dir(trial.trial_id), TRIAL_FILE), record)
                rate = hp.values.get("learning_rate")
                if monitor.nonfinite_at is None:
                    raise kt.errors.FailedTrialError("no epoch ran (epochs or initial_epoch leave none)")
                raise kt.errors.FailedTrialError(
                    f"the loss became non-finite at epoch {monitor.nonfinite_at}"
                    + (f" (learning_rate={rate:g})" if isinstance(rate, float) else "")
                    + "; the trial is FAILED and never ranked")
            if best is None or sort_key(monitor.best_logs, self.oracle.objective) > best:
                best = sort_key(monitor.best_logs, self.oracle.objective)
                model.set_weights(monitor.best_weights)
                save_checkpoint(model, self._get_checkpoint_fname(trial.trial_id))
            results.append(monitor.best_logs)
        record["metrics"] = {k: float(np.mean([r.get(k, math.nan) for r in results])) for k in results[0]}
        record["values"] = dict(hp.values)  # with the metrics, enough to rebuild a lost trial.json
        record["default"] = self.hypermodel.is_default(hp)
        record["seconds"] = round(time.perf_counter() - start, 3)
        # What a trial pays besides its epochs: build, compile, the first epoch's tracing
        # (charged as the first epoch minus a steady one), checkpoint and files.
        steady = float(np.median(monitor.epoch_seconds[1:])) if len(monitor.epoch_seconds) > 1 else 0.0
        record["overhead"] = round(record["seconds"] - steady * len(monitor.curve) * self.executions_per_trial, 3)
        write_json(os.path.join(self.get_trial_dir(trial.trial_id), TRIAL_FILE), record)
        return results
