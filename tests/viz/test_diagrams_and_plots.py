"""Diagrams for every registered model, `zoo plot`, and the plots (derivatives against the notes)."""

import os

import numpy as np
import pytest

import zoo
from zoo import registry
from zoo.viz import diagrams, plots

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
