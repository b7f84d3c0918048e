"""The main job: diagrams, plots, `zoo.train` (with resume after a kill), the CLI and the tour."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

import zoo
from procs import csv_rows, kill_then_rerun, zoo_cmd, zoo_env
from zoo.viz import diagrams
from zoo.viz import plots
from zoo import registry

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", zoo.list_models())
def test_every_registered_model_gets_a_full_diagram(name, tmp_path):
    model = zoo.build(name, **registry.get_entry(name).smoke)
    files = diagrams.export_diagram(model, tmp_path / name, formats=("png", "svg"))
    assert set(files) == {"dot", "png", "svg"}
    assert open(files["png"], "rb").read(8) == PNG
    assert "<svg" in open(files["svg"]).read()
    source = open(files["dot"]).read()
    for layer in model.layers:  # every layer drawn, with its shapes
        assert f"<b>{layer.name}</b>" in source
    assert "Output shape" in source
    assert not [p for p in os.listdir(tmp_path) if p.startswith(".tmp-")]


def test_without_dot_the_diagram_falls_back_to_dot_source(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(diagrams.shutil, "which", lambda prog: None)
    files = diagrams.export_diagram(zoo.perceptron(), tmp_path / "p")
    assert files == {"dot": str(tmp_path / "p.dot")}
    assert "digraph" in open(files["dot"]).read()
    assert not (tmp_path / "p.png").exists()
    out = capsys.readouterr().out
    assert "apt-get install graphviz" in out and len(out.strip().splitlines()) == 1


def test_zoo_plot_draws_registered_models_into_an_index(tmp_path):
    rows = diagrams.export_registered(["perceptron", "mlp"], tmp_path, formats=("png",))
    assert [r["name"] for r in rows] == ["perceptron", "mlp"] and rows[1]["params"] == 6209
    page = (tmp_path / "index.html").read_text()
    assert "<h2>perceptron</h2>" in page and page.count("data:image/png;base64,") == 2
    with pytest.raises(ValueError, match="Received: name='nope'"):
        diagrams.export_registered(["mlp", "nope"], tmp_path / "none")
    assert not (tmp_path / "none").exists(), "a wrong name fails before anything is drawn"


def test_export_diagram_refuses_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="Received: model="):
        diagrams.export_diagram("mlp", tmp_path / "x")
    with pytest.raises(ValueError, match="Received: formats='jpg'"):
        diagrams.export_diagram(zoo.mlp(input_shape=(3,)), tmp_path / "x", formats=("jpg",))


def test_perceptron_has_the_surface_of_the_other_models():
    model = zoo.perceptron(input_shape=(3,))
    assert model.input_shape == (None, 3) and model.output_shape == (None, 1)
    assert [layer.name for layer in model.layers] == ["input", "weighted_sum", "step"]
    assert model.count_params() == 4


# The notes' analytic derivatives (seeds 002 and 003).
_SIG = lambda z: 1 / (1 + np.exp(-z))  # noqa: E731
DERIVATIVES = {
    "linear": lambda z: np.ones_like(z),
    "step": lambda z: np.zeros_like(z),
    "sigmoid": lambda z: _SIG(z) * (1 - _SIG(z)),
    "tanh": lambda z: 1 - np.tanh(z) ** 2,
    "relu": lambda z: (z > 0).astype(float),
    "leaky_relu": lambda z: np.where(z > 0, 1.0, 0.01),
    "elu": lambda z: np.where(z > 0, 1.0, np.exp(z)),
    "selu": lambda z: 1.0507009873554805 * np.where(z > 0, 1.0, 1.6732632423543772 * np.exp(z)),
    "softplus": lambda z: _SIG(z),
    "softmax": lambda z: _SIG(z) * (1 - _SIG(z)),  # d s_1 / d z_1 of softmax([z, 0])
}


@pytest.mark.parametrize("name", list(plots.ACTIVATIONS))
def test_autodiff_derivatives_equal_the_notes_formulas(name):
    z = np.array([-3.0, -1.2, -0.3, 0.4, 1.1, 2.7])  # away from the kinks at 0
    _, derivative = plots.activation_values(name, z)
    np.testing.assert_allclose(derivative, DERIVATIVES[name](z), rtol=1e-5, atol=1e-6)


def test_plots_write_readable_images(tmp_path):
    history = {"loss": [1.0, 0.5, 0.3], "val_loss": [1.1, 0.7, 0.6], "accuracy": [0.5, 0.8, 0.9],
               "val_accuracy": [0.4, 0.7, 0.8]}
    for path in (plots.plot_history(history, tmp_path / "h.png"),
                 plots.plot_activations(tmp_path / "a.png", ["sigmoid", "relu"])):
        assert open(path, "rb").read(8) == PNG
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], "float32")
    p = zoo.perceptron()
    p.fit(x, np.array([0, 0, 0, 1.0]), epochs=10, batch_size=1, verbose=0)
    assert open(plots.plot_decision_boundaries([("AND", p, x, [0, 0, 0, 1])], tmp_path / "b.png"), "rb").read(8) == PNG
    with pytest.raises(ValueError, match="Received: path="):
        plots.plot_history(history, tmp_path / "h.gif")


def test_train_writes_model_history_figure_and_scores(tmp_path):
    result = zoo.train("mlp", dataset="iris", epochs=3, out=tmp_path, verbose=0)
    assert result.data.head.task == "multiclass" and result.model.output_shape == (None, 3)
    for name in ("model.keras", "history.csv", "history.json", "history.png", "metrics.json"):
        assert (tmp_path / "mlp" / name).is_file(), name
    metrics = json.loads((tmp_path / "mlp" / "metrics.json").read_text())
    assert metrics["test"]["accuracy"] == pytest.approx(result.scores["accuracy"])
    assert metrics["baseline"]["accuracy"] == pytest.approx(1 / 3, abs=0.05)
    assert len(result.history["loss"]) == 3 and not (tmp_path / "mlp" / "backup").exists()
    loaded = zoo.load_model(tmp_path / "mlp" / "model.keras")
    np.testing.assert_allclose(loaded.predict(result.data.x_test, verbose=0),
                               result.model.predict(result.data.x_test, verbose=0), rtol=1e-6)


def test_train_follows_the_data_and_refuses_what_the_head_cannot_learn(tmp_path):
    assert zoo.data.tasks.prepare("mlp", "diabetes").head.task == "regression"
    assert zoo.data.tasks.prepare("simple_rnn", "sine").builder_kwargs["return_sequences"] is True
    assert zoo.data.tasks.prepare("lstm", "digits").builder_kwargs["input_shape"] == (8, 8)
    with pytest.raises(ValueError, match=r"labels must be 0 or 1.*Received: y"):
        zoo.train("mlp", dataset="digits", task="binary", epochs=1, out=tmp_path)
    with pytest.raises(ValueError, match="Received: dataset='iris'"):
        zoo.train("cnn", dataset="iris", out=tmp_path)
    with pytest.raises(ValueError, match="Received: epochs=0"):
        zoo.train("mlp", epochs=0, out=tmp_path)


def _epochs(path):
    return [int(row["epoch"]) for row in csv_rows(path)]


@pytest.mark.slow
def test_zoo_train_resumes_from_the_last_finished_epoch_after_a_kill(tmp_path):
    args = zoo_cmd("train", "mlp", "--dataset", "digits", "--epochs", 12, "--batch-size", 4, "--patience", 100,
                   "--out", tmp_path / "out")
    history = tmp_path / "out" / "mlp" / "history.csv"
    done = kill_then_rerun(args, zoo_env(tmp_path), tmp_path, lambda: len(_epochs(history)), minimum=3, total=12)
    log = (tmp_path / "second.log").read_text()
    assert f"Epoch {done + 1}/12" in log and "Epoch 1/12" not in log, "resumed, not restarted"
    epochs = sorted(set(_epochs(history)))
    assert epochs == list(range(12))
    assert json.loads((tmp_path / "out" / "mlp" / "metrics.json").read_text())["epochs"] == 12


def _cli(*args, env=None):
    return subprocess.run(zoo_cmd(*args), capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.parametrize("args, message", [
    (("train", "mlpp"), "Did you mean 'mlp'"),
    (("train", "mlp", "--dataset", "mnist"), "invalid choice: 'mnist'"),
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
