"""What every builder shares: seeds, the output head, the optimizer, compilation, argument texts."""

from __future__ import annotations

import inspect
import itertools
import re
import textwrap
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TypeVar

from zoo.models.heads import Head
from zoo.models.initializers import initializer_for
from zoo.utils.lazy import keras
from zoo.utils.validation import check_choice, check_float, invalid_type

OPTIMIZERS = {
    "adam": "Adam",
    "adamw": "AdamW",
    "sgd": "SGD",
    "rmsprop": "RMSprop",
    "nadam": "Nadam",
    "adagrad": "Adagrad",
}

# The one text of each argument that several builders take; `shared_args` writes it into their
# docstrings. "{name}" stands for the builder's name.
SHARED_ARGS: dict[str, str] = {
    "task": '"binary", "multilabel", "multiclass" or "regression", or a `zoo.Head` (for example from '
            "`zoo.infer_head(y)`).",
    "outputs": "Labels, classes or regression targets (see `zoo.head_for`).",
    "bounds": 'Regression output range: None, "positive" or ``(low, high)``.',
    "outliers": 'Regression loss: False (MSE), True/"huber" (Huber) or "mae".',
    "activation": "Hidden activation (ReLU, SELU, tanh, sigmoid, ...); the weight initialiser follows it "
                  "(He, LeCun, Glorot).",
    "dropout": "Dropout rate after every hidden Dense layer (AlphaDropout for SELU); 0 for none.",
    "optimizer": 'An optimizer name ("adam", "sgd", ...) or a `keras.optimizers.Optimizer`.',
    "learning_rate": "Learning rate of a named optimizer; None for Keras's default.",
    "label_format": 'Multiclass labels as "sparse" integer ids or "one_hot" rows.',
    "compile": "Compile the model (loss and metrics from the head).",
    "strategy": "A `tf.distribute.Strategy`; None uses `zoo.runtime.distribute.get_strategy()`.",
    "seed": "Seed for weights and dropout; None for fresh randomness.",
    "name": 'Model name; "{name}" by default.',
}
_PLACEHOLDER = "{shared_args}"
_ENTRY = re.compile(r"    (\w+): ")  # an argument's first line in a cleaned docstring's Args section
_Builder = TypeVar("_Builder", bound=Callable[..., Any])


def shared_args(*family: Mapping[str, str]) -> Callable[[_Builder], _Builder]:
    """Decorator that completes a builder's ``Args:`` section with the shared argument texts.

    The docstring's ``Args:`` section holds the builder's own arguments, any shared one it
    words its own way, and a line ``{shared_args}``. That line becomes the text of every
    other parameter of the signature, from `family` (texts a family's builders share) or
    else `SHARED_ARGS`, and the section follows the signature's order. So `inspect.getdoc`
    (``zoo describe``, ``help``) gives the whole docstring. Apply it below ``@register``.

    Raises:
        ValueError: At import time, if a parameter has no text or a text names no parameter.
    """
    texts = {key: value for mapping in (SHARED_ARGS, *family) for key, value in mapping.items()}

    def decorator(builder: _Builder) -> _Builder:
        lines = inspect.cleandoc(builder.__doc__ or "").splitlines()
        start = lines.index("Args:") + 1 if "Args:" in lines else len(lines)
        end = next((i for i in range(start, len(lines)) if not lines[i].startswith("    ")), len(lines))
        own: dict[str, list[str]] = {}  # the builder's own texts, with their continuation lines
        placeholder = False
        for line in lines[start:end]:
            match = _ENTRY.match(line)
            if match:
                current = own[match.group(1)] = [line]
            elif line.strip() == _PLACEHOLDER:
                placeholder = True
            else:
                current.append(line)
        params = inspect.signature(builder).parameters
        missing = [p for p in params if p not in own and not (placeholder and p in texts)]
        if missing or own.keys() - params.keys():
            raise ValueError(f"The docstring of `{builder.__name__}` must describe each of its parameters once in "
                             f"`Args:` (or list the shared ones with {_PLACEHOLDER}). Received: undescribed "
                             f"{missing}, unknown {sorted(own.keys() - params.keys())}")
        args = [line for p in params for line in own.get(p) or _wrap(p, texts[p].replace("{name}", builder.__name__))]
        builder.__doc__ = "\n".join([*lines[:start], *args, *lines[end:]])
        return builder

    return decorator


def _wrap(argument: str, text: str) -> list[str]:
    """An argument's lines in a cleaned docstring's ``Args:`` section."""
    return textwrap.wrap(f"{argument}: {text}", width=92, initial_indent="    ", subsequent_indent="        ",
                         break_long_words=False, break_on_hyphens=False)


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
        from zoo.runtime.compile import compile_model

        compile_model(model, optimizer=make_optimizer(optimizer, learning_rate), **head.compile_kwargs())
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
