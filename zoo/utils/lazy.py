"""A stand-in for the `keras` module that imports it on first use.

`import zoo` registers every builder without importing Keras (and so TensorFlow):
`zoo list` and `zoo --help` stay instant. Builders reach Keras through this proxy.
"""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import Any


class LazyModule:
    """Imports the named module on first attribute access and forwards to it."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: ModuleType | None = None

    def _load(self) -> ModuleType:
        if self._module is None:
            self._module = importlib.import_module(self._name)
        return self._module

    def __getattr__(self, attr: str) -> Any:
        return getattr(self._load(), attr)

    def __repr__(self) -> str:
        state = "loaded" if self._module is not None else "not loaded yet"
        return f"<lazy module {self._name!r} ({state})>"


keras = LazyModule("keras")
