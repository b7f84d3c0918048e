"""Keras's download cache and a quick reachability probe, for failing fast offline."""

from __future__ import annotations

import os
import socket

DOWNLOAD_HOST = ("storage.googleapis.com", 443)


def keras_home() -> str:
    """Keras's cache root: ``$KERAS_HOME``, else ``~/.keras``."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def reachable(address: tuple[str, int] = DOWNLOAD_HOST, timeout: float = 3.0) -> bool:
    """Whether a TCP connection to Keras's download host opens within `timeout` seconds."""
    try:
        with socket.create_connection(address, timeout=timeout):
            return True
    except OSError:
        return False
