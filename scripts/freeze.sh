#!/usr/bin/env bash
# Rewrite constraints.txt from the project's virtual environment: run it after the suite passes
# (bash scripts/test.sh), so that scripts/setup.sh installs exactly those versions on a fresh machine.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${ZOO_VENV:-$ROOT/.venv}"
{
  echo "# Exact versions the test suite passed with (pip constraints: scripts/setup.sh installs with -c constraints.txt)."
  echo "# Refresh after a passing run:  bash scripts/freeze.sh   (setup.cfg keeps the ranges for other environments)"
  "$VENV/bin/python" -m pip freeze --exclude-editable --disable-pip-version-check | grep -v '^keras-zoo'
} > "$ROOT/constraints.txt.tmp"
mv "$ROOT/constraints.txt.tmp" "$ROOT/constraints.txt"
echo "[freeze] $(grep -vc '^#' "$ROOT/constraints.txt") pinned packages written to $ROOT/constraints.txt"
