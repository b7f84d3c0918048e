"""The model registry: one decorator, list, build and describe (after timm's `_registry`).

A builder joins the zoo by being decorated with `@register(family=...)`; the CLI,
`zoo.build` and the conformance tests then find it by name.
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


@dataclass(frozen=True)
class ModelEntry:
    """One registered builder.

    Attributes:
        name: The registered name.
        builder: The builder function.
        family: The architecture family ("dense", "recurrent", ...).
        offline: Keyword arguments that make the default build need no download.
        smoke: Keyword arguments for a tiny, fast build (tests, `zoo build --smoke`).
        params: Parameter count of the default (offline) model, shown by ``zoo describe``
            without building it; the conformance tests check it against a real build.
    """

    name: str
    builder: Callable[..., Any]
    family: str
    offline: Mapping[str, Any] = field(default_factory=dict)
    smoke: Mapping[str, Any] = field(default_factory=dict)
    params: int | None = None

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
    offline: Mapping[str, Any] | None = None,
    smoke: Mapping[str, Any] | None = None,
    params: int | None = None,
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator that registers a builder under its function name (or `name`).

    Args:
        family: The architecture family the builder belongs to.
        name: The registered name; the function's name by default.
        offline: Arguments that make the default build work without network access.
        smoke: Arguments for a tiny build that fits in a unit test.
        params: Parameter count of the default model (checked by the tests).

    Returns:
        The decorator; it returns the builder unchanged.

    Raises:
        ValueError: If the name is already registered.
    """

    def decorator(fn: Callable[..., Any]) -> Callable[..., Any]:
        key = name or fn.__name__
        if key in _REGISTRY:
            raise invalid_value("name", "is already registered; choose another name", key)
        _REGISTRY[key] = ModelEntry(
            name=key,
            builder=fn,
            family=family,
            offline=MappingProxyType(dict(offline or {})),
            smoke=MappingProxyType({**(offline or {}), **(smoke or {})}),
            params=params,
        )
        return fn

    return decorator


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
        A dict with ``name``, ``family``, ``summary`` (docstring first line),
        ``defaults`` (keyword arguments and their defaults), ``params`` (of the
        default model, or None) and ``doc``.
    """
    entry = get_entry(name)
    return {
        "name": entry.name,
        "family": entry.family,
        "summary": entry.summary,
        "defaults": entry.defaults(),
        "params": entry.params,
        "doc": inspect.getdoc(entry.builder) or "",
    }
