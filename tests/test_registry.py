"""The registry: list, describe, duplicates, and a light `import zoo`."""

import subprocess
import sys

import pytest

import zoo
from zoo import registry

DOCUMENTED = ["cnn", "logistic_regression", "lstm", "mcculloch_pitts", "mlp", "mnist_mlp", "neuron", "perceptron",
              "simple_rnn", "transfer"]


def test_list_models_is_sorted_and_filters():
    names = zoo.list_models()
    assert names == DOCUMENTED
    assert zoo.list_models("*mlp") == ["mlp", "mnist_mlp"]
    assert zoo.list_models(family="neurons") == ["logistic_regression", "mcculloch_pitts", "neuron", "perceptron"]


def test_list_models_refuses_a_bad_family():
    with pytest.raises(ValueError, match="Received: family='cnnn'"):
        zoo.list_models(family="cnnn")


def test_describe_gives_summary_family_and_defaults():
    info = zoo.describe("mnist_mlp")
    assert info["family"] == "dense"
    assert "MNIST" in info["summary"]
    assert info["defaults"]["units"] == 128 and info["defaults"]["input_shape"] == (28, 28)


def test_register_refuses_duplicates():
    with pytest.raises(ValueError, match="already registered"):
        registry.register(family="dense", name="mlp")(lambda: None)


def _fresh_python(code):
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)


def test_import_zoo_and_zoo_list_do_not_import_tensorflow():
    result = _fresh_python(
        "import sys, os, zoo, zoo.app.cli\n"
        "before = dict(os.environ)\n"
        "zoo.app.cli.main(['list']); zoo.app.cli.main(['describe', 'mlp'])\n"
        "assert dict(os.environ) == before, 'environment changed'\n"
        "print('TF' if 'tensorflow' in sys.modules or 'keras' in sys.modules else 'LIGHT')"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("LIGHT")
    assert "perceptron" in result.stdout


def test_saved_perceptron_loads_in_a_fresh_process(tmp_path):
    model = zoo.perceptron()
    path = zoo.save_model(model, tmp_path / "p.keras")
    result = _fresh_python(f"import zoo; m = zoo.load_model({str(path)!r}); print(type(m).__name__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("Perceptron")
