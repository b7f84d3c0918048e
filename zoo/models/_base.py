"""What every builder shares: seeds, the output head, the optimizer and compilation."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

from zoo.utils.lazy import keras
from zoo.models.heads import Head
from zoo.models.initializers import initializer_for
from zoo.utils.validation import check_choice, check_float, invalid_type

OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "nadam": "Nadam",
    "adagrad": "Adagrad",
}


class Seeds:
    """Hands out one seed per layer, derived from the builder's `seed` (None stays None).

    Layers get distinct seeds so that two layers of the same shape never start equal,
    and nothing global is seeded.
    """

    def __init__(self, seed: int | None) -> None:
        self._counter: Iterator[int] | None = None if seed is None else itertools.count(seed)

    def next(self) -> int | None:
        """The next layer's seed (None when the builder was given no seed)."""
        return None if self._counter is None else next(self._counter)


def check_optimizer(optimizer: Any, learning_rate: Any) -> None:
    """Validates `optimizer` (a name or a Keras optimizer) and `learning_rate`."""
    if isinstance(optimizer, type):
        raise invalid_type("optimizer", "an optimizer name or an optimizer instance (call the class: "
                           f"{optimizer.__name__}(learning_rate=...))", optimizer)
    if isinstance(optimizer, str):
        check_choice("optimizer", optimizer, OPTIMIZERS)
    elif not hasattr(optimizer, "apply_gradients"):
        raise invalid_type("optimizer", f"one of {', '.join(map(repr, OPTIMIZERS))} or a keras.optimizers.Optimizer", optimizer)
    elif learning_rate is not None:
        raise ValueError(
            "`learning_rate` applies to an optimizer given by name only; set it on the optimizer "
            f"object instead. Received: learning_rate={learning_rate!r}"
        )
    if learning_rate is not None:
        check_float("learning_rate", learning_rate, minimum=0.0, exclusive_minimum=True)


def make_optimizer(optimizer: Any, learning_rate: float | None) -> Any:
    """Returns a fresh Keras optimizer for a name (with `learning_rate`), or the given object."""
    if not isinstance(optimizer, str):
        return optimizer
    kwargs = {} if learning_rate is None else {"learning_rate": learning_rate}
    return getattr(keras.optimizers, OPTIMIZERS[optimizer])(**kwargs)


def head_output(x: Any, head: Head, seeds: Seeds) -> Any:
    """Appends the output layer named ``head`` (and ``head_rescale`` for bounded regression)."""
    outputs = keras.layers.Dense(
        head.units,
        activation=head.activation,
        kernel_initializer=initializer_for(head.activation, seeds.next()),
        name="head",
    )(x)
    if head.rescale is not None:
        scale, offset = head.rescale
        outputs = keras.layers.Rescaling(scale=scale, offset=offset, name="head_rescale")(outputs)
    return outputs


def finish(
    inputs: Any,
    outputs: Any,
    *,
    name: str,
    head: Head,
    optimizer: Any,
    learning_rate: float | None,
    compile: bool,
) -> Any:
    """Wraps the graph in a `keras.Model` and compiles it with the head's loss and metrics."""
    model = keras.Model(inputs, outputs, name=name)
    if compile:
        from zoo.runtime.compile import compile_defaults

        model.compile(optimizer=make_optimizer(optimizer, learning_rate), **head.compile_kwargs(),
                      **compile_defaults(model))
    return model


def check_common(
    *,
    optimizer: Any,
    learning_rate: Any,
    compile: Any,
    seed: Any,
    name: Any,
    default_name: str,
    dropout: Any = 0.0,
) -> tuple[str, Seeds]:
    """Validates the arguments every builder shares; returns the model name and its seeds."""
    from zoo.utils.validation import check_bool, check_name, check_seed

    check_optimizer(optimizer, learning_rate)
    check_bool("compile", compile)
    check_float("dropout", dropout, minimum=0.0, maximum=1.0, exclusive_maximum=True)
    return check_name(name, default_name), Seeds(check_seed(seed))
