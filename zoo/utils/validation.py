"""One error template for every argument the zoo checks (scikit-learn style).

Every message states the rule, the allowed values where there is a list, and ends
with ``Received: name=value`` so the user sees what they passed.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Iterable, Sequence
from typing import Any


def _received(name: str, value: Any) -> str:
    return f"Received: {name}={value!r}"


def invalid_value(name: str, rule: str, value: Any) -> ValueError:
    """Returns the zoo's `ValueError` for `name` breaking `rule`."""
    return ValueError(f"`{name}` {rule}. {_received(name, value)}")


def invalid_type(name: str, expected: str, value: Any) -> TypeError:
    """Returns the zoo's `TypeError` for `name` not being of the `expected` kind."""
    return TypeError(
        f"`{name}` must be {expected}, not {type(value).__name__}. {_received(name, value)}"
    )


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """Checks that `value` is one of `choices` and returns it."""
    choices = tuple(choices)
    if value not in choices:
        allowed = ", ".join(repr(c) for c in choices)
        raise invalid_value(name, f"must be one of {allowed}", value)
    return value


def check_int(name: str, value: Any, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """Checks that `value` is an integer (not a bool) within the bounds; returns it as `int`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise invalid_type(name, "an integer", value)
    if minimum is not None and value < minimum:
        raise invalid_value(name, f"must be an integer >= {minimum}", value)
    if maximum is not None and value > maximum:
        raise invalid_value(name, f"must be an integer <= {maximum}", value)
    return int(value)


def check_float(
    name: str,
    value: Any,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
) -> float:
    """Checks that `value` is a finite real number within the bounds; returns it as `float`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise invalid_type(name, "a number", value)
    value = float(value)
    if not math.isfinite(value):
        raise invalid_value(name, "must be a finite number", value)
    if minimum is not None and (value <= minimum if exclusive_minimum else value < minimum):
        op = ">" if exclusive_minimum else ">="
        raise invalid_value(name, f"must be {op} {minimum}", value)
    if maximum is not None and (value >= maximum if exclusive_maximum else value > maximum):
        op = "<" if exclusive_maximum else "<="
        raise invalid_value(name, f"must be {op} {maximum}", value)
    return value


def check_shape(name: str, value: Any, *, ndims: Sequence[int] | None = None) -> tuple[int, ...]:
    """Checks an input shape (without the batch axis): a tuple of positive ints.

    Args:
        name: The argument's name, for the message.
        value: The shape; an int is accepted as a 1-D shape.
        ndims: The allowed numbers of dimensions, or None for any.

    Returns:
        The shape as a tuple of ints.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not value:
        raise invalid_type(name, "a non-empty tuple of positive integers such as (28, 28, 1)", value)
    if any(isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 1 for d in value):
        raise invalid_value(name, "must contain positive integers only (no batch axis, no None)", value)
    if ndims is not None and len(value) not in ndims:
        allowed = " or ".join(str(n) for n in ndims)
        raise invalid_value(name, f"must have {allowed} dimension(s) (without the batch axis)", value)
    return tuple(int(d) for d in value)


def check_per_layer(name: str, value: Any, layers: int) -> tuple[int, ...]:
    """Expands an int or a per-layer sequence of positive ints to one int per layer.

    Args:
        name: The argument's name, for the message.
        value: One int for every layer, or a sequence with exactly `layers` ints.
        layers: The number of layers.

    Returns:
        A tuple of `layers` ints.
    """
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return (check_int(name, value, minimum=1),) * layers
    widths = check_int_tuple(name, value) if layers else tuple(value or ())
    if len(widths) != layers:
        raise invalid_value(name, f"must have one entry per layer ({layers})", value)
    return widths


def check_int_tuple(name: str, value: Any) -> tuple[int, ...]:
    """Checks a positive int or a non-empty sequence of positive ints; returns a tuple."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        value = (value,)
    if not isinstance(value, (tuple, list)) or not value:
        raise invalid_type(name, "a positive int or a non-empty sequence of them", value)
    if any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1 for v in value):
        raise invalid_value(name, "must contain positive integers", value)
    return tuple(int(v) for v in value)


def check_bool(name: str, value: Any) -> bool:
    """Checks that `value` is a bool."""
    if not isinstance(value, bool):
        raise invalid_type(name, "True or False", value)
    return value


def check_auto_bool(name: str, value: Any) -> bool | str:
    """Checks a setting that is "auto" (the zoo's measured choice), True or False."""
    if not isinstance(value, (bool, str)):
        raise invalid_type(name, '"auto", True or False', value)
    if isinstance(value, str) and value != "auto":
        raise invalid_value(name, 'must be "auto", True or False', value)
    return value


def check_seed(value: Any) -> int | None:
    """Checks a `seed` argument: None or a non-negative int."""
    if value is None:
        return None
    # Each layer takes seed + i, and TensorFlow's seeds are 32-bit.
    return check_int("seed", value, minimum=0, maximum=2**31 - 1 - 10_000)


def check_name(value: Any, default: str) -> str:
    """Checks a model `name` argument; None gives `default`."""
    if value is None:
        return default
    if not isinstance(value, str):
        raise invalid_type("name", "a string", value)
    if not value:
        raise invalid_value("name", "must be a non-empty string", value)
    if "/" in value or not value.isprintable():
        raise invalid_value("name", "must not contain '/' or control characters (Keras uses '/' in variable paths)",
                            value)
    return value


_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|sec|m|min|h)?\s*$")
_UNITS = {"s": 1, "sec": 1, "m": 60, "min": 60, "h": 3600}


def check_duration(name: str, value: Any) -> float | None:
    """Seconds from a positive number or a string such as "90", "90s", "5m" or "1.5h"; None stays None.

    Raises:
        ValueError, TypeError: If `value` is not a positive duration, naming `name`.
    """
    if value is None:
        return None
    if isinstance(value, str):
        match = _DURATION.match(value)
        if not match:
            raise invalid_value(name, "must be seconds or a duration such as '90s', '5m' or '1h'", value)
        value = float(match.group(1)) * _UNITS[match.group(2) or "s"]
    return check_float(name, value, minimum=0.0, exclusive_minimum=True)


def check_file_target(name: str, value: Any, *, folder: bool = False) -> str:
    """Checks a path the zoo will write (a file, or with `folder` a folder), before any work.

    The message names the target, never the temporary sibling an atomic write goes through.

    Args:
        name: The argument's name, for the message.
        value: A path (str or os.PathLike).
        folder: The target is a folder (it may exist) rather than a file.

    Returns:
        The path as a string.

    Raises:
        TypeError: If `value` is not a path.
        ValueError: If it is empty, a folder where a file is wanted (or the reverse), below a
            file, or in a folder that cannot be written.
    """
    import os

    if not isinstance(value, (str, os.PathLike)):
        raise invalid_type(name, "a file path" if not folder else "a folder path", value)
    path = os.fspath(value)
    if not isinstance(path, str) or not path.strip() or "\0" in path:
        raise invalid_value(name, "must be a non-empty path", value)
    full = os.path.abspath(path)
    if os.path.exists(full) and os.path.isdir(full) != folder:
        raise invalid_value(name, "must be a folder, but a file is in the way" if folder
                            else "must be a file path, but it is an existing folder", path)
    parent = full if folder else os.path.dirname(full)
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent):
        raise invalid_value(name, f"cannot be written: {parent!r} is a file, not a folder", path)
    if not os.access(parent, os.W_OK | os.X_OK):
        raise invalid_value(name, f"cannot be written: no write permission in {parent!r}", path)
    return path
