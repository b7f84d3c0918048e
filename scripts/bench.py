"""Benchmark: zoo models vs hand-written Keras, seconds per training epoch (ratio in one run).

Usage: python scripts/bench.py [--samples N] [--epochs N] [--repeats N] [names...]
"""

import argparse

from zoo import benchmark


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", default=sorted(benchmark.CASES))
    parser.add_argument("--samples", type=int, default=2048)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    for name in args.names:
        r = benchmark.compare(name, samples=args.samples, epochs=args.epochs, repeats=args.repeats)
        spread = ", ".join(f"{t:.3f}" for t in r["zoo_times"]) + " vs " + ", ".join(f"{t:.3f}" for t in r["handwritten_times"])
        print(f"{name:10s} zoo {r['zoo_s_per_epoch']:.3f} s/epoch, hand-written "
              f"{r['handwritten_s_per_epoch']:.3f} s/epoch, ratio {r['ratio']:.2f}  ({spread})")


if __name__ == "__main__":
    main()
