r"""One training step per engine, and what every step takes and gives back.

A step on a batch (X_b, y_b) minimises the ``Objective``

    L = loss(model(x) for each row, y_b) + α·Σ p²

and returns a ``BatchResult``: the loss and the outputs (before the update).
``scalar_step`` builds the ``Value`` graph of the whole batch; the compiled mode's
step (``pathgrad.nn.compiled``) replays one traced sample graph over it.

Every step takes ``write_back``: with ``False`` an engine may keep the parameters'
new data and grads in arrays of its own until ``pathgrad.nn.compiled.write_back(model)``
(``fit`` does so between steps that no user code watches). The scalar step works on
the ``Value``s themselves, so its parameters are always current.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from pathgrad.engine import Value

from .losses import l2_regularization
from .module import Module
from .optim import Optimizer

__all__ = ["Objective", "BatchResult", "LossFunction", "StepFunction", "scalar_step"]

LossFunction = Callable[..., Value]


@dataclass(frozen=True)
class Objective:
    """What a step minimises: ``loss(outputs, targets) + l2 · Σ p²``."""

    loss: LossFunction
    l2: float = 0.0

    def __call__(self, model: Module, outputs: list, targets: np.ndarray) -> Value:
        total = self.loss(outputs, targets)
        return total + l2_regularization(model.parameters(), self.l2) if self.l2 else total


@dataclass(frozen=True)
class BatchResult:
    """A step's loss and the batch's outputs as numbers (before the update)."""

    loss: float
    outputs: np.ndarray


StepFunction = Callable[..., BatchResult]
"""``(model, objective, X, y, optimizer, *, write_back=True) -> BatchResult``."""


def _numbers(outputs: Sequence[Value | Sequence[Value]]) -> np.ndarray:
    return np.array([o.data if isinstance(o, Value) else [v.data for v in o] for o in outputs])


def scalar_step(
    model: Module,
    objective: Objective,
    X: np.ndarray,
    y: np.ndarray,
    optimizer: Optimizer,
    *,
    write_back: bool = True,
) -> BatchResult:
    """Forward, backward and update on one batch with the scalar ``Value`` graph
    (which updates the Values in place, whatever ``write_back`` says)."""
    outputs = [model(row) for row in X]
    loss = objective(model, outputs, y)
    optimizer.zero_grad()
    loss.backward()
    optimizer.step()
    return BatchResult(loss.data, _numbers(outputs))
