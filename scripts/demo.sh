#!/usr/bin/env bash
# Set up (scripts/setup.sh) and run the main job: the zoo tour. Extra arguments go to `zoo tour`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
cd "$ROOT"
exec python -m zoo tour "$@"
