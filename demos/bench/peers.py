r"""The three engines behind one small interface: leaves, +, ×, tanh, relu, backward.

``+`` and ``×`` are Python's operators in every engine; ``tanh`` and ``relu`` are plain
functions looked up once, so the timed loops call each engine directly. micrograd
0.1.0 has no tanh: ``micrograd_tanh`` adds it the way its lecture notebook writes it
(a node with a closure), so its graph has the same nodes as the others'. PyTorch runs
as a scalar engine: every number a 0-dim float64 tensor, the same graph op by op.

Each engine is imported only when asked for, so a measurement of one engine runs in an
interpreter that has not loaded the others.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Engine", "ENGINE_NAMES", "engine_named", "micrograd_tanh"]

ENGINE_NAMES = ("pathgrad", "micrograd", "torch")


def micrograd_tanh(self):
    """tanh(a) with ∂/∂a = 1 − tanh²(a), in micrograd's own style (its lecture's version)."""
    from micrograd.engine import Value

    t = math.tanh(self.data)
    out = Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def _backward(root) -> None:
    root.backward()


@dataclass(frozen=True)
class Engine:
    """How one engine makes a leaf (and a constant input) and applies tanh and relu."""

    name: str
    leaf: Callable[[float], object]
    tanh: Callable[[object], object]
    relu: Callable[[object], object]
    data: Callable[[object], float]
    constant: Callable[[float], object]
    backward: Callable[[object], None] = _backward


def _data(node) -> float:
    return float(node.data)


def engine_named(name: str) -> Engine:
    """The engine ``name`` (one of ``ENGINE_NAMES``), importing it now."""
    if name == "pathgrad":
        from pathgrad.engine import Value

        return Engine(name, Value, Value.tanh, Value.relu, _data, Value)
    if name == "micrograd":
        from micrograd.engine import Value

        return Engine(name, Value, micrograd_tanh, Value.relu, _data, Value)
    if name == "torch":
        import torch

        def leaf(x: float) -> torch.Tensor:
            return torch.tensor(x, dtype=torch.float64, requires_grad=True)

        def constant(x: float) -> torch.Tensor:
            return torch.tensor(x, dtype=torch.float64)

        return Engine(name, leaf, torch.tanh, torch.relu, lambda node: float(node.item()), constant)
    raise ValueError(f"unknown engine {name!r}; engines: {', '.join(ENGINE_NAMES)}")
