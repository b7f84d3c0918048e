"""Multilayer perceptrons: one dense trunk, any task head (seed 001's tables)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zoo.models import budget
from zoo.models._base import Seeds, check_common, finish, head_output, shared_args
from zoo.models.heads import resolve_head
from zoo.models.initializers import HIDDEN_ACTIVATIONS, initializer_for
from zoo.registry import register
from zoo.runtime import distribute
from zoo.utils.lazy import keras
from zoo.utils.validation import check_choice, check_int, check_per_layer, check_shape

# SELU's self-normalisation survives only AlphaDropout, which keeps mean and variance.
_DROPOUT_FOR = {"selu": "AlphaDropout"}


def dense_stack(x: Any, units: Sequence[int], *, activation: str, dropout: float, seeds: Seeds) -> Any:
    """Appends hidden Dense layers ``dense_1..n`` (each with dropout ``dropout_i`` if asked).

    The initialiser follows the activation (`initializer_for`).
    """
    for i, width in enumerate(units, start=1):
        x = keras.layers.Dense(
            width,
            activation=activation,
            kernel_initializer=initializer_for(activation, seeds.next()),
            name=f"dense_{i}",
        )(x)
        if dropout:
            dropout_cls = getattr(keras.layers, _DROPOUT_FOR.get(activation, "Dropout"))
            x = dropout_cls(dropout, seed=seeds.next(), name=f"dropout_{i}")(x)
    return x


def dense_network(
    input_shape: Any,
    *,
    task: Any, outputs: Any, bounds: Any, outliers: Any, hidden_layers: Any, units: Any, activation: Any,
    dropout: Any, optimizer: Any, learning_rate: Any, label_format: Any, compile: Any, strategy: Any, seed: Any,
    name: Any, default_name: str, default_classes: int | None = None, min_hidden_layers: int = 0,
) -> Any:
    """The dense family's trunk: [Flatten] -> hidden Dense layers -> head.

    Every argument is validated before a layer is built. See `mlp` for their meaning.
    """
    input_shape = check_shape("input_shape", input_shape)
    head = resolve_head(task, outputs, default_classes=default_classes, label_format=label_format,
                        bounds=bounds, outliers=outliers)
    hidden_layers = check_int("hidden_layers", hidden_layers, minimum=min_hidden_layers, maximum=budget.MAX_LAYERS)
    widths = check_per_layer("units", units, hidden_layers)
    budget.check_widths("units", widths, units)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    name, seeds = check_common(optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                               seed=seed, name=name, default_name=default_name, dropout=dropout)
    n_inputs = budget.prod(input_shape)
    blame = ("units", units) if widths and max(widths) >= n_inputs else ("input_shape", input_shape)
    budget.check_fits(budget.dense_params([n_inputs, *widths, head.units]), n_inputs + sum(widths),
                      argument=blame[0], value=blame[1])
    with distribute.scope(strategy):
        inputs = keras.Input(shape=input_shape, name="input")
        x = keras.layers.Flatten(name="flatten")(inputs) if len(input_shape) > 1 else inputs
        x = dense_stack(x, widths, activation=activation, dropout=dropout, seeds=seeds)
        return finish(inputs, head_output(x, head, seeds), name=name, head=head,
                      optimizer=optimizer, learning_rate=learning_rate, compile=compile)


@register(family="dense", smoke={"input_shape": (4,), "units": 8}, params=6_209)
@shared_args()
def mlp(
    input_shape: Sequence[int] = (30,),
    *,
    task: Any = "binary", outputs: int | None = None, bounds: Any = None, outliers: bool | str = False,
    hidden_layers: int = 2,
    units: int | Sequence[int] = 64,
    activation: str = "relu",
    dropout: float = 0.0,
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """Multilayer perceptron for any task: hidden Dense layers and the task's head.

    Example:
        >>> model = zoo.mlp(input_shape=(8,), task="regression", outputs=2,
        ...                 bounds=(0.0, 5.0), hidden_layers=3, units=(100, 50, 25))

    Args:
        input_shape: Features per sample; inputs with more than one axis are flattened.
        hidden_layers: Number of hidden layers (the notes: typically 1 to 5).
        units: Neurons per hidden layer: one int for all, or one per layer
            (a decreasing pyramid such as ``(100, 50, 25)``).
        {shared_args}

    Returns:
        A `keras.Model` with layers ``input``, ``dense_1..n``, ``head``.

    Raises:
        ValueError: If an argument is invalid; raised before any layer is built.
        TypeError: If an argument has the wrong type.
    """
    return dense_network(
        input_shape, task=task, outputs=outputs, bounds=bounds, outliers=outliers, hidden_layers=hidden_layers,
        units=units, activation=activation, dropout=dropout, optimizer=optimizer, learning_rate=learning_rate,
        label_format=label_format, compile=compile, strategy=strategy, seed=seed, name=name, default_name="mlp",
        min_hidden_layers=1,
    )


@register(family="dense", tasks=("multiclass",), smoke={"input_shape": (6, 6), "units": 8}, params=101_770)
@shared_args()
def mnist_mlp(
    input_shape: Sequence[int] = (28, 28),
    *,
    outputs: int = 10,
    units: int = 128,
    activation: str = "relu",
    dropout: float = 0.0,
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """The notes' MNIST classifier: Flatten 28x28, Dense 128 ReLU, Dense 10 softmax, Adam.

    The defaults build the notes' model (seed 000); `zoo describe mnist_mlp` gives its
    parameter count.

    Args:
        input_shape: Image shape; flattened first.
        outputs: Number of classes.
        units: Width of the one hidden layer.
        {shared_args}

    Returns:
        A compiled `keras.Model`.
    """
    return dense_network(input_shape, task="multiclass", outputs=outputs, bounds=None, outliers=False, hidden_layers=1,
                         units=units, activation=activation, dropout=dropout, optimizer=optimizer,
                         learning_rate=learning_rate, label_format=label_format, compile=compile,
                         strategy=strategy, seed=seed, name=name, default_name="mnist_mlp")
