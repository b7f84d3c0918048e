"""Exporting a model for serving: a TensorFlow SavedModel, or an ONNX file, through Keras's `model.export`.

``zoo.export(model, "out/mlp_saved_model")`` writes a SavedModel folder for TF Serving
(its ``serve`` endpoint); ``zoo.export(model, "out/mlp.onnx", format="onnx")`` an ONNX
file for onnxruntime (the ``export`` extra installs tf2onnx, onnx and onnxruntime:
``pip install -e .[export]``). Arguments are checked before any work, and the export is
written beside its destination and renamed into place: a failure leaves nothing behind.
"""

from __future__ import annotations

import importlib.util
import os
import shutil
import tempfile
from typing import Any

import numpy as np

from zoo.utils.lazy import keras
from zoo.utils.validation import check_bool, check_choice, invalid_type, invalid_value

FORMATS = ("saved_model", "onnx")
_KERAS_FORMAT = {"saved_model": "tf_saved_model", "onnx": "onnx"}
# Keras's ONNX export needs these on the TensorFlow backend (keras/src/export/onnx.py).
ONNX_PACKAGES = ("tf2onnx", "onnx")


def export_problem(model: Any, format: str) -> str | None:
    """Why `model` cannot be exported to `format` here, or None when it can.

    Checked: the Keras backend (a SavedModel needs TensorFlow, ONNX TensorFlow or JAX;
    the zoo converts through TensorFlow), the packages ONNX export needs, one input of a
    known shape, and float32 weights and computation (ONNX export requires them).
    """
    format = check_choice("format", format, FORMATS)
    backend = keras.backend.backend()
    if backend != "tensorflow":
        return f"exporting runs on the TensorFlow backend, and this process runs Keras on {backend!r}"
    if format == "onnx":
        missing = [name for name in ONNX_PACKAGES if importlib.util.find_spec(name) is None]
        if missing:
            return (f"ONNX export needs {' and '.join(missing)}, which are not installed "
                    "(pip install -e .[export], or pip install tf2onnx onnx onnxruntime)")
    if len(model.inputs) != 1:
        return f"the model has {len(model.inputs)} inputs; the zoo exports models with one input"
    if format == "onnx":
        policy = getattr(model.dtype_policy, "name", str(model.dtype_policy))
        if policy != "float32":
            return f"ONNX export needs a float32 model, and this one computes in {policy!r}"
    return None


def export(model: Any, path: str | os.PathLike[str], *, format: str = "saved_model", overwrite: bool = False,
           verbose: bool = False) -> str:
    """Exports a model for inference through Keras's `model.export`: a SavedModel folder or an ONNX file.

    Example:
        >>> zoo.export(zoo.mnist_mlp(), "out/mnist_mlp", format="saved_model")
        >>> tf.saved_model.load("out/mnist_mlp").serve(x)
        >>> zoo.export(model, "out/mnist_mlp.onnx", format="onnx")
        >>> onnxruntime.InferenceSession("out/mnist_mlp.onnx").run(None, {"input": x})

    Args:
        model: A `keras.Model`, or the path of a `.keras` file (loaded with `zoo.load_model`).
        path: Destination: a folder for ``"saved_model"``, a file ending in ``.onnx`` for ``"onnx"``.
        format: ``"saved_model"`` (TensorFlow SavedModel, for TF Serving) or ``"onnx"``.
        overwrite: Replace an existing export at `path`.
        verbose: Let Keras print what it exports.

    Returns:
        The path written, as a string.

    Raises:
        TypeError: If `model` or `path` is of the wrong kind.
        ValueError: For a bad `format` or `path`, an existing `path` without `overwrite`, or a
            model that cannot be exported (the message names the reason).
    """
    if not isinstance(path, (str, os.PathLike)):
        raise invalid_type("path", "a path (a folder for saved_model, a .onnx file for onnx)", path)
    path = os.fspath(path)
    format = check_choice("format", format, FORMATS)
    check_bool("overwrite", overwrite)
    check_bool("verbose", verbose)
    if format == "onnx" and not path.endswith(".onnx"):
        raise invalid_value("path", "must end in '.onnx' for format='onnx'", path)
    if format == "saved_model" and path.endswith((".onnx", ".keras", ".h5")):
        raise invalid_value("path", "must be a folder name for format='saved_model' (a SavedModel is a folder)",
                            path)
    if os.path.lexists(path) and not overwrite:
        raise invalid_value("path", "already exists; pass overwrite=True (--overwrite) to replace it", path)
    if os.path.lexists(path) and (os.path.isdir(path) != (format == "saved_model")):
        raise invalid_value("path", f"is a {'folder' if os.path.isdir(path) else 'file'}, and a {format} export "
                            f"is a {'folder' if format == 'saved_model' else 'file'}", path)
    from zoo.models.saving import check_writable, load_model

    check_writable(path, expect="a folder name" if format == "saved_model" else "a file name ending in '.onnx'",
                   folder_ok=format == "saved_model")
    if isinstance(model, (str, os.PathLike)):
        model = load_model(model)
    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model or the path of a .keras file", model)
    problem = export_problem(model, format)
    if problem:
        raise ValueError(f"`model` {model.name!r} cannot be exported to {format}: {problem}. "
                         f"Received: format={format!r}")
    _ensure_called(model)
    return _write(model, path, format, verbose)


def _ensure_called(model: Any) -> None:
    """Keras exports only a model that has been called once: call it on zeros (unknown sizes as 1)."""
    shape = tuple(1 if d is None else d for d in model.inputs[0].shape)
    model(np.zeros(shape, dtype=model.inputs[0].dtype or "float32"), training=False)


def _write(model: Any, path: str, format: str, verbose: bool) -> str:
    """Exports into a temporary sibling, then renames it over `path` (an old export is removed only then)."""
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    scratch = tempfile.mkdtemp(prefix=".tmp-export-", dir=parent)
    target = os.path.join(scratch, os.path.basename(path))
    old = None
    try:
        try:
            model.export(target, format=_KERAS_FORMAT[format], verbose=verbose)
        except Exception as error:  # Keras, TensorFlow and tf2onnx raise many kinds
            first = str(error).strip().splitlines()[0][:300] if str(error).strip() else ""
            raise ValueError(f"`model` {model.name!r} cannot be exported to {format}: {type(error).__name__}: "
                             f"{first}. Received: format={format!r}") from error
        if os.path.lexists(path):
            old = os.path.join(scratch, ".old")
            os.rename(path, old)
        os.rename(target, path)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return path
