r"""Step-through pages for the gallery: the neuron, the two-path example, a small MLP, training.

Each page is one offline HTML file (open it from disk, press →) with a static SVG of
the same name beside it for the gallery:

* ``step_neuron.html``: the lecture neuron o = tanh(x1·w1 + x2·w2 + b);
* ``step_two_paths.html``: o = exp(w²)·sin(w²), whose two paths from w add up to ∂o/∂w;
* ``step_mlp.html``: a 2-4-4-1 tanh network's squared error on one sample, one box per
  neuron (a, δ, h, Δ); ``step_mlp_layers.html``, a box per layer (the vectors b, a, δ,
  h, Δ and each W_r with ∂L/∂W_r = h_{r−1} δ_rᵀ); ``step_mlp_nodes.html``, node by node;
* ``step_training.html``: fit iterations of a 2-3-1 network on XOR, on one locked layout,
  showing the sample x = (1, 1): its first-layer gradients δ·x are not zero, as they
  are for x = (0, 0), whose every ∂L/∂w of the first layer is δ · 0.

The findings check the pages' data against the engine: each path walk ends on the
grad backward computed, and the last training frame's loss is fit's last loss.
"""

from __future__ import annotations

import math
import random
from pathlib import Path

import numpy as np

from demos.neuron_values import INPUTS, neuron
from pathgrad.engine import Value
from pathgrad.nn import MLP, SGD
from pathgrad.nn.losses import mse
from pathgrad.viz.figures import two_paths_graph
from pathgrad.viz.step import Stepper, step, training_stepper

XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([-1.0, 1.0, 1.0, -1.0])
TRAINING_SAMPLE = 3
"""The XOR row the training page shows: x = (1, 1), so every first-layer weight has a gradient."""


def _save(stepper: Stepper, out: Path, name: str) -> None:
    stepper.save(out / f"{name}.html")
    stepper.save(out / f"{name}.svg")


def _path_sum_matches(stepper: Stepper, name: str) -> bool:
    """The paths walk of the node called ``name`` ends on an equality with its backward grad."""
    ident = next(i for i, node in stepper.data["nodes"].items() if node["name"] == name)
    final = stepper.data["timelines"]["paths"][ident][-1]["values"]
    return math.isclose(final["sum"], final["grad"], rel_tol=1e-12)


def mlp_loss(seed: int = 0) -> Value:
    """Squared error of a 2-4-4-1 tanh network on the sample x = (0.5, −1), y = 1."""
    random.seed(seed)
    model = MLP(2, [4, 4, 1], activation="tanh")
    loss = mse([model([Value(0.5, "x1"), Value(-1.0, "x2")])], [1.0])
    loss.label = "L"
    return loss


def first_layer_weight_grads(model: MLP, x: np.ndarray, target: float) -> list[float]:
    """∂L/∂w = δ · x_i of each first-layer weight for one sample's squared error (grads left at zero)."""
    loss = mse([model([Value(float(v)) for v in x])], [target])
    model.zero_grad()
    loss.backward()
    grads = [w.grad for neuron in model.layers[0].neurons for w in neuron.w]
    model.zero_grad()
    return grads


def main(out: Path, quick: bool = False) -> dict:
    o = neuron(*(Value(v, k) for k, v in INPUTS.items()))
    neuron_page = step(o, title="One neuron: o = tanh(x1·w1 + x2·w2 + b)")
    _save(neuron_page, out, "step_neuron")

    two, w = two_paths_graph(0.8)
    two_page = step(two, mode="paths", title="Two paths from w to o: exp(w²)·sin(w²)")
    _save(two_page, out, "step_two_paths")

    mlp_page = step(mlp_loss(), view="neuron", title="2-4-4-1 network, one sample: a box per neuron")
    _save(mlp_page, out, "step_mlp")
    _save(step(mlp_loss(), title="2-4-4-1 network, one sample: every node"), out, "step_mlp_nodes")
    layer_page = step(mlp_loss(), view="layer", title="2-4-4-1 network, one sample: a box per layer")
    _save(layer_page, out, "step_mlp_layers")

    random.seed(1)
    model = MLP(2, [3, 1], activation="tanh")
    epochs = 20 if quick else 120
    start_grads = first_layer_weight_grads(model, XOR_X[TRAINING_SAMPLE], XOR_Y[TRAINING_SAMPLE])
    training = training_stepper(
        model,
        XOR_X,
        XOR_Y,
        epochs=epochs,
        optimizer=SGD(model.parameters(), lr=0.2),
        sample=TRAINING_SAMPLE,
        every=1 if quick else 4,
        title="Training a 2-3-1 network on XOR: the graph of x = (1, 1)",
    )
    _save(training, out, "step_training")
    losses = training.data["chart"]["values"]
    return {
        "neuron steps (forward, backward)": (
            len(neuron_page.data["timelines"]["forward"]),
            len(neuron_page.data["timelines"]["backward"]),
        ),
        "neuron: path sum = grad for w1": _path_sum_matches(neuron_page, "w1"),
        "two paths: path sum = grad for w": _path_sum_matches(two_page, w.label),
        "mlp nodes / edges": (mlp_page.data["counts"]["nodes"], mlp_page.data["counts"]["edges"]),
        "mlp layer view steps (forward, backward)": (
            len(layer_page.data["timelines"]["forward"]),
            len(layer_page.data["timelines"]["backward"]),
        ),
        "training loss first → last": (f"{losses[0]:.4f}", f"{losses[-1]:.2e}"),
        "training sample x, first-layer ∂L/∂w at iteration 1": (
            tuple(float(v) for v in XOR_X[TRAINING_SAMPLE]),
            [round(g, 4) for g in start_grads],
        ),
        "pages": sorted(p.name for p in out.glob("step_*.html")),
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["steppers", *sys.argv[1:]])
