"""How large and how fast a model is: forward FLOPs, training speed, prediction latency and throughput.

The tour's results table (``results.csv`` / ``results.json``) is built from these. The
columns follow timm's ``results-*.csv`` and ``benchmark-*.csv`` (``model``,
``param_count``, ``infer_samples_per_sec``, ``train_samples_per_sec``, ...) and
keras.io's applications table (parameters, time per inference step) where they overlap.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

from zoo.utils.validation import check_int, invalid_type

# timm's order: the model, its scores, its size, then the benchmark (inference, then training).
RESULT_COLUMNS = (
    "model",                  # timm: model
    "dataset",
    "metric",                 # the test score's metric (timm's top1 is accuracy on ImageNet)
    "test_score",             # timm: top1; keras.io: Top-1 Accuracy
    "baseline_score",         # a model ignoring its input, on the same test split
    "param_count",            # timm: param_count; keras.io: Parameters
    "input_shape",            # timm: img_size
    "infer_flops",            # timm: infer_gmacs (here FLOPs per sample, forward; 1 MAC = 2 FLOPs)
    "infer_latency_ms",       # keras.io: Time (ms) per inference step (CPU), at batch 1
    "infer_samples_per_sec",  # timm: infer_samples_per_sec, at batch 256
    "train_samples_per_sec",  # timm: train_samples_per_sec, on this machine
    "train_seconds",          # wall time of model.fit
)


def _check_model(model: Any) -> Any:
    import keras

    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model", model)
    return model


def forward_flops(model: Any) -> int | None:
    """Floating-point operations of one forward pass on one sample, counted by TensorFlow's profiler.

    The model's call is traced at batch 1 into a graph with its weights frozen as
    constants, and the profiler sums the float operations of every op (a multiply-add is
    two). The profiler does not look inside a recurrent layer's loop over time steps, so
    those layers' matrix products are added by formula (`recurrent_flops`). The count is
    None where the graph cannot be profiled.

    Args:
        model: A built `keras.Model` with one input.

    Returns:
        The count, or None.
    """
    _check_model(model)
    import tensorflow as tf
    from tensorflow.python.framework.convert_to_constants import convert_variables_to_constants_v2

    try:
        spec = tf.TensorSpec((1, *model.inputs[0].shape[1:]), model.inputs[0].dtype)
        concrete = tf.function(lambda x: model(x, training=False)).get_concrete_function(spec)
        graph = convert_variables_to_constants_v2(concrete).graph
        options = tf.compat.v1.profiler.ProfileOptionBuilder(
            tf.compat.v1.profiler.ProfileOptionBuilder.float_operation()).with_empty_output().build()
        from tensorflow.python.util import deprecation

        with deprecation.silence():  # the v1 profiler's own deprecation notice, once per process
            info = tf.compat.v1.profiler.profile(graph=graph, run_meta=tf.compat.v1.RunMetadata(), cmd="op",
                                                 options=options)
    except (ValueError, TypeError, AttributeError, tf.errors.OpError):
        return None
    return int(info.total_float_ops) + sum(recurrent_flops(layer) for layer in _layers(model))


def _layers(model: Any) -> list[Any]:
    found = []
    for layer in model.layers:
        found.extend(_layers(layer) if hasattr(layer, "layers") else [layer])
    return found


def recurrent_flops(layer: Any) -> int:
    """The matrix products of a SimpleRNN, GRU or LSTM layer over its time steps, per sample (0 for others).

    Per step and gate: ``2 * (features + units) * units`` (a multiply-add is two);
    SimpleRNN has one gate, GRU three, LSTM four.
    """
    import keras

    gates = {keras.layers.SimpleRNN: 1, keras.layers.GRU: 3, keras.layers.LSTM: 4}
    kind = next((n for cls, n in gates.items() if isinstance(layer, cls)), 0)
    if not kind:
        return 0
    steps, features = layer.input.shape[1], layer.input.shape[-1]
    return int(steps * kind * 2 * (features + layer.units) * layer.units)


def sample_inputs(model: Any, batch_size: int, *, seed: int = 0) -> np.ndarray:
    """Uniform [0, 1) inputs of the model's input shape (float32), for timing."""
    _check_model(model)
    batch_size = check_int("batch_size", batch_size, minimum=1)
    shape = (batch_size, *model.inputs[0].shape[1:])
    return np.random.default_rng(seed).random(shape, dtype="float32")


def predict_seconds(model: Any, batch_size: int, *, repeats: int = 20, warmup: int = 3) -> float:
    """Median wall time of one `predict_on_batch` step at `batch_size` (after `warmup` untimed steps).

    Args:
        model: A built `keras.Model`.
        batch_size: Samples per step (1 for latency, 256 for throughput).
        repeats: Timed steps.
        warmup: Untimed steps first (tracing, caches).

    Returns:
        Seconds per step.
    """
    x = sample_inputs(model, batch_size)
    repeats = check_int("repeats", repeats, minimum=1)
    for _ in range(check_int("warmup", warmup, minimum=0)):
        model.predict_on_batch(x)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        model.predict_on_batch(x)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def training_speed() -> Any:
    """A Keras callback that measures `fit`: ``seconds`` (wall time) and ``samples_per_second``.

    Samples per second count the training steps times the batch size (the last, partial
    batch of an epoch counts whole) over the time spent in training epochs, validation
    excluded.
    """
    import keras

    class TrainingSpeed(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.seconds, self.train_seconds, self.steps, self._batches = 0.0, 0.0, 0, 0
            self._fit = self._epoch = None

        def on_train_begin(self, logs: Any = None) -> None:
            self._fit = time.perf_counter()

        def on_epoch_begin(self, epoch: int, logs: Any = None) -> None:
            self._epoch = time.perf_counter()

        def on_train_batch_end(self, batch: int, logs: Any = None) -> None:
            self._batches += 1  # once per execution when steps_per_execution > 1

        def _close_epoch(self) -> None:
            if self._epoch is not None:
                self.train_seconds += time.perf_counter() - self._epoch
                self._epoch = None

        def on_test_begin(self, logs: Any = None) -> None:
            self._close_epoch()  # validation inside fit is not training

        def on_epoch_end(self, epoch: int, logs: Any = None) -> None:
            self._close_epoch()
            per_epoch = (self.params or {}).get("steps")
            self.steps += per_epoch if per_epoch else self._batches
            self._batches = 0

        def on_train_end(self, logs: Any = None) -> None:
            if self._fit is not None:
                self.seconds += time.perf_counter() - self._fit  # over every fit it was passed to

        def samples_per_second(self, batch_size: int) -> float | None:
            """Training samples per second, given the batch size `fit` was called with."""
            return self.steps * batch_size / self.train_seconds if self.train_seconds > 0 else None

    return TrainingSpeed()


def result_row(model: Any, *, name: str, dataset: str | None, metric: str | None = None,
               test_score: float | None = None, baseline_score: float | None = None,
               train_samples_per_sec: float | None = None, train_seconds: float | None = None,
               repeats: int = 20) -> dict[str, Any]:
    """One row of the results table (`RESULT_COLUMNS`), measuring the model's size and prediction speed here.

    Args:
        model: The trained `keras.Model`.
        name: The row's model name.
        dataset: What it was trained and scored on.
        metric: The test score's metric.
        test_score: The model's test score.
        baseline_score: The input-ignoring baseline's score on the same split.
        train_samples_per_sec: Measured during training (`training_speed`), if trained.
        train_seconds: Wall time of training, if trained.
        repeats: Timed prediction steps per batch size.

    Returns:
        ``{column: value}``; values not measured are None.
    """
    _check_model(model)
    latency = predict_seconds(model, 1, repeats=repeats)
    throughput = predict_seconds(model, 256, repeats=max(3, repeats // 4))
    return {
        "model": name, "dataset": dataset, "metric": metric,
        "test_score": rounded(test_score, 4), "baseline_score": rounded(baseline_score, 4),
        "param_count": int(model.count_params()),
        "input_shape": "x".join(str(d) for d in model.inputs[0].shape[1:]),
        "infer_flops": forward_flops(model),
        "infer_latency_ms": rounded(latency * 1000, 3),
        "infer_samples_per_sec": rounded(256 / throughput, 1),
        "train_samples_per_sec": rounded(train_samples_per_sec, 1),
        "train_seconds": rounded(train_seconds, 2),
    }


def rounded(value: float | None, digits: int) -> float | None:
    """`value` rounded to `digits` decimals, None kept."""
    return None if value is None else round(float(value), digits)
