"""A chief/worker search that outlives its members, on KerasTuner's own gRPC oracle.

KerasTuner's chief waits forever for a trial whose worker died (its exit loop has no
limit), and a worker waits up to an hour for a chief that is gone. The zoo adds leases:

* Every worker proves it is alive while it trains: a heartbeat thread repeats its
  ``CreateTrial`` request, which the chief answers with the worker's current trial
  (KerasTuner's own idempotent call), every ``lease / 4`` seconds.
* The chief (`serve`) gives a trial back to the queue when its worker has not been heard
  from for ``lease`` seconds, once; a trial lost twice is FAILED. Idle workers are told
  to wait (IDLE) while other trials still run, so a trial given back finds a worker.
* The chief exits by itself once every trial has finished or been given up and the live
  workers have been told to stop, or when no worker has been heard from for
  ``2 * lease`` seconds (``FIRST_CONTACT`` before the first one).
* A worker stops with `ChiefLostError` (one line naming the address and what to do)
  when its chief does not answer a heartbeat within ``lease`` seconds, or another call
  within ``2 * lease`` (choosing a trial may keep a chief busy).
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

import keras_tuner as kt
from keras_tuner.src.engine import trial as trial_module

from zoo.utils.signals import check_interrupt

LEASE = 30.0  # seconds without a word from a worker (or the chief) before it counts as gone
FIRST_CONTACT = 600.0  # seconds a chief waits for its first worker, and a worker for its chief to start
HEARTBEAT = "#heartbeat"  # suffix of a heartbeat's tuner id: the chief records it and never starts a trial


class ChiefLostError(kt.errors.FatalError, RuntimeError):
    """A worker lost its chief: the search cannot go on from this worker."""


def quiet_conditions() -> None:
    """Silences a stray debug ``print`` in KerasTuner 1.4's ``conditions.Parent.to_proto``.

    It prints a conditional hyperparameter's value every time a trial crosses gRPC, and a
    heartbeat does so every few seconds. The module has no other ``print``.
    """
    from keras_tuner.src.engine import conditions

    conditions.print = lambda *args, **kwargs: None


def is_worker() -> bool:
    """Whether this process is a worker of a chief/worker search (KerasTuner's environment)."""
    from keras_tuner.src.distribute import utils as dist_utils

    return dist_utils.has_chief_oracle() and not dist_utils.is_chief_oracle()


def is_chief() -> bool:
    """Whether this process is the chief of a chief/worker search."""
    from keras_tuner.src.distribute import utils as dist_utils

    return dist_utils.is_chief_oracle()


def address() -> str:
    """The chief's address from KerasTuner's environment."""
    return f"{os.environ.get('KERASTUNER_ORACLE_IP', '?')}:{os.environ.get('KERASTUNER_ORACLE_PORT', '?')}"


def _lost(seconds: float) -> ChiefLostError:
    return ChiefLostError(f"lost the tuning chief at {address()} (no answer for {seconds:.0f}s); start the chief "
                          "again with the same command, then this worker: finished trials are kept")


class _DeadlineStub:
    """KerasTuner's gRPC stub with the zoo's deadlines instead of its hour, and one clear error."""

    def __init__(self, stub: Any, client: ZooOracleClient) -> None:
        self._stub = stub
        self._client = client

    def __getattr__(self, name: str) -> Any:
        import grpc

        method = getattr(self._stub, name)

        def call(request: Any, wait_for_ready: bool = True, timeout: float | None = None) -> Any:
            deadline = self._client.deadline()
            try:
                response = method(request, wait_for_ready=True, timeout=deadline)
            except grpc.RpcError as err:
                if err.code() in (grpc.StatusCode.DEADLINE_EXCEEDED, grpc.StatusCode.UNAVAILABLE):
                    raise _lost(deadline) from None
                raise ChiefLostError(f"the tuning chief at {address()} failed on {name}: "
                                     f"{' '.join(str(err.details()).split())[:300]}") from None
            self._client.contacted = True
            return response

        return call


def _client_base() -> type:
    from keras_tuner.src.distribute import oracle_client

    return oracle_client.OracleClient


class ZooOracleClient(_client_base()):  # type: ignore[misc]
    """A worker's `OracleClient` with deadlines, a pause on IDLE, and a heartbeat.

    Args:
        oracle: The worker's local oracle (as KerasTuner's client takes it).
        lease: Seconds without an answer before the chief counts as lost.
    """

    def __init__(self, oracle: Any, lease: float = LEASE) -> None:
        super().__init__(oracle)
        quiet_conditions()
        self.lease = lease
        self.contacted = False
        self._grpc_stub = self.stub
        self.stub = _DeadlineStub(self.stub, self)

    def deadline(self) -> float:
        """How long one call may wait: long for the first contact (the chief may be starting), and
        twice the lease after it (a chief choosing the next trial may be busy for a while)."""
        return 2 * self.lease if self.contacted else max(self.lease, FIRST_CONTACT)

    def create_trial(self, tuner_id: str) -> Any:
        trial = super().create_trial(tuner_id)
        if trial.status == trial_module.TrialStatus.IDLE:
            time.sleep(1.0)  # other trials still run; KerasTuner would ask again at once
        return trial

    def heartbeat(self) -> threading.Event:
        """Starts a heartbeat for the trial this worker runs; set the returned event to stop it.

        ``lost`` is set on the client when the chief stops answering.
        """
        import grpc
        from keras_tuner.src import protos

        stop = threading.Event()
        self.lost: ChiefLostError | None = None

        def beat() -> None:
            request = protos.get_service().CreateTrialRequest(tuner_id=self.tuner_id + HEARTBEAT)
            while not stop.wait(self.lease / 4):
                try:
                    self._grpc_stub.CreateTrial(request, wait_for_ready=True, timeout=self.lease)
                except grpc.RpcError:
                    if not stop.is_set():  # a beat still in flight when its trial ended says nothing of the next
                        self.lost = _lost(self.lease)
                    return

        threading.Thread(target=beat, name="zoo-heartbeat", daemon=True).start()
        return stop


def _callback_base() -> type:
    import keras

    return keras.callbacks.Callback


class StopOnLostChief(_callback_base()):  # type: ignore[misc]
    """Ends the trial at the next batch once the heartbeat found the chief gone."""

    def __init__(self, client: ZooOracleClient) -> None:
        super().__init__()
        self.client = client

    def on_train_batch_end(self, batch: int, logs: dict[str, Any] | None = None) -> None:
        if getattr(self.client, "lost", None) is not None:
            raise self.client.lost


class LeaseKeeper:
    """The chief's side, mixed into `tuning.engine.ZooOracle`: who was heard from when, and leases."""

    lease: float = LEASE

    def _seen(self) -> dict[str, float]:
        if not hasattr(self, "_zoo_seen"):
            self._zoo_seen: dict[str, float] = {}
            self._zoo_lost: dict[str, int] = {}
        return self._zoo_seen

    def heard_from(self, tuner_id: str) -> None:
        """Records that `tuner_id` is alive now."""
        self._seen()[tuner_id] = time.time()

    def last_contact(self) -> float | None:
        """When any worker was last heard from (None before the first)."""
        return max(self._seen().values(), default=None)

    @kt.synchronized
    def expire_leases(self) -> list[str]:
        """Gives back the trials of workers silent for longer than the lease; returns what it said."""
        now, said = time.time(), []
        seen = self._seen()
        for tuner_id, trial in list(self.ongoing_trials.items()):
            if now - seen.get(tuner_id, now) <= self.lease:
                continue
            self.ongoing_trials.pop(tuner_id)
            self.tuner_ids.discard(tuner_id)
            seen.pop(tuner_id, None)
            lost = self._zoo_lost[trial.trial_id] = self._zoo_lost.get(trial.trial_id, 0) + 1
            if lost >= 2:
                trial.status = trial_module.TrialStatus.FAILED
                trial.message = f"lost with its worker twice (last: {tuner_id})"
                self.end_order.append(trial.trial_id)
                what = "is FAILED (its worker was lost twice)"
            else:
                self._retry_queue.append(trial.trial_id)
                what = "goes back to the queue for another worker"
            self._save_trial(trial)
            self.save()
            said.append(f"[tune] worker {tuner_id} has not answered for {self.lease:.0f}s: its trial "
                        f"{trial.trial_id} {what}")
        for tuner_id in [t for t in self.tuner_ids if now - seen.get(t, now) > self.lease]:
            self.tuner_ids.discard(tuner_id)  # an idle worker that died
        for line in said:
            print(line, flush=True)
        return said

    def others_running(self, tuner_id: str) -> bool:
        """Whether trials still run (or wait for a retry) on workers other than `tuner_id`."""
        return bool(self._retry_queue) or any(t != tuner_id for t in self.ongoing_trials)

    def search_done(self) -> bool:
        """Every trial finished or given up: nothing running, nothing queued, no new trial to start."""
        if self.ongoing_trials or self._retry_queue:
            return False
        stopped = getattr(self, "_zoo_stopped", False)
        return stopped or (self.max_trials is not None and len(self.trials) >= self.max_trials)


def _servicer(oracle: Any) -> Any:
    """KerasTuner's servicer, answering heartbeats without the oracle's lock and never with a new trial.

    A chief choosing a trial (a Bayesian oracle fits its Gaussian process) holds the
    lock for seconds; heartbeats queued behind it would make live workers look dead.
    """
    from keras_tuner.src import protos
    from keras_tuner.src.distribute import oracle_chief

    class Servicer(oracle_chief.OracleServicer):
        def CreateTrial(self, request: Any, context: Any) -> Any:  # noqa: N802  gRPC's method name
            if not request.tuner_id.endswith(HEARTBEAT):
                return super().CreateTrial(request, context)
            tuner_id = request.tuner_id[:-len(HEARTBEAT)]
            self.oracle.heard_from(tuner_id)
            ongoing = self.oracle.ongoing_trials.get(tuner_id)
            trial = ongoing or trial_module.Trial(self.oracle.hyperparameters.copy(),
                                                  status=trial_module.TrialStatus.IDLE)
            return protos.get_service().CreateTrialResponse(trial=trial.to_proto())

    return Servicer(oracle)


def serve(oracle: Any) -> None:
    """Runs the chief: KerasTuner's oracle servicer on its gRPC server, until the search is done.

    Unlike KerasTuner's ``start_server``, the loop gives back lost trials and ends by
    itself (see the module doc).
    """
    from concurrent import futures

    import grpc
    from keras_tuner.src import protos

    quiet_conditions()
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=32))  # heartbeats never wait behind slow calls
    servicer = _servicer(oracle)
    protos.get_service_grpc().add_OracleServicer_to_server(servicer, server)
    server.add_insecure_port(address())
    server.start()
    started = time.time()
    print(f"[tune] chief listening on {address()}; a worker silent for {oracle.lease:.0f}s loses its trial",
          flush=True)
    try:
        while True:
            time.sleep(1.0)
            check_interrupt()  # one Python lost (zoo.utils.signals) stops the chief too
            oracle.expire_leases()
            if servicer.stop_triggered:
                oracle._zoo_stopped = True
            last = oracle.last_contact()
            if oracle.search_done() and not oracle.tuner_ids:
                fatal = getattr(oracle, "_zoo_fatal", None)
                print(f"[tune] chief: {fatal}; exiting" if fatal else
                      f"[tune] chief: all {len(oracle.trials)} trials finished or given up; exiting", flush=True)
                return
            silent = time.time() - (last if last is not None else started)
            if silent > (2 * oracle.lease if last is not None else FIRST_CONTACT):
                done = sum(t.status in ("COMPLETED", "FAILED", "INVALID") for t in oracle.trials.values())
                print(f"[tune] chief: no worker has been heard from for {silent:.0f}s ({done} of "
                      f"{oracle.max_trials} trials finished); exiting. Start the chief and workers again "
                      "with the same commands to go on", flush=True)
                return
    finally:
        server.stop(grace=2)
