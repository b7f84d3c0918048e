"""The lecture notes' worked numbers and claims (seeds 000-003) as tests."""

import numpy as np
import pytest

import zoo

BOOL_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype="float32")
AND = np.array([0, 0, 0, 1])
OR = np.array([0, 1, 1, 1])
XOR = np.array([0, 1, 1, 0])


def test_neuron_reproduces_the_worked_example(float64):
    # Seed 003: inputs [2, 3, 1], weights [0.5, -0.3, 0.8], bias 0.1, sigmoid.
    model = zoo.neuron()
    assert model.get_layer("head").compute_dtype == "float64"
    out = model.predict(np.array([[2.0, 3.0, 1.0]]), verbose=0)
    assert out.dtype == np.float64
    assert abs(float(out[0, 0]) - 0.7310585786300049) < 1e-15


def test_neuron_reproduces_the_worked_example_in_float32():
    out = zoo.neuron().predict(np.array([[2.0, 3.0, 1.0]], dtype="float32"), verbose=0)
    assert out[0, 0] == pytest.approx(0.7310585786300049, abs=1e-7)


def test_neuron_weights_are_settable():
    model = zoo.neuron(input_shape=(2,), weights=[1.0, 1.0], bias=-1.5, activation="linear")
    np.testing.assert_allclose(model.predict(np.array([[1.0, 2.0]]), verbose=0), [[1.5]])
    assert model.loss == "mean_squared_error"


def test_mnist_mlp_has_the_notes_parameter_count():
    model = zoo.mnist_mlp()
    assert model.count_params() == 101_770
    assert [l.name for l in model.layers] == ["input", "flatten", "dense_1", "head"]
    assert model.loss == "sparse_categorical_crossentropy"
    assert type(model.optimizer).__name__ == "Adam"


@pytest.mark.parametrize("threshold, truth", [(2, AND), (1, OR)])
def test_mcculloch_pitts_truth_tables(threshold, truth):
    model = zoo.mcculloch_pitts(threshold=threshold)
    np.testing.assert_array_equal(model.predict(BOOL_INPUTS, verbose=0).ravel(), truth)
    assert not model.trainable_weights


def test_mcculloch_pitts_three_input_and():
    inputs = np.array([[a, b, c] for a in (0, 1) for b in (0, 1) for c in (0, 1)], dtype="float32")
    out = zoo.mcculloch_pitts(input_shape=(3,), threshold=3).predict(inputs, verbose=0).ravel()
    np.testing.assert_array_equal(out, inputs.all(axis=1))


@pytest.mark.parametrize("truth", [AND, OR])
def test_perceptron_rule_converges_on_separable_data(truth):
    model = zoo.perceptron()
    model.fit(BOOL_INPUTS, truth, epochs=10, batch_size=1, shuffle=False, verbose=0)
    np.testing.assert_array_equal(model.predict(BOOL_INPUTS, verbose=0).ravel(), truth)


def test_perceptron_rule_updates_are_the_notes_rule():
    # One missed positive from zero weights: w <- w + x, b <- b + 1.
    model = zoo.perceptron()
    model.fit(np.array([[0.0, 0.0]], "float32"), np.array([1]), epochs=1, verbose=0)
    assert model.predict(np.array([[0.0, 0.0]]), verbose=0)[0, 0] == 1  # z = 0 -> 1: no change
    model = zoo.perceptron()
    x = np.array([[1.0, 2.0]], "float32")
    model.weighted_sum.bias.assign([-1.0])  # now z(x) = -1 < 0: a missed positive
    model.fit(x, np.array([1]), epochs=1, verbose=0)
    np.testing.assert_array_equal(model.weighted_sum.kernel.numpy().ravel(), [1.0, 2.0])
    np.testing.assert_array_equal(model.weighted_sum.bias.numpy(), [0.0])
    model.fit(np.array([[1.0, 0.0]], "float32"), np.array([0]), epochs=1, verbose=0)  # false positive
    np.testing.assert_array_equal(model.weighted_sum.kernel.numpy().ravel(), [0.0, 2.0])
    np.testing.assert_array_equal(model.weighted_sum.bias.numpy(), [-1.0])


def test_perceptron_cannot_fit_xor():
    import keras

    model = zoo.perceptron()
    states = []
    record = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: states.append(np.concatenate([w.ravel() for w in model.get_weights()])))
    history = model.fit(BOOL_INPUTS, XOR, epochs=20, batch_size=1, shuffle=False, verbose=0, callbacks=[record])
    # The rule keeps correcting (weights move away from their zero start) ...
    assert any(np.any(state != 0) for state in states), "the learning rule never changed the weights"
    # ... yet no line separates XOR: at most 3 of 4 points can ever be right.
    assert max(history.history["accuracy"]) <= 0.75
    assert (model.predict(BOOL_INPUTS, verbose=0).ravel() != XOR).any()


@pytest.mark.slow
def test_mlp_learns_xor():
    model = zoo.mlp(input_shape=(2,), task="binary", hidden_layers=1, units=8, activation="tanh",
                    learning_rate=0.05, seed=1)
    model.fit(BOOL_INPUTS, XOR, epochs=400, batch_size=4, verbose=0)
    np.testing.assert_array_equal((model.predict(BOOL_INPUTS, verbose=0).ravel() > 0.5).astype(int), XOR)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def test_keras_gradients_equal_the_notes_backprop_formulas(float64):
    import keras
    import tensorflow as tf

    m = 16
    rng = np.random.default_rng(0)
    x = rng.normal(size=(m, 3))
    y = rng.integers(0, 2, size=(m, 1)).astype("float64")
    model = zoo.mlp(input_shape=(3,), task="binary", hidden_layers=1, units=4, activation="sigmoid", seed=0)
    hidden, out = model.get_layer("dense_1"), model.get_layer("head")
    with tf.GradientTape() as tape:
        loss = keras.ops.mean(keras.losses.binary_crossentropy(y, model(x)))
    variables = [hidden.kernel, hidden.bias, out.kernel, out.bias]
    dk1, db1_k, dk2, db2_k = [g.numpy() for g in tape.gradient(loss, variables)]

    # Seed 002's column convention: X is (n_x, m), W is (out, in).
    X, Y = x.T, y.T
    W1, b1 = hidden.kernel.numpy().T, hidden.bias.numpy()[:, None]
    W2, b2 = out.kernel.numpy().T, out.bias.numpy()[:, None]
    Z1 = W1 @ X + b1
    A1 = _sigmoid(Z1)
    A2 = _sigmoid(W2 @ A1 + b2)
    dZ2 = A2 - Y
    dW2 = dZ2 @ A1.T / m
    db2 = dZ2.sum(axis=1, keepdims=True) / m
    dZ1 = (W2.T @ dZ2) * (A1 * (1 - A1))
    dW1 = dZ1 @ X.T / m
    db1 = dZ1.sum(axis=1, keepdims=True) / m

    np.testing.assert_allclose(dk2.T, dW2, atol=1e-6)
    np.testing.assert_allclose(db2_k, db2.ravel(), atol=1e-6)
    np.testing.assert_allclose(dk1.T, dW1, atol=1e-6)
    np.testing.assert_allclose(db1_k, db1.ravel(), atol=1e-6)
