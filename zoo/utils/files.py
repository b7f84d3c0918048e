"""Writing files atomically: a temporary sibling, then a rename, so a crash never leaves half a file."""

from __future__ import annotations

import contextlib
import csv
import errno
import glob
import json
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterator, Mapping
from typing import Any


class NoSpaceError(OSError):
    """The device holding a run's folder is full; what was on disk before is left whole."""

    def __init__(self, folder: str, needed: int | None = None, free: int | None = None) -> None:
        detail = "" if needed is None else f" (needs about {_size(needed)}, {_size(free or 0)} free)"
        super().__init__(errno.ENOSPC, f"no space left on the device holding {folder}{detail}; free some space "
                         "and run the same command again to resume")
        self.folder = folder

    def __str__(self) -> str:
        return str(self.strerror)


class DamagedStateError(RuntimeError):
    """A file a resume depends on cannot be read; the message names it and the way out."""


def _size(n: int) -> str:
    return f"{n / 2**20:.1f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def ensure_free_space(folder: str, needed: int) -> None:
    """Raises `NoSpaceError` unless the device holding `folder` has `needed` bytes free, plus a margin.

    Checked before a checkpoint is written: HDF5 writers crash (even with SIGSEGV) when a
    write fails half-way, so a full disk must be found before they start.
    """
    free = shutil.disk_usage(folder).free
    if free < needed + max(needed // 10, 64 * 1024):
        raise NoSpaceError(folder, needed, free)


def remove_stale_temporaries(folder: str) -> list[str]:
    """Removes the ``.tmp-*`` files a killed run left anywhere under `folder`; returns their paths.

    Call it only while holding the folder's lock with no other member of the run active.
    """
    stale = glob.glob(os.path.join(glob.escape(folder), "**", ".tmp-*"), recursive=True)
    for path in stale:
        with contextlib.suppress(OSError):
            (shutil.rmtree if os.path.isdir(path) else os.remove)(path)
    return stale


def _other_holders_active(own: str) -> bool:
    """Whether another member of the same run (another holder's lock file beside `own`) is running."""
    import fcntl

    prefix = os.path.basename(own).rsplit(".zoo-", 1)[0] + ".zoo-"
    for other in glob.glob(os.path.join(glob.escape(os.path.dirname(own)), glob.escape(prefix) + "*.lock")):
        if other == own:
            continue
        try:
            with open(other) as handle:
                fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        except OSError:
            continue
    return False


def write_atomic(path: str, write: Callable[[str], None]) -> str:
    """Writes a file through a temporary sibling and a rename: never half a file.

    The file gets the permissions a plain ``open()`` would give it (the user's umask).

    Args:
        path: The destination.
        write: Called with the temporary path; writes the content there.

    Returns:
        `path`.
    """
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    suffix = os.path.splitext(path)[1]
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=suffix, dir=folder)
    os.close(fd)
    try:
        try:
            write(tmp)
        except OSError as err:
            if err.errno == errno.ENOSPC:
                raise NoSpaceError(folder) from err
            raise
        # mkstemp creates 0600; the file gets what a plain open() would give (0666 less the umask).
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


def _umask() -> int:
    mask = os.umask(0o022)  # reading the umask means setting it; put it straight back
    os.umask(mask)
    return mask


def write_json(path: str, data: Any) -> str:
    """Writes `data` as indented JSON, atomically."""
    def dump(tmp: str) -> None:
        with open(tmp, "w") as f:
            json.dump(data, f, indent=2, default=float)
            f.write("\n")
    return write_atomic(path, dump)


def write_csv(path: str, rows: list[Mapping[str, Any]], columns: list[str]) -> str:
    """Writes `rows` as CSV with `columns` (missing values left empty), atomically."""
    def dump(tmp: str) -> None:
        with open(tmp, "w", newline="") as f:
            writer = csv.DictWriter(f, fieldnames=columns, extrasaction="ignore")
            writer.writeheader()
            writer.writerows(rows)
    return write_atomic(path, dump)


@contextlib.contextmanager
def folder_lock(folder: str, *, holder: str = "run") -> Iterator[str]:
    """Holds an exclusive lock on `folder` while one run writes there; a second run fails at once.

    The lock is ``fcntl.flock`` on ``.<name>.zoo-<holder>.lock`` beside the folder (so that
    a run may delete and recreate the folder itself, as ``overwrite`` does), released by the
    kernel however the process ends, SIGKILL included, and removed when the run ends. The members of one distributed search share
    a folder on purpose: each takes its own `holder` (the chief ``run``, each worker its id).

    Args:
        folder: The output folder.
        holder: Who holds the lock: runs with the same `holder` exclude each other.

    Yields:
        The lock file's path.

    Raises:
        RuntimeError: If another process holds it; the message names the folder and that process.
    """
    import fcntl

    folder = os.path.abspath(folder)
    parent = os.path.dirname(folder)
    created = [] if os.path.isdir(parent) else [parent]  # removed again if the run leaves it empty
    os.makedirs(parent, exist_ok=True)
    path = os.path.join(os.path.dirname(folder), f".{os.path.basename(folder)}.zoo-{holder}.lock")
    while True:
        handle = open(path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            other = handle.read().strip() or "another process"
            handle.close()
            raise RuntimeError(f"the folder {folder!r} is in use by another zoo run ({other}); wait for it to "
                               "finish or use another output folder") from None
        try:  # the holder before us may have removed the file between our open and our lock
            if os.stat(path).st_ino == os.fstat(handle.fileno()).st_ino:
                break
        except FileNotFoundError:
            pass
        handle.close()
    try:
        handle.seek(0)
        handle.truncate()
        command = ["zoo" if a.endswith(("__main__.py", os.sep + "zoo")) else os.path.basename(a) for a in sys.argv[:5]]
        handle.write(f"pid {os.getpid()}: {' '.join(command)}")
        handle.flush()
        if os.path.isdir(folder) and not _other_holders_active(path):
            stale = remove_stale_temporaries(folder)
            if stale:
                print(f"[zoo] removed {len(stale)} unfinished temporary file(s) a killed run left in {folder}",
                      flush=True)
        yield path
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(path)  # while still locked: nothing is left behind, and a late opener retries
        handle.close()
        for made in created:
            with contextlib.suppress(OSError):  # not empty: the run wrote there
                os.rmdir(made)
