"""Gradient checking by central differences.

    ∂f/∂x_i ≈ (f(x + h·e_i) − f(x − h·e_i)) / 2h,      error O(h²),

compared with the gradient ``backward()`` computes, input by input.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .graph import backward
from .value import Number, Value

__all__ = ["gradcheck", "GradcheckReport", "GradcheckRow"]


@dataclass(frozen=True)
class GradcheckRow:
    """One input: its value, the analytic and the numerical gradient."""

    name: str
    value: float
    analytic: float
    numerical: float
    ok: bool

    @property
    def error(self) -> float:
        """|analytic − numerical|, the distance the tolerance is compared with."""
        return abs(self.analytic - self.numerical)


@dataclass(frozen=True)
class GradcheckReport:
    """All inputs' rows; truthy when every row agrees within tolerance."""

    rows: tuple[GradcheckRow, ...]
    output: float

    @property
    def ok(self) -> bool:
        """Whether every row agrees: |analytic − numerical| ≤ atol + rtol·|numerical| for each input."""
        return all(row.ok for row in self.rows)

    def __bool__(self) -> bool:
        return self.ok

    def __str__(self) -> str:
        width = max([5] + [len(row.name) for row in self.rows])
        lines = [
            f"f = {self.output:.10g}",
            f"{'input':<{width}}  {'value':>12}  {'backward':>14}  {'central diff':>14}  {'|diff|':>9}",
        ]
        for row in self.rows:
            mark = "ok" if row.ok else "MISMATCH"
            lines.append(
                f"{row.name:<{width}}  {row.value:>12.6g}  {row.analytic:>14.8g}  {row.numerical:>14.8g}  {row.error:>9.2e}  {mark}"
            )
        lines.append("all gradients agree" if self.ok else "some gradients disagree")
        return "\n".join(lines)


def gradcheck(
    f: Callable[..., Value],
    inputs: Sequence[Number | Value],
    *,
    h: float = 1e-6,
    rtol: float = 1e-5,
    atol: float = 1e-7,
) -> GradcheckReport:
    """Compare ``backward()``'s gradient of ``f(*inputs)`` with central differences.

    Args:
        f: builds the output Value from one Value per input.
        inputs: numbers or Values (their labels name the rows).
        h: the step of the central difference.
        rtol, atol: a row is ok when |analytic − numerical| ≤ atol + rtol·|numerical|.
    """
    names = [x.label if isinstance(x, Value) and x.label else f"x{i}" for i, x in enumerate(inputs)]
    point = [float(x.data if isinstance(x, Value) else x) for x in inputs]

    def evaluate(at: Sequence[float]) -> float:
        return f(*(Value(v, name) for v, name in zip(at, names))).data

    leaves = [Value(v, name) for v, name in zip(point, names)]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    backward(out)
    rows = []
    for i, leaf in enumerate(leaves):
        up, down = list(point), list(point)
        up[i] += h
        down[i] -= h
        numerical = (evaluate(up) - evaluate(down)) / (2 * h)
        analytic = leaf.grad
        ok = abs(analytic - numerical) <= atol + rtol * abs(numerical)
        rows.append(GradcheckRow(names[i], point[i], analytic, numerical, ok))
    return GradcheckReport(tuple(rows), out.data)
