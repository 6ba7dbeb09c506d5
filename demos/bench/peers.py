r"""The three engines behind one small interface: leaves, +, ×, tanh, relu, backward.

``+`` and ``×`` are Python's operators in every engine; ``tanh`` and ``relu`` are plain
functions looked up once, so the timed loops call each engine directly. micrograd
0.1.0 has no tanh: ``micrograd_tanh`` adds it the way its lecture notebook writes it
(a node with a closure), so its graph has the same nodes as the others'. PyTorch runs
as a scalar engine: every number a 0-dim float64 tensor, the same graph op by op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import micrograd.engine
import torch

import engine

__all__ = ["Engine", "ENGINES", "PATHGRAD", "MICROGRAD", "TORCH", "micrograd_tanh"]


def micrograd_tanh(self: micrograd.engine.Value) -> micrograd.engine.Value:
    """tanh(a) with ∂/∂a = 1 − tanh²(a), in micrograd's own style (its lecture's version)."""
    t = math.tanh(self.data)
    out = micrograd.engine.Value(t, (self,), "tanh")

    def _backward():
        self.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def _torch_leaf(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def _backward(root) -> None:
    root.backward()


@dataclass(frozen=True)
class Engine:
    """How one engine makes a leaf and applies tanh and relu (+ and × are operators)."""

    name: str
    leaf: Callable[[float], object]
    tanh: Callable[[object], object]
    relu: Callable[[object], object]
    backward: Callable[[object], None] = _backward

    def data(self, node) -> float:
        return float(node.item()) if isinstance(node, torch.Tensor) else float(node.data)


PATHGRAD = Engine("pathgrad", engine.Value, engine.Value.tanh, engine.Value.relu)
MICROGRAD = Engine("micrograd", micrograd.engine.Value, micrograd_tanh, micrograd.engine.Value.relu)
TORCH = Engine("torch", _torch_leaf, torch.tanh, torch.relu)
ENGINES = (PATHGRAD, MICROGRAD, TORCH)
