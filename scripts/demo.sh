#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job: the zoo tour. Extra arguments go to `zoo tour`.
# A full tour (no arguments) also refreshes the README's results table from out/tour/results.json.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
python -m zoo tour "$@"
if [ "$#" -eq 0 ]; then
  python scripts/readme_results.py --results out/tour/results.json --readme README.md
fi
