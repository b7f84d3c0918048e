"""What TensorFlow keeps after a model is dropped, and releasing it between models."""

from __future__ import annotations

import sys

_PREFIX = "CustomGradient-"


def _gradient_registry() -> dict | None:
    ops = sys.modules.get("tensorflow.python.framework.ops")  # never imports TensorFlow itself
    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def release_traced_gradients() -> int:
    """Forgets the custom-gradient registrations of every graph traced so far.

    Keras's TensorFlow optimizer all-reduces the gradients in every train step, even with
    one replica, and `tf.distribute`'s all-reduce is a ``tf.custom_gradient``. Traced in a
    ``tf.function``, each one registers a gradient function under a fresh
    ``CustomGradient-N`` name in TensorFlow's process-wide gradient registry, and that
    function holds the whole traced step graph. Nothing removes it, so
    ``keras.backend.clear_session()`` frees a model but not its train step: about 7 MiB per
    tuning trial of a small MLP, without end (KerasTuner users report the same growth).

    Call it only when no graph traced before the call will be differentiated again, as
    between two tuning trials: training a model traced earlier still works (its gradients
    are in its graph already), but a new gradient through such a graph would fail.
    A no-op on other backends, or when TensorFlow is not imported.

    Returns:
        How many registrations were removed.
    """
    registry = _gradient_registry()
    if registry is None:
        return 0
    names = [name for name in registry if name.startswith(_PREFIX)]
    for name in names:
        del registry[name]
    return len(names)
