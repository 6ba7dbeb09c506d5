"""Every op of the table with a PyTorch reference and the inputs where it is smooth.

The property tests iterate over ``cases()``; ``test_every_op_has_a_reference`` fails the
moment an op is registered without an entry here, so a new op is tested at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from pathgrad.engine import ops


@dataclass(frozen=True)
class OpCase:
    """An op, how many operands to give it, and its PyTorch twin."""

    op: ops.Op
    arity: int
    reference: Callable[..., torch.Tensor]
    low: float = -3.0
    high: float = 3.0
    kinks: tuple[float, ...] = ()
    valid: Callable[..., bool] = lambda *xs: True

    @property
    def id(self) -> str:
        return f"{self.op.symbol}/{self.arity}"


def _linear(*xs):
    n = len(xs) // 2
    return sum(w * x for w, x in zip(xs[:n], xs[n : 2 * n])) + xs[-1]


REFERENCES: dict[str, Callable[..., torch.Tensor]] = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "pow": lambda a, b: a**b,
    "neg": lambda a: -a,
    "identity": lambda a: a * 1.0,
    "exp": torch.exp,
    "log": torch.log,
    "sqrt": torch.sqrt,
    "tanh": torch.tanh,
    "sigmoid": torch.sigmoid,
    "relu": torch.relu,
    "hardtanh": F.hardtanh,
    "sin": torch.sin,
    "cos": torch.cos,
    "abs": torch.abs,
    "sum": lambda *xs: torch.stack(xs).sum(),
    "linear": _linear,
    "logsumexp": lambda *xs: torch.logsumexp(torch.stack(xs), 0),
}

KINKS = {"relu": (0.0,), "abs": (0.0,), "hardtanh": (-1.0, 1.0)}
VALID = {"div": lambda a, b: abs(b) > 0.2}


def cases() -> list[OpCase]:
    """One case per fixed-arity op, several sizes per n-ary op, several members per family."""
    out = []
    for name, op in ops.OPS.items():
        low, high = op.sample_domain
        reference = REFERENCES[name]
        sizes = [op.arity] if op.arity is not None else ([3, 5, 7] if name == "linear" else [1, 2, 5])
        for size in sizes:
            out.append(
                OpCase(op, size, reference, low, high, KINKS.get(name, ()), VALID.get(name, lambda *xs: True))
            )
    for n in (2, 3, -1, 0.5, -2.5, 1.5):
        # non-integer powers need a positive base; keep away from 0 for the negative ones
        positive = not float(n).is_integer() or n < 0
        out.append(
            OpCase(
                ops.power(n),
                1,
                lambda a, n=n: a**n,
                0.2 if positive else -3.0,
                3.0,
                valid=lambda a: abs(a) > 0.2,
            )
        )
    for k in (1, 3, 4):
        for i in range(k):
            out.append(
                OpCase(ops.softmax_output(i), k, lambda *xs, i=i: torch.softmax(torch.stack(xs), 0)[i])
            )
            out.append(
                OpCase(
                    ops.log_softmax_output(i), k, lambda *xs, i=i: torch.log_softmax(torch.stack(xs), 0)[i]
                )
            )
            out.append(
                OpCase(
                    ops.cross_entropy_loss(i),
                    k,
                    lambda *xs, i=i: F.cross_entropy(torch.stack(xs)[None], torch.tensor([i])),
                )
            )
    return out
