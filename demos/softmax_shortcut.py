r"""Softmax with cross-entropy: ∂L/∂v_i = o_i − y_i, the fused node against composed ops.

For logits v_1 … v_k, o = softmax(v) and the one-hot target y, the loss is
L = −Σ_i y_i log o_i. Three ways give the same gradient with respect to each logit:

1. the engine's fused ``cross_entropy`` node (one node, local derivative o_i − y_i per edge),
2. the same loss composed of exp, Σ, ÷ and log nodes, backpropagated edge by edge
   (the Jacobian ∂o_j/∂v_i summed over j, which the shortcut avoids),
3. the lecture's closed form o_i − y_i.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from demos.plots import save_report
from pathgrad.engine import Value, apply, count_edges, cross_entropy
from pathgrad.engine.ops import SUM


def composed_cross_entropy(logits: list[Value], target: int) -> Value:
    """L = −log(exp(v_y) / Σ_j exp(v_j)) from elementary nodes (no max subtracted: small logits only)."""
    exps = [v.exp() for v in logits]
    total = apply(SUM, *exps)
    return -(exps[target] / total).log()


def main(out: Path, quick: bool = False) -> dict:
    rng = np.random.default_rng(5)
    classes = 4 if quick else 6
    values = rng.normal(scale=1.5, size=classes)
    target = int(rng.integers(classes))

    fused_logits = [Value(v, f"v{i + 1}") for i, v in enumerate(values)]
    fused = cross_entropy(fused_logits, target)
    fused.backward()
    composed_logits = [Value(v, f"v{i + 1}") for i, v in enumerate(values)]
    composed = composed_cross_entropy(composed_logits, target)
    composed.backward()

    o = np.exp(values - values.max())
    o /= o.sum()
    shortcut = o - np.eye(classes)[target]

    lines = [
        f"target class y = {target + 1} of {classes};  L = {fused.data:.6f} (fused) = {composed.data:.6f} (composed)"
    ]
    lines.append(
        f"{'i':>2} {'v_i':>8} {'o_i':>8} {'o_i − y_i':>10} {'fused ∂L/∂v_i':>14} {'composed ∂L/∂v_i':>17}"
    )
    for i in range(classes):
        lines.append(
            f"{i + 1:>2} {values[i]:>8.4f} {o[i]:>8.4f} {shortcut[i]:>10.6f} {fused_logits[i].grad:>14.6f} {composed_logits[i].grad:>17.6f}"
        )
    lines.append(
        f"edges the backward pass visits: fused {count_edges(fused)}, composed {count_edges(composed)}"
    )
    save_report(lines, out / "softmax_shortcut.txt")
    fused_error = max(abs(v.grad - s) for v, s in zip(fused_logits, shortcut))
    composed_error = max(abs(v.grad - s) for v, s in zip(composed_logits, shortcut))
    return {
        "classes": classes,
        "loss": round(fused.data, 6),
        "max |fused − (o − y)|": float(f"{fused_error:.1e}"),
        "max |composed − (o − y)|": float(f"{composed_error:.1e}"),
        "losses agree": math.isclose(fused.data, composed.data, rel_tol=1e-12),
        "edges fused / composed": (count_edges(fused), count_edges(composed)),
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["softmax_shortcut", *sys.argv[1:]])
