"""Tune a zoo architecture on a bundled dataset: `python scripts/tune.py mlp --trials 20`.

The same as `zoo tune`; see `python scripts/tune.py --help`.
"""

import sys

from zoo.app.cli import main

if __name__ == "__main__":
    sys.exit(main(["tune", *sys.argv[1:]]))
