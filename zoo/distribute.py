"""Device placement: the one place in the zoo that knows about devices."""

from __future__ import annotations

import contextlib
import functools
import json
import os
from typing import Any, ContextManager

from zoo.validation import invalid_type


@functools.lru_cache(maxsize=None)
def get_strategy() -> Any:
    """Returns the `tf.distribute` strategy that fits this machine.

    ``TF_CONFIG`` naming a cluster -> `MultiWorkerMirroredStrategy`; several GPUs ->
    `MirroredStrategy`; one GPU -> `OneDeviceStrategy`; otherwise TensorFlow's default
    strategy. Cached: every builder shares one strategy. On the JAX and PyTorch
    backends there is no `tf.distribute`, and this returns None.
    """
    import keras

    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    cluster = json.loads(os.environ.get("TF_CONFIG") or "{}").get("cluster")
    if cluster:
        return tf.distribute.MultiWorkerMirroredStrategy()
    gpus = tf.config.list_logical_devices("GPU")
    if len(gpus) > 1:
        return tf.distribute.MirroredStrategy()
    if len(gpus) == 1:
        return tf.distribute.OneDeviceStrategy(gpus[0].name)
    return tf.distribute.get_strategy()


def scope(strategy: Any = None) -> ContextManager[Any]:
    """The context in which a model is built and compiled.

    Args:
        strategy: A `tf.distribute.Strategy`; None uses `get_strategy()`.

    Returns:
        ``strategy.scope()``, or a no-op context where there is no strategy.
    """
    strategy = get_strategy() if strategy is None else strategy
    if strategy is None:
        return contextlib.nullcontext()
    if not hasattr(strategy, "scope"):
        raise invalid_type("strategy", "a tf.distribute.Strategy or None", strategy)
    return strategy.scope()
