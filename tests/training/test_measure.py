"""zoo.training.measure: the results table's FLOPs, training speed and prediction timings."""

import numpy as np
import pytest

import zoo
from zoo.training import measure


def test_forward_flops_count_a_dense_layer_and_a_recurrent_loop():
    assert measure.forward_flops(zoo.neuron()) == 2 * 3 + 1  # w.x (3 multiply-adds) + b
    dense = 2 * (784 * 128 + 128 * 10) + 128 + 10  # the two matrix products and bias additions
    assert 0 <= measure.forward_flops(zoo.mnist_mlp()) - dense <= 100  # + the softmax's few
    rnn = zoo.simple_rnn(input_shape=(5, 2), units=4)
    loop = 5 * 2 * (2 + 4) * 4  # per step: x.W and h.U, one gate
    assert measure.recurrent_flops(rnn.get_layer(index=1)) == loop
    assert measure.forward_flops(rnn) > loop
    lstm = [layer for layer in zoo.lstm(input_shape=(6, 3), units=8).layers if "lstm" in layer.name.lower()]
    assert measure.recurrent_flops(lstm[0]) == 6 * 4 * 2 * (3 + 8) * 8


def test_training_speed_counts_steps_of_every_epoch_and_leaves_out_validation():
    model = zoo.mlp(input_shape=(4,), task="binary", seed=0)
    speed = measure.training_speed()
    x, y = np.random.default_rng(0).random((160, 4), dtype="float32"), np.arange(160) % 2
    model.fit(x, y, epochs=3, batch_size=16, validation_split=0.5, callbacks=[speed], verbose=0)
    assert speed.steps == 3 * 5  # 80 training samples / 16, each epoch
    assert 0 < speed.train_seconds < speed.seconds
    assert speed.samples_per_second(16) == pytest.approx(15 * 16 / speed.train_seconds)


def test_result_row_has_every_column_and_refuses_a_non_model():
    row = measure.result_row(zoo.neuron(), name="neuron", dataset="example", repeats=2)
    assert tuple(row) == measure.RESULT_COLUMNS
    assert row["param_count"] == 4 and row["input_shape"] == "3" and row["infer_flops"] == 7
    assert row["infer_latency_ms"] > 0 and row["infer_samples_per_sec"] > 0 and row["test_score"] is None
    with pytest.raises(TypeError, match="Received: model='neuron'"):
        measure.result_row("neuron", name="neuron", dataset=None)
