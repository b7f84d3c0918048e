"""What TensorFlow keeps after a model is dropped, and releasing it between models."""

from __future__ import annotations

import sys
from collections.abc import Set

from zoo.utils.validation import invalid_type

_PREFIX = "CustomGradient-"


def _gradient_registry() -> dict | None:
    ops = sys.modules.get("tensorflow.python.framework.ops")  # never imports TensorFlow itself
    registry = getattr(getattr(ops, "_gradient_registry", None), "_registry", None)
    return registry if isinstance(registry, dict) else None


def traced_gradient_names() -> frozenset[str]:
    """The custom-gradient registrations TensorFlow holds now (empty when TensorFlow is not imported)."""
    registry = _gradient_registry()
    return frozenset(name for name in registry if name.startswith(_PREFIX)) if registry else frozenset()


def release_traced_gradients(keep: Set[str] = frozenset()) -> int:
    """Forgets the custom-gradient registrations of the graphs traced so far, except `keep`.

    Keras's TensorFlow optimizer all-reduces the gradients in every train step, even with
    one replica, and `tf.distribute`'s all-reduce is a ``tf.custom_gradient``. Traced in a
    ``tf.function``, each one registers a gradient function under a fresh
    ``CustomGradient-N`` name in TensorFlow's process-wide gradient registry, and that
    function holds the whole traced step graph. Nothing removes it, so
    ``keras.backend.clear_session()`` frees a model but not its train step: about 7 MiB per
    tuning trial of a small MLP, without end (KerasTuner users report the same growth).

    Release only what you traced: pass the `traced_gradient_names` from before your work
    as `keep`. A graph whose registration is released can still run and train (its
    gradients are in it already), but a new gradient through it fails.
    A no-op on other backends, or when TensorFlow is not imported.

    Args:
        keep: Registrations to leave, such as those made before a search started.

    Returns:
        How many registrations were removed.

    Raises:
        TypeError: If `keep` is not a set of names.
    """
    if not isinstance(keep, Set) or not all(isinstance(name, str) for name in keep):
        raise invalid_type("keep", "a set of registration names (from traced_gradient_names())", keep)
    registry = _gradient_registry()
    if registry is None:
        return 0
    names = [name for name in registry if name.startswith(_PREFIX) and name not in keep]
    for name in names:
        del registry[name]
    return len(names)
