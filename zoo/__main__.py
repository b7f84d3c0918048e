"""``python -m zoo``: the `zoo` command."""

import sys

from zoo.app.cli import main

sys.exit(main())
