"""zoo.runtime.memory: a fitted model's step graph can be released, and training still works."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")


def _fit(model, x, y):
    return model.fit(x, y, epochs=1, batch_size=8, verbose=0).history["loss"][0]


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's gradient registry only")
def test_released_registrations_and_training_still_works():
    from zoo.runtime.memory import _gradient_registry, release_traced_gradients

    x = np.random.default_rng(0).normal(size=(32, 4)).astype("float32")
    y = x.sum(axis=1, keepdims=True)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    release_traced_gradients()
    _fit(model, x, y)
    added = [k for k in _gradient_registry() if k.startswith("CustomGradient-")]
    assert added, "a traced Keras train step no longer registers a custom gradient: the release is not needed"
    assert release_traced_gradients() == len(added)
    assert not [k for k in _gradient_registry() if k.startswith("CustomGradient-")]
    # The already traced step and a newly traced one both still train.
    before = _fit(model, x, y)
    assert np.isfinite(before) and _fit(model, x, y) < before
    other = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    other.compile("sgd", "mse")
    assert np.isfinite(_fit(other, x, y))


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's gradient registry only")
def test_registrations_to_keep_are_kept():
    from zoo.runtime.memory import release_traced_gradients, traced_gradient_names

    x = np.ones((16, 2), "float32")
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    model.compile("sgd", "mse")
    _fit(model, x, x[:, :1])
    kept = traced_gradient_names()
    assert kept
    other = keras.Sequential([keras.Input((2,)), keras.layers.Dense(1)])
    other.compile("sgd", "mse")
    _fit(other, x, x[:, :1])
    assert release_traced_gradients(keep=kept) > 0
    assert traced_gradient_names() == kept


@pytest.mark.parametrize("keep", ["CustomGradient-1", ["CustomGradient-1"], {1, 2}, None])
def test_keep_must_be_a_set_of_names(keep):
    from zoo.runtime.memory import release_traced_gradients

    with pytest.raises(TypeError, match=r"`keep` must be a set of registration names.*Received: keep="):
        release_traced_gradients(keep=keep)
