"""Functions of several Values at once: softmax, log-softmax, logsumexp, cross-entropy.

Each output is one node whose parents are all the inputs, with the exact local
derivatives from the op table, so the lecture's softmax shortcut is visible on the
graph: for L = cross_entropy(v, y), ∂L/∂v_i = o_i − y_i on the edge from v_i.
All are computed with the max subtracted first, so large logits do not overflow.
"""

from __future__ import annotations

from collections.abc import Sequence

from . import ops
from .value import Operand, Value, apply

__all__ = ["softmax", "log_softmax", "logsumexp", "cross_entropy", "target_index"]


def _operands(values: Sequence[Operand], name: str) -> tuple[Operand, ...]:
    values = tuple(values)
    if not values:
        raise ValueError(f"{name} needs at least one value")
    return values


def softmax(values: Sequence[Operand]) -> list[Value]:
    """o_i = exp(v_i) / Σ_j exp(v_j), one node per output; ∂o_i/∂v_j = o_i(δ_ij − o_j)."""
    values = _operands(values, "softmax")
    return [apply(ops.softmax_output(i), *values) for i in range(len(values))]


def log_softmax(values: Sequence[Operand]) -> list[Value]:
    """log o_i = v_i − log Σ_j exp(v_j); ∂/∂v_j = δ_ij − o_j."""
    values = _operands(values, "log_softmax")
    return [apply(ops.log_softmax_output(i), *values) for i in range(len(values))]


def logsumexp(values: Sequence[Operand]) -> Value:
    """log Σ_i exp(v_i), with ∂/∂v_i = softmax(v)_i."""
    return apply(ops.LOGSUMEXP, *_operands(values, "logsumexp"))


def target_index(target: int | Sequence[float], classes: int) -> int:
    """The class index of ``target``: an int, or a one-hot sequence (y_1 … y_k)."""
    if isinstance(target, bool):
        raise TypeError("cross_entropy: the target must be a class index or a one-hot list, not a bool")
    if isinstance(target, int) or (hasattr(target, "__index__") and not hasattr(target, "__len__")):
        index = int(target)
    else:
        hot = [float(y) for y in target]
        if len(hot) != classes or sorted(hot) != [0.0] * (classes - 1) + [1.0]:
            raise ValueError(
                f"cross_entropy: a one-hot target needs {classes} entries with a single 1, got {hot}"
            )
        index = hot.index(1.0)
    if not 0 <= index < classes:
        raise ValueError(f"cross_entropy: target class {index} is out of range for {classes} logits")
    return index


def cross_entropy(logits: Sequence[Operand], target: int | Sequence[float]) -> Value:
    """L = −Σ_i y_i log o_i with o = softmax(logits), as one fused node.

    Its local derivative with respect to each logit is the lecture's shortcut
    ∂L/∂v_i = o_i − y_i.
    """
    logits = _operands(logits, "cross_entropy")
    return apply(ops.cross_entropy_loss(target_index(target, len(logits))), *logits)
