"""Registry behaviour, the light `import zoo`, and the `zoo` command."""

import subprocess
import sys

import pytest

import zoo
from zoo import cli, registry


def test_list_models_is_sorted_and_filters():
    names = zoo.list_models()
    assert names == sorted(names)
    assert {"neuron", "mcculloch_pitts", "perceptron", "logistic_regression", "mlp", "mnist_mlp"} <= set(names)
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
        "import sys, os, zoo, zoo.cli\n"
        "before = dict(os.environ)\n"
        "zoo.cli.main(['list']); zoo.cli.main(['describe', 'mlp'])\n"
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


def test_cli_build_prints_summary_and_head(capsys, tmp_path):
    out = tmp_path / "m.keras"
    assert cli.main(["build", "mlp", "--set", "task=regression", "--set", "outputs=2", "--save", str(out)]) == 0
    text = capsys.readouterr().out
    assert "head: output (None, 2), activation linear, loss mean_squared_error" in text
    assert out.exists()


def test_cli_reports_bad_arguments_with_exit_2(capsys):
    assert cli.main(["build", "mlp", "--set", "task=foo"]) == 2
    assert "Received: task='foo'" in capsys.readouterr().err


def test_benchmark_compare_runs_on_a_tiny_config():
    from zoo import benchmark

    result = benchmark.compare("mnist_mlp", samples=64, epochs=1, repeats=1)
    assert result["ratio"] > 0 and len(result["zoo_times"]) == len(result["handwritten_times"]) == 1
    with pytest.raises(ValueError, match="Received: name='vgg'"):
        benchmark.compare("vgg")
