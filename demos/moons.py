r"""micrograd's moons demo: an MLP 2-16-16-1 learns two interleaving half moons.

The recipe of micrograd's demo notebook, unchanged: 100 points with noise 0.1,
labels ±1, ReLU hidden layers and a linear output score s, the SVM max-margin loss
plus L2 regularisation

    L = mean_i max(0, 1 − y_i·s_i) + 10⁻⁴ · Σ p²,

full-batch SGD with the rate η_k = 1.0 − 0.9·k/100, 100 steps. Writes the decision
boundary and the loss curve as PNGs.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from demos.plots import plt, save_figure
from pathgrad.nn import MLP, SGD, datasets, fit, linear_decay
from pathgrad.nn.matrix import MatrixMLP
from pathgrad.nn.metrics import sign_accuracy


def decision_boundary(model: MLP, X: np.ndarray, y: np.ndarray, steps: int, path: Path) -> Path:
    """The sign of the score over the plane (evaluated in vector form), with the training points."""
    (x0, y0), (x1, y1) = X.min(axis=0) - 0.5, X.max(axis=0) + 0.5
    gx, gy = np.meshgrid(np.linspace(x0, x1, 300), np.linspace(y0, y1, 300))
    scores = (
        MatrixMLP.from_mlp(model).forward(np.column_stack([gx.ravel(), gy.ravel()])).result.reshape(gx.shape)
    )
    figure, axes = plt.subplots(figsize=(7, 5.6))
    axes.contourf(gx, gy, scores > 0, levels=[-0.5, 0.5, 1.5], colors=["#f4b6b6", "#b6cdf4"], alpha=0.8)
    axes.contour(gx, gy, scores, levels=[0.0], colors="black", linewidths=1.5)
    for label, colour, marker in ((-1, "#c0392b", "o"), (1, "#1f4e9c", "s")):
        points = X[y == label]
        axes.scatter(
            *points.T,
            c=colour,
            marker=marker,
            s=40,
            edgecolors="white",
            linewidths=0.6,
            label=f"y = {label:+d}",
        )
    axes.set(
        xlabel="x₁",
        ylabel="x₂",
        title=f"MLP {model.describe_shape()}: decision boundary after {steps} SGD steps",
    )
    axes.legend(loc="upper right")
    return save_figure(figure, path)


def loss_curve(losses: list[float], accuracies: list[float], path: Path) -> Path:
    figure, left = plt.subplots(figsize=(7, 4.5))
    left.plot(losses, color="#1f4e9c", linewidth=2)
    left.set(xlabel="step", yscale="log", title="Training on the moons")
    left.set_ylabel("loss (max-margin + L2)", color="#1f4e9c")
    right = left.twinx()
    right.plot(np.array(accuracies) * 100, color="#c0392b", linewidth=2)
    right.set_ylabel("training accuracy (%)", color="#c0392b")
    right.set_ylim(40, 102)
    return save_figure(figure, path)


def main(out: Path, quick: bool = False) -> dict:
    samples, steps = (40, 60) if quick else (100, 100)
    X, labels = datasets.moons(n=samples, noise=0.1, seed=0)
    y = 2 * labels - 1
    random.seed(1337)
    model = MLP(2, [16, 16, 1])
    optimizer = SGD(model.parameters(), lr=linear_decay(1.0, 0.1, steps))
    history = fit(model, X, y, loss="hinge", l2=1e-4, optimizer=optimizer, epochs=steps)
    final_scores = np.array([model(row).data for row in X])
    accuracy = sign_accuracy(final_scores, y)
    files = [
        decision_boundary(model, X, y, steps, out / "moons_boundary.png"),
        loss_curve(history.loss, history.accuracy, out / "moons_loss.png"),
    ]
    return {
        "points": samples,
        "steps": steps,
        "parameters": len(model.parameters()),
        "first loss": round(history.loss[0], 4),
        "final loss": round(history.loss[-1], 4),
        "first step with 100 % accuracy": next((r.step for r in history.steps if r.accuracy == 1.0), None),
        "training accuracy after training": accuracy,
        "files": [f.name for f in files],
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["moons", *sys.argv[1:]])
