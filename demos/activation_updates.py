r"""Per-activation updates: the δ backprop computes equals the lecture's closed form.

For every hidden neuron h_r with pre-activation a_r the lecture writes

    δ(h_r) = Φ'(a_r) · Σ_{h: h_r ⇒ h} w(h_r, h) · δ(h)

with Φ' = 1 (linear), h(1 − h) (sigmoid), 1 − h² (tanh), [a > 0] (ReLU) and
[−1 < a < 1] (hard tanh). The demo builds an MLP 3-4-4-1 for each activation, runs
backward on the squared error of several samples, and compares each neuron's
``a.grad`` (what the engine computed, edge by edge) with that formula evaluated from
the next layer's weights and δs.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from demos.plots import save_report
from pathgrad.nn import ACTIVATIONS, MLP


def closed_form_deltas(model: MLP) -> list[tuple[float, float, bool]]:
    """(backprop δ, closed-form δ, Φ' = 0) for every hidden neuron after one backward pass."""
    rows = []
    for layer, following in zip(model.layers, model.layers[1:]):
        activation = layer.activation
        for r, neuron in enumerate(layer.neurons):
            a = np.array(neuron.a.data)
            slope = float(activation.derivative(a))
            incoming = sum(nxt.w[r].data * nxt.a.grad for nxt in following.neurons)
            rows.append((neuron.a.grad, slope * incoming, slope == 0.0))
    return rows


def main(out: Path, quick: bool = False) -> dict:
    samples = 3 if quick else 8
    data = np.random.default_rng(2).normal(scale=1.5, size=(samples, 3))
    targets = np.random.default_rng(3).normal(size=samples)
    findings, lines = {}, []
    for name, activation in ACTIVATIONS.items():
        model = MLP(3, [4, 4, 1], activation=name, rng=random.Random(7))
        for p in model.parameters():
            p.data *= 1.5  # so ReLU and hard tanh have neurons on both sides of their kinks
        worst, flat, checked = 0.0, 0, 0
        for x, t in zip(data, targets):
            model.zero_grad()
            ((model(x) - t) ** 2).backward()
            for backprop, closed, zero_slope in closed_form_deltas(model):
                worst = max(worst, abs(backprop - closed))
                flat += zero_slope
                checked += 1
        lines.append(
            f"{name:>8}: Φ' = {activation.closed_form:<23} {checked} neuron-samples, "
            f"{flat} with Φ' = 0, max |δ_backprop − δ_formula| = {worst:.1e}"
        )
        findings[name] = {"checked": checked, "zero slope": flat, "max difference": float(f"{worst:.1e}")}
    save_report(lines, out / "activation_updates.txt")
    return findings


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["activation_updates", *sys.argv[1:]])
