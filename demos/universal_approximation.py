r"""Universal approximation: one hidden layer of tanh units fits a 1-D curve better as it widens.

    f(x) = sin(3x) + 0.3·x  on [−2, 2],     model: x → Σ_j v_j · tanh(w_j·x + b_j) + c

Widths double 1, 2, 4, …; each network is trained by full-batch Adam on the mean
squared error through the scalar ``Value`` graph. A wider network can compute all a
narrower one can (give the extra units output weight v_j = 0), and each width starts
exactly so: from the previous width's trained weights (copied by parameter name) plus
new random units with v_j = 0. Its error therefore starts at the narrower network's
and training lowers it from there. The demo reports the error per width and plots the
fitted curves over the target.
"""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from demos.plots import plt, save_figure
from pathgrad.nn import MLP, Adam, datasets, fit, linear_decay
from pathgrad.nn.matrix import MatrixMLP


def widened(narrow: MLP | None, width: int) -> MLP:
    """An MLP 1-width-1 computing what ``narrow`` computes: its weights, new units silenced."""
    wide = MLP(1, [width, 1], activation="tanh", rng=random.Random(width))
    if narrow is None:
        return wide
    state = wide.state_dict() | narrow.state_dict()
    for unit in range(narrow.sizes[1] + 1, width + 1):
        state[f"L2.N1.w{unit}"] = 0.0
    wide.load_state_dict(state)
    return wide


def main(out: Path, quick: bool = False) -> dict:
    widths, samples, epochs = ([1, 2, 4], 25, 300) if quick else ([1, 2, 4, 8, 16], 40, 600)
    X, y = datasets.curve(n=samples, low=-2.0, high=2.0)
    grid = np.linspace(-2.0, 2.0, 400).reshape(-1, 1)
    figure, axes = plt.subplots(figsize=(8, 5))
    axes.plot(
        grid[:, 0],
        datasets.default_curve(grid[:, 0]),
        color="black",
        linewidth=4,
        label="f(x) = sin 3x + 0.3x",
    )
    axes.scatter(X[:, 0], y, color="black", s=22, zorder=3)
    errors: dict[int, float] = {}
    colours = plt.cm.plasma(np.linspace(0.0, 0.8, len(widths)))
    model = None
    for width, colour in zip(widths, colours):
        model = widened(model, width)
        optimizer = Adam(model.parameters(), lr=linear_decay(0.05, 0.005, epochs))
        fit(model, X, y, loss="mse", optimizer=optimizer, epochs=epochs, progress=False)
        matrix = MatrixMLP.from_mlp(model)
        errors[width] = float(np.mean((matrix.forward(X).result[:, 0] - y) ** 2))
        axes.plot(
            grid[:, 0],
            matrix.forward(grid).result[:, 0],
            color=colour,
            linewidth=2.5,
            label=f"{width} hidden unit{'s' if width > 1 else ''}: MSE {errors[width]:.4f}",
        )
    axes.set(xlabel="x", ylabel="y", title="One hidden layer of tanh units, growing width")
    axes.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=11)
    save_figure(figure, out / "universal_approximation.png")
    return {
        "samples": samples,
        "epochs per width": epochs,
        "training MSE by width": {w: round(e, 5) for w, e in errors.items()},
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["universal_approximation", *sys.argv[1:]])
