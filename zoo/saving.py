"""Loading saved zoo models."""

from __future__ import annotations

import os
from typing import Any

from zoo._lazy import keras
from zoo.validation import invalid_type, invalid_value


def load_model(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Loads a `.keras` file saved from a zoo model, in any process.

    Registers the zoo's own layers first (see `zoo.layers`), then defers to
    `keras.saving.load_model` with its defaults (safe mode on).

    Args:
        path: The `.keras` file.
        **kwargs: Passed to `keras.saving.load_model`.

    Returns:
        The `keras.Model`.

    Raises:
        ValueError: If `path` does not exist or is not a `.keras` file.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise invalid_type("path", "a path to a .keras file", path)
    if not str(path).endswith(".keras"):
        raise invalid_value("path", "must end in '.keras' (the Keras 3 format)", str(path))
    if not os.path.isfile(path):
        raise invalid_value("path", "must be an existing file", str(path))
    import zoo.layers  # noqa: F401  (registers Heaviside, Perceptron)

    return keras.saving.load_model(path, **kwargs)


def save_model(model: Any, path: str | os.PathLike[str]) -> str:
    """Saves `model` to a `.keras` file atomically: a crash never leaves half a file.

    Writes to a temporary file in the same folder, then renames it over `path`.

    Args:
        model: A `keras.Model`.
        path: Destination ending in `.keras`; missing folders are created.

    Returns:
        The path written, as a string.
    """
    if not isinstance(path, (str, os.PathLike)):
        raise invalid_type("path", "a path ending in .keras", path)
    path = os.fspath(path)
    if not path.endswith(".keras"):
        raise invalid_value("path", "must end in '.keras' (the Keras 3 format)", path)
    from zoo.files import write_atomic

    return write_atomic(path, model.save)
