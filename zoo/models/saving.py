"""Loading saved zoo models."""

from __future__ import annotations

import os
import zipfile
from typing import Any

from zoo.utils.lazy import keras
from zoo.utils.validation import invalid_type, invalid_value

LOAD_OPTIONS = ("custom_objects", "compile", "safe_mode")


def load_model(path: str | os.PathLike[str], **kwargs: Any) -> Any:
    """Loads a `.keras` file saved from a zoo model, in any process.

    Registers the zoo's own layers first (see `zoo.models.layers`), then defers to
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
    for key, value in kwargs.items():
        if key not in LOAD_OPTIONS:
            raise TypeError(f"`{key}` is not an option of keras.saving.load_model; its options are "
                            f"{', '.join(LOAD_OPTIONS)}. Received: {key}={value!r}")
    if not str(path).endswith(".keras"):
        raise invalid_value("path", "must end in '.keras' (the Keras 3 format)", str(path))
    if not os.path.isfile(path):
        raise invalid_value("path", "must be an existing file", str(path))
    problem = archive_problem(path)
    if problem:
        raise invalid_value("path", f"is not a readable Keras archive: {problem}", str(path))
    import zoo.models.layers  # noqa: F401  (registers Heaviside, Perceptron, ImagePreprocessing, LSTM)

    try:
        return keras.saving.load_model(path, **kwargs)
    except (ValueError, OSError, KeyError, TypeError, zipfile.BadZipFile) as error:
        raise ValueError(f"`path` could not be loaded as a Keras model ({type(error).__name__}: "
                         f"{str(error).splitlines()[0][:300] if str(error) else ''}). Received: path={str(path)!r}") from error


def archive_problem(path: str | os.PathLike[str]) -> str | None:
    """What is wrong with a `.keras` file, or None when it looks like a Keras archive.

    A `.keras` file is a zip holding ``config.json``, ``metadata.json`` and the weights.
    """
    if os.path.getsize(path) == 0:
        return "the file is empty"
    if not zipfile.is_zipfile(path):
        return "it is not a zip archive (garbage or a truncated file)"
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            bad = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as error:
        return f"the zip archive is damaged ({error})"
    if bad is not None:
        return f"the zip archive is damaged (member {bad!r} fails its checksum)"
    missing = sorted({"config.json", "metadata.json"} - names)
    if missing:
        return f"the zip holds no {' or '.join(missing)}: it is a zip, but not a Keras model"
    return None


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
    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model", model)
    check_writable(path)
    from zoo.utils.files import write_atomic

    try:
        return write_atomic(path, model.save)
    except OSError as error:
        raise ValueError(f"`path` could not be written ({error.strerror or error}). Received: path={path!r}") from None


def check_writable(path: str, *, expect: str = "a file name ending in '.keras'", folder_ok: bool = False) -> None:
    """Refuses, naming `path`, a destination that is a folder, sits under a file, or is read-only.

    Args:
        path: The destination.
        expect: What the user should give instead of a folder (for the message).
        folder_ok: The destination is a folder (a SavedModel): an existing one is fine.

    Raises:
        ValueError: With what is in the way.
    """
    if os.path.isdir(path) and not folder_ok:
        raise invalid_value("path", f"is a folder; give {expect}", path)
    parent = os.path.dirname(os.path.abspath(path))
    probe = parent
    while not os.path.exists(probe):
        probe = os.path.dirname(probe)
    if not os.path.isdir(probe):
        raise invalid_value("path", f"cannot be created: {probe!r} is a file, not a folder", path)
    if not os.access(probe, os.W_OK):
        raise invalid_value("path", f"cannot be written: the folder {probe!r} is read-only", path)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise invalid_value("path", "cannot be written: the file is read-only", path)
