"""The model registry: one decorator, list, build and describe (after timm's `_registry`).

A builder joins the zoo by being decorated with `@register(family=..., ...)`, and its
`ModelEntry` holds every fact the rest of the zoo needs about it: the input it reads,
the tasks it learns, how it trains and on which backends, its default parameter count,
and (declared by `tuning.spaces`) its search space. The CLI, `zoo.build`, the data
preparation of `zoo train`, the conformance tests and `tuning.hypermodel` find it there;
nothing else is edited to add an architecture.
"""

from __future__ import annotations

import difflib
import fnmatch
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from zoo.utils.validation import check_choice, invalid_type, invalid_value

INPUT_KINDS = ("flat", "image", "sequence")
TRAINS = ("gradient", "rule", "none")
BACKENDS = ("tensorflow", "jax", "torch")
TASKS = ("binary", "multilabel", "multiclass", "regression")


@dataclass(frozen=True)
class ModelEntry:
    """One registered builder.

    Attributes:
        name: The registered name.
        builder: The builder function.
        family: The architecture family ("dense", "recurrent", ...).
        input_kind: The input it reads: "flat" rows, "image" (h, w, c) or "sequence" (t, f).
        tasks: The tasks its head can learn. A builder of several tasks takes ``task=``;
            one of multiclass only takes ``outputs=`` and ``label_format=``; one of
            binary only needs neither.
        trains: "gradient" (``fit`` with its loss), "rule" (its own train_step, the
            perceptron's) or "none" (fixed weights).
        backends: Keras backends on which it trains.
        sequence_output: Whether it can predict a target per timestep (``return_sequences=``).
        train_kwargs: Builder keywords for training on data (for example ``weights=None``
            where the default is the notes' fixed example).
        offline: Keyword arguments that make the default build need no download.
        smoke: Keyword arguments for a tiny, fast build (tests, `zoo build --smoke`).
        params: Parameter count of the default (offline) model, shown by ``zoo describe``
            without building it; the conformance tests check it against a real build.
        search_space: Its search space (declared by `tuning.spaces`), or None: untunable.
    """

    name: str
    builder: Callable[..., Any]
    family: str
    input_kind: str = "flat"
    tasks: tuple[str, ...] = TASKS
    trains: str = "gradient"
    backends: tuple[str, ...] = BACKENDS
    sequence_output: bool = False
    train_kwargs: Mapping[str, Any] = field(default_factory=dict)
    offline: Mapping[str, Any] = field(default_factory=dict)
    smoke: Mapping[str, Any] = field(default_factory=dict)
    params: int | None = None
    search_space: Callable[..., Any] | None = None

    @property
    def summary(self) -> str:
        """The first line of the builder's docstring."""
        doc = inspect.getdoc(self.builder) or ""
        return doc.splitlines()[0] if doc else ""

    def defaults(self) -> dict[str, Any]:
        """The builder's keyword arguments and their default values, in signature order."""
        params = inspect.signature(self.builder).parameters.values()
        return {p.name: p.default for p in params if p.default is not inspect.Parameter.empty}


_REGISTRY: dict[str, ModelEntry] = {}


def register(
    *,
    family: str,
    name: str | None = None,
    input_kind: str = "flat",
    tasks: tuple[str, ...] = TASKS,
    trains: str = "gradient",
    backends: tuple[str, ...] = BACKENDS,
    sequence_output: bool = False,
    train_kwargs: Mapping[str, Any] | None = None,
    offline: Mapping[str, Any] | None = None,
    smoke: Mapping[str, Any] | None = None,
    params: int | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator that registers a builder under its function name (or `name`).

    Args:
        family: The architecture family the builder belongs to.
        name: The registered name; the function's name by default.
        input_kind, tasks, trains, backends, sequence_output, train_kwargs: The facts
            `ModelEntry` documents.
        offline: Arguments that make the default build work without network access.
        smoke: Arguments for a tiny build that fits in a unit test.
        params: Parameter count of the default model (checked by the tests).

    Returns:
        The decorator; it returns the builder unchanged.

    Raises:
        ValueError: If the name is already registered, or a fact is not one of its values.
    """
    if not isinstance(family, str) or not family.isidentifier():
        raise invalid_type("family", "a family name such as 'dense' (an identifier)", family)
    if name is not None and (not isinstance(name, str) or not name.isidentifier()):
        raise invalid_type("name", "a model name such as 'my_mlp' (an identifier) or None", name)
    for fact, values in (("tasks", tasks), ("backends", backends)):
        if isinstance(values, str) or not isinstance(values, (tuple, list)) or not values:
            raise invalid_type(fact, "a non-empty tuple of names", values)
    check_choice("input_kind", input_kind, INPUT_KINDS)
    check_choice("trains", trains, TRAINS)
    for task in tasks:
        check_choice("tasks", task, TASKS)
    for backend in backends:
        check_choice("backends", backend, BACKENDS)

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        if not callable(fn):
            raise invalid_type("fn", "a builder function", fn)
        key = name or fn.__name__
        if key in _REGISTRY:
            raise invalid_value("name", "is already registered; choose another name", key)
        _REGISTRY[key] = ModelEntry(
            name=key, builder=fn, family=family, input_kind=input_kind, tasks=tuple(tasks), trains=trains,
            backends=tuple(backends), sequence_output=sequence_output,
            train_kwargs=MappingProxyType(dict(train_kwargs or {})),
            offline=MappingProxyType(dict(offline or {})),
            smoke=MappingProxyType({**(offline or {}), **(smoke or {})}),
            params=params,
        )
        return fn

    return decorator


def unregister(name: str) -> None:
    """Removes a registered builder (for builders registered at run time, such as a test's toy)."""
    _REGISTRY.pop(get_entry(name).name)


def declare_search_space(name: str, space: Callable[..., Any]) -> None:
    """Records the search space of the registered model `name` (called by `tuning.spaces.search_space`)."""
    import dataclasses

    _REGISTRY[name] = dataclasses.replace(get_entry(name), search_space=space)


def list_tunable() -> list[str]:
    """Registered names that have a search space, sorted."""
    return sorted(n for n, e in _REGISTRY.items() if e.search_space is not None)


def list_models(pattern: str | None = None, *, family: str | None = None) -> list[str]:
    """Lists registered model names, sorted.

    Args:
        pattern: An fnmatch pattern such as ``"*rnn*"``; None lists all.
        family: Only names of this family.

    Returns:
        The sorted names.
    """
    if pattern is not None and not isinstance(pattern, str):
        raise invalid_type("pattern", "a string such as '*mlp*' or None", pattern)
    if family is not None:
        check_choice("family", family, sorted({e.family for e in _REGISTRY.values()}))
    names = (n for n, e in _REGISTRY.items() if family is None or e.family == family)
    if pattern is not None:
        names = (n for n in names if fnmatch.fnmatchcase(n, pattern))
    return sorted(names)


def get_entry(name: str) -> ModelEntry:
    """Returns the registry entry for `name`.

    Raises:
        ValueError: If `name` is not registered; the message suggests the closest names.
    """
    if not isinstance(name, str):
        raise invalid_type("name", "a model name (str)", name)
    if name not in _REGISTRY:
        close = difflib.get_close_matches(name, _REGISTRY, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise ValueError(
            f"`name` is not a registered model.{hint} Registered models: {', '.join(list_models())}. "
            f"Received: name={name!r}"
        )
    return _REGISTRY[name]


def build(name: str, input_shape: Any = None, /, **kwargs: Any) -> Any:
    """Builds the registered model `name`; keyword arguments go to its builder.

    Example:
        >>> model = zoo.build("mlp", input_shape=(30,), task="binary")

    Args:
        name: A registered name (positional only, so ``name=`` still reaches the builder).
        input_shape: The builder's input shape, positionally or by keyword (None: the
            builder's default).
        **kwargs: Builder arguments.

    Returns:
        The compiled (unless ``compile=False``) `keras.Model`.
    """
    if input_shape is not None:
        if "input_shape" in kwargs:
            raise TypeError("`input_shape` was given twice, by position and by keyword. "
                            f"Received: input_shape={input_shape!r} and input_shape={kwargs['input_shape']!r}")
        kwargs["input_shape"] = input_shape
    return get_entry(name).builder(**kwargs)


def describe(name: str) -> dict[str, Any]:
    """Describes a registered model without building it.

    Returns:
        A dict with ``name``, ``family``, ``input_kind``, ``tasks``, ``trains``,
        ``backends``, ``tunable``, ``summary`` (docstring first line),
        ``defaults`` (keyword arguments and their defaults), ``params`` (of the
        default model, or None) and ``doc``.
    """
    entry = get_entry(name)
    return {
        "name": entry.name,
        "family": entry.family,
        "input_kind": entry.input_kind,
        "tasks": list(entry.tasks),
        "trains": entry.trains,
        "backends": list(entry.backends),
        "tunable": entry.search_space is not None,
        "summary": entry.summary,
        "defaults": entry.defaults(),
        "params": entry.params,
        "doc": inspect.getdoc(entry.builder) or "",
    }
