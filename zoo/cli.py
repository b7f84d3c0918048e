"""The `zoo` command: list, describe, build and tour the registered models.

`zoo --help`, `zoo list` and `zoo describe` never import TensorFlow.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Sequence
from typing import Any

from zoo import registry


def _parse_assignment(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE such as units=32. Received: {text!r}")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw  # a bare word such as task=regression
    return key, value


def head_summary(model: Any) -> str:
    """One line on a built model's head: output shape, activation, loss, parameters."""
    try:
        layer = model.get_layer("head")
        activation = getattr(layer.activation, "__name__", str(layer.activation))
    except ValueError:
        activation = "step (Heaviside)"
    loss = getattr(model, "loss", None) if model.compiled else "(not compiled)"
    shape = getattr(model, "output_shape", None)
    return f"head: output {shape}, activation {activation}, loss {loss}, params {model.count_params():,}"


def cmd_list(args: argparse.Namespace) -> int:
    for name in registry.list_models(args.pattern, family=args.family):
        entry = registry.get_entry(name)
        print(f"{name:22s} {entry.family:14s} {entry.summary}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    info = registry.describe(args.name)
    print(info["doc"])
    print("\nDefaults:")
    for key, value in info["defaults"].items():
        print(f"  {key} = {value!r}")
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    entry = registry.get_entry(args.name)
    kwargs = {**(entry.smoke if args.smoke else entry.offline), **dict(args.set or [])}
    model = registry.build(args.name, **kwargs)
    model.summary()
    print(head_summary(model))
    if args.save:
        from zoo.saving import save_model

        print(f"saved {save_model(model, args.save)}")
    return 0


def cmd_tour(args: argparse.Namespace) -> int:
    from zoo import tour

    return tour.run(quick=args.quick)


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the `zoo` command."""
    parser = argparse.ArgumentParser(prog="zoo", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("list", help="list registered models (no TensorFlow import)")
    p.add_argument("pattern", nargs="?", help="fnmatch pattern such as '*rnn*'")
    p.add_argument("--family", help="only this family")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("describe", help="a model's documentation and defaults")
    p.add_argument("name")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("build", help="build a model, print its summary and head")
    p.add_argument("name")
    p.add_argument("--set", action="append", type=_parse_assignment, metavar="KEY=VALUE",
                   help="builder argument, repeatable (values are Python literals)")
    p.add_argument("--smoke", action="store_true", help="start from the tiny test configuration")
    p.add_argument("--save", metavar="PATH.keras", help="save the model (atomically)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("tour", help="the main job: build every model and show it")
    p.add_argument("--quick", action="store_true", help="tiny shapes, for smoke tests")
    p.set_defaults(func=cmd_tour)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the `zoo` command; returns its exit status."""
    args = make_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError) as err:
        print(f"zoo {args.command}: error: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
