"""Ctrl-C and SIGTERM that never cut a checkpoint in half, and are never lost.

Python raises ``KeyboardInterrupt`` at whatever line is running. Inside Keras's
``BackupAndRestore`` write, that leaves a weights file that opens but lacks variables,
and the resume then fails. Code that writes state wraps the write in `uninterrupted()`.
The `zoo` command's signal handlers call `deliver`: the interrupt is raised at once, or at
the end of the section.

A raise at whatever line is running can also be lost: in a ``__del__`` (TensorFlow frees
traced functions there) Python prints it and goes on, and inside C code it may come out
as a ``SystemError``. So a delivered interrupt stays requested: `check_interrupt` raises
it again at the next safe point (an epoch's end, a trial's end, a state write); the `zoo`
command also takes an error raised after one as the interrupt's doing.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterator
from typing import Any

_depth = 0
_pending: list[BaseException] = []
_requested: type[BaseException] | None = None


@contextlib.contextmanager
def uninterrupted() -> Iterator[None]:
    """Defers an interrupt delivered through `deliver` until the block has finished; then raises it.

    The block's end is also a safe point: an interrupt delivered earlier and lost is raised there.
    Interrupts belong to the main thread (Python runs signal handlers there): in another thread
    (a tuning chief's gRPC threads, which hold KerasTuner's oracle lock) the block neither defers
    nor raises anything.
    """
    global _depth
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _depth += 1
    try:
        yield
    finally:
        _depth -= 1
        if _depth == 0 and _pending:
            error = _pending[0]
            _pending.clear()
            raise error
    check_interrupt()


def deliver(error: BaseException) -> None:
    """Raises `error` now, or at the end of the current `uninterrupted` block; either way it stays requested."""
    global _requested
    _requested = type(error)
    if _depth:
        _pending.append(error)
        return
    raise error


def check_interrupt() -> None:
    """Raises the interrupt delivered earlier, if any (in the main thread, outside an `uninterrupted` block)."""
    requested = _requested
    if requested is not None and not _depth and threading.current_thread() is threading.main_thread():
        raise requested()


def reset_interrupt() -> None:
    """Forgets a delivered interrupt (once it has stopped the command)."""
    global _requested
    _requested = None
    _pending.clear()


@contextlib.contextmanager
def quiet_lost_interrupts() -> Iterator[None]:
    """Keeps Python from printing an interrupt it swallowed in a ``__del__``: `check_interrupt` raises it again."""
    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if not (isinstance(unraisable.exc_value, KeyboardInterrupt) and _requested is not None):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        yield
    finally:
        sys.unraisablehook = previous
