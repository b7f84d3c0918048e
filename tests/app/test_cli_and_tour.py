"""The `zoo` command (one-line errors, help, describe without TensorFlow) and the tour."""

import subprocess
import sys

import pytest
from procs import zoo_cmd, zoo_env

import zoo

PNG = b"\x89PNG\r\n\x1a\n"


def _cli(*args, env=None):
    return subprocess.run(zoo_cmd(*args), capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("args, message", [
    (("train", "mlpp"), "Did you mean 'mlp'"),
    (("train", "mlp", "--dataset", "mnist10"), "invalid choice: 'mnist10'"),
    (("plot", "nope"), "Received: name='nope'"),
    (("tune", "mlp", "--worker", "tuner0"), "Received: oracle_port=None"),
    (("tune", "perceptron"), "Received: architecture='perceptron'"),
    (("tune", "mlp", "--time-budget", "5 minutes"), "Received: --time-budget='5 minutes'"),
    (("tune", "mlp", "--time-budget", "0"), "Received: --time-budget=0.0"),
    (("build", "mlp", "--save", "/proc/not/here.keras"), "error:"),
    (("describe",), "the following arguments are required"),
])
def test_cli_errors_are_one_line_and_a_nonzero_exit(args, message, tmp_path):
    result = _cli(*args, env=zoo_env(tmp_path))
    assert result.returncode != 0
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "Traceback" not in result.stderr


def test_every_command_has_help_with_an_example():
    from zoo.app.cli import make_parser

    commands = make_parser()._subparsers._group_actions[0].choices
    for name, parser in commands.items():
        assert "example:" in parser.format_help(), name


def test_describe_shows_the_default_parameter_count_without_tensorflow():
    code = ("import sys, zoo.app.cli; zoo.app.cli.main(['describe', 'cnn']); "
            "print('TF' if 'tensorflow' in sys.modules else 'LIGHT')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert "Parameters of the default model: 225,034" in result.stdout
    assert result.stdout.strip().endswith("LIGHT")


@pytest.mark.slow
def test_quick_tour_writes_the_page_with_a_card_per_model(tmp_path, capsys):
    from zoo.app import tour

    assert tour.run(quick=True, out=str(tmp_path)) == 0
    page = (tmp_path / "index.html").read_text()
    for name in zoo.list_models():
        assert f"<h2>{name}</h2>" in page, name
    assert page.count("data:image/png;base64,") >= 12, "images inlined: the page is self-contained"
    assert "baseline" in page
    for path in ("activations.png", "decision_boundaries.png", "diagrams/cnn.png", "tune/mlp/trials.png"):
        assert open(tmp_path / path, "rb").read(8) == PNG, path
    out = capsys.readouterr().out
    assert "[tour 1/" in out and "Open " in out
    _check_results(tmp_path, page)


def _check_results(folder, page):
    """results.csv / results.json: a row per model (the tuned MLP too), the notes' MNIST models at 28x28."""
    import csv
    import json

    from procs import browser_report, chromium

    from zoo.training.measure import RESULT_COLUMNS

    with open(folder / "results.csv", newline="") as f:
        reader = csv.DictReader(f)
        assert tuple(reader.fieldnames) == RESULT_COLUMNS
        rows = list(reader)
    results = json.loads((folder / "results.json").read_text())
    assert results["rows"] == [{k: r[k] for k in RESULT_COLUMNS} for r in results["rows"]]
    assert [r["model"] for r in rows] == [r["model"] for r in results["rows"]]
    by_name = {r["model"]: r for r in results["rows"]}
    assert set(zoo.list_models()) | {"mlp (tuned)"} == set(by_name)
    for name, params, shape in (("mnist_mlp", 101_770, "28x28"), ("cnn", 225_034, "28x28x1")):
        row = by_name[name]
        assert (row["param_count"], row["input_shape"]) == (params, shape), row
        assert row["dataset"].startswith("mnist") and row["test_score"] > row["baseline_score"], row
        assert row["infer_flops"] > 0 and row["infer_latency_ms"] > 0 and row["train_samples_per_sec"] > 0
    assert page.count('<tr><td><a href="#card-') == len(by_name), "the overview: one row per model"
    if chromium() is None:
        print("headless Chromium is not installed: the page was not opened in a browser")
        return
    report = browser_report(str(folder / "index.html"), 390, folder)
    assert report["broken"] == 0 and report["rows"] == report["links"] == len(by_name), report
    assert report["pageWidth"] <= 390, report


@pytest.mark.slow
def test_the_tour_stops_on_sigterm_with_one_line_and_frees_its_folder(tmp_path):
    import signal

    from procs import processes, wait_for

    log = tmp_path / "tour.log"
    with processes() as start:
        tour = start(zoo_cmd("tour", "--quick", "--out", tmp_path / "tour"), zoo_env(tmp_path), log)
        assert wait_for(lambda: "[tour 1/" in log.read_text() or tour.poll() is not None, timeout=120)
        tour.send_signal(signal.SIGTERM)
        assert tour.wait(timeout=60) == 143, log.read_text()[-2000:]
    lines = [line for line in log.read_text().splitlines() if line.startswith("zoo tour")]
    assert lines == ["zoo tour: terminated (SIGTERM); run the same command again to resume"], lines
    assert not list((tmp_path / "tour").rglob(".tmp-*")), "nothing half-written"
    assert not list(tmp_path.glob(".tour.zoo-*.lock")), "the folder is free for the next run"


def test_a_tour_step_broken_by_a_lost_interrupt_stops_the_tour_instead_of_failing(tmp_path):
    from helpers import lose_an_interrupt

    from zoo.app import tour as tour_module
    from zoo.app.cli import Terminated
    from zoo.utils.signals import quiet_lost_interrupts, reset_interrupt

    ran = []

    def broken(tour):
        lose_an_interrupt()
        raise SystemError("bad argument to internal function")  # what C code makes of the interrupt

    tour = tour_module.Tour(str(tmp_path / "tour"), quick=True, seed=0)
    try:
        with quiet_lost_interrupts(), pytest.raises(Terminated):
            tour.run([("broken", broken), ("next", lambda t: ran.append("next") or [])])
    finally:
        reset_interrupt()
    assert tour.failures == [] and ran == [], "neither reported as a failed step nor toured on"
