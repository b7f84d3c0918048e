"""Registry behaviour, the light `import zoo`, and the `zoo` command."""

import subprocess
import sys

import pytest

import zoo
from zoo.app import cli
from zoo import registry


# The architectures of the lecture notes (seeds 000-003), written out: not read from the registry under test.
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


def test_cli_build_prints_summary_and_head(capsys, tmp_path):
    out = tmp_path / "m.keras"
    assert cli.main(["build", "mlp", "--set", "task=regression", "--set", "outputs=2", "--save", str(out)]) == 0
    text = capsys.readouterr().out
    assert "head: output (None, 2), activation linear, loss mean_squared_error" in text
    assert out.exists()


def test_cli_reports_bad_arguments_with_exit_2(capsys):
    assert cli.main(["build", "mlp", "--set", "task=foo"]) == 2
    assert "Received: task='foo'" in capsys.readouterr().err


@pytest.mark.parametrize("architecture", ["mnist_mlp", "cnn", "simple_rnn", "lstm"])
def test_benchmark_compares_the_zoo_model_with_its_exact_hand_written_twin(architecture):
    import bench_engine as benchmark

    workload = next(w for w in benchmark.WORKLOADS if w.architecture == architecture)
    built = zoo.build(architecture, input_shape=workload.input_shape)
    hand = benchmark.handwritten(architecture)
    assert [tuple(w.shape) for w in built.weights] == [tuple(w.shape) for w in hand.weights]
    assert built.loss == hand.loss
    x, y = benchmark.data_for(workload)
    assert x.shape[1:] == tuple(built.input_shape[1:])
    assert built.compute_output_shape(x[:2].shape)[-1] == hand.compute_output_shape(x[:2].shape)[-1]


def test_benchmark_run_reports_rates_ratios_and_a_table():
    import bench_engine as benchmark

    tiny = benchmark.Workload("mnist_mlp tiny", "mnist_mlp", (28, 28), 32, 256, "classes:10", 784 * 128 + 128 * 10)
    result = benchmark.run((tiny,), repeats=1, progress=lambda line: None, builds=False)
    row = result["workloads"][0]
    assert row["zoo_vs_handwritten"] == pytest.approx(row["zoo"] / row["handwritten"])
    assert row["gflops"] == pytest.approx(row["zoo"] * 6 * tiny.macs / 1e9)
    assert 0 < row["of_matmul"] == pytest.approx(row["gflops"] / result["matmul_gflops"])
    table = benchmark.markdown([result], "test machine")
    assert f"| tensorflow | mnist_mlp tiny | {row['zoo']:,.0f} |" in table


def test_cli_turns_any_unexpected_error_into_one_line(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise ZeroDivisionError("division by zero somewhere deep")

    monkeypatch.setattr(registry, "build", broken)
    monkeypatch.delenv("ZOO_DEBUG", raising=False)
    assert cli.main(["build", "mlp"]) == 1
    err = capsys.readouterr().err
    assert err.strip() == ("zoo build: error: ZeroDivisionError: division by zero somewhere deep "
                           "(ZOO_DEBUG=1 shows the traceback)")
