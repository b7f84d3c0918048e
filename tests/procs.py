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
    """The complete rows of a CSV file being written by another process ([] until it exists).

    A line still being written (no newline yet, the header included) is left out: read
    mid-write, a half header would otherwise give rows without their columns.
    """
    import csv

    if not path.exists():
        return []
    with open(path) as f:
        text = f.read()
    return list(csv.DictReader(text[: text.rfind("\n") + 1].splitlines()))


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


CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--hide-scrollbars")

# The page goes into an iframe of the asked width (headless Chromium's window is at least 500 px wide):
# after load, the wrapper reports on the page in an attribute that --dump-dom shows.
_WRAPPER = """<!doctype html><html><body style="margin:0">
<iframe id=page style="border:0;width:{width}px;height:{height}px" srcdoc="{srcdoc}"></iframe>
<script>window.addEventListener('load', () => {{
  const w = document.getElementById('page').contentWindow, d = w.document, images = [...d.images];
  const report = {{images: images.length, broken: images.filter(i => !(i.complete && i.naturalWidth > 0)).length,
    overflowing: images.filter(i => i.getBoundingClientRect().right > w.innerWidth + 1).length,
    rows: d.querySelectorAll('table.overview tbody tr').length,
    links: [...d.querySelectorAll('table.overview a')].filter(a =>
      d.getElementById(a.getAttribute('href').slice(1))).length,
    pageWidth: d.documentElement.scrollWidth, viewport: w.innerWidth}};
  document.body.setAttribute('data-probe', JSON.stringify(report));
}});</script></body></html>"""


def chromium():
    """The headless browser's path, or None."""
    import shutil

    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def browser_report(page, width, tmp_path, *, height=900, screenshot=None, timeout=60):
    """Opens `page` in headless Chromium, `width` px wide, and returns what the page says of itself.

    The page is shown in an iframe of that width; a script of the wrapper records, after
    load, the images (and how many have no natural size or overflow the width), the overview's
    rows and working links, and the page's scroll width. The browser runs with a hard
    timeout in its own process group, killed at the end.

    Returns:
        The probe's dict, or ``{"screenshot": path}`` when a screenshot was asked for.
    """
    import html
    import json
    import re
    import shutil

    with open(page, encoding="utf-8") as f:
        text = f.read()
    wrapper = tmp_path / f"probe-{width}.html"
    wrapper.write_text(_WRAPPER.format(width=width, height=height, srcdoc=html.escape(text, quote=True)),
                       encoding="utf-8")
    profile = tmp_path / f"chromium-profile-{width}"
    shutil.rmtree(profile, ignore_errors=True)
    profile.mkdir()
    args = [chromium(), *CHROMIUM_FLAGS, f"--user-data-dir={profile}",
            f"--window-size={max(width, 500)},{height}", "--virtual-time-budget=5000"]
    args += [f"--screenshot={screenshot}"] if screenshot else ["--dump-dom"]
    proc = subprocess.Popen([*args, wrapper.as_uri()], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            start_new_session=True, text=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    if screenshot:
        return {"screenshot": screenshot}
    match = re.search(r'data-probe="([^"]*)"', out)
    assert match, f"the page did not report (chromium exit {proc.returncode}): {out[-500:]}"
    return json.loads(html.unescape(match.group(1)))
