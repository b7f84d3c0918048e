"""Training under `MultiWorkerMirroredStrategy`, where Keras 3 `fit` does not work.

Keras 3's `model.fit` fails under `tf.distribute.MultiWorkerMirroredStrategy`
(keras-team/keras#20585). This is TensorFlow's documented custom-loop pattern instead:
the dataset is distributed with `strategy.experimental_distribute_dataset`, each
replica runs the model's own `train_step` through `strategy.run` (so the compiled loss,
the optimizer's gradient all-reduce and the metrics are Keras's), and the loss is
combined with `strategy.reduce`. Callbacks get the usual epoch logs.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from zoo.utils.validation import check_int


def _dataset(x: Any, y: Any, batch_size: int, *, shuffle: bool, seed: int) -> Any:
    from zoo.training.pipeline import dataset

    # Equal batches on every replica: Keras scales each replica's loss by 1/replicas.
    return dataset(x, y, batch_size=batch_size, shuffle=shuffle, seed=seed, drop_remainder=True)


def fit_distributed(
    model: Any,
    x: Any,
    y: Any,
    *,
    strategy: Any,
    epochs: int = 1,
    batch_size: int = 32,
    validation_data: tuple[Any, Any] | None = None,
    callbacks: list[Any] | None = None,
    verbose: int = 1,
    seed: int = 0,
) -> Any:
    """`model.fit` for a `tf.distribute` strategy, multi-worker included.

    The model must have been built and compiled inside ``strategy.scope()`` (every zoo
    builder does this with `zoo.get_strategy()`). Each step takes a global batch of
    `batch_size` samples split over the replicas; a last incomplete batch is dropped.
    Every worker must call this with the same data and arguments.

    Args:
        model: A compiled `keras.Model`.
        x: Training inputs (a numpy array).
        y: Training targets.
        strategy: The `tf.distribute.Strategy` the model was built under.
        epochs: Passes over the data.
        batch_size: Global batch size (over all replicas).
        validation_data: ``(x_val, y_val)`` evaluated after every epoch.
        callbacks: Keras callbacks (epoch and batch hooks; `BackupAndRestore` is not
            supported here).
        verbose: 0 silent, 1 a progress bar.
        seed: Shuffling seed (the same on every worker).

    Returns:
        A `keras.callbacks.History`.
    """
    import keras
    import tensorflow as tf

    epochs = check_int("epochs", epochs, minimum=1)
    batch_size = check_int("batch_size", batch_size, minimum=strategy.num_replicas_in_sync)
    x, y = np.asarray(x), np.asarray(y)
    steps = len(x) // batch_size
    if steps < 1:
        raise ValueError(f"`batch_size` must not exceed the {len(x)} training samples. "
                         f"Received: batch_size={batch_size}")
    train = strategy.experimental_distribute_dataset(_dataset(x, y, batch_size, shuffle=True, seed=seed))
    val = None
    if validation_data is not None:
        vx, vy = (np.asarray(a) for a in validation_data)
        val_batch = max(strategy.num_replicas_in_sync, min(batch_size, len(vx)))
        val = strategy.experimental_distribute_dataset(_dataset(vx, vy, val_batch, shuffle=False, seed=seed))

    @tf.function
    def train_step(batch: Any) -> Any:
        strategy.run(model.train_step, args=(batch,))

    test_step = _test_step(tf, model, strategy)

    def results() -> dict[str, float]:
        return _results(model)

    history = keras.callbacks.History()
    callback_list = keras.callbacks.CallbackList(
        [*(callbacks or []), history], add_progbar=verbose != 0, model=model,
        verbose=verbose, epochs=epochs, steps=steps)
    model.stop_training = False
    callback_list.on_train_begin()
    for epoch in range(epochs):
        model.reset_metrics()
        callback_list.on_epoch_begin(epoch)
        for step, batch in enumerate(train):
            callback_list.on_train_batch_begin(step)
            train_step(batch)
            callback_list.on_train_batch_end(step, results() if verbose else None)
        logs = results()
        if val is not None:
            logs.update({f"val_{k}": v for k, v in _evaluate(model, val, test_step).items()})
        callback_list.on_epoch_end(epoch, logs)
        if model.stop_training:
            break
    callback_list.on_train_end(logs)
    return history


def _results(model: Any) -> dict[str, float]:
    # Metric variables are sync-on-read: read outside strategy.run they are the aggregate
    # over all replicas and workers.
    return {name: float(value) for name, value in model.get_metrics_result().items()}


def _test_step(tf: Any, model: Any, strategy: Any) -> Any:
    @tf.function
    def test_step(batch: Any) -> Any:
        strategy.run(model.test_step, args=(batch,))

    return test_step


def _evaluate(model: Any, dataset: Any, test_step: Any) -> dict[str, float]:
    model.reset_metrics()
    for batch in dataset:
        test_step(batch)
    return _results(model)


def evaluate_distributed(model: Any, x: Any, y: Any, *, strategy: Any, batch_size: int = 32) -> dict[str, float]:
    """`model.evaluate(x, y, return_dict=True)` under a `tf.distribute` strategy.

    Args:
        model: A compiled `keras.Model` built inside ``strategy.scope()``.
        x: Inputs.
        y: Targets.
        strategy: The model's strategy.
        batch_size: Global batch size; samples beyond the last full batch are left out.

    Returns:
        The compiled loss and metrics on the data.
    """
    import tensorflow as tf

    x, y = np.asarray(x), np.asarray(y)
    batch_size = max(strategy.num_replicas_in_sync, min(check_int("batch_size", batch_size, minimum=1), len(x)))
    data = strategy.experimental_distribute_dataset(_dataset(x, y, batch_size, shuffle=False, seed=0))
    return _evaluate(model, data, _test_step(tf, model, strategy))
