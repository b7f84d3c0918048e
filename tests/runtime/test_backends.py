"""The same builders on JAX: the conformance suite and data parallelism (issue 10).

The main session runs on TensorFlow; these start JAX child processes (hard timeouts).
"""

import json
import os
import re
import subprocess
import sys

import pytest
from procs import zoo_env

TESTS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _jax_env(tmp_path, **extra):
    return zoo_env(tmp_path, KERAS_BACKEND="jax", **extra)


def _run(args, env, timeout):
    try:
        return subprocess.run(args, env=env, timeout=timeout, capture_output=True, text=True,
                              cwd=os.path.dirname(TESTS))
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"{args} did not finish in {timeout} s:\n{(error.stdout or '')[-3000:]}")


def test_jax_is_installed_by_the_test_extra():
    import importlib.util

    assert importlib.util.find_spec("jax") is not None, "install the test extra: pip install -e .[test]"


@pytest.mark.slow
def test_conformance_suite_passes_on_jax(tmp_path):
    proc = _run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/test_conformance.py",
                 "tests/training/test_pipeline.py"], _jax_env(tmp_path), timeout=420)
    tail = proc.stdout[-4000:]
    assert proc.returncode == 0, tail
    passed = int(re.search(r"(\d+) passed", tail).group(1))
    assert passed >= 50 and "skipped" not in tail and "failed" not in tail, tail


@pytest.mark.slow
def test_jax_with_two_devices_trains_under_data_parallel(tmp_path):
    out = tmp_path / "jax.json"
    env = _jax_env(tmp_path, XLA_FLAGS="--xla_force_host_platform_device_count=2")
    proc = _run([sys.executable, os.path.join(TESTS, "distributed_worker.py"), "jax", str(out)], env, timeout=180)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(out.read_text())
    assert report["backend"] == "jax" and report["distribution"] == "DataParallel" and report["devices"] == 2
    assert report["strategy"] == "None"
    assert report["loss"][1] < report["loss"][0]
    assert "distribution DataParallel on 2 JAX devices" in proc.stderr
