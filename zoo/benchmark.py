"""Speed of zoo models against the same models written by hand in Keras (``scripts/bench.py``)."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from zoo._lazy import keras


def time_fit(make_model: Callable[[], Any], x: np.ndarray, y: np.ndarray, *, epochs: int = 3,
             batch_size: int = 32, repeats: int = 3) -> list[float]:
    """Seconds per epoch of `fit`, after one warm-up epoch (tracing), for each repeat."""
    times = []
    for _ in range(repeats):
        model = make_model()
        model.fit(x, y, epochs=1, batch_size=batch_size, verbose=0)
        start = time.perf_counter()
        model.fit(x, y, epochs=epochs, batch_size=batch_size, verbose=0)
        times.append((time.perf_counter() - start) / epochs)
    return times


def _handwritten_mnist_mlp(input_shape: tuple[int, ...]) -> Any:
    # The notes' model (seed 000) as a Keras user writes it.
    model = keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def _handwritten_cnn(input_shape: tuple[int, ...]) -> Any:
    model = keras.Sequential([
        keras.Input(input_shape),
        keras.layers.Conv2D(32, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"),
        keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


CASES = {
    "mnist_mlp": (_handwritten_mnist_mlp, (28, 28, 1)),
    "cnn": (_handwritten_cnn, (28, 28, 1)),
}


def compare(name: str, *, samples: int = 2048, epochs: int = 3, repeats: int = 3) -> dict[str, Any]:
    """Times the zoo's `name` and its hand-written twin in one run, alternating.

    Args:
        name: A key of `CASES`.
        samples: Random 28x28x1 images per epoch.
        epochs: Timed epochs per repeat.
        repeats: Models built and timed per side.

    Returns:
        Median seconds per epoch for both sides and their ratio (zoo / hand-written).
    """
    from zoo import registry
    from zoo.validation import check_choice

    handwritten, shape = CASES[check_choice("name", name, CASES)]
    rng = np.random.default_rng(0)
    x = rng.random((samples, *shape)).astype("float32")
    y = rng.integers(0, 10, samples)
    zoo_times, hand_times = [], []
    for _ in range(repeats):  # alternate so drift on the machine hits both sides alike
        zoo_times += time_fit(lambda: registry.build(name, input_shape=shape), x, y, epochs=epochs, repeats=1)
        hand_times += time_fit(lambda: handwritten(shape), x, y, epochs=epochs, repeats=1)
    zoo_s, hand_s = statistics.median(zoo_times), statistics.median(hand_times)
    return {"name": name, "zoo_s_per_epoch": zoo_s, "handwritten_s_per_epoch": hand_s,
            "ratio": zoo_s / hand_s, "zoo_times": zoo_times, "handwritten_times": hand_times}
