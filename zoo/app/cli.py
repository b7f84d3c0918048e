"""The `zoo` command: list, describe, build, plot, train, tune and tour the registered models.

`zoo --help`, `zoo list` and `zoo describe` never import TensorFlow. Every error is one
line on stderr and a non-zero exit status, never a traceback.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import errno
import importlib.util
import os
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from zoo import registry
from zoo.data.tasks import DATASETS
from zoo.registry import TASKS
from zoo.utils.signals import check_interrupt, deliver, quiet_lost_interrupts, reset_interrupt
from zoo.utils.validation import check_choice, check_duration, check_file_target, check_int


def _parse_assignment(text: str) -> tuple[str, Any]:
    key, sep, raw = text.partition("=")
    if not sep or not key.isidentifier():
        raise argparse.ArgumentTypeError(f"expected KEY=VALUE such as units=32. Received: {text!r}")
    try:
        value = ast.literal_eval(raw)
    except (ValueError, SyntaxError):
        value = raw  # a bare word such as task=regression
    return key, value


def _check_out(value: str, *, flag: str = "--out") -> None:
    check_file_target(flag, value, folder=True)


def _check_counts(args: argparse.Namespace, *flags: str, minimum: int = 1) -> None:
    for flag in flags:
        value = getattr(args, flag.lstrip("-").replace("-", "_"))
        if value is not None:
            check_int(flag, value, minimum=minimum)


def precheck(args: argparse.Namespace) -> None:
    """Checks a command's names and arguments before TensorFlow is imported (seconds saved on every typo).

    Raises:
        ValueError, TypeError: Naming the flag, as the library would after its start-up.
    """
    command = args.command
    if command in ("build", "train", "tune"):
        registry.get_entry(args.name)
    if command == "build":
        _check_save_path(args.save)
    elif command == "plot":
        for name in ([] if args.names == ["all"] else args.names):
            registry.get_entry(name)
        _check_out(args.out)
    elif command == "activations":
        _check_out(args.out)
    elif command == "tour":
        _check_counts(args, "--seed", minimum=0)
        _check_out(args.out)
    elif command in ("train", "tune"):
        _check_counts(args, "--epochs", "--batch-size")
        _check_counts(args, "--patience", "--seed", minimum=0)
        _check_out(args.out)
    if command == "train" and args.task is not None:
        check_choice("--task", args.task, TASKS)
    if command == "tune":
        tunable = sorted({*registry.list_tunable(), *tunable_names()})
        check_choice("architecture", args.name, tunable)
        check_choice("--tuner", args.tuner, keys_of("tuning.engine", "ORACLES") or (args.tuner,))
        _check_counts(args, "--trials")
        args.time_budget = check_duration("--time-budget", args.time_budget)
        args.lease = check_duration("--lease", args.lease)
        distributed = args.chief or args.worker is not None
        if args.oracle_port is not None:
            check_int("--oracle-port", args.oracle_port, minimum=1, maximum=65535)
        if distributed and args.oracle_port is None:
            raise ValueError(f"`oracle_port` (--oracle-port) is required with {'--chief' if args.chief else '--worker'} "
                             "(the port the chief listens on). Received: oracle_port=None")
        if not distributed and args.oracle_port is not None:
            raise ValueError("`--oracle-port` applies to a distributed search only: add --chief (one process) or "
                             f"--worker ID (the others). Received: --oracle-port={args.oracle_port}")
        if args.worker is not None and (not args.worker or "chief" in args.worker):
            raise ValueError("`--worker` must name each worker uniquely (such as 'tuner0') and not contain "
                             f"'chief'. Received: --worker={args.worker!r}")


def cmd_list(args: argparse.Namespace) -> int:
    for name in registry.list_models(args.pattern, family=args.family):
        entry = registry.get_entry(name)
        print(f"{name:22s} {entry.family:14s} {entry.summary}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    info = registry.describe(args.name)
    print(info["doc"])
    if info["params"] is not None:
        print(f"\nParameters of the default model: {info['params']:,}")
    print("\nDefaults:")
    for key, value in info["defaults"].items():
        print(f"  {key} = {value!r}")
    return 0


def _check_save_path(path: str | None) -> None:
    """Refuses a --save path before anything is built."""
    if path is None:
        return
    if not path.endswith(".keras"):
        raise ValueError(f"`--save` must end in '.keras'. Received: --save={path!r}")
    folder = os.path.dirname(os.path.abspath(path))
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise ValueError(f"`--save` needs a writable folder ({err.strerror}: {folder}). Received: --save={path!r}") \
            from None
    if os.path.isdir(path) or not os.access(folder, os.W_OK):
        raise ValueError(f"`--save` must be a writable file path. Received: --save={path!r}")


def cmd_build(args: argparse.Namespace) -> int:
    entry = registry.get_entry(args.name)
    kwargs = {**(entry.smoke if args.smoke else entry.offline), **dict(args.set or [])}
    model = registry.build(args.name, **kwargs)
    from zoo.viz.report import head_summary

    model.summary()
    print(head_summary(model))
    if args.save:
        from zoo.models.saving import save_model

        print(f"saved {save_model(model, args.save)}")
    return 0


def cmd_tour(args: argparse.Namespace) -> int:
    from zoo.app import tour

    return tour.run(quick=args.quick, out=args.out, seed=args.seed)


def cmd_plot(args: argparse.Namespace) -> int:
    names = "all" if args.names == ["all"] else args.names
    from zoo.viz.diagrams import export_registered

    rows = export_registered(names, args.out, formats=args.formats)
    print(f"{len(rows)} diagram(s) and {os.path.join(args.out, 'index.html')}")
    return 0


def cmd_activations(args: argparse.Namespace) -> int:
    from zoo.viz.plots import plot_activations

    print(plot_activations(os.path.join(args.out, "activations.png")))
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from zoo.training.job import train

    result = train(args.name, dataset=args.dataset, task=args.task, epochs=args.epochs,
                   batch_size=args.batch_size, seed=args.seed, out=args.out, patience=args.patience,
                   tensorboard=args.tensorboard, **dict(args.set or []))
    print(f"test scores: {_scores(result.scores)} (baseline {_scores(result.baseline)})")
    for name, path in result.files.items():
        print(f"{name}: {path}")
    return 0


def _scores(scores: dict[str, float]) -> str:
    return ", ".join(f"{k}={v:.4f}" for k, v in scores.items())


def cmd_tune(args: argparse.Namespace) -> int:
    from tuning.job import distributed_env

    role = "chief" if args.chief else ("worker" if args.worker else "alone")
    os.environ.update(distributed_env(role, tuner_id=args.worker, oracle_ip=args.oracle_ip,
                                      oracle_port=args.oracle_port))
    from tuning.job import tune

    tune(args.name, dataset=args.dataset, kind=args.tuner, trials=args.trials, epochs=args.epochs,
         batch_size=args.batch_size, patience=args.patience, seed=args.seed, out=args.out,
         overwrite=args.overwrite, time_budget=args.time_budget, refit=args.refit, prune=args.prune,
         lease=args.lease, tensorboard=args.tensorboard, **dict(args.set or []))
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from zoo.models.export import export

    path = args.out or (os.path.splitext(args.model)[0] + (".onnx" if args.format == "onnx" else "_saved_model"))
    written = export(args.model, path, format=args.format, overwrite=args.overwrite)
    print(f"exported {args.model} as {args.format}: {written}")
    return 0


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (the usage is one `--help` away)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"{self.prog}: error: {message} (see {self.prog} --help)", file=sys.stderr)
        raise SystemExit(2)


def _module_tree(module: str) -> ast.Module:
    """A module's syntax tree, read from its source without importing it (or its package)."""
    top, *rest = module.split(".")
    spec = importlib.util.find_spec(top)  # the top package only: a submodule's spec imports its package
    if spec is None or spec.origin is None:
        return ast.Module(body=[], type_ignores=[])
    with open(os.path.join(os.path.dirname(spec.origin), *rest) + ".py" if rest else spec.origin) as f:
        return ast.parse(f.read())


def keys_of(module: str, name: str) -> tuple[str, ...]:
    """The string keys of a module-level dict literal ``name = {...}``, read without importing the module."""
    for node in _module_tree(module).body:
        if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                and any(isinstance(t, ast.Name) and t.id == name for t in node.targets)):
            return tuple(k.value for k in node.value.keys if isinstance(k, ast.Constant))
    return ()


def tunable_names() -> tuple[str, ...]:
    """The names ``tuning.spaces`` declares a search space for (``search_space("name")``), without importing it."""
    return tuple(node.args[0].value for node in ast.walk(_module_tree("tuning.spaces"))
                 if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "search_space"
                 and node.args and isinstance(node.args[0], ast.Constant))


def defaults_of(module: str, function: str) -> dict[str, Any]:
    """The keyword defaults of a library function, read from its source without importing it.

    The CLI's defaults come from the functions it calls (one source each), and reading
    them this way keeps `zoo --help` and argument errors free of TensorFlow's start-up.
    """
    for node in _module_tree(module).body:
        if isinstance(node, ast.FunctionDef) and node.name == function:
            args = node.args
            named = [*zip(args.args[len(args.args) - len(args.defaults):], args.defaults),
                     *zip(args.kwonlyargs, args.kw_defaults)]
            return {arg.arg: ast.literal_eval(value) for arg, value in named if value is not None}
    return {}


def _examples(*lines: str) -> str:
    return "example:\n" + "\n".join(f"  {line}" for line in lines)


def make_parser() -> argparse.ArgumentParser:
    """The argument parser of the `zoo` command."""
    parser = _Parser(prog="zoo", description=__doc__.splitlines()[0],
                     epilog=_examples("zoo list '*rnn*'", "zoo train mlp --dataset breast_cancer",
                                      "zoo tune mlp --trials 20", "zoo tour"),
                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    fmt = argparse.RawDescriptionHelpFormatter

    p = sub.add_parser("list", help="list registered models (no TensorFlow import)", formatter_class=fmt,
                       epilog=_examples("zoo list", "zoo list '*mlp*'", "zoo list --family recurrent"))
    p.add_argument("pattern", nargs="?", help="fnmatch pattern such as '*rnn*'")
    p.add_argument("--family", help="only this family")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("describe", help="a model's documentation, defaults and parameter count",
                       formatter_class=fmt, epilog=_examples("zoo describe cnn"))
    p.add_argument("name")
    p.set_defaults(func=cmd_describe)

    p = sub.add_parser("build", help="build a model, print its summary and head", formatter_class=fmt,
                       epilog=_examples("zoo build mlp --set task=regression --set outputs=2 --save out/mlp.keras"))
    p.add_argument("name")
    p.add_argument("--set", action="append", type=_parse_assignment, metavar="KEY=VALUE",
                   help="builder argument, repeatable (values are Python literals)")
    p.add_argument("--smoke", action="store_true", help="start from the tiny test configuration")
    p.add_argument("--save", metavar="PATH.keras", help="save the model (atomically)")
    p.set_defaults(func=cmd_build)

    p = sub.add_parser("tour", help="the main job: train, draw and plot every model; writes index.html",
                       formatter_class=fmt, epilog=_examples("zoo tour", "zoo tour --quick --out /tmp/tour"))
    p.add_argument("--quick", action="store_true", help="two epochs per model, for smoke tests")
    tour_defaults = defaults_of("zoo.app.tour", "run")
    p.add_argument("--out", default=tour_defaults["out"], help="output folder (default: %(default)s)")
    p.add_argument("--seed", type=int, default=tour_defaults["seed"], help="seed of everything (default: %(default)s)")
    p.set_defaults(func=cmd_tour)

    p = sub.add_parser("plot", help="export diagrams (PNG/SVG, DOT without graphviz) and an index.html",
                       formatter_class=fmt, epilog=_examples("zoo plot all --out out/diagrams", "zoo plot cnn lstm"))
    p.add_argument("names", nargs="+", help="registered names, or 'all'")
    p.add_argument("--out", default="out/diagrams", help="output folder (default: out/diagrams)")
    formats = defaults_of("zoo.viz.diagrams", "export_registered")["formats"]
    p.add_argument("--formats", nargs="+", default=list(formats), choices=["png", "svg", "dot"])
    p.set_defaults(func=cmd_plot)

    p = sub.add_parser("activations", help="plot the notes' activation functions beside their derivatives",
                       formatter_class=fmt, epilog=_examples("zoo activations --out out"))
    p.add_argument("--out", default="out", help="output folder (default: out)")
    p.set_defaults(func=cmd_activations)

    datasets = DATASETS
    train_defaults = defaults_of("zoo.training.job", "train")
    p = sub.add_parser("train", help="train a model on a bundled dataset; resumable after a kill",
                       formatter_class=fmt,
                       epilog=_examples("zoo train mlp --dataset breast_cancer --epochs 30",
                                        "zoo train cnn --dataset digits --out out/train",
                                        "zoo train simple_rnn --dataset sine"))
    p.add_argument("name", help="a registered model")
    p.add_argument("--dataset", default=train_defaults["dataset"], choices=datasets)
    p.add_argument("--task", help="force a task instead of inferring the head from the labels")
    p.add_argument("--epochs", type=int, default=train_defaults["epochs"])
    p.add_argument("--batch-size", type=int, default=train_defaults["batch_size"])
    p.add_argument("--patience", type=int, default=train_defaults["patience"],
                   help="EarlyStopping patience (validation loss)")
    p.add_argument("--seed", type=int, default=train_defaults["seed"])
    p.add_argument("--out", default=train_defaults["out"], help="output folder (default: %(default)s)")
    p.add_argument("--tensorboard", action="store_true", help="also write TensorBoard logs")
    p.add_argument("--set", action="append", type=_parse_assignment, metavar="KEY=VALUE",
                   help="builder argument, repeatable")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("tune", help="search layers, neurons and learning rate with KerasTuner; resumable",
                       formatter_class=fmt,
                       epilog=_examples("zoo tune mlp --trials 20", "zoo tune cnn --tuner bayesian --trials 10",
                                        "zoo tune mlp --chief --oracle-port 8000 &",
                                        "zoo tune mlp --worker tuner0 --oracle-port 8000 &"))
    p.add_argument("name", help="a tunable model (every trainable one; `zoo tune perceptron` says which)")
    tune_defaults = defaults_of("tuning.job", "tune")
    p.add_argument("--dataset", default=tune_defaults["dataset"], choices=datasets)
    p.add_argument("--tuner", default=tune_defaults["kind"],
                   help="random, hyperband, bayesian or grid (default: %(default)s)")
    p.add_argument("--trials", type=int, default=tune_defaults["trials"], help="trials at most (default: %(default)s)")
    p.add_argument("--epochs", type=int, default=tune_defaults["epochs"],
                   help="epochs per trial at most; pruning and early stopping end losing trials sooner "
                        "(default: %(default)s)")
    p.add_argument("--time-budget", default=tune_defaults["time_budget"], metavar="DURATION",
                   help="wall time for the search, such as 90s, 5m or 1h: no trial starts that would overrun it")
    p.add_argument("--batch-size", type=int, help="fix the batch size instead of searching it")
    p.add_argument("--patience", type=int, default=tune_defaults["patience"],
                   help="EarlyStopping patience on the objective within a trial (default: %(default)s)")
    p.add_argument("--seed", type=int, default=tune_defaults["seed"])
    p.add_argument("--out", default=tune_defaults["out"], help="parent folder of the project (default: %(default)s)")
    p.add_argument("--refit", action="store_true",
                   help="train the best configuration afresh on training + validation data")
    p.add_argument("--no-prune", dest="prune", action="store_false",
                   help="let every trial run its epochs instead of stopping clearly losing ones")
    p.add_argument("--overwrite", action="store_true", help="start afresh instead of resuming")
    p.add_argument("--tensorboard", action="store_true",
                   help="write TensorBoard's HParams dashboard, one run per trial, under <project>/tensorboard")
    role = p.add_mutually_exclusive_group()
    role.add_argument("--chief", action="store_true", help="run KerasTuner's chief oracle (needs --oracle-port)")
    role.add_argument("--worker", metavar="ID", help="run as the worker ID (unique, e.g. tuner0)")
    p.add_argument("--oracle-ip", default="127.0.0.1", help="the chief's address (default: 127.0.0.1)")
    p.add_argument("--oracle-port", type=int, help="the chief's port")
    p.add_argument("--lease", default=tune_defaults["lease"],
                   help="seconds a worker may go unheard before its trial goes back to the queue, and a worker "
                        "waits for its chief (default: %(default)s)")
    p.add_argument("--set", action="append", type=_parse_assignment, metavar="KEY=VALUE",
                   help="builder argument held fixed, repeatable")
    p.set_defaults(func=cmd_tune)

    p = sub.add_parser("export", help="export a saved .keras model for serving: a SavedModel folder or ONNX",
                       formatter_class=fmt,
                       epilog=_examples("zoo export out/train/cnn/model.keras --format saved_model",
                                        "zoo export out/train/cnn/model.keras --format onnx --out cnn.onnx"))
    p.add_argument("model", metavar="MODEL.keras", help="a model saved by zoo (train, tune, build --save)")
    p.add_argument("--format", default="saved_model", choices=("saved_model", "onnx"),
                   help="saved_model (TensorFlow Serving) or onnx (onnxruntime; pip install -e .[export]) "
                        "(default: %(default)s)")
    p.add_argument("--out", help="destination (default: beside the model: NAME_saved_model/ or NAME.onnx)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing export")
    p.set_defaults(func=cmd_export)
    return parser


def _import_tensorflow_quietly() -> None:
    """Imports TensorFlow with its C++ start-up lines hidden when TF_CPP_MIN_LOG_LEVEL asks for quiet.

    Those lines (oneDNN, CUDA probing) are written before any log setting applies and
    would bury the CLI's one-line messages. Python errors are unaffected.
    """
    if "tensorflow" in sys.modules or os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
        return
    level = os.environ.get("TF_CPP_MIN_LOG_LEVEL", "0")
    if not level.isdigit() or int(level) < 2:
        return
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
            try:
                import tensorflow  # noqa: F401
            except ImportError:
                pass  # reported by the command that needs it
    finally:
        os.dup2(saved, 2)
        os.close(saved)


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler, ``docker stop``, ``kill``), handled as Ctrl-C is."""


def _interrupt(signum: int, frame: Any) -> None:
    deliver(Terminated() if signum == signal.SIGTERM else KeyboardInterrupt())


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """While a command runs, SIGTERM stops it the way Ctrl-C does, and neither cuts a checkpoint write.

    Both are raised at once, or after the `zoo.utils.signals.uninterrupted` write in progress;
    one that Python lost (`zoo.utils.signals`) is raised again at the next safe point.
    Handlers can only be installed from the main thread; elsewhere Python's defaults stay.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    reset_interrupt()
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with quiet_lost_interrupts():
            try:
                yield
            except Exception:
                check_interrupt()  # an error the interrupt caused (a SystemError out of C code) is the interrupt
                raise
            check_interrupt()  # one lost on the way (in a __del__) still stops the command
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
        reset_interrupt()


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the `zoo` command; returns its exit status.

    Ctrl-C (exit 130) and SIGTERM (exit 143) stop a long command with one line; the same
    command run again resumes where it stopped.
    """
    try:
        args = make_parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    try:
        with _sigterm_as_interrupt():
            precheck(args)  # before TensorFlow's start-up
            if args.func not in (cmd_list, cmd_describe):
                _import_tensorflow_quietly()
            return args.func(args)
    except KeyboardInterrupt as stop:
        how, status = ("terminated (SIGTERM)", 143) if isinstance(stop, Terminated) else ("interrupted", 130)
        print(f"zoo {args.command}: {how}; run the same command again to resume", file=sys.stderr)
        return status
    except (ValueError, TypeError, KeyError, OSError, RuntimeError, ImportError) as err:
        message = " ".join(str(err).split()) or type(err).__name__
        if isinstance(err, OSError) and err.errno == errno.ENOSPC and "no space left on the device" not in message:
            where = os.path.dirname(os.path.abspath(err.filename)) if err.filename else getattr(args, "out", ".")
            message = f"no space left on the device holding {where}; free some space and run the same command again"
        print(f"zoo {args.command}: error: {message}", file=sys.stderr)
        return 2
    except Exception as err:  # never a traceback: one line, the error's kind and text
        message = " ".join(str(err).split())[:500]
        print(f"zoo {args.command}: error: {type(err).__name__}: {message} (ZOO_DEBUG=1 shows the traceback)",
              file=sys.stderr)
        if os.environ.get("ZOO_DEBUG"):
            raise
        return 1


if __name__ == "__main__":
    sys.exit(main())
