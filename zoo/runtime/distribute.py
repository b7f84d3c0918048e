"""Device placement: the one place in the zoo that knows about devices.

TensorFlow gets a `tf.distribute` strategy (`get_strategy`); JAX gets a Keras
distribution (`get_distribution`). Builders create their variables inside `scope()`,
which enters whichever of the two is in force.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import sys
from typing import Any, ContextManager

from zoo.utils.validation import check_choice, invalid_type, invalid_value

KINDS = ("auto", "default", "one_device", "mirrored", "multi_worker")
ENV_VAR = "ZOO_STRATEGY"

log = logging.getLogger("zoo")


def _announce(message: str) -> None:
    """One line on stderr (through the "zoo" logger, so applications can silence it)."""
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("[zoo] %(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
    log.info(message)


def _tf_config() -> dict[str, Any]:
    raw = os.environ.get("TF_CONFIG") or "{}"
    try:
        config = json.loads(raw)
    except json.JSONDecodeError:
        raise invalid_value("TF_CONFIG", "must be JSON with 'cluster' and 'task' keys", raw) from None
    if not isinstance(config, dict):
        raise invalid_value("TF_CONFIG", "must be a JSON object with 'cluster' and 'task' keys", raw)
    cluster, task = config.get("cluster") or {}, config.get("task") or {}
    if not isinstance(cluster, dict) or not all(
            isinstance(k, str) and isinstance(v, list) and v and all(isinstance(a, str) and ":" in a for a in v)
            for k, v in cluster.items()):
        raise invalid_value("TF_CONFIG", "must name the cluster as {job: ['host:port', ...]}", raw)
    if cluster:
        if not isinstance(task, dict) or task.get("type") not in cluster:
            raise invalid_value("TF_CONFIG", f"must give this process's task type, one of {sorted(cluster)}", raw)
        index = task.get("index", 0)
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(cluster[task["type"]]):
            raise invalid_value("TF_CONFIG", f"must give a task index within the {task['type']!r} addresses", raw)
    return config


def tf_config_cluster() -> dict[str, Any]:
    """The cluster that ``TF_CONFIG`` names ({} when unset).

    Raises:
        ValueError: When ``TF_CONFIG`` is not JSON.
    """
    return _tf_config().get("cluster") or {}


def tf_config_task() -> dict[str, Any]:
    """This process's task in ``TF_CONFIG`` (``{"type": ..., "index": ...}``; {} when unset).

    Raises:
        ValueError: When ``TF_CONFIG`` is not JSON.
    """
    return _tf_config().get("task") or {}


def _requested(kind: str | None) -> tuple[str, str]:
    if kind is None:
        env = os.environ.get(ENV_VAR)
        if env:
            return check_choice(ENV_VAR, env, KINDS), f"{ENV_VAR}={env}"
        return "auto", "auto"
    if not isinstance(kind, str):
        raise invalid_type("kind", f"one of {', '.join(map(repr, KINDS))} or None", kind)
    return check_choice("kind", kind, KINDS), f"kind={kind!r}"


def get_strategy(kind: str | None = None) -> Any:
    """Returns the `tf.distribute` strategy to build and train under.

    ``"auto"`` picks `MultiWorkerMirroredStrategy` when ``TF_CONFIG`` names a cluster,
    `MirroredStrategy` over several GPUs, `OneDeviceStrategy` on one GPU, and
    TensorFlow's default strategy on CPU (a mirrored strategy over CPU devices is
    slower than the default there). The choice is logged once, as one line.

    Args:
        kind: "auto", "default", "one_device", "mirrored" or "multi_worker"; None reads
            the ``ZOO_STRATEGY`` environment variable, else "auto".

    Returns:
        The strategy (cached per kind: every builder shares one), or None on the JAX
        and PyTorch backends, which have no `tf.distribute` (see `get_distribution`).

    Raises:
        ValueError: For an unknown kind, or a kind this machine cannot run
            ("mirrored" needs two devices, "multi_worker" a ``TF_CONFIG`` cluster).
    """
    kind, why = _requested(kind)
    return _strategy(kind, why)


@functools.lru_cache(maxsize=None)
def _strategy(kind: str, why: str) -> Any:
    import keras

    name = ENV_VAR if why.startswith(ENV_VAR) else "kind"  # blame what the user set
    if keras.backend.backend() != "tensorflow":
        if kind not in ("auto", "default"):
            raise invalid_value(name, "needs the TensorFlow backend (tf.distribute); on "
                                f"{keras.backend.backend()!r} use zoo.get_distribution()", kind)
        return None
    import tensorflow as tf

    cluster = tf_config_cluster()
    if cluster and kind == "auto":
        kind, why = "multi_worker", why + ": TF_CONFIG names a cluster"
    if kind == "multi_worker":  # created before anything lists devices: that starts the runtime
        if not cluster:
            raise invalid_value(name, "'multi_worker' needs TF_CONFIG naming a cluster (see the README)", kind)
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
        workers = sum(len(v) for v in cluster.values())
        _announce(f"strategy MultiWorkerMirroredStrategy, {workers} workers, "
                  f"{strategy.num_replicas_in_sync} replicas ({why})")
        return strategy
    gpus = tf.config.list_logical_devices("GPU")
    cpus = tf.config.list_logical_devices("CPU")
    if kind == "auto":
        kind = "mirrored" if len(gpus) > 1 else "one_device" if gpus else "default"
        why += {"mirrored": f": {len(gpus)} GPUs", "one_device": ": one GPU", "default": ": no GPU"}[kind]
    if kind == "mirrored":
        devices = gpus if len(gpus) > 1 else cpus
        if len(devices) < 2:
            raise invalid_value(name, "'mirrored' needs two or more devices (GPUs or logical CPUs set with "
                                "tf.config.set_logical_device_configuration); this machine has "
                                f"{len(gpus)} GPU(s) and {len(cpus)} CPU device(s)", kind)
        strategy = tf.distribute.MirroredStrategy([d.name for d in devices])
    elif kind == "one_device":
        strategy = tf.distribute.OneDeviceStrategy((gpus or cpus)[0].name)
    else:
        strategy = tf.distribute.get_strategy()
    devices = [(gpus or cpus)[0].name] if kind == "default" else strategy.extended.worker_devices
    _announce(f"strategy {type(strategy).__name__} on {', '.join(devices)}: "
              f"{strategy.num_replicas_in_sync} replica(s) ({why})")
    return strategy


def get_distribution() -> Any:
    """The Keras distribution in force on the JAX backend (`keras.distribution`).

    With several JAX devices and no distribution set yet, sets and returns a
    `keras.distribution.DataParallel` over all of them (logged once): the JAX
    counterpart of `get_strategy`. With one device, or on other backends, returns the
    distribution already set (usually None).
    """
    import keras

    current = keras.distribution.distribution()
    if current is not None or keras.backend.backend() != "jax":
        return current
    devices = keras.distribution.list_devices()
    if len(devices) < 2:
        return None
    distribution = keras.distribution.DataParallel(devices=devices)
    keras.distribution.set_distribution(distribution)
    _announce(f"distribution DataParallel on {len(devices)} JAX devices ({', '.join(devices)})")
    return distribution


def scope(strategy: Any = None) -> ContextManager[Any]:
    """The context in which a model is built and compiled.

    Args:
        strategy: A `tf.distribute.Strategy`; None uses `get_strategy()` (on JAX,
            `get_distribution()`).

    Returns:
        ``strategy.scope()``, the JAX distribution's scope, or a no-op context.
    """
    if strategy is None:
        strategy = get_strategy()
        if strategy is None:
            distribution = get_distribution()
            return contextlib.nullcontext() if distribution is None else distribution.scope()
    if not hasattr(strategy, "scope"):
        raise invalid_type("strategy", "a tf.distribute.Strategy or None", strategy)
    return strategy.scope()


def is_multi_worker(strategy: Any) -> bool:
    """Whether `strategy` spans processes (Keras 3 `fit` cannot train under it)."""
    return type(strategy).__name__.startswith(("MultiWorkerMirroredStrategy", "CollectiveAllReduceStrategy"))
