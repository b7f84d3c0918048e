"""Size checks made before anything is built: a model that cannot fit is refused at once.

The estimate counts float32 weights, their gradients and two optimizer slots (Adam),
plus the activations of a batch of 32 kept for the backward pass. It is a lower bound
of what training needs, so a refusal is never a false alarm.
"""

from __future__ import annotations

import math
import os
from typing import Any

from zoo.utils.validation import invalid_value

MAX_LAYERS = 1_000
MAX_WIDTH = 1_000_000
_BATCH = 32


def check_widths(name: str, widths: tuple[int, ...], value: Any) -> None:
    """Refuses layer widths above `MAX_WIDTH`, naming the argument `name` (given as `value`)."""
    if widths and max(widths) > MAX_WIDTH:
        raise invalid_value(name, f"must be at most {MAX_WIDTH:,} per layer", value)


def memory_bytes() -> int:
    """This machine's physical memory in bytes (a large default where it cannot be read)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 1 << 40


def estimate_bytes(params: int, activations_per_sample: int = 0) -> int:
    """Bytes training needs at least: 4 copies of the weights and two batches of activations."""
    return 4 * (4 * params + 2 * _BATCH * activations_per_sample)


def dense_params(widths: list[int]) -> int:
    """Parameters of a chain of Dense layers: ``widths[0]`` inputs, then each layer's units."""
    return sum(a * b + b for a, b in zip(widths, widths[1:]))


def check_fits(params: int, activations_per_sample: int, *, argument: str, value: Any) -> None:
    """Refuses a model whose estimate exceeds half this machine's memory, naming `argument`.

    Raises:
        ValueError: With the parameter count and the memory estimate.
    """
    need, have = estimate_bytes(params, activations_per_sample), memory_bytes()
    if need > have // 2:
        raise invalid_value(argument, f"gives a model of about {params:,} parameters that needs at least "
                            f"{need / 2**30:,.1f} GiB to train, more than half of this machine's "
                            f"{have / 2**30:,.1f} GiB", value)


def prod(shape: Any) -> int:
    """The number of values in one sample of `shape`."""
    return math.prod(int(d) for d in shape)
