"""Train a zoo architecture on a bundled dataset: `python scripts/train.py cnn --epochs 20`.

The same as `zoo train`; see `python scripts/train.py --help`.
"""

import sys

from zoo.app.cli import main

if __name__ == "__main__":
    sys.exit(main(["train", *sys.argv[1:]]))
