"""The recurrent builders' fast paths give Keras's results: the zoo's LSTM (Keras's LSTM trained through
TensorFlow's fused kernel on a CPU) and SimpleRNN unrolled on short sequences."""

import numpy as np
import pytest

import zoo


def _pair(batch=4, units=6, **kwargs):
    """The zoo's LSTM and Keras's, built on the same input with the same weights."""
    import keras

    from zoo.models.layers import LSTM

    fused, plain = LSTM(units, **kwargs), keras.layers.LSTM(units, **kwargs)
    for layer in (fused, plain):
        layer.build((batch, 7, 3))
    rng = np.random.default_rng(0)
    weights = [rng.normal(scale=0.5, size=w.shape).astype("float32") for w in plain.get_weights()]
    fused.set_weights(weights)
    plain.set_weights(weights)
    return fused, plain


def _op_types(layer, x, **call):
    import tensorflow as tf

    graph = tf.function(lambda inputs: layer(inputs, **call)).get_concrete_function(tf.constant(x)).graph
    return {op.type for op in graph.get_operations()}


@pytest.mark.parametrize("batch, units, kwargs", [
    (4, 6, {}), (4, 6, {"return_sequences": True}), (4, 6, {"return_state": True}),
    (5, 5, {"return_sequences": True, "return_state": True}),  # odd batch, odd units: padded for the kernel
])
def test_training_outputs_and_gradients_equal_keras_lstm(batch, units, kwargs):
    import tensorflow as tf

    fused, plain = _pair(batch, units, **kwargs)  # 3 features: an odd width, padded for the kernel
    x = tf.constant(np.random.default_rng(1).normal(size=(batch, 7, 3)).astype("float32"))
    state = [tf.constant(np.random.default_rng(2).normal(size=(batch, units)).astype("float32"))
             for _ in range(2)]
    assert "BlockLSTM" in _op_types(fused, x.numpy(), training=True)
    results = []
    for layer in (fused, plain):
        with tf.GradientTape() as tape:
            tape.watch([x, *state])
            out = layer(x, initial_state=state, training=True)
            # Every output (sequence or last step, and the states) enters the loss.
            loss = sum(tf.reduce_sum(tf.sin(3.0 * t)) for t in tf.nest.flatten(out))
        grads = tape.gradient(loss, [x, *state, *layer.trainable_weights])
        results.append(([t.numpy() for t in tf.nest.flatten(out)], [g.numpy() for g in grads]))
    (fused_out, fused_grads), (plain_out, plain_grads) = results
    assert len(fused_out) == len(plain_out) == 1 + 2 * bool(kwargs.get("return_state"))
    for got, want in zip(fused_out + fused_grads, plain_out + plain_grads):
        assert got.shape == want.shape
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)


def test_the_training_pass_runs_the_fused_kernel_and_inference_keras_loop():
    fused, plain = _pair(return_sequences=True)
    x = np.zeros((4, 7, 3), "float32")
    assert "BlockLSTM" in _op_types(fused, x, training=True)
    assert "While" not in _op_types(fused, x, training=True)
    # Inference, evaluation and export keep Keras's own graph (no op an exporter may not know).
    assert "BlockLSTM" not in _op_types(fused, x, training=False)
    assert "BlockLSTM" not in _op_types(plain, x, training=True)
    assert fused.supports_jit is False and plain.supports_jit is True


@pytest.mark.parametrize("kwargs", [{"dropout": 0.2}, {"recurrent_dropout": 0.2}, {"go_backwards": True},
                                    {"activation": "relu"}, {"use_cudnn": False}, {"unroll": True}])
def test_configurations_the_kernel_cannot_run_keep_keras_loop(kwargs):
    fused, _ = _pair(**kwargs)
    assert "BlockLSTM" not in _op_types(fused, np.zeros((4, 7, 3), "float32"), training=True)
    assert fused.supports_jit is True  # Keras's loop: XLA stays available (zoo.fit's choice in a long call)


def test_an_odd_batch_and_input_width_train_without_tensorflow_warnings(tmp_path):
    import subprocess
    import sys

    from procs import zoo_env

    script = ("import numpy as np, zoo\n"
              "m = zoo.lstm(input_shape=(5, 1), units=3, seed=0)\n"
              "m.fit(np.zeros((9, 5, 1), 'float32'), np.zeros(9, 'int64'), batch_size=3, epochs=2, verbose=0)\n"
              "print('trained', [type(l).__name__ for l in m.layers])\n")
    done = subprocess.run([sys.executable, "-c", script], env=zoo_env(tmp_path, TF_CPP_MIN_LOG_LEVEL="0"),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "trained ['InputLayer', 'LSTM', 'LSTM', 'Dense']" in done.stdout
    assert "BlockLSTM" not in done.stderr, done.stderr[-2000:]  # 1 feature, 3 units, batch 3: padded


def test_a_masked_call_keeps_keras_loop():
    import tensorflow as tf

    fused, plain = _pair()
    x = np.random.default_rng(1).normal(size=(4, 7, 3)).astype("float32")
    mask = np.arange(7)[None, :] < np.array([7, 5, 3, 1])[:, None]
    graph = tf.function(lambda a, m: fused(a, mask=m, training=True)).get_concrete_function(
        tf.constant(x), tf.constant(mask)).graph
    assert "BlockLSTM" not in {op.type for op in graph.get_operations()}
    np.testing.assert_allclose(fused(x, mask=mask, training=True), plain(x, mask=mask, training=True), rtol=1e-5)


def test_a_zoo_lstm_trains_to_keras_lstm_losses_every_epoch():
    import keras

    rng = np.random.default_rng(0)
    x, y = rng.random((96, 12, 3)).astype("float32"), rng.integers(0, 5, 96)
    histories = []
    for zoo_layer in (True, False):
        model = zoo.lstm(input_shape=(12, 3), units=8, seed=0)
        if not zoo_layer:  # the same model, weights and compile, with Keras's LSTM layers
            plain = keras.Sequential([keras.Input((12, 3)), keras.layers.LSTM(8, return_sequences=True),
                                      keras.layers.LSTM(8), keras.layers.Dense(5, activation="softmax")])
            plain.set_weights(model.get_weights())
            plain.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                          jit_compile=False)
            model = plain
        histories.append(model.fit(x, y, epochs=3, batch_size=16, shuffle=False, validation_split=0.25,
                                   verbose=0).history)
    fused, plain = histories
    for key in ("loss", "val_loss"):
        np.testing.assert_allclose(fused[key], plain[key], rtol=1e-5)
    assert fused["loss"][-1] < fused["loss"][0]


def test_a_saved_zoo_lstm_loads_back_as_itself(tmp_path):
    import keras

    from zoo.models.layers import LSTM

    model = zoo.lstm(input_shape=(6, 2), units=4, seed=0)
    path = str(tmp_path / "lstm.keras")
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)  # registered: no custom_objects
    assert [type(layer) for layer in loaded.layers if "lstm" in layer.name] == [LSTM, LSTM]
    assert loaded.get_layer("lstm_1").supports_jit is False
    x = np.random.default_rng(0).random((3, 6, 2)).astype("float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_simple_rnn_unrolls_short_sequences_on_tensorflow_with_the_loops_losses():
    import keras

    assert [layer.unroll for layer in zoo.simple_rnn().layers[1:-1]] == [keras.backend.backend() == "tensorflow"]
    assert zoo.simple_rnn(input_shape=(33, 1)).get_layer("simple_rnn_1").unroll is False  # past 32 steps
    assert zoo.simple_rnn(input_shape=(33, 1), unroll=True).get_layer("simple_rnn_1").unroll is True
    assert not any(layer.unroll for layer in zoo.lstm(input_shape=(8, 2)).layers[1:-1])  # its fused kernel

    rng = np.random.default_rng(0)
    x, y = rng.random((96, 20, 1)).astype("float32"), rng.normal(size=(96, 20, 1)).astype("float32")
    histories = []
    for unroll in ("auto", False):
        model = zoo.simple_rnn(unroll=unroll, seed=0)
        assert model.get_layer("simple_rnn_1").unroll is (unroll == "auto")
        histories.append(model.fit(x, y, epochs=3, batch_size=16, shuffle=False, validation_split=0.25,
                                   verbose=0).history)
    for key in ("loss", "val_loss", "mae"):
        np.testing.assert_allclose(histories[0][key], histories[1][key], rtol=1e-5)
