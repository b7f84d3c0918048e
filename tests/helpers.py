"""Helpers shared by the tests."""

import contextlib
import gc
import os

import numpy as np


def targets_for(model, n, rng):
    """Random targets that suit `model`'s loss and output shape (per-timestep outputs too)."""
    shape = tuple(model.output.shape[1:]) if hasattr(model, "output") else (1,)
    *lead, width = shape
    loss = model.loss
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, width, size=(n, *lead))
    if loss == "categorical_crossentropy":
        return np.eye(width, dtype="float32")[rng.integers(0, width, size=(n, *lead))]
    if loss == "binary_crossentropy" or "step" in [layer.name for layer in model.layers]:
        return rng.integers(0, 2, size=(n, *shape)).astype("float32")
    return rng.normal(size=(n, *shape)).astype("float32")


@contextlib.contextmanager
def env_var(name, value):
    """Sets the environment variable `name` to `value` for the block, then restores it."""
    previous = os.environ.get(name)
    os.environ[name] = value
    try:
        yield
    finally:
        if previous is None:
            del os.environ[name]
        else:
            os.environ[name] = previous


class _DiesDelivering:
    """Delivers SIGTERM's interrupt from ``__del__``, where Python prints the raise and drops it (as in TF's GC)."""

    def __del__(self):
        from zoo.app.cli import Terminated
        from zoo.utils.signals import deliver

        deliver(Terminated())


def lose_an_interrupt():
    """Delivers an interrupt the way the `zoo` command's handler does, where Python loses its raise."""
    _DiesDelivering()
    gc.collect()
