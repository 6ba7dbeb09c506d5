r"""The lecture neuron as a ``pathgrad.nn.Neuron``: two inputs, tanh, its values and gradients.

    a = w1·x1 + w2·x2 + b,   h = tanh(a),   with x = (2, 0), w = (−3, 1), b = 6.8813735870195432

so a = 0.8814 and h = 1/√2. After ``h.backward()`` the neuron's two gradients are
Δ = ∂h/∂h = 1 and δ = ∂h/∂a = 1 − h² = ½, and every weight's gradient is δ times its
input (∂a/∂w_i = x_i), every input's is δ times its weight. The compact neuron (one
``linear`` node) and the expanded one (products and sums, the micrograd lecture's
drawing) give the same numbers; both are checked against central differences.
"""

from __future__ import annotations

import math
from pathlib import Path

from demos.plots import save_report
from pathgrad.engine import Value, gradcheck
from pathgrad.nn import Neuron

INPUTS = (2.0, 0.0)
WEIGHTS = (-3.0, 1.0)
BIAS = 6.8813735870195432


def lecture_neuron(expanded: bool = False) -> Neuron:
    """``Neuron(2, activation="tanh")`` with the lecture's weights and bias."""
    neuron = Neuron(2, activation="tanh", expanded=expanded)
    for w, value in zip(neuron.w, WEIGHTS):
        w.data = value
    neuron.b.data = BIAS
    return neuron


def run(expanded: bool) -> tuple[Neuron, list[Value]]:
    neuron = lecture_neuron(expanded)
    x = [Value(v, f"x{i}") for i, v in enumerate(INPUTS, start=1)]
    neuron(x).backward()
    return neuron, x


def table(neuron: Neuron, x: list[Value]) -> list[str]:
    rows = [
        f"a = w1·x1 + w2·x2 + b = {neuron.a.data:.4f}    δ = ∂h/∂a = {neuron.a.grad:.4f}   (1 − h² = {1 - neuron.h.data**2:.4f})",
        f"h = tanh(a)           = {neuron.h.data:.4f}    Δ = ∂h/∂h = {neuron.h.grad:.4f}",
    ]
    for leaf in [*neuron.w, neuron.b, *x]:
        rows.append(f"{leaf.label:>3} = {leaf.data:+.4f}   ∂h/∂{leaf.label:<2} = {leaf.grad:+.4f}")
    return rows


def main(out: Path, quick: bool = False) -> dict:
    neuron, x = run(expanded=False)
    expanded, y = run(expanded=True)
    lines = ["The lecture neuron h = tanh(w1·x1 + w2·x2 + b)", *table(neuron, x)]
    save_report(lines, out / "lecture_neuron.txt")

    def h_of(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
        return (x1 * w1 + x2 * w2 + b).tanh()

    leaves = [*x, *neuron.w, neuron.b]
    check = gradcheck(h_of, leaves)  # central differences of the same formula, on fresh leaves
    neuron_matches_differences = all(
        math.isclose(leaf.grad, row.numerical, rel_tol=1e-6, abs_tol=1e-8)
        for leaf, row in zip(leaves, check.rows)
    )
    same = all(
        math.isclose(p.grad, q.grad, abs_tol=1e-15)
        for p, q in zip([*neuron.parameters(), *x], [*expanded.parameters(), *y])
    )
    return {
        "a": round(neuron.a.data, 4),
        "h": round(neuron.h.data, 4),
        "delta = dh/da": round(neuron.a.grad, 4),
        "grads": {leaf.label: round(leaf.grad, 4) for leaf in [*neuron.w, neuron.b, *x]},
        "expanded neuron gives the same gradients": same,
        "neuron's gradients equal central differences": neuron_matches_differences,
        "gradcheck ok": check.ok,
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["lecture_neuron", *sys.argv[1:]])
