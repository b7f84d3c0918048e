"""The speed benchmark's engine (scripts/bench_engine.py): exact hand-written twins, rates and ratios."""

import pytest

import zoo


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
    result = benchmark.run((tiny,), repeats=1, progress=lambda line: None, builds=False, whole=False)
    row = result["workloads"][0]
    assert row["zoo_vs_handwritten"] == pytest.approx(row["zoo"] / row["handwritten"])
    assert row["gflops"] == pytest.approx(row["zoo"] * 6 * tiny.macs / 1e9)
    assert 0 < row["of_matmul"] == pytest.approx(row["gflops"] / result["matmul_gflops"])
    table = benchmark.markdown([result], "test machine")
    assert f"| tensorflow | mnist_mlp tiny | {row['zoo']:,.0f} |" in table


def test_whole_calls_time_every_way_and_report_the_ratio_to_hand_written_keras(monkeypatch):
    import bench_engine as benchmark

    tiny = benchmark.Workload("mnist_mlp tiny", "mnist_mlp", (28, 28), 32, 128, "classes:10")
    rows = benchmark.whole_calls(((tiny, 2),), repeats=1, progress=lambda line: None)
    row = rows[0]
    for way in benchmark.WAYS:
        assert 0 < row[f"{way}_first_s"] < row[f"{way}_s"], (way, row)
        assert row[f"{way}_runs"] == [pytest.approx(row[f"{way}_s"], abs=1e-3)]  # one repeat: its median
    assert row["zoo_fit_vs_handwritten"] == pytest.approx(row["handwritten_s"] / row["zoo_fit_s"])
    table = benchmark.markdown([{"backend": "tensorflow", "matmul_gflops": 1.0, "workloads": [],
                                 "whole_calls": rows, "build_seconds": {}}], "test machine")
    assert f"| tensorflow | mnist_mlp tiny (128 samples) | 2 | {row['handwritten_s']:.1f} |" in table
    assert "zoo samples/s" not in table  # no steady-state rates were run: no empty table


def test_whole_only_runs_no_steady_state(monkeypatch):
    import bench_engine as benchmark

    monkeypatch.setattr(benchmark, "whole_calls", lambda cases, **kwargs: [{"cases": len(cases)}])
    monkeypatch.setattr(benchmark, "samples_per_second", lambda *a, **k: pytest.fail("steady state ran"))
    result = benchmark.run(benchmark.WORKLOADS[:1], repeats=1, progress=lambda line: None, builds=False, steady=False)
    assert result["workloads"] == [] and result["whole_calls"] == [{"cases": 2}]


def test_only_selects_workloads_by_name_or_architecture_and_refuses_unknown_names():
    import bench_engine as benchmark

    assert [w.name for w in benchmark.select(benchmark.WORKLOADS, ["cnn"])] == ["cnn b32", "cnn b128"]
    assert [w.name for w in benchmark.select(benchmark.WORKLOADS, ["lstm b32", "mnist_mlp b256"])] == [
        "mnist_mlp b256", "lstm b32"]
    with pytest.raises(ValueError, match=r"`only` must name workloads.*Received: only='cnn,gru'"):
        benchmark.select(benchmark.WORKLOADS, ["cnn", "gru"])


def test_whole_calls_run_on_mnist_sized_data_and_one_small_set():
    import bench_engine as benchmark

    samples = {(name, epochs, n) for name, epochs, n in benchmark.WHOLE_CALLS}
    assert ("cnn b32", 2, 20_000) in samples and ("mnist_mlp b32", 1, 60_000) in samples  # issue #20's table
    assert {name for name, _, _ in benchmark.WHOLE_CALLS} == {w.name for w in benchmark.WORKLOADS}


def test_bench_refuses_an_only_outside_quick_before_starting_a_backend(tmp_path):
    import os
    import subprocess
    import sys

    script = os.path.join(os.path.dirname(__file__), "..", "..", "scripts", "bench.py")
    done = subprocess.run([sys.executable, script, "--quick", "--only", "lstm", "--out", str(tmp_path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and "`only` must name workloads" in done.stderr and "Received: only='lstm'" in done.stderr
    assert not os.listdir(tmp_path)
