"""The compile settings the zoo trains with: chosen by measurement (``scripts/bench.py``).

On 2 CPU cores with TF 2.21, running 32 steps per `tf.function` call
(``steps_per_execution=32``) trained the notes' MNIST MLP at batch 32 about 2x faster
than the plain ``compile()`` and the CNN about 1.3x; XLA (``jit_compile``) was no faster
on CPU, and slower for the MLP at one step per call. Results do not change: the same
`train_step` runs, only fewer times from Python (tested per epoch). Callbacks still
get correct epoch logs; batch-level hooks run once per 32 steps. Under a strategy with
several replicas the zoo compiles with one step per call (see `compile_defaults`).
"""

from __future__ import annotations

from typing import Any

STEPS_PER_EXECUTION = {"tensorflow": 32, "jax": 32}


def compile_defaults() -> dict[str, Any]:
    """Keyword arguments the zoo adds to ``model.compile`` on the current backend and devices.

    Called inside the builder's strategy scope, so it sees the replicas in force.
    """
    import keras

    backend = keras.backend.backend()
    settings: dict[str, Any] = {"steps_per_execution": STEPS_PER_EXECUTION.get(backend, 1)}
    if backend == "tensorflow":
        import tensorflow as tf

        settings["jit_compile"] = "auto" if tf.config.list_logical_devices("GPU") else False
        # Keras's multi-step loop fails under several replicas ("You must feed a value for
        # placeholder tensor" in multi_step_on_iterator, MirroredStrategy, Keras 3.15): one step there.
        if tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1:
            settings["steps_per_execution"] = 1
    return settings
