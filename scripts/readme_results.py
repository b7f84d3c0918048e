"""Fills the README's results table from the tour's results.json (between its results markers).

    python scripts/readme_results.py                       # out/tour/results.json -> README.md
    python scripts/readme_results.py --results DIR/results.json --readme README.md

`scripts/demo.sh` runs it after a full tour, so the table is always the last measured one.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

from zoo.utils.files import write_atomic
from zoo.viz.report import fill_markers, markdown_table

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default=os.path.join(ROOT, "out", "tour", "results.json"))
    parser.add_argument("--readme", default=os.path.join(ROOT, "README.md"))
    args = parser.parse_args(argv)
    if not os.path.isfile(args.results):
        print(f"readme_results: no {args.results}; run the tour first (bash scripts/demo.sh)", file=sys.stderr)
        return 2
    with open(args.results) as f:
        results = json.load(f)
    with open(args.readme, encoding="utf-8") as f:
        text = f.read()
    table = markdown_table(results["rows"], results["columns"])
    new = fill_markers(text, "results", table)

    def dump(tmp: str) -> None:
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(new)
    write_atomic(args.readme, dump)
    print(f"readme_results: {len(results['rows'])} rows from {args.results} written into {args.readme}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
