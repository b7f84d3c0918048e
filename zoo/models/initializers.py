"""Weight initialiser by activation (seeds 000 and 001): Glorot, He or LeCun."""

from __future__ import annotations

from typing import Any

from zoo.utils.lazy import keras
from zoo.utils.validation import check_choice, check_seed

# Glorot keeps the variance of saturating/linear units; He compensates for ReLU zeroing half
# its inputs; LeCun normal is what SELU's self-normalisation assumes.
_INITIALIZER_BY_ACTIVATION = {
    "linear": "GlorotUniform",
    "sigmoid": "GlorotUniform",
    "tanh": "GlorotUniform",
    "softmax": "GlorotUniform",
    "softplus": "GlorotUniform",
    "relu": "HeNormal",
    "leaky_relu": "HeNormal",
    "relu6": "HeNormal",
    "elu": "HeNormal",
    "gelu": "HeNormal",
    "silu": "HeNormal",
    "selu": "LecunNormal",
}

ACTIVATIONS = tuple(_INITIALIZER_BY_ACTIVATION)
HIDDEN_ACTIVATIONS = tuple(a for a in ACTIVATIONS if a not in ("softmax", "linear", "softplus"))


def initializer_name(activation: str) -> str:
    """The Keras initializer class name that suits `activation`."""
    return _INITIALIZER_BY_ACTIVATION[check_choice("activation", activation, ACTIVATIONS)]


def initializer_for(activation: str, seed: int | None = None) -> Any:
    """Returns the weight initialiser that suits `activation`.

    Glorot (uniform) for sigmoid/tanh/softmax/linear, He (normal) for the ReLU
    family, LeCun normal for SELU.

    Args:
        activation: The layer's activation name.
        seed: Seed for the initialiser; None draws fresh weights each time.

    Returns:
        A `keras.initializers.Initializer`.

    Raises:
        ValueError: If `activation` is not one the zoo knows.
    """
    name = initializer_name(activation)
    return getattr(keras.initializers, name)(seed=check_seed(seed))
