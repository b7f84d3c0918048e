"""The compile settings the zoo trains with: chosen by measurement (``scripts/bench.py``).

On 2 CPU cores with TF 2.21, fed by `zoo.training.pipeline` (samples/s, median of 3):

| model, batch | plain | 32 steps per call | 32 steps + XLA |
|---|---|---|---|
| MNIST MLP, 32 | 21-23k | 57k | 94k |
| MNIST MLP, 256 | | 241k | 265k |
| CNN, 32 | 5.6-6.2k | 8.7k | 3.9k |
| SimpleRNN, 32 (Keras's loop) | | 25k | 50k |
| LSTM, 32 (Keras's loop) | | 1.3k | 1.9k |

The recurrent builders now avoid most of that loop: the zoo's LSTM trains through
TensorFlow's fused kernel (`zoo.models.layers.LSTM`: as fast without XLA as Keras's loop
with it, so it never asks for XLA), and a short SimpleRNN is unrolled (``unroll="auto"``).

So: 32 steps per `tf.function` call everywhere. XLA is a bet per `fit` call, not a model
property: on a CPU its compile costs 1-1.3 s for an MLP and about 2 s for a recurrent model
(once per batch shape), and it saves 0.4 ms per step on the MLP (batch 32 or 256), 0.8 ms on
SimpleRNN, 6 ms on the LSTM (whole `fit` calls, ``scripts/bench.py``). A 1-epoch MNIST fit at
batch 32 (1,688 steps) lost a second to it, a 5-epoch one (8,440 steps) gained two. So the
builders compile without XLA on a CPU (Keras's own choice there) and `zoo.fit` turns it on
for a call of at least `XLA_MIN_STEPS` steps on a model without convolutions, which XLA's
CPU backend runs 2-3x slower (`use_xla`). Results do not change: the same `train_step`
runs, only fewer times from Python and fused by XLA (the per-epoch loss is tested against
a plain ``compile()``). Callbacks still get correct epoch logs; batch-level hooks run once
per 32 steps. Under a strategy with several replicas the zoo compiles with one step per
call (see `compile_defaults`).
"""

from __future__ import annotations

import weakref
from typing import Any

from zoo.utils.validation import check_int, invalid_type

STEPS_PER_EXECUTION = {"tensorflow": 32, "jax": 32}
# Training steps in one fit call from which XLA's compile pays for itself on a CPU (MLP
# break-even, measured: about 3,000 steps; SimpleRNN about 2,500, unrolled or not).
XLA_MIN_STEPS = 3000
# Models a builder compiled, with the compile that did it: their XLA setting is the zoo's to
# choose per fit until someone compiles them again.
_COMPILED_BY_ZOO: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def compile_defaults() -> dict[str, Any]:
    """Keyword arguments the zoo adds to ``model.compile`` on the current backend and devices.

    Called inside the builder's strategy scope, so it sees the replicas in force.
    """
    import keras

    backend = keras.backend.backend()
    settings: dict[str, Any] = {"steps_per_execution": STEPS_PER_EXECUTION.get(backend, 1)}
    if backend == "tensorflow":
        import tensorflow as tf

        # Keras's "auto" turns XLA off on a CPU-only machine and under tf.distribute, and
        # on for a GPU; on a CPU `zoo.fit` turns it on per call where it pays (`use_xla`).
        settings["jit_compile"] = "auto"
        # Keras's multi-step loop fails under several replicas ("You must feed a value for
        # placeholder tensor" in multi_step_on_iterator, MirroredStrategy, Keras 3.15): one step there.
        if tf.distribute.has_strategy() and tf.distribute.get_strategy().num_replicas_in_sync > 1:
            settings["steps_per_execution"] = 1
    return settings


def compile_model(model: Any, **kwargs: Any) -> None:
    """``model.compile(**kwargs)`` with `compile_defaults`; `zoo.fit` then chooses its XLA per call.

    Args:
        model: A built, uncompiled Keras model (inside the builder's strategy scope).
        **kwargs: ``optimizer``, ``loss``, ``metrics``... as for ``model.compile``.

    Raises:
        TypeError: If `model` is not a `keras.Model`.
    """
    _check_model(model)
    model.compile(**kwargs, **compile_defaults())
    _COMPILED_BY_ZOO[model] = model._compile_config


def use_xla(model: Any, steps: int) -> bool | None:
    """Whether a fit of `steps` training steps should compile `model` with XLA, or None to leave it.

    Decided on a TensorFlow CPU only (a GPU keeps Keras's "auto", JAX always compiles),
    for a model a builder compiled (`compile_model`; a model you compiled yourself keeps
    your setting): XLA when the call runs at least `XLA_MIN_STEPS` steps and no layer is
    a convolution or refuses XLA, and never under a `tf.distribute` strategy.

    Args:
        model: The compiled model about to be fitted.
        steps: Training steps of the call (batches per epoch times epochs).

    Returns:
        True or False to set ``model.jit_compile`` to, or None to leave it as it is.

    Raises:
        TypeError: If `model` is not a `keras.Model` or `steps` not an integer.
        ValueError: If `steps` is negative.
    """
    import keras

    _check_model(model)
    check_int("steps", steps, minimum=0)
    if keras.backend.backend() != "tensorflow":
        return None
    import tensorflow as tf

    if tf.config.list_logical_devices("GPU"):
        return None
    if model not in _COMPILED_BY_ZOO or _COMPILED_BY_ZOO[model] is not getattr(model, "_compile_config", None):
        return None
    if tf.distribute.has_strategy() or getattr(model, "_distribute_strategy", None) is not None:
        return False
    return steps >= XLA_MIN_STEPS and _xla_is_faster_on_cpu(model)


def _check_model(model: Any) -> None:
    import keras

    if not isinstance(model, keras.Model):
        raise invalid_type("model", "a keras.Model", model)


def _xla_is_faster_on_cpu(model: Any) -> bool:
    import keras
    from keras.src.trainers.trainer import model_supports_jit  # Keras's own refusals (e.g. op determinism)

    if not model_supports_jit(model):
        return False

    convolutions = (keras.layers.Conv1D, keras.layers.Conv2D, keras.layers.Conv3D, keras.layers.DepthwiseConv2D,
                    keras.layers.SeparableConv2D, keras.layers.Conv2DTranspose)
    return not any(isinstance(layer, convolutions) for layer in model._flatten_layers())
