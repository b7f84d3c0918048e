"""The zoo's own serialisable layers and models.

Importing this module registers them with Keras, so saved models load back with plain
`keras.saving.load_model` (safe mode, no ``custom_objects``). Every builder that uses them
imports this module; in a fresh process call `zoo.load_model` or ``import zoo.models.layers`` first.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="zoo")
class Heaviside(keras.layers.Layer):
    """The step function of seed 001: 1 where ``z >= 0``, else 0.

    It has no gradient; models with this output learn by the perceptron rule or not at all.
    """

    def call(self, inputs: Any) -> Any:
        return ops.cast(ops.greater_equal(inputs, 0), self.compute_dtype)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape


def _sum_over_replicas(*values: Any) -> Any:
    """Adds up per-replica updates under a multi-replica `tf.distribute` strategy, so every
    replica applies the whole global batch's correction and the weights stay mirrored."""
    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        context = tf.distribute.get_replica_context()
        if context is not None and context.num_replicas_in_sync > 1:
            return context.all_reduce(tf.distribute.ReduceOp.SUM, list(values))
    return values


@keras.saving.register_keras_serializable(package="zoo")
class Perceptron(keras.Model):
    """Rosenblatt's perceptron: a weighted sum through a Heaviside step.

    `fit` applies the perceptron learning rule of seed 001 instead of gradient descent:
    a positive sample predicted 0 adds ``x`` to the weights (``w += x``), a negative
    sample predicted 1 subtracts it (``w -= x``); the bias moves the same way, as the
    weight of a constant input 1. With ``batch_size=1`` this is the textbook online rule;
    larger batches add up the corrections of the batch. Training runs on the TensorFlow
    and PyTorch backends (JAX's stateless `train_step` is not implemented).

    Args:
        input_dim: Number of input features.
        learning_rate: Step size of the rule (1 in the notes).
        **kwargs: Passed to `keras.Model` (``name``, ``dtype``, ...).
    """

    def __init__(self, input_dim: int, learning_rate: float = 1.0, **kwargs: Any) -> None:
        # Built through the functional API, so the model has input/output shapes, a full
        # summary and a real diagram, while `train_step` below keeps the learning rule.
        inputs = keras.Input(shape=(int(input_dim),), name="input")
        weighted_sum = keras.layers.Dense(1, kernel_initializer="zeros", bias_initializer="zeros",
                                          name="weighted_sum")
        outputs = Heaviside(name="step")(weighted_sum(inputs))
        super().__init__(inputs=inputs, outputs=outputs, **kwargs)
        self.input_dim = int(input_dim)
        self.learning_rate = float(learning_rate)
        self.weighted_sum = weighted_sum

    def fit(self, *args: Any, **kwargs: Any) -> Any:
        # Refused before Keras starts its JAX training state, which would leave the model unusable.
        if keras.backend.backend() == "jax":
            raise self._jax_error()
        return super().fit(*args, **kwargs)

    @staticmethod
    def _jax_error() -> NotImplementedError:
        return NotImplementedError(
            "The perceptron rule trains on the TensorFlow and PyTorch backends; the JAX backend "
            f"needs a stateless train_step. Received: backend={keras.backend.backend()!r}"
        )

    def train_step(self, *args: Any) -> dict[str, Any]:
        if len(args) != 1:  # JAX calls train_step(state, data) and wants it stateless
            raise self._jax_error()
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(args[0])
        x = ops.cast(x, self.compute_dtype)
        y_pred = self(x)
        y = ops.reshape(ops.cast(y, y_pred.dtype), ops.shape(y_pred))
        # +1 for a missed positive (w += x), -1 for a false positive (w -= x), 0 when right.
        correction = self.learning_rate * (y - y_pred)
        delta_w, delta_b = _sum_over_replicas(ops.matmul(ops.transpose(x), correction), ops.sum(correction, axis=0))
        self.weighted_sum.kernel.assign_add(delta_w)
        self.weighted_sum.bias.assign_add(delta_b)
        loss = self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)
            else:
                metric.update_state(y, y_pred, sample_weight=sample_weight)
        return {m.name: m.result() for m in self.metrics}

    def get_config(self) -> dict[str, Any]:
        return {"input_dim": self.input_dim, "learning_rate": self.learning_rate, "name": self.name}

    @classmethod
    def from_config(cls, config: dict[str, Any], custom_objects: Any = None) -> "Perceptron":
        return cls(**config)


@keras.saving.register_keras_serializable(package="zoo")
class ImagePreprocessing(keras.layers.Layer):
    """An ImageNet base's own input preprocessing, as one serialisable layer.

    Maps images in `input_range` to 0-255, then applies
    `keras.applications.imagenet_utils.preprocess_input` with the base's mode:

    - "caffe": RGB to BGR, then the ImageNet mean pixel subtracted (VGG, ResNet v1);
    - "tf": scaled to [-1, 1] (MobileNet, ResNet v2, Inception, Xception, NASNet);
    - "torch": scaled to [0, 1], then the ImageNet mean and standard deviation (DenseNet);
    - "none": left at 0-255 (bases with their own Rescaling inside: EfficientNet,
      ConvNeXt, MobileNetV3).

    Args:
        mode: One of "caffe", "tf", "torch", "none".
        input_range: ``(low, high)`` of the images the model is fed.
        **kwargs: Passed to `keras.layers.Layer`.
    """

    def __init__(self, mode: str, input_range: tuple[float, float] = (0.0, 255.0), **kwargs: Any) -> None:
        from zoo.models.preprocessing import MODES, check_input_range
        from zoo.utils.validation import check_choice

        super().__init__(**kwargs)
        self.mode = check_choice("mode", mode, MODES)
        if input_range is None:
            raise ValueError("`input_range` must be (0, 1) or (0, 255) for a preprocessing layer. "
                             "Received: input_range=None")
        self.input_range = check_input_range(input_range)

    def call(self, inputs: Any) -> Any:
        low, high = self.input_range
        x = ops.cast(inputs, self.compute_dtype)
        # preprocess_input divides in place on some backends: never hand it the caller's tensor.
        x = (x - low) * (255.0 / (high - low)) if (low, high) != (0.0, 255.0) else ops.copy(x)
        if self.mode == "none":
            return x
        return keras.applications.imagenet_utils.preprocess_input(x, data_format="channels_last", mode=self.mode)

    def compute_output_shape(self, input_shape: Any) -> Any:
        return input_shape

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "mode": self.mode, "input_range": list(self.input_range)}


def _fused_lstm_kernel(sequences: Any, h0: Any, c0: Any, kernel: Any, recurrent_kernel: Any, bias: Any) -> tuple:
    """The LSTM over a whole ``(batch, time, features)`` sequence in TensorFlow's ``BlockLSTM`` op.

    Keras keeps the gates as i, f, c, o; ``BlockLSTM`` takes one ``[x, h]`` weight matrix
    with the gates as i, c, f, o. Its registered gradient flows back through the reordering
    to Keras's variables. ``forget_bias=0`` and no cell clip: Keras adds neither.

    An odd input width or number of units, with an odd batch, makes the kernel log a warning
    at every step ("BlockLSTMOp is inefficient"); both are padded to even. A zero feature
    with zero weights adds nothing, and a unit with zero weights, bias and state keeps a
    zero state and output (its gates see 0: ``c = 0.5 * 0 + 0.5 * tanh(0)``), so the real
    units compute exactly what they would alone.

    Returns:
        ``(h, c)``, each ``(time, batch, units)``.
    """
    import tensorflow as tf

    units = recurrent_kernel.shape[0]
    extra = units % 2

    def gates(tensor: Any, axis: int) -> Any:  # i, f, c, o -> i, c, f, o, each padded to even
        i, f, c, o = tf.split(tensor, 4, axis=axis)
        padding = [[0, 0]] * len(tensor.shape)
        padding[axis] = [0, extra]
        return tf.concat([tf.pad(gate, padding) for gate in (i, c, f, o)], axis=axis)

    if sequences.shape[-1] is not None and sequences.shape[-1] % 2:
        sequences = tf.pad(sequences, [[0, 0], [0, 0], [0, 1]])
        kernel = tf.pad(kernel, [[0, 1], [0, 0]])
    recurrent_kernel = tf.pad(recurrent_kernel, [[0, extra], [0, 0]])
    h0, c0 = (tf.pad(state, [[0, 0], [0, extra]]) for state in (h0, c0))
    weights = gates(tf.concat([kernel, recurrent_kernel], axis=0), axis=1)
    time_major = tf.transpose(sequences, [1, 0, 2])
    no_peephole = tf.zeros([units + extra], dtype=sequences.dtype)
    out = tf.raw_ops.BlockLSTM(
        seq_len_max=tf.cast(tf.shape(time_major)[0], tf.int64), x=time_major, cs_prev=c0, h_prev=h0, w=weights,
        wci=no_peephole, wcf=no_peephole, wco=no_peephole, b=gates(bias, axis=0), forget_bias=0.0, cell_clip=-1.0,
        use_peephole=False,
    )
    return out.h[..., :units], out.cs[..., :units]


@keras.saving.register_keras_serializable(package="zoo")
class LSTM(keras.layers.LSTM):
    """`keras.layers.LSTM` that trains through TensorFlow's fused LSTM kernel on a CPU.

    Keras trains an LSTM on a CPU as a ``tf.while_loop`` of small ops per timestep, and
    its gradient as a second loop; its one fused kernel (cuDNN) is for GPUs. On the
    TensorFlow backend without a GPU this layer runs the training pass over the whole
    sequence in TensorFlow's ``BlockLSTM`` op and its registered gradient, the way Keras
    itself switches to cuDNN where it can. Everything else is Keras's LSTM: the weights,
    the config, the layer name in summaries and diagrams, and the inference graph
    (``training=False``: evaluation, prediction, SavedModel and ONNX export), so exported
    models hold only standard ops.

    The fused pass runs when the layer keeps Keras's cuDNN conditions (``tanh`` and
    ``sigmoid``, a bias, no unrolling, no dropout, forwards) with float32 weights,
    ``use_cudnn="auto"`` and no mask in the call; otherwise Keras's loop runs. Outputs and
    gradients equal Keras's within float32 round-off (tested). On 2 CPU cores the notes'
    LSTM (100 steps, 2 x 64 units, batch 32) trains about 2x faster per epoch and its
    first epoch traces about 1 s sooner (``scripts/bench.py``).

    Like Keras's cuDNN path, the fused pass has limits: XLA cannot compile ``BlockLSTM``
    (so such a layer reports ``supports_jit = False``, and Keras's trainer runs it without
    XLA, as fast as Keras's loop with XLA), and TensorFlow has no second-order gradient
    for it. For XLA in your own ``tf.function(jit_compile=True)`` or a gradient of a
    gradient, pass ``use_cudnn=False``: Keras's loop everywhere.

    Args:
        *args, **kwargs: As for `keras.layers.LSTM`.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self._fusable():
            self.supports_jit = False

    def _fusable(self) -> bool:
        if keras.backend.backend() != "tensorflow":
            return False
        import tensorflow as tf

        cell = self.cell
        return (self.use_cudnn == "auto" and not self.unroll and not self.go_backwards
                and not cell.dropout and not cell.recurrent_dropout and cell.use_bias
                and cell.activation in (keras.activations.tanh, tf.tanh)
                and cell.recurrent_activation in (keras.activations.sigmoid, tf.sigmoid)
                and self.dtype_policy.variable_dtype == "float32" and self.compute_dtype == "float32"
                and not tf.config.list_logical_devices("GPU"))

    def inner_loop(self, sequences: Any, initial_state: Any, mask: Any, training: bool = False) -> Any:
        if not training or mask is not None or not self._fusable():
            return super().inner_loop(sequences, initial_state, mask, training=training)
        cell = self.cell
        h, c = _fused_lstm_kernel(sequences, initial_state[0], initial_state[1], cell.kernel.value,
                                  cell.recurrent_kernel.value, cell.bias.value)
        last_h, last_c = h[-1], c[-1]
        # Keras's loop returns the whole sequence only when it is asked for, else the last step as one.
        outputs = ops.transpose(h, (1, 0, 2)) if self.return_sequences else ops.expand_dims(last_h, 1)
        return last_h, outputs, [last_h, last_c]
