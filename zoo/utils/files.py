"""Writing files atomically: a temporary sibling, then a rename, so a crash never leaves half a file."""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Callable, Mapping
from typing import Any


def write_atomic(path: str, write: Callable[[str], None]) -> str:
    """Writes a file through a temporary sibling and a rename: never half a file.

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
        write(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return path


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
