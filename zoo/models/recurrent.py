"""Recurrent networks: one trunk (stacked recurrent layers + head), SimpleRNN and LSTM variants."""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from zoo.models._base import check_common, finish, head_output, shared_args
from zoo.models.heads import resolve_head
from zoo.models.initializers import HIDDEN_ACTIVATIONS, initializer_for
from zoo.registry import register
from zoo.runtime import distribute
from zoo.utils.lazy import keras
from zoo.utils.validation import (
    check_auto_bool,
    check_bool,
    check_choice,
    check_int,
    check_per_layer,
    check_shape,
)


@dataclass(frozen=True)
class _Cell:
    """A cell type's layer (imported at build: `import zoo` stays light) and its "auto" unrolling."""

    module: str
    layer: str
    # Unroll sequences of at most this many timesteps on TensorFlow with unroll="auto"; 0 never.
    unroll_up_to: int


# SimpleRNN: unrolled up to 32 timesteps, where the unrolled graph both traces faster and trains
# faster than Keras's while loop (2 CPU cores, TF, batch 32, 32 units: 20 steps first epoch 0.79 s
# against 0.87 s, later epochs 0.12 s against 0.20 s; 50 steps: first epoch 0.23 s slower).
# The LSTM: the zoo's layer, which trains through TensorFlow's fused kernel on a CPU (faster
# than unrolling, which would turn that kernel off).
_CELLS = {"simple_rnn": _Cell("keras.layers", "SimpleRNN", 32), "lstm": _Cell("zoo.models.layers", "LSTM", 0)}
# What the registry knows of every recurrent variant.
_SEQUENCE_MODEL = {"family": "recurrent", "input_kind": "sequence", "sequence_output": True}
# The argument texts every recurrent variant shares (with `SHARED_ARGS`).
_RECURRENT_ARGS = {
    "input_shape": "``(timesteps, features)``.",
    "recurrent_layers": "Number of stacked recurrent layers.",
    "units": "Units per layer: an int or one per layer.",
    "return_sequences": "True for an output at every timestep (the last layer passes whole sequences to the "
                        "head); False for one per sequence.",
    "activation": "The cell activation (tanh in the notes); the input kernels' initialiser follows it.",
    "dropout": "Dropout rate on each layer's inputs; 0 for none.",
    "unroll": 'Unroll the time loop (Keras\'s ``unroll``): True, False or "auto" (on TensorFlow, SimpleRNN '
              "sequences of up to 32 timesteps, where it both traces and trains faster; never the LSTM, "
              "whose fused CPU kernel is faster).",
}


def recurrent_network(
    cell: str,
    input_shape: Any,
    *,
    task: Any, outputs: Any, bounds: Any, outliers: Any, recurrent_layers: Any, units: Any, return_sequences: Any,
    activation: Any, dropout: Any, optimizer: Any, learning_rate: Any, label_format: Any, compile: Any,
    strategy: Any, seed: Any, name: Any, unroll: Any, default_classes: int | None = None,
) -> Any:
    """The recurrent trunk: ``{cell}_1..n`` layers, then the head.

    Layers between recurrent layers always pass whole sequences; the last one passes
    sequences when `return_sequences` (a head per timestep) or its final state.
    """
    check_choice("cell", cell, _CELLS)
    input_shape = check_shape("input_shape", input_shape, ndims=(2,))
    head = resolve_head(task, outputs, default_classes=default_classes, label_format=label_format,
                        bounds=bounds, outliers=outliers)
    recurrent_layers = check_int("recurrent_layers", recurrent_layers, minimum=1)
    widths = check_per_layer("units", units, recurrent_layers)
    check_bool("return_sequences", return_sequences)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    check_auto_bool("unroll", unroll)
    name, seeds = check_common(optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                               seed=seed, name=name, default_name=cell, dropout=dropout)
    kind = _CELLS[cell]
    layer_cls = getattr(importlib.import_module(kind.module), kind.layer)
    if unroll == "auto":
        unroll = keras.backend.backend() == "tensorflow" and input_shape[0] <= kind.unroll_up_to
    with distribute.scope(strategy):
        inputs = keras.Input(shape=input_shape, name="input")
        x = inputs
        for i, width in enumerate(widths, start=1):
            x = layer_cls(
                width,
                activation=activation,
                return_sequences=return_sequences or i < len(widths),
                dropout=dropout,
                unroll=unroll,
                kernel_initializer=initializer_for(activation, seeds.next()),
                recurrent_initializer=keras.initializers.Orthogonal(seed=seeds.next()),
                seed=seeds.next(),
                name=f"{cell}_{i}",
            )(x)
        return finish(inputs, head_output(x, head, seeds), name=name, head=head,
                      optimizer=optimizer, learning_rate=learning_rate, compile=compile)


@register(**_SEQUENCE_MODEL, smoke={"input_shape": (6, 1), "units": 4}, params=1_121)
@shared_args(_RECURRENT_ARGS)
def simple_rnn(
    input_shape: Sequence[int] = (20, 1),
    *,
    task: Any = "regression", outputs: int | None = None, bounds: Any = None, outliers: bool | str = False,
    recurrent_layers: int = 1, units: int | Sequence[int] = 32, return_sequences: bool = True,
    activation: str = "tanh", dropout: float = 0.0, unroll: bool | str = "auto",
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """SimpleRNN network; the defaults are the notes' sine-wave model (seed 003).

    Input (20, 1), SimpleRNN 32 returning sequences, Dense 1 per timestep, Adam, MSE.

    Args:
        {shared_args}

    Returns:
        A `keras.Model` with layers ``input``, ``simple_rnn_1..n``, ``head``: an output per
        timestep, or with ``return_sequences=False`` one per sequence.
    """
    return recurrent_network(
        "simple_rnn", input_shape, task=task, outputs=outputs, bounds=bounds, outliers=outliers,
        recurrent_layers=recurrent_layers, units=units, return_sequences=return_sequences, activation=activation,
        dropout=dropout, unroll=unroll, optimizer=optimizer, learning_rate=learning_rate, label_format=label_format,
        compile=compile, strategy=strategy, seed=seed, name=name,
    )


@register(**_SEQUENCE_MODEL, smoke={"input_shape": (6, 3), "units": 4}, params=52_549)
@shared_args(_RECURRENT_ARGS)
def lstm(
    input_shape: Sequence[int] = (100, 10),
    *,
    task: Any = "multiclass", outputs: int | None = None, bounds: Any = None, outliers: bool | str = False,
    recurrent_layers: int = 2, units: int | Sequence[int] = 64, return_sequences: bool = False,
    activation: str = "tanh", dropout: float = 0.0, unroll: bool | str = "auto",
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """Stacked LSTM; the defaults are the notes' sequence classifier (seed 003).

    Input (100, 10), LSTM 64 (sequences), LSTM 64, Dense 5 softmax. The notes train it
    on one-hot labels: pass ``label_format="one_hot"`` for that; the default takes
    integer class ids.

    Args:
        outputs: Classes (None: the notes' 5 for multiclass), labels or targets.
        {shared_args}

    Returns:
        A `keras.Model` with layers ``input``, ``lstm_1..n``, ``head``.
    """
    return recurrent_network("lstm", input_shape, task=task, outputs=outputs, bounds=bounds, outliers=outliers,
                             recurrent_layers=recurrent_layers, units=units, return_sequences=return_sequences,
                             activation=activation, dropout=dropout, unroll=unroll, optimizer=optimizer,
                             learning_rate=learning_rate, label_format=label_format, compile=compile,
                             strategy=strategy, seed=seed, name=name, default_classes=5)
