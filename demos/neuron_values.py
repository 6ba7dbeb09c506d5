"""The lecture neuron: o = tanh(x1·w1 + x2·w2 + b), its values and gradients.

Prints every node's data and grad after one backward pass, and checks each input's
gradient against central differences.
"""

from __future__ import annotations

from pathlib import Path

from demos.plots import save_report
from pathgrad.engine import Value, gradcheck, topological_order


def neuron(x1: Value, x2: Value, w1: Value, w2: Value, b: Value) -> Value:
    """o = tanh(x1·w1 + x2·w2 + b), with the lecture notebook's labels."""
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    n = x1w1 + x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


INPUTS = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.881373587019543}


def main(out: Path, quick: bool = False) -> dict:
    leaves = [Value(v, name) for name, v in INPUTS.items()]
    o = neuron(*leaves)
    o.backward()
    lines = [
        f"{(node.label or node.op):>8}  data={node.data:+.4f}  grad={node.grad:+.4f}"
        for node in topological_order(o)
    ]
    save_report(lines, out / "neuron_values.txt")
    check = gradcheck(neuron, leaves)
    return {
        "o": round(o.data, 4),
        "grads": {v.label: round(v.grad, 4) for v in leaves},
        "gradcheck ok": check.ok,
    }
