"""The compile settings the zoo trains with: chosen by measurement (``scripts/bench.py``).

On 2 CPU cores with TF 2.21, fed by `zoo.training.pipeline` (samples/s, median of 3):

| model, batch | plain | 32 steps per call | 32 steps + XLA |
|---|---|---|---|
| MNIST MLP, 32 | 21-23k | 57k | 94k |
| MNIST MLP, 256 | | 241k | 265k |
| CNN, 32 | 5.6-6.2k | 8.7k | 3.9k |
| SimpleRNN, 32 | | 25k | 50k |
| LSTM, 32 | | 1.3k | 1.9k |

So: 32 steps per `tf.function` call everywhere, and XLA (``jit_compile``) on CPU except
for models with convolutions, which XLA's CPU backend runs 2-3x slower. Results do not
change: the same `train_step` runs, only fewer times from Python and fused by XLA (the
per-epoch loss is tested against a plain ``compile()``). Callbacks still get correct
epoch logs; batch-level hooks run once per 32 steps. Under a strategy with several
replicas the zoo compiles with one step per call (see `compile_defaults`).
"""

from __future__ import annotations

from typing import Any

STEPS_PER_EXECUTION = {"tensorflow": 32, "jax": 32}


def compile_defaults(model: Any = None) -> dict[str, Any]:
    """Keyword arguments the zoo adds to ``model.compile`` on the current backend and devices.

    Called inside the builder's strategy scope, so it sees the replicas in force.

    Args:
        model: The model about to be compiled (its layers decide XLA on a TF CPU), or None
            for Keras's own choice.
    """
    import keras

    backend = keras.backend.backend()
    settings: dict[str, Any] = {"steps_per_execution": STEPS_PER_EXECUTION.get(backend, 1)}
    if backend == "tensorflow":
        import tensorflow as tf

        # Keras's "auto" turns XLA off on a CPU-only machine and under tf.distribute; the
        # zoo turns it on for a CPU where it measured faster (no convolutions, no strategy).
        on_cpu = not tf.config.list_logical_devices("GPU")
        settings["jit_compile"] = "auto"
        if on_cpu and model is not None and not tf.distribute.has_strategy():
            settings["jit_compile"] = _xla_is_faster_on_cpu(model)
        # Keras's multi-step loop fails under several replicas ("You must feed a value for
        # placeholder tensor" in multi_step_on_iterator, MirroredStrategy, Keras 3.15): one step there.
        if tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1:
            settings["steps_per_execution"] = 1
    return settings


def _xla_is_faster_on_cpu(model: Any) -> bool:
    import keras

    convolutions = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D, keras.layers.DepthwiseConv2D,
                    keras.layers.SeparableConv2D, keras.layers.Conv2DTranspose)
    layers = list(model._flatten_layers())
    return all(layer.supports_jit for layer in layers) and not any(isinstance(layer, convolutions) for layer in layers)
