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
    result = benchmark.run((tiny,), repeats=1, progress=lambda line: None, builds=False)
    row = result["workloads"][0]
    assert row["zoo_vs_handwritten"] == pytest.approx(row["zoo"] / row["handwritten"])
    assert row["gflops"] == pytest.approx(row["zoo"] * 6 * tiny.macs / 1e9)
    assert 0 < row["of_matmul"] == pytest.approx(row["gflops"] / result["matmul_gflops"])
    table = benchmark.markdown([result], "test machine")
    assert f"| tensorflow | mnist_mlp tiny | {row['zoo']:,.0f} |" in table
