"""The zoo's input pipeline: in-memory arrays to batches, reshuffled every epoch, fast.

Keras's own array adapter gathers every batch by index inside `tf.data`; on 2 CPU cores
that capped the notes' MNIST MLP at batch 256 near half the rate the same model reached
on pre-batched tensors (``scripts/bench.py``, README). `dataset` instead draws one
permutation per epoch in the graph (``tf.data.Dataset.random``, seeded), gathers the epoch
in one op and slices it into batches. Every sample is seen once per epoch, in a new order
each epoch, the same orders for the same seed. `fit` is ``model.fit`` through it.

On JAX, Keras's array adapter measured as fast or faster, so `fit` passes the arrays through.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from zoo.runtime.compile import use_xla
from zoo.training.checks import MAX_BATCH_SIZE, check_fit_args, check_fit_data, check_fit_options
from zoo.utils.arrays import as_samples
from zoo.utils.validation import (
    check_auto_bool,
    check_bool,
    check_float,
    check_int,
    invalid_type,
    invalid_value,
)

# Backends on which `fit` feeds `dataset` rather than the arrays (measured, see the module doc).
PIPELINE_BACKENDS = ("tensorflow",)
# Validation batches in `fit` are larger than the training batch, up to VALIDATION_BATCH
# samples and VALIDATION_BATCH_BYTES of inputs (activations grow with the inputs): no
# gradients are kept, and fewer steps mean fewer calls and, with XLA, fewer batch shapes.
VALIDATION_BATCH = 1024
VALIDATION_BATCH_BYTES = 16 * 2**20


def _validation_batch_size(batch_size: int, x: np.ndarray) -> int:
    """Samples per validation batch in `fit`: at least `batch_size`, more when the inputs are small."""
    per_sample = max(1, x[:1].size * max(x.dtype.itemsize, 4))  # at least float32 once in the model
    return max(batch_size, min(VALIDATION_BATCH, VALIDATION_BATCH_BYTES // per_sample))


def _as_array(name: str, value: Any) -> np.ndarray:
    value = as_samples(name, value)
    if value.dtype == np.float64:  # as Keras's array adapter does: train in the float policy's dtype
        import keras

        value = value.astype(keras.backend.floatx())
    return value


def dataset(
    x: Any,
    y: Any = None,
    sample_weight: Any = None,
    *,
    batch_size: int = 32,
    shuffle: bool = True,
    seed: int = 0,
    drop_remainder: bool = False,
) -> Any:
    """A `tf.data.Dataset` of ``(x, y[, sample_weight])`` batches (or ``x`` batches) from arrays.

    Each pass over it (one epoch in ``model.fit``) draws a new permutation from `seed`;
    the last batch holds the remainder, as in ``model.fit(x, y, batch_size=...)``, unless
    `drop_remainder` (equal batches, as a replicated custom loop needs).

    Example:
        >>> model.fit(zoo.training.pipeline.dataset(x, y, batch_size=256), epochs=5)

    Args:
        x: Inputs, an array whose first axis is the samples.
        y: Targets with as many samples, or None.
        sample_weight: Per-sample weights (needs `y`), or None.
        batch_size: Samples per batch.
        shuffle: Reshuffle every epoch; False keeps the order (and caches the batches).
        seed: Seed of the permutations.
        drop_remainder: Leave out the samples after the last full batch.

    Returns:
        A `tf.data.Dataset` with known cardinality, prefetched.

    Raises:
        TypeError: If `x` or `y` is not array-like.
        ValueError: If they are empty or their lengths differ, `batch_size` < 1, or
            `drop_remainder` leaves no batch.
    """
    batch_size = check_int("batch_size", batch_size, minimum=1, maximum=MAX_BATCH_SIZE)
    check_bool("shuffle", shuffle)
    check_bool("drop_remainder", drop_remainder)
    seed = check_int("seed", seed, minimum=0)
    if y is None and sample_weight is not None:
        raise invalid_value("sample_weight", "needs targets `y`", "weights with y=None")
    if x is None:
        raise invalid_type("x", "a numpy array (or a list or tensor convertible to one)", x)
    named = [("x", x), ("y", y), ("sample_weight", sample_weight)]
    arrays = tuple(_as_array(name, value) for name, value in named if value is not None)
    n = len(arrays[0])
    for (name, _), array in zip(named[1:], arrays[1:]):
        if len(array) != n:
            raise invalid_value(name, f"must have as many samples as x ({n})", f"{len(array)} samples")
    if len(arrays) > 2 and arrays[2].ndim != 1:
        raise invalid_value("sample_weight", "must be 1-D: one weight per sample", f"shape {arrays[2].shape}")
    if not drop_remainder:
        batch_size = min(batch_size, n)  # one batch of everything, as model.fit gives

    import tensorflow as tf

    tensors = tuple(tf.constant(a) for a in arrays)
    full, rest = divmod(n, batch_size)
    if drop_remainder:
        if not full:
            raise invalid_value("batch_size", f"must not exceed the {n} samples when dropping the remainder",
                                batch_size)
        rest = 0

    def batches(order: Any) -> Any:
        epoch = tuple(t if order is None else tf.gather(t, order) for t in tensors)
        # Reshaping the epoch into whole batches slices it without a per-sample pipeline.
        ds = tf.data.Dataset.from_tensor_slices(tuple(
            tf.reshape(t[: full * batch_size], (full, batch_size, *t.shape[1:])) for t in epoch))
        if rest:
            ds = ds.concatenate(tf.data.Dataset.from_tensors(tuple(t[full * batch_size:] for t in epoch)))
        return ds.map(lambda *t: t[0]) if len(epoch) == 1 else ds

    if shuffle:
        orders = tf.data.Dataset.random(seed=seed, rerandomize_each_iteration=True).take(1).map(
            lambda s: tf.random.experimental.stateless_shuffle(tf.range(n, dtype=tf.int64), seed=tf.stack([s, 0])))
        ds = orders.flat_map(batches)
    else:
        ds = batches(None).cache()
    return ds.apply(tf.data.experimental.assert_cardinality(full + (rest > 0))).prefetch(tf.data.AUTOTUNE)


def split_validation(x: Any, y: Any, fraction: float) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """Holds out the last `fraction` of the samples, as Keras's ``validation_split`` does.

    Returns:
        ``((x_train, y_train), (x_val, y_val))`` (``y`` parts None when `y` is).

    Raises:
        ValueError: If `fraction` is not in (0, 1) or either part would be empty.
    """
    fraction = check_float("validation_split", fraction, minimum=0.0, maximum=1.0, exclusive_minimum=True,
                           exclusive_maximum=True)
    if len(x) != (len(x) if y is None else len(y)):
        raise invalid_value("y", f"must have one row per sample of x ({len(x)})", f"{len(y)} rows")
    cut = int(math.floor(len(x) * (1.0 - fraction)))
    if cut == 0 or cut == len(x):
        raise invalid_value("validation_split", f"leaves no training or no validation samples of {len(x)}",
                            fraction)
    part = lambda a, s: None if a is None else a[s]  # noqa: E731
    return (x[:cut], part(y, slice(None, cut))), (x[cut:], part(y, slice(cut, None)))


def fit(
    model: Any,
    x: Any,
    y: Any = None,
    *,
    batch_size: int = 32,
    epochs: int = 1,
    shuffle: bool = True,
    seed: int = 0,
    validation_split: float = 0.0,
    validation_data: tuple[Any, ...] | None = None,
    jit_compile: bool | str = "auto",
    **kwargs: Any,
) -> Any:
    """``model.fit(x, y, ...)`` fed through `dataset` on the backends where that is faster.

    Same arguments and semantics as Keras's ``fit`` on arrays: ``validation_split`` holds
    out the last fraction of the samples, before shuffling.

    Example:
        >>> history = zoo.fit(zoo.mnist_mlp(), x, y, batch_size=256, epochs=5)

    Args:
        model: A compiled Keras model.
        x, y: Training arrays.
        batch_size, epochs, shuffle: As in ``model.fit``.
        seed: Seed of the per-epoch permutations (TensorFlow; on JAX, Keras shuffles and
            ``keras.utils.set_random_seed`` seeds it).
        validation_split: Fraction in [0, 1) of the samples held out for validation.
        validation_data: ``(x_val, y_val)`` or ``(x_val, y_val, weights)`` arrays, instead of a split.
        jit_compile: "auto": for a model a zoo builder compiled, XLA on a TensorFlow CPU
            when the call is long enough to repay XLA's compile and the model has no
            convolutions (`zoo.runtime.compile.use_xla`); a model you compiled keeps your
            setting. True or False decide. The model keeps the choice for later calls.
        **kwargs: Passed to ``model.fit`` (``callbacks``, ``verbose``, ...); ``sample_weight``
            is split and batched with the samples.

    Returns:
        The Keras ``History``.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a compiled keras.Model", model)
    check_fit_args(epochs=epochs, batch_size=batch_size)
    check_fit_options(kwargs, epochs=epochs)
    check_bool("shuffle", shuffle)
    seed = check_int("seed", seed, minimum=0)
    validation_split = check_float("validation_split", validation_split, minimum=0.0, maximum=1.0,
                                   exclusive_maximum=True)
    if validation_split and validation_data is not None:
        raise invalid_value("validation_split", "must be 0 when validation_data is given", validation_split)
    check_auto_bool("jit_compile", jit_compile)
    checked = check_fit_data(model, x, y, sample_weight=kwargs.pop("sample_weight", None),
                             class_weight=kwargs.get("class_weight"), validation_data=validation_data)
    x, y, sample_weight = (None if a is None else _as_array(n, a) for n, a in
                           (("x", checked.x), ("y", checked.y), ("sample_weight", checked.sample_weight)))
    validation_data = checked.validation_data
    if validation_split:
        (x, y), validation_data = split_validation(x, y, validation_split)
        if sample_weight is not None:  # held out alongside, as Keras does
            (sample_weight, _), (val_weight, _) = split_validation(sample_weight, None, validation_split)
            validation_data = (*validation_data, val_weight)
    per_epoch = kwargs.get("steps_per_epoch") or math.ceil(len(x) / batch_size)
    steps = per_epoch * (epochs - kwargs.get("initial_epoch", 0))
    _set_jit_compile(model, use_xla(model, steps) if jit_compile == "auto" else jit_compile)
    if keras.backend.backend() not in PIPELINE_BACKENDS:
        return model.fit(x, y, batch_size=batch_size, epochs=epochs, shuffle=shuffle, sample_weight=sample_weight,
                         validation_data=validation_data, **kwargs)
    if validation_data is not None:
        validation_batch = kwargs.pop("validation_batch_size", None) or _validation_batch_size(
            batch_size, validation_data[0])
        validation_data = dataset(*validation_data, batch_size=validation_batch, shuffle=False)
    return model.fit(dataset(x, y, sample_weight, batch_size=batch_size, shuffle=shuffle, seed=seed),
                     epochs=epochs, validation_data=validation_data, shuffle=False, **kwargs)  # the dataset shuffles


def _set_jit_compile(model: Any, value: bool | None) -> None:
    before = bool(model.jit_compile)
    if value is None or before == value:
        return
    model.jit_compile = value  # Keras keeps False (with a warning) where XLA cannot run
    if bool(model.jit_compile) != before:
        # Keras reads the setting when it makes its step functions: made ones are made again.
        model.train_function = model.test_function = model.predict_function = None
