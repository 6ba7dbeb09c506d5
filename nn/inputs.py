"""Turning what a network is called with into input nodes.

A network accepts a list of floats, a numpy row, or ``Value``s (the outputs of an
earlier layer). Plain numbers become leaf ``Value``s labelled ``x1 … xn``; ``Value``s
pass through untouched, so a layer's output feeds the next layer's neurons directly.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from numbers import Real

import numpy as np

from pathgrad.engine import Value

__all__ = ["Inputs", "as_inputs"]

Inputs = Value | float | Iterable[Value | float] | np.ndarray


def as_inputs(x: Inputs, count: int, where: str) -> list[Value]:
    """``count`` input nodes from ``x``.

    Args:
        x: the inputs; a single number or Value is accepted when ``count`` is 1.
        count: how many inputs the receiving neuron or layer has.
        where: who receives them, for error messages (``"L1"``, ``"Neuron"``).

    Raises:
        ValueError: the number of inputs differs from ``count``, or one is not finite.
        TypeError: an input is neither a real number nor a ``Value``.
    """
    if isinstance(x, (Value, Real)) and not isinstance(x, bool):
        items: list = [x]
    elif isinstance(x, np.ndarray):
        if x.ndim != 1:
            raise ValueError(
                f"{where}: expects one input row of {count} numbers, got an array of shape {x.shape}"
            )
        items = x.tolist()
    elif isinstance(x, Iterable) and not isinstance(x, (str, bytes)):
        items = list(x)
    else:
        raise TypeError(f"{where}: expects {count} inputs (numbers or Values), got {type(x).__name__} {x!r}")
    if len(items) != count:
        raise ValueError(f"{where}: expects {count} inputs, got {len(items)}")
    nodes = []
    for index, item in enumerate(items, start=1):
        if isinstance(item, Value):
            nodes.append(item)
        elif isinstance(item, Real) and not isinstance(item, bool):
            if not math.isfinite(item):
                raise ValueError(f"{where}: input x{index} must be finite, got {item!r}")
            nodes.append(Value(float(item), f"x{index}"))
        else:
            raise TypeError(
                f"{where}: input x{index} must be a number or a Value, got {type(item).__name__} {item!r}"
            )
    return nodes
