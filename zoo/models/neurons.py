"""Single units: the artificial neuron, McCulloch-Pitts, the perceptron, logistic regression."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Any

import numpy as np

from zoo.models._base import check_common, finish, shared_args
from zoo.models.dense import dense_network
from zoo.models.heads import Head, head_for
from zoo.models.initializers import initializer_for
from zoo.registry import register
from zoo.runtime import distribute
from zoo.runtime.compile import compile_model
from zoo.utils.lazy import keras
from zoo.utils.validation import (
    check_bool,
    check_choice,
    check_float,
    check_int,
    check_name,
    check_shape,
    invalid_type,
    invalid_value,
)

# A neuron's loss follows its activation: probabilities get cross-entropy, anything else MSE.
_NEURON_TASK = {"sigmoid": "binary", "linear": "regression", "tanh": "regression",
                "relu": "regression", "softplus": "regression"}
NOTES_WEIGHTS = (0.5, -0.3, 0.8)
NOTES_BIAS = 0.1


@register(family="neurons", tasks=("binary",), train_kwargs={"weights": None, "bias": None}, params=4)
@shared_args()
def neuron(
    input_shape: Sequence[int] = (3,),
    *,
    activation: str = "sigmoid",
    weights: Sequence[float] | None = NOTES_WEIGHTS,
    bias: float | None = NOTES_BIAS,
    optimizer: Any = "adam", learning_rate: float | None = 1e-2,
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """One artificial neuron: ``y = f(w . x + b)`` with settable weights (seeds 000, 003).

    With the defaults (the notes' example) the input ``[2, 3, 1]`` gives
    ``sigmoid(1.0) = 0.7310585786300049``.

    Args:
        input_shape: ``(n_features,)``.
        activation: "sigmoid" (compiled with binary cross-entropy) or "linear", "tanh",
            "relu", "softplus" (compiled with MSE).
        weights: One weight per feature; None draws them with the activation's initialiser.
        bias: The bias; None starts it at 0.
        seed: Seed for drawn weights; None for fresh randomness.
        {shared_args}

    Returns:
        A `keras.Model` whose single layer is named ``head``.
    """
    (n_features,) = check_shape("input_shape", input_shape, ndims=(1,))
    check_choice("activation", activation, _NEURON_TASK)
    head = dataclasses.replace(head_for(_NEURON_TASK[activation]), activation=activation)
    if weights is not None:
        if isinstance(weights, str) or not isinstance(weights, (Sequence, np.ndarray)):
            raise invalid_type("weights", "a sequence of numbers or None", weights)
        if len(weights) != n_features:
            raise invalid_value("weights", f"must have one number per input feature ({n_features}); "
                                "pass weights=None to draw them", weights)
        weights = np.asarray([check_float("weights", w) for w in weights], dtype="float64").reshape(n_features, 1)
    bias = None if bias is None else check_float("bias", bias)
    name, seeds = check_common(optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                               seed=seed, name=name, default_name="neuron")
    with distribute.scope(strategy):
        inputs = keras.Input(shape=(n_features,), name="input")
        layer = keras.layers.Dense(1, activation=activation, name="head",
                                   kernel_initializer=initializer_for(activation, seeds.next()))
        outputs = layer(inputs)
        if weights is not None or bias is not None:
            kernel, current_bias = layer.get_weights()
            layer.set_weights([kernel if weights is None else weights,
                               current_bias if bias is None else np.full((1,), bias)])
        return finish(inputs, outputs, name=name, head=head, optimizer=optimizer,
                      learning_rate=learning_rate, compile=compile)


@register(family="neurons", tasks=("binary",), trains="none", params=3)
@shared_args()
def mcculloch_pitts(
    input_shape: Sequence[int] = (2,),
    *,
    threshold: int = 2,
    compile: bool = True, strategy: Any = None, name: str | None = None,
) -> Any:
    """McCulloch-Pitts neuron (seed 001): boolean inputs, unit weights, output ``sum(x) >= b``.

    Nothing is learnt: the threshold ``b`` picks the boolean function. With n inputs,
    ``threshold=n`` is AND and ``threshold=1`` is OR.

    Args:
        input_shape: ``(n_inputs,)``.
        threshold: The integer ``b`` in ``0..n_inputs``.
        compile: Compile (MSE loss, the notes' ``sum (y - y_hat)^2`` up to the mean; accuracy).
        {shared_args}

    Returns:
        A `keras.Model` with a frozen unit-weight ``weighted_sum`` and a ``step`` layer.
    """
    (n_inputs,) = check_shape("input_shape", input_shape, ndims=(1,))
    threshold = check_int("threshold", threshold, minimum=0, maximum=n_inputs)
    check_bool("compile", compile)
    name = check_name(name, "mcculloch_pitts")
    from zoo.models import layers as zoo_layers

    with distribute.scope(strategy):
        inputs = keras.Input(shape=(n_inputs,), name="input")
        weighted_sum = keras.layers.Dense(
            1, kernel_initializer="ones", bias_initializer=keras.initializers.Constant(-threshold),
            trainable=False, name="weighted_sum",
        )
        outputs = zoo_layers.Heaviside(name="step")(weighted_sum(inputs))
        model = keras.Model(inputs, outputs, name=name)
        if compile:
            compile_model(model, optimizer="sgd", loss="mean_squared_error", metrics=["accuracy"])
        return model


@register(family="neurons", tasks=("binary",), trains="rule", backends=("tensorflow", "torch"), params=3)
@shared_args()
def perceptron(
    input_shape: Sequence[int] = (2,),
    *,
    learning_rate: float = 1.0,
    compile: bool = True, strategy: Any = None, name: str | None = None,
) -> Any:
    """Rosenblatt's perceptron trained by the perceptron rule, not gradient descent (seed 001).

    A Heaviside step over ``w . x + b``, weights starting at zero. `fit` adds ``x`` to
    the weights for a missed positive and subtracts it for a false positive. It
    converges on linearly separable data (AND, OR) and can never fit XOR.

    Args:
        input_shape: ``(n_features,)``.
        learning_rate: Step size of the rule (1 in the notes).
        compile: Compile (MSE loss = error rate; accuracy). The optimizer slot is unused.
        {shared_args}

    Returns:
        A `zoo.models.layers.Perceptron` model.
    """
    (n_features,) = check_shape("input_shape", input_shape, ndims=(1,))
    learning_rate = check_float("learning_rate", learning_rate, minimum=0.0, exclusive_minimum=True)
    check_bool("compile", compile)
    name = check_name(name, "perceptron")
    from zoo.models import layers as zoo_layers

    with distribute.scope(strategy):
        model = zoo_layers.Perceptron(n_features, learning_rate=learning_rate, name=name)
        if compile:
            compile_model(model, optimizer="sgd", loss="mean_squared_error", metrics=["accuracy"])
        return model


@register(family="neurons", tasks=("binary",), smoke={"input_shape": (4,)}, params=31)
@shared_args()
def logistic_regression(
    input_shape: Sequence[int] = (30,),
    *,
    task: Any = "binary", outputs: int | None = None,
    optimizer: Any = "adam", learning_rate: float | None = 1e-2, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """Logistic regression: one sigmoid unit trained with binary cross-entropy (seed 002).

    ``task="multiclass"`` gives its softmax generalisation and ``"multilabel"`` one
    sigmoid per label: the dense trunk with no hidden layer.

    Args:
        input_shape: ``(n_features,)``; more axes are flattened.
        task: "binary", "multilabel" or "multiclass", or a classification `zoo.Head`.
        outputs: Labels or classes (1 for binary).
        {shared_args}

    Returns:
        A compiled `keras.Model` with one ``head`` layer.
    """
    check_choice("task", task.task if isinstance(task, Head) else task, ("binary", "multilabel", "multiclass"))
    return dense_network(input_shape, task=task, outputs=outputs, bounds=None, outliers=False, hidden_layers=0, units=1,
                         activation="relu", dropout=0.0, optimizer=optimizer, learning_rate=learning_rate,
                         label_format=label_format, compile=compile, strategy=strategy, seed=seed, name=name,
                         default_name="logistic_regression")
