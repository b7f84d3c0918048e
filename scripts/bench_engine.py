"""Training speed of zoo models against the same models written by hand (``scripts/bench.py``).

Every figure is a ratio or a rate measured in one run: the zoo's way (the registered
builder, trained through `zoo.fit`), the notes' hand-written Keras (Sequential, plain
``compile()``, ``model.fit`` on arrays) and, when PyTorch is installed, the notes' PyTorch
loop (seed 000's ``NeuralNet`` with a ``DataLoader``) train the same data in turn. Each
way trains four epochs in one call; the rate is that of the median of the last three
(the first holds the one-off costs of every way alike: tracing, XLA compiling, set-up);
the zoo compiles as `zoo.fit` does a long run (with XLA where that pays).

That steady-state rate is throughput, not what a user waits for. `whole_calls` times
what a user (and every tuning trial) does: a fresh model built and compiled, then one
``fit(x, y, epochs=E, validation_split=0.1)`` call, every epoch and one-off cost included,
and the time until its first epoch ended, for the hand-written model through
``model.fit``, the zoo's model through ``model.fit`` and the zoo's model through `zoo.fit`,
interleaved in each repeat.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from zoo.utils.lazy import keras


@dataclass(frozen=True)
class Workload:
    """One benchmark case: a registered model, its input and targets, and the batch size."""

    name: str
    architecture: str
    input_shape: tuple[int, ...]
    batch_size: int
    samples: int
    target: str  # "classes:K", "sequence" (one value per timestep)
    # Multiply-accumulates per sample of the forward pass, where it is simple to count (dense, conv).
    macs: int | None = None


WORKLOADS = (
    # MNIST's 60,000 training images per epoch, as in the notes.
    Workload("mnist_mlp b32", "mnist_mlp", (28, 28), 32, 60_000, "classes:10", 784 * 128 + 128 * 10),
    Workload("mnist_mlp b256", "mnist_mlp", (28, 28), 256, 60_000, "classes:10", 784 * 128 + 128 * 10),
    # Convolutions 26*26*32*9 + 11*11*64*32*9, then dense 1600*128 + 128*10.
    Workload("cnn b32", "cnn", (28, 28, 1), 32, 4_000, "classes:10", 2_631_040),
    Workload("cnn b128", "cnn", (28, 28, 1), 128, 6_000, "classes:10", 2_631_040),
    Workload("simple_rnn b32", "simple_rnn", (20, 1), 32, 4_000, "sequence"),
    Workload("lstm b32", "lstm", (100, 10), 32, 2_000, "classes:5"),
)


def select(workloads: tuple[Workload, ...], names: list[str]) -> tuple[Workload, ...]:
    """The workloads whose name or architecture is one of `names` (``--only``).

    Raises:
        ValueError: If a name matches no workload.
    """
    known = {w.name for w in workloads} | {w.architecture for w in workloads}
    unknown = [name for name in names if name not in known]
    if unknown or not names:
        raise ValueError(f"`only` must name workloads or architectures among {sorted(known)}. "
                         f"Received: only={','.join(names)!r}")
    return tuple(w for w in workloads if w.name in names or w.architecture in names)


def data_for(workload: Workload, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Random inputs and targets of the workload's shapes."""
    rng = np.random.default_rng(seed)
    x = rng.random((workload.samples, *workload.input_shape)).astype("float32")
    if workload.target == "sequence":
        return x, rng.normal(size=(workload.samples, workload.input_shape[0], 1)).astype("float32")
    return x, rng.integers(0, int(workload.target.split(":")[1]), workload.samples)


def handwritten(architecture: str) -> Any:
    """The notes' model as a Keras user writes it: Sequential and a plain ``compile()``."""
    layers = keras.layers
    classify = "sparse_categorical_crossentropy"
    stacks = {
        "mnist_mlp": ([keras.Input((28, 28)), layers.Flatten(), layers.Dense(128, activation="relu"),
                       layers.Dense(10, activation="softmax")], classify),
        "cnn": ([keras.Input((28, 28, 1)), layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                 layers.Conv2D(64, 3, activation="relu"), layers.MaxPooling2D(2), layers.Flatten(),
                 layers.Dense(128, activation="relu"), layers.Dense(10, activation="softmax")], classify),
        "simple_rnn": ([keras.Input((20, 1)), layers.SimpleRNN(32, return_sequences=True), layers.Dense(1)],
                       "mean_squared_error"),
        "lstm": ([keras.Input((100, 10)), layers.LSTM(64, return_sequences=True), layers.LSTM(64),
                  layers.Dense(5, activation="softmax")], classify),
    }
    from zoo.utils.validation import check_choice

    stack, loss = stacks[check_choice("architecture", architecture, stacks)]
    model = keras.Sequential(stack)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"] if loss == classify else None)
    return model


def samples_per_second(train: Callable[[int], list[float]], samples: int, epochs: int = 3) -> float:
    """Steady-state training samples per second.

    ``train(1 + epochs)`` returns each epoch's seconds; the first (tracing, XLA compiling,
    pipeline set-up) is left out and the median of the rest is used, so a one-off stall
    (a late retrace) does not stand for the rate.
    """
    return samples / statistics.median(train(1 + epochs)[1:])


def _epoch_timer() -> Any:
    """A Keras callback whose ``seconds`` lists each epoch's duration in the last `fit`."""

    class EpochTimer(keras.callbacks.Callback):
        def on_train_begin(self, logs: Any = None) -> None:
            self.seconds: list[float] = []

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self.start = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self.seconds.append(time.perf_counter() - self.start)

    return EpochTimer()


def _keras_trainer(model: Any, fit: Callable[..., Any], workload: Workload, x: np.ndarray,
                   y: np.ndarray) -> Callable[[int], list[float]]:
    timer = _epoch_timer()

    def train(epochs: int) -> list[float]:
        fit(model, x, y, batch_size=workload.batch_size, epochs=epochs, verbose=0, callbacks=[timer])
        return timer.seconds

    return train


def zoo_trainer(workload: Workload, x: np.ndarray, y: np.ndarray) -> Callable[[int], list[float]]:
    """The zoo's way: the registered builder's model, trained through `zoo.fit` as in a long fit.

    A steady-state rate describes a long run, and `zoo.fit` compiles a long run with XLA
    where it pays (`zoo.runtime.compile.use_xla`); the short timing call gets that choice.
    """
    import functools

    from zoo import registry
    from zoo.runtime.compile import use_xla
    from zoo.training.pipeline import fit

    model = registry.build(workload.architecture, input_shape=workload.input_shape)
    long_run = use_xla(model, steps=10**9)
    return _keras_trainer(model, functools.partial(fit, jit_compile="auto" if long_run is None else long_run),
                          workload, x, y)


def handwritten_trainer(workload: Workload, x: np.ndarray, y: np.ndarray) -> Callable[[int], list[float]]:
    """The notes' way: `handwritten`'s model and ``model.fit`` on the arrays."""
    return _keras_trainer(handwritten(workload.architecture), keras.Model.fit, workload, x, y)


def torch_trainer(workload: Workload, x: np.ndarray, y: np.ndarray) -> Callable[[int], list[float]] | None:
    """The notes' PyTorch loop (seed 000: ``NeuralNet``, a shuffling ``DataLoader``, Adam,
    ``CrossEntropyLoss``); the CNN as the same loop around the Keras CNN's layers.

    Returns:
        None without torch or for the recurrent workloads, which the notes never write in PyTorch.
    """
    try:
        import torch
        from torch import nn
    except ImportError:
        return None
    if workload.architecture not in ("mnist_mlp", "cnn"):
        return None
    torch.manual_seed(0)
    if workload.architecture == "mnist_mlp":
        class NeuralNet(nn.Module):  # seed 000, softmax before CrossEntropyLoss included
            def __init__(self) -> None:
                super().__init__()
                self.fc1, self.fc2 = nn.Linear(28 * 28, 128), nn.Linear(128, 10)

            def forward(self, inputs: Any) -> Any:
                return torch.softmax(self.fc2(torch.relu(self.fc1(inputs.view(-1, 28 * 28)))), dim=1)

        net, images = NeuralNet(), torch.from_numpy(x)
    else:
        net = nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(),
                            nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
        images = torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))  # NCHW
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(images, torch.from_numpy(y.astype("int64"))),
                                         batch_size=workload.batch_size, shuffle=True)
    optimizer, criterion = torch.optim.Adam(net.parameters(), lr=0.001), nn.CrossEntropyLoss()

    def train(epochs: int) -> list[float]:
        seconds = []
        for _ in range(epochs):
            start = time.perf_counter()
            for batch, labels in loader:
                optimizer.zero_grad()
                loss = criterion(net(batch), labels)
                loss.backward()
                optimizer.step()
            seconds.append(time.perf_counter() - start)
        return seconds

    return train


def matmul_gflops(size: int = 1024, repeats: int = 10) -> float:
    """The float32 matmul rate of this machine (numpy), best of `repeats`, in GFLOP/s."""
    a = np.random.default_rng(0).random((size, size), dtype=np.float32)
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ a
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def build_seconds() -> dict[str, float]:
    """Seconds to build and compile each registered model with its offline defaults."""
    from zoo import registry

    times = {}
    for name in registry.list_models():
        entry = registry.get_entry(name)
        start = time.perf_counter()
        registry.build(name, **entry.offline)
        times[name] = time.perf_counter() - start
    return times


# (workload, epochs, samples) of the whole-call table: the notes' fits and a one-epoch fit, on
# MNIST-sized data as a user fits it (60,000 images for the MLP; 20,000 for the CNN, as in
# issue #20's table, and for SimpleRNN), the LSTM on the steady-state set (its epochs are the
# slowest), and SimpleRNN on a small set too, where the first epoch's trace is most of the call.
WHOLE_CALLS = (("mnist_mlp b32", 5, 60_000), ("mnist_mlp b256", 5, 60_000), ("mnist_mlp b32", 1, 60_000),
               ("cnn b32", 2, 20_000), ("cnn b128", 2, 20_000), ("simple_rnn b32", 3, 20_000),
               ("simple_rnn b32", 3, 4_000), ("lstm b32", 2, 2_000))
WAYS = ("handwritten", "zoo_model_fit", "zoo_fit")


def whole_call(workload: Workload, x: np.ndarray, y: np.ndarray, way: str, epochs: int) -> tuple[float, float]:
    """Seconds of build + compile + one ``fit(..., validation_split=0.1)`` call, and until its first epoch ended.

    Args:
        workload: The case.
        x, y: Its data.
        way: "handwritten" (the notes' model, ``model.fit``), "zoo_model_fit" (the
            registered builder's model, ``model.fit``) or "zoo_fit" (that model, `zoo.fit`).
        epochs: Epochs of the call.
    """
    from zoo import registry
    from zoo.training.pipeline import fit as zoo_fit

    class FirstEpoch(keras.callbacks.Callback):
        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            if epoch == 0:
                self.end = time.perf_counter()

    first = FirstEpoch()
    start = time.perf_counter()
    if way == "handwritten":
        model, fit = handwritten(workload.architecture), keras.Model.fit
    else:
        model = registry.build(workload.architecture, input_shape=workload.input_shape)
        fit = keras.Model.fit if way == "zoo_model_fit" else zoo_fit
    fit(model, x, y, batch_size=workload.batch_size, epochs=epochs, validation_split=0.1, verbose=0,
        callbacks=[first])
    return time.perf_counter() - start, first.end - start


def whole_calls(cases: tuple[tuple[Workload, int], ...], *, repeats: int = 3,
                progress: Callable[[str], None] = print) -> list[dict[str, Any]]:
    """Times `whole_call` for every way on each (workload, epochs) case; medians over `repeats`.

    Returns:
        One row per case: ``{"workload", "epochs", "samples", "<way>_s", "<way>_first_s", "<way>_runs",
        "<way>_vs_handwritten"}``.
    """
    rows = []
    for workload, epochs in cases:
        x, y = data_for(workload)
        runs: dict[str, list[tuple[float, float]]] = {way: [] for way in WAYS}
        for _ in range(repeats):
            for way in WAYS:  # interleaved: drift on the machine hits every way alike
                runs[way].append(whole_call(workload, x, y, way, epochs))
        row: dict[str, Any] = {"workload": workload.name, "epochs": epochs, "samples": len(x)}
        for way in WAYS:
            row[f"{way}_s"] = statistics.median(t for t, _ in runs[way])
            row[f"{way}_first_s"] = statistics.median(f for _, f in runs[way])
            row[f"{way}_runs"] = [round(t, 3) for t, _ in runs[way]]  # every repeat, to judge the spread
        for way in WAYS[1:]:
            row[f"{way}_vs_handwritten"] = row["handwritten_s"] / row[f"{way}_s"]
        rows.append(row)
        progress(f"[bench] whole call {workload.name}, {epochs} epoch(s): hand-written {row['handwritten_s']:.1f}s, "
                 f"zoo model.fit {row['zoo_model_fit_s']:.1f}s ({row['zoo_model_fit_vs_handwritten']:.2f}x), "
                 f"zoo.fit {row['zoo_fit_s']:.1f}s ({row['zoo_fit_vs_handwritten']:.2f}x)")
    return rows


def run(workloads: tuple[Workload, ...] = WORKLOADS, *, repeats: int = 3, progress: Callable[[str], None] = print,
        builds: bool = True, whole: bool = True, steady: bool = True) -> dict[str, Any]:
    """Benchmarks `workloads` on the current Keras backend.

    Each repeat trains the zoo model and the hand-written one in turn (so drift on the
    machine hits both alike); the medians are reported.

    Args:
        workloads: The cases to run.
        repeats: Models built and timed per side.
        progress: Called with one line per finished case.
        builds: Also time build+compile of every registered model.
        whole: Also time whole calls (`whole_calls`) of the `WHOLE_CALLS` cases among `workloads`.
        steady: Time the steady-state rates (False: whole calls and builds only).

    Returns:
        ``{"backend", "matmul_gflops", "workloads": [...], "whole_calls": [...], "build_seconds": {...}}``.
    """
    from zoo.utils.validation import check_int

    repeats = check_int("repeats", repeats, minimum=1)
    if not workloads or not all(isinstance(w, Workload) for w in workloads):
        raise TypeError(f"`workloads` must be a non-empty tuple of benchmark.Workload. Received: workloads={workloads!r}")
    backend = keras.backend.backend()
    peak = matmul_gflops()
    rows = []
    for w in workloads if steady else ():
        x, y = data_for(w)
        zoo_rates, hand_rates, torch_rates = [], [], []
        for _ in range(repeats):
            zoo_rates.append(samples_per_second(zoo_trainer(w, x, y), len(x)))
            hand_rates.append(samples_per_second(handwritten_trainer(w, x, y), len(x)))
            torch_train = torch_trainer(w, x, y)
            if torch_train is not None:
                torch_rates.append(samples_per_second(torch_train, len(x)))
        row = {"workload": w.name, "backend": backend, "zoo": statistics.median(zoo_rates),
               "handwritten": statistics.median(hand_rates),
               "torch": statistics.median(torch_rates) if torch_rates else None,
               "zoo_runs": zoo_rates, "handwritten_runs": hand_rates}
        row["zoo_vs_handwritten"] = row["zoo"] / row["handwritten"]
        row["zoo_vs_torch"] = row["zoo"] / row["torch"] if row["torch"] else None
        # Training is about 3x the forward pass: forward, and two matmuls per layer backward.
        row["gflops"] = row["zoo"] * 6 * w.macs / 1e9 if w.macs else None
        row["of_matmul"] = row["gflops"] / peak if row["gflops"] else None
        rows.append(row)
        progress(f"[bench] {backend} {w.name}: zoo {row['zoo']:,.0f}/s, hand-written {row['handwritten']:,.0f}/s, "
                 f"ratio {row['zoo_vs_handwritten']:.2f}")
    by_name = {w.name: w for w in workloads}
    cases = tuple((dataclasses.replace(by_name[name], samples=samples), epochs)
                  for name, epochs, samples in WHOLE_CALLS if name in by_name) if whole else ()
    return {"backend": backend, "matmul_gflops": peak, "workloads": rows,
            "whole_calls": whole_calls(cases, repeats=repeats, progress=progress),
            "build_seconds": build_seconds() if builds else {}}


def markdown(results: list[dict[str, Any]], machine: str) -> str:
    """The README table of one or more backends' `run` results."""
    def fmt(value: Any, spec: str) -> str:
        return "-" if value is None else format(value, spec)

    lines = [f"Machine: {machine}."]
    if any(result["workloads"] for result in results):
        lines += ["", "| backend | workload | zoo samples/s | hand-written Keras samples/s | zoo / hand-written | "
                  "PyTorch seed loop samples/s | zoo / PyTorch | GFLOP/s (share of matmul) |",
                  "|---|---|---|---|---|---|---|---|"]
    for result in results:
        for r in result["workloads"]:
            share = "-" if r["gflops"] is None else f"{r['gflops']:.0f} ({r['of_matmul']:.0%})"
            lines.append(f"| {r['backend']} | {r['workload']} | {r['zoo']:,.0f} | {r['handwritten']:,.0f} | "
                         f"{r['zoo_vs_handwritten']:.2f} | {fmt(r['torch'], ',.0f')} | "
                         f"{fmt(r['zoo_vs_torch'], '.2f')} | {share} |")
    calls = [(result["backend"], r) for result in results for r in result.get("whole_calls", [])]
    if calls:
        lines += ["", "Whole calls, what a user waits for: a fresh model built and compiled, then one "
                  "`fit(x, y, epochs=E, validation_split=0.1)` (seconds, median; in brackets the speed-up "
                  "over hand-written Keras; the first epoch's end after the start in the last columns):", "",
                  "| backend | workload | epochs | hand-written s | zoo `model.fit` s | `zoo.fit` s | "
                  "first epoch: hand-written / zoo `model.fit` / `zoo.fit` s |", "|---|---|---|---|---|---|---|"]
        lines += [f"| {backend} | {r['workload']} ({r['samples']:,} samples) | {r['epochs']} | "
                  f"{r['handwritten_s']:.1f} | {r['zoo_model_fit_s']:.1f} ({r['zoo_model_fit_vs_handwritten']:.2f}x) | {r['zoo_fit_s']:.1f} "
                  f"({r['zoo_fit_vs_handwritten']:.2f}x) | {r['handwritten_first_s']:.1f} / "
                  f"{r['zoo_model_fit_first_s']:.1f} / {r['zoo_fit_first_s']:.1f} |" for backend, r in calls]
    lines += ["", "float32 matmul (numpy, same run): " + ", ".join(
        f"{r['backend']} run {r['matmul_gflops']:.0f} GFLOP/s" for r in results)]
    timed = [result for result in results if result["build_seconds"]]
    if timed:
        names = list(timed[0]["build_seconds"])
        lines += ["", "| backend | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
        lines += [f"| {r['backend']} build+compile s | " + " | ".join(f"{r['build_seconds'][n]:.2f}" for n in names)
                  + " |" for r in timed]
    return "\n".join(lines) + "\n"
