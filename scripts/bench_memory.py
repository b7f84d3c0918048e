"""A long search in one process: the resident set size after each trial, and each trial's overhead.

Run: ``python scripts/bench_memory.py --trials 30`` (prints RSS after trials 1, 10, 20, 30
and the growth from trial 10 to the last, the figure issue #16 sets a bound on, then the
median per-trial overhead: a trial's wall time, from the end of the one before, minus the
time of its epochs: building, compiling, tracing, the oracle and checkpoints).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile

RSS: list[float] = []  # MiB after each trial (module level: tuning deep-copies its callbacks)
TRIALS: list[tuple[float, list[float]]] = []  # (seconds since the last trial ended, each epoch's seconds)


def rss_mib() -> float:
    """This process's resident set size in MiB (Linux)."""
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(trials: int, epochs: int, directory: str) -> list[float]:
    """Runs a random MLP search on digits; returns the RSS (MiB) after each trial."""
    import time

    import keras

    import tuning
    import zoo

    class AfterTrial(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.epochs = []

        def on_epoch_begin(self, epoch, logs=None):
            self.epoch_start = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            self.epochs.append(time.perf_counter() - self.epoch_start)

        def on_train_end(self, logs=None):
            RSS.append(rss_mib())
            now = time.perf_counter()
            TRIALS.append((now - LAST[0], self.epochs))
            LAST[0] = now

    (x, y), _ = zoo.data.datasets.digits(flatten=True)
    hm = tuning.hypermodel("mlp", input_shape=(64,), task="multiclass", outputs=10)
    tuner = tuning.make_tuner("random", hm, max_trials=trials, directory=directory, project_name="memory", seed=0,
                              prune=False)
    RSS.clear()
    TRIALS.clear()
    LAST = [time.perf_counter()]
    tuning.run_search(tuner, x, y, epochs=epochs, callbacks=[AfterTrial()], verbose=0)
    return list(RSS)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        rss = measure(args.trials, args.epochs, directory)
    marks = [i for i in (1, 10, 20, 30, len(rss)) if i <= len(rss)]
    print("trial  RSS (MiB)")
    for i in sorted(set(marks)):
        print(f"{i:>5}  {rss[i - 1]:.0f}")
    if len(rss) >= 10:
        print(f"growth from trial 10 to trial {len(rss)}: {100 * (rss[-1] / rss[9] - 1):+.1f}% "
              f"({(rss[-1] - rss[9]) / max(len(rss) - 10, 1):+.2f} MiB per trial)")
    if not TRIALS:
        return 0
    later = TRIALS[1:] or TRIALS  # the first trial also pays the process's first trace
    median = statistics.median
    # The first epoch of a trial holds its tracing: its excess over the trial's later epochs.
    first_excess = [e[0] - median(e[1:]) for _, e in later if len(e) > 1]
    print(f"per trial (median of trials 2-{len(TRIALS)}): {median(w for w, _ in later):.2f}s wall, "
          f"{median(sum(e) for _, e in later):.2f}s in epochs, overhead {median(w - sum(e) for w, e in later):.2f}s"
          + (f", first epoch {median(first_excess):.2f}s longer than the others" if first_excess else "")
          + f"; first trial's overhead {TRIALS[0][0] - sum(TRIALS[0][1]):.2f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
