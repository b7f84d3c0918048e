"""Helpers shared by the tests."""

import numpy as np


def targets_for(model, n, rng):
    """Random targets that suit `model`'s loss and output width."""
    width = model.output.shape[-1] if hasattr(model, "output") else 1
    loss = model.loss
    if loss == "sparse_categorical_crossentropy":
        return rng.integers(0, width, size=(n,))
    if loss == "categorical_crossentropy":
        return np.eye(width, dtype="float32")[rng.integers(0, width, size=(n,))]
    if loss == "binary_crossentropy" or width == 1 and "step" in [l.name for l in model.layers]:
        return rng.integers(0, 2, size=(n, width)).astype("float32")
    return rng.normal(size=(n, width)).astype("float32")
