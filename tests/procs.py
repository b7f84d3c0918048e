"""Child processes for tests: a hard timeout, and always stopped at the end."""

import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager


def free_port():
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def zoo_env(tmp_path, **extra):
    """The environment of a child `zoo` process: quiet TF, temp Keras/matplotlib homes."""
    env = dict(os.environ, TF_CPP_MIN_LOG_LEVEL="3", KERAS_HOME=str(tmp_path / "keras"),
               MPLCONFIGDIR=str(tmp_path / "mpl"), MPLBACKEND="Agg", PYTHONUNBUFFERED="1")
    env.update({k: str(v) for k, v in extra.items()})
    return env


def zoo_cmd(*args):
    return [sys.executable, "-m", "zoo", *map(str, args)]


@contextmanager
def processes():
    """Yields a `start(args, env, log_path)` function; kills every started process on exit."""
    started = []

    def start(args, env, log_path):
        log = open(log_path, "w")
        proc = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        started.append((proc, log))
        return proc

    try:
        yield start
    finally:
        for proc, log in started:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            log.close()


def wait_for(condition, timeout, interval=0.1):
    """Polls `condition()` until true; False after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def csv_rows(path):
    """The rows of a CSV file being written by another process ([] until it exists)."""
    import csv

    if not path.exists():
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def kill_then_rerun(args, env, logs, progress, *, minimum, total, timeout=180, sig=signal.SIGKILL):
    """Starts `args`, sends `sig` once `progress()` reaches `minimum` (of `total`), runs it again.

    With SIGTERM the first run must stop by itself, exit 143 and say how to resume.

    Returns:
        The progress at the kill. The rerun must exit 0 within `timeout` seconds.
    """
    with processes() as start:
        first = start(args, env, logs / "first.log")
        assert wait_for(lambda: progress() >= minimum or first.poll() is not None, timeout=120)
        if sig == signal.SIGTERM:
            first.send_signal(signal.SIGTERM)
            assert first.wait(timeout=60) == 143, (logs / "first.log").read_text()[-2000:]
            assert "terminated (SIGTERM); run the same command again to resume" in (logs / "first.log").read_text()
        else:
            os.killpg(first.pid, sig)
        first.wait(timeout=30)
        done = progress()
        assert minimum <= done < total, f"killed mid-run, not at {done}/{total}"
        second = start(args, env, logs / "second.log")
        assert second.wait(timeout=timeout) == 0, (logs / "second.log").read_text()[-2000:]
    return done
