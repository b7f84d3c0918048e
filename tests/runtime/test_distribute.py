"""Devices: strategy choice, 2 logical CPU replicas, two workers on 127.0.0.1 (issue 10)."""

import json
import logging
import os
import subprocess
import sys

import pytest
from procs import free_port, processes, wait_for, zoo_env

import zoo
from zoo.runtime import distribute

WORKER = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "distributed_worker.py")


@pytest.fixture
def fresh_strategy(monkeypatch):
    distribute._strategy.cache_clear()
    monkeypatch.delenv("TF_CONFIG", raising=False)
    monkeypatch.delenv(distribute.ENV_VAR, raising=False)
    yield
    distribute._strategy.cache_clear()


def test_auto_on_this_cpu_is_the_default_strategy_logged_once(fresh_strategy, caplog):
    import tensorflow as tf

    with caplog.at_level(logging.INFO, logger="zoo"):
        first = zoo.get_strategy()
        again = zoo.get_strategy()
    assert first is again is tf.distribute.get_strategy()
    lines = [r.getMessage() for r in caplog.records if r.name == "zoo"]
    assert len(lines) == 1 and "1 replica(s)" in lines[0] and "no GPU" in lines[0] and "CPU:0" in lines[0]


def test_zoo_strategy_environment_variable_forces_a_kind(fresh_strategy, monkeypatch):
    import tensorflow as tf

    monkeypatch.setenv(distribute.ENV_VAR, "one_device")
    assert isinstance(zoo.get_strategy(), tf.distribute.OneDeviceStrategy)
    monkeypatch.setenv(distribute.ENV_VAR, "fastest")
    with pytest.raises(ValueError, match="Received: ZOO_STRATEGY='fastest'"):
        zoo.get_strategy()


@pytest.mark.parametrize(
    "kind, exc, match",
    [
        ("mirrored", ValueError, r"needs two or more devices.*Received: kind='mirrored'"),
        ("multi_worker", ValueError, r"needs TF_CONFIG.*Received: kind='multi_worker'"),
        ("gpu", ValueError, r"Received: kind='gpu'"),
        (2, TypeError, r"Received: kind=2"),
    ],
)
def test_kinds_this_machine_cannot_run_are_refused(fresh_strategy, kind, exc, match):
    with pytest.raises(exc, match=match):
        zoo.get_strategy(kind)


def test_malformed_tf_config_is_named(fresh_strategy, monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "{cluster")
    with pytest.raises(ValueError, match=r"`TF_CONFIG` must be JSON.*Received: TF_CONFIG='\{cluster'"):
        zoo.get_strategy()


def _run(args, tmp_path, timeout, **env):
    try:
        return subprocess.run([sys.executable, WORKER, *args], env=zoo_env(tmp_path, **env), timeout=timeout,
                              capture_output=True, text=True)
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{args} did not finish in {timeout} s: {error.stdout}\n{error.stderr}")


@pytest.mark.slow
def test_two_replicas_train_every_model_mirrored_and_match_one_replica(tmp_path):
    out = tmp_path / "replicas.json"
    proc = _run(["replicas", str(out)], tmp_path, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["replicas"] == 2
    assert set(report["models"]) == set(zoo.list_models())
    for name, result in report["models"].items():
        assert "error" not in result, f"{name}: {result.get('error')}"
        assert result["mirrored"], f"{name} has variables that are not mirrored"
        assert result["replica_spread"] == 0.0, f"{name}: replicas diverged by {result['replica_spread']}"
    assert report["two_vs_one"] < 1e-5
    assert "MirroredStrategy on /job:localhost/replica:0/task:0/device:CPU:0" in proc.stderr


@pytest.mark.slow
def test_two_workers_on_localhost_train_to_identical_weights(tmp_path):
    ports = [free_port(), free_port()]
    cluster = {"worker": [f"127.0.0.1:{p}" for p in ports]}
    outs = [tmp_path / f"worker{i}" for i in range(2)]
    with processes() as start:
        procs = [start([sys.executable, WORKER, "worker", str(outs[i])],
                       zoo_env(tmp_path, TF_CONFIG=json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}}),
                               PYTHONPATH=os.pathsep.join(sys.path)),
                       tmp_path / f"worker{i}.log") for i in range(2)]
        finished = wait_for(lambda: all(p.poll() is not None for p in procs), timeout=240)
        logs = [(tmp_path / f"worker{i}.log").read_text() for i in range(2)]
        assert finished, "workers did not finish in 240 s:\n" + "\n".join(log[-2000:] for log in logs)
    assert [p.returncode for p in procs] == [0, 0], "\n".join(log[-3000:] for log in logs)
    reports = [json.loads((out / "worker.json").read_text()) for out in outs]
    assert reports[0]["replicas"] == reports[1]["replicas"] == 2
    assert reports[0]["weights"] == reports[1]["weights"]
    losses = reports[0]["loss"]
    assert len(losses) == 2 and losses[1] < losses[0]
    assert "MultiWorkerMirroredStrategy, 2 workers, 2 replicas" in logs[0]
    assert (outs[0] / "mlp" / "model.keras").is_file() and (outs[0] / "mlp" / "history.csv").is_file()
