#!/usr/bin/env bash
# Create or refresh the project's virtual environment and system tools.
# Sourced by scripts/demo.sh and scripts/test.sh; safe to run again (fast when nothing changed).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ZOO_VENV:-$ROOT/.venv}"
PYTHON="${PYTHON:-$(command -v python3.11 || command -v python3)}"

if [ ! -x "$VENV/bin/python" ]; then
  echo "[setup] creating virtual environment $VENV with $PYTHON"
  "$PYTHON" -m venv "$VENV"
fi

# Reinstall only when the packaging files or the pinned versions changed since the last successful install.
# constraints.txt pins the versions the suite passed with (refresh it with scripts/freeze.sh).
stamp="$VENV/.zoo-install-stamp"
want="$(cat "$ROOT/setup.cfg" "$ROOT/pyproject.toml" "$ROOT/constraints.txt" | sha256sum | cut -d' ' -f1)"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "[setup] installing keras-zoo and its dependencies into $VENV (about a minute the first time)"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$ROOT/constraints.txt" \
    -e "$ROOT[test,export]"
  echo "$want" > "$stamp"
else
  echo "[setup] environment up to date ($VENV)"
fi

# graphviz's `dot` renders plot_model diagrams; without it the zoo writes DOT source instead.
if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing graphviz with apt-get"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1; then
      DEBIAN_FRONTEND=noninteractive apt-get update -qq >/dev/null 2>&1 || true
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq graphviz >/dev/null 2>&1 \
        || echo "[setup] could not install graphviz; diagrams will be written as DOT source"
    fi
  else
    echo "[setup] graphviz is missing and apt-get needs root here; diagrams will be written as DOT source"
  fi
fi

# Headless Chromium checks the tour's page in a real browser (tests/viz/test_report_browser.py).
if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "[setup] installing chromium with apt-get (for the browser test)"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 \
      || echo "[setup] could not install chromium; the browser test will skip"
  else
    echo "[setup] chromium is missing and apt-get needs root here; the browser test will skip"
  fi
fi

export PATH="$VENV/bin:$PATH"
# Keep TensorFlow's C++ start-up chatter out of the output.
export TF_CPP_MIN_LOG_LEVEL="${TF_CPP_MIN_LOG_LEVEL:-2}"
