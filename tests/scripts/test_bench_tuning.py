"""The tuning benchmark script (scripts/bench_tuning.py) runs end to end on a tiny budget.

Runs in a child process with a hard timeout; needs neither Optuna nor the network.
"""

import json
import math
import os
import subprocess
import sys

import pytest
from procs import zoo_env

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(ROOT, "scripts", "bench_tuning.py")
METHODS = ["zoo", "kerastuner", "sklearn"]


@pytest.mark.slow
def test_bench_tuning_smoke(tmp_path):
    out = tmp_path / "bench"
    args = [sys.executable, SCRIPT, "--datasets", "breast_cancer", "--seeds", "0", "--trials", "2", "--epochs", "2",
            "--methods", *METHODS, "--out", str(out)]
    try:
        proc = subprocess.run(args, env=zoo_env(tmp_path), cwd=ROOT, timeout=300, capture_output=True, text=True)
    except subprocess.TimeoutExpired as error:
        partial = error.stdout.decode() if isinstance(error.stdout, bytes) else error.stdout or ""
        pytest.fail(f"bench_tuning.py did not finish in 300 s:\n{partial[-3000:]}")
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]

    runs = json.loads((out / "results.json").read_text())["runs"]
    assert sorted(r["method"] for r in runs) == sorted(METHODS)
    for run in runs:
        assert run["dataset"] == "breast_cancer" and run["seed"] == 0
        assert run["trials"] == 2 and run["epochs"] == 2
        assert isinstance(run["score"], float) and math.isfinite(run["score"]), run
        assert 0.0 <= run["score"] <= 1.0 and run["seconds"] > 0
    table = (out / "results.md").read_text()
    header = next(line for line in table.splitlines() if line.startswith("| dataset | metric |"))
    columns = [c.strip() for c in header.strip("|").split("|")]
    assert all(method in columns for method in METHODS), table
    assert "| breast_cancer | accuracy |" in table
