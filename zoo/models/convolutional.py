"""Convolutional networks: conv blocks (conv + pool), a dense layer and the task head."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from zoo.models import budget
from zoo.models._base import check_common, finish, head_output, shared_args
from zoo.models.dense import dense_stack
from zoo.models.heads import resolve_head
from zoo.models.initializers import HIDDEN_ACTIVATIONS, initializer_for
from zoo.registry import register
from zoo.runtime import distribute
from zoo.utils.lazy import keras
from zoo.utils.validation import (
    check_choice,
    check_int,
    check_int_tuple,
    check_shape,
    invalid_value,
)

PADDINGS = ("valid", "same")


def plan_blocks(size: tuple[int, int], blocks: int, kernel_size: int, pool_size: int, padding: str) -> list[bool]:
    """Follows the feature map through the blocks; says which blocks can pool.

    The small-map rule: a convolution must fit the map (else a clear error), and a
    block whose map is already smaller than `pool_size` skips its pooling instead of
    collapsing the map to zero. So the notes' 28x28 model also runs on 8x8 digits.

    Returns:
        One bool per block: whether that block pools.

    Raises:
        ValueError: If a convolution is larger than the map it would read.
    """
    height, width = size
    pools = []
    for block in range(1, blocks + 1):
        if padding == "valid":
            if block == 1 and (height < kernel_size or width < kernel_size):
                raise invalid_value("kernel_size", f"must fit the {height}x{width} input map (or use "
                                    "padding='same' or larger images)", kernel_size)
            if height < kernel_size or width < kernel_size:
                raise ValueError(
                    f"`input_shape` is too small: conv block {block} needs at least a "
                    f"{kernel_size}x{kernel_size} map but gets {height}x{width}. Use padding='same', "
                    f"fewer filters (blocks) or larger images. Received: input_shape spatial size={size}"
                )
            height, width = height - kernel_size + 1, width - kernel_size + 1
        can_pool = height >= pool_size and width >= pool_size
        pools.append(can_pool)
        if can_pool:
            height, width = height // pool_size, width // pool_size
    return pools


def _check_size(input_shape: tuple[int, ...], filters: tuple[int, ...], kernel_size: int, pool_size: int,
                padding: str, pools: list[bool], widths: tuple[int, ...], outputs: int) -> None:
    """Refuses, before building, a CNN whose weights and feature maps cannot fit in memory."""
    height, width, channels = input_shape
    params, activations = 0, height * width * channels
    for n_filters, pool in zip(filters, pools):
        params += kernel_size * kernel_size * channels * n_filters + n_filters
        if padding == "valid":
            height, width = height - kernel_size + 1, width - kernel_size + 1
        activations += height * width * n_filters
        if pool:
            height, width = height // pool_size, width // pool_size
        channels = n_filters
    params += budget.dense_params([height * width * channels, *widths, outputs])
    budget.check_fits(params, activations, argument="input_shape", value=input_shape)


@register(family="convolutional", input_kind="image", smoke={"input_shape": (8, 8, 1), "filters": (4, 8), "units": 8},
          params=225_034)
@shared_args()
def cnn(
    input_shape: Sequence[int] = (28, 28, 1),
    *,
    task: Any = "multiclass", outputs: int | None = None, bounds: Any = None, outliers: bool | str = False,
    filters: int | Sequence[int] = (32, 64),
    kernel_size: int = 3,
    pool_size: int = 2,
    padding: str = "valid",
    units: int | Sequence[int] | None = 128,
    activation: str = "relu",
    dropout: float = 0.0,
    optimizer: Any = "adam", learning_rate: float | None = 1e-3, label_format: str = "sparse",
    compile: bool = True, strategy: Any = None, seed: int | None = None, name: str | None = None,
) -> Any:
    """CNN: conv blocks, Flatten, Dense, head; the defaults are the notes' model (seed 003).

    Conv 32 3x3 ReLU, max-pool 2, Conv 64 3x3 ReLU, max-pool 2, Flatten, Dense 128
    ReLU, Dense 10 softmax on 28x28x1 (`zoo describe cnn` gives its parameter count).
    Any image size works: see `plan_blocks` for the small-map rule (8x8 digits skip
    the last pool).

    Args:
        input_shape: ``(height, width, channels)``.
        outputs: Classes (None: the notes' 10 for multiclass), labels or targets.
        filters: Filters per conv block: one int per block (an int means one block).
        kernel_size: Square kernel size of every convolution.
        pool_size: Max-pooling window (and stride).
        padding: "valid" (the notes) or "same".
        units: Width of the dense layer(s) after Flatten: an int, a sequence for several
            layers, or None for none.
        activation: Activation of convolutions and dense layers; the initialiser follows it.
        {shared_args}

    Returns:
        A `keras.Model` with layers ``conv_block{i}_conv``, ``conv_block{i}_pool``,
        ``flatten``, ``dense_{i}``, ``head``.
    """
    input_shape = check_shape("input_shape", input_shape, ndims=(3,))
    head = resolve_head(task, outputs, default_classes=10, label_format=label_format,
                        bounds=bounds, outliers=outliers)
    filters = check_int_tuple("filters", filters)
    kernel_size = check_int("kernel_size", kernel_size, minimum=1)
    pool_size = check_int("pool_size", pool_size, minimum=1)
    check_choice("padding", padding, PADDINGS)
    widths = () if units is None else check_int_tuple("units", units)
    check_choice("activation", activation, HIDDEN_ACTIVATIONS)
    name, seeds = check_common(optimizer=optimizer, learning_rate=learning_rate, compile=compile,
                               seed=seed, name=name, default_name="cnn", dropout=dropout)
    if len(filters) > budget.MAX_LAYERS:
        raise invalid_value("filters", f"must have at most {budget.MAX_LAYERS} blocks", filters)
    budget.check_widths("filters", filters, filters)
    budget.check_widths("units", widths, units)
    pools = plan_blocks(input_shape[:2], len(filters), kernel_size, pool_size, padding)
    _check_size(input_shape, filters, kernel_size, pool_size, padding, pools, widths, head.units)
    with distribute.scope(strategy):
        inputs = keras.Input(shape=input_shape, name="input")
        x = inputs
        for block, (n_filters, pool) in enumerate(zip(filters, pools), start=1):
            x = keras.layers.Conv2D(
                n_filters, kernel_size, padding=padding, activation=activation,
                kernel_initializer=initializer_for(activation, seeds.next()), name=f"conv_block{block}_conv",
            )(x)
            if pool:
                x = keras.layers.MaxPooling2D(pool_size, name=f"conv_block{block}_pool")(x)
        x = keras.layers.Flatten(name="flatten")(x)
        x = dense_stack(x, widths, activation=activation, dropout=dropout, seeds=seeds)
        return finish(inputs, head_output(x, head, seeds), name=name, head=head,
                      optimizer=optimizer, learning_rate=learning_rate, compile=compile)

