"""Ctrl-C and SIGTERM that never cut a checkpoint in half.

Python raises ``KeyboardInterrupt`` at whatever line is running. Inside Keras's
``BackupAndRestore`` write, that leaves a weights file that opens but lacks variables,
and the resume then fails. Code that writes state wraps the write in `uninterrupted()`.
The `zoo` command's signal handlers call `deliver`: the interrupt is raised at once, or at
the end of the section.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_depth = 0
_pending: list[BaseException] = []


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Defers an interrupt delivered through `deliver` until the block has finished."""
    global _depth
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending:
            error = _pending[0]
            _pending.clear()
            raise error


def deliver(error: BaseException) -> None:
    """Raises `error` now, or at the end of the current `uninterrupted` block."""
    if _depth:
        _pending.append(error)
        return
    raise error
