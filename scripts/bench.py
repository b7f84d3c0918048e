"""Benchmark: zoo vs the notes' hand-written Keras (and PyTorch when installed), per backend.

Usage: python scripts/bench.py [--backends tensorflow,jax] [--repeats 3] [--out out/bench] [--quick] [--whole-only]
                               [--only cnn,lstm]

Each backend runs in its own process (Keras picks its backend at import). Writes
``bench.json`` and ``bench.md`` (the README's table) under --out.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile

import bench_engine as benchmark  # scripts/ is on sys.path when this file runs

from zoo.utils.files import write_atomic, write_json


def _machine() -> str:
    import keras

    return (f"{os.cpu_count()} CPU cores ({platform.processor() or platform.machine()}), "
            f"Python {platform.python_version()}, keras {keras.__version__}")


def _workloads(args: argparse.Namespace) -> tuple:
    """The workloads to run: the MLP's two with --quick, narrowed by --only."""
    workloads = benchmark.WORKLOADS[:2] if args.quick else benchmark.WORKLOADS
    return benchmark.select(workloads, args.only.split(",")) if args.only else workloads


def _child(args: argparse.Namespace) -> None:
    workloads = _workloads(args)
    result = benchmark.run(workloads, repeats=args.repeats, progress=lambda line: print(line, flush=True),
                           builds=not (args.quick or args.whole_only), steady=not args.whole_only)
    with open(args.child, "w") as f:
        json.dump(result, f)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="tensorflow,jax")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default="out/bench")
    parser.add_argument("--quick", action="store_true", help="the two MLP workloads only, no build timings")
    parser.add_argument("--whole-only", action="store_true", help="whole fit calls only, no steady-state rates")
    parser.add_argument("--only", help="comma-separated architectures or workload names to run (default: all)")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        return _child(args)
    try:  # refused here, before a backend's process starts
        _workloads(args)
    except ValueError as error:
        parser.error(str(error))
    results = []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory() as scratch:
            child = os.path.join(scratch, "result.json")
            cmd = [sys.executable, __file__, "--child", child, "--repeats", str(args.repeats)] + (
                ["--quick"] if args.quick else []) + (["--whole-only"] if args.whole_only else []) + (
                ["--only", args.only] if args.only else [])
            env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="3")
            if subprocess.run(cmd, env=env, timeout=3600).returncode != 0:
                print(f"[bench] {backend}: failed, left out of the table", file=sys.stderr)
                continue
            with open(child) as f:
                results.append(json.load(f))
    if not results:
        sys.exit("[bench] no backend finished")
    os.makedirs(args.out, exist_ok=True)
    table = benchmark.markdown(results, _machine())
    write_json(os.path.join(args.out, "bench.json"), {"machine": _machine(), "results": results})
    write_atomic(os.path.join(args.out, "bench.md"), lambda tmp: open(tmp, "w").write(table))
    print(table)


if __name__ == "__main__":
    main()
