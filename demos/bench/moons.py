r"""micrograd's moons demo in every engine: the training step and the whole 100-step run.

The recipe of micrograd's demo notebook: MLP 2-16-16-1 (ReLU, linear output), 100
two-moons points with labels ±1, the max-margin loss plus L2,

    L = (1/n) Σ_i max(0, 1 − y_i·s_i) + 10⁻⁴ · Σ p²,    p ← p − (1.0 − 0.9·k/100) · ∂L/∂p,

written once (``train_step``) and run on micrograd's own ``MLP``, on the same scalar
network in PyTorch (0-dim float64 tensors, micrograd's neuron Σ w_i·x_i + b op by op),
on ``pathgrad.nn.MLP`` (one fused ``linear`` node per pre-activation, the design) and
on pathgrad's expanded neurons (products and sums, micrograd's graph). All start from
micrograd's initial weights (``random.seed(1337)``).

The whole 100-step run is also timed for pathgrad's compiled mode (from a model built
before the clock starts; the tracing is timed) and for a hand-written numpy matrix
version of the same network (the practical limit here).
"""

from __future__ import annotations

import random
from collections.abc import Sequence

import micrograd.nn
import numpy as np

from demos.bench.peers import Engine, engine_named
from pathgrad import nn

__all__ = ["VARIANTS", "MoonsSetup", "train_step", "compiled_training", "numpy_training"]

ALPHA = 1e-4
STEPS = 100
VARIANTS = ("pathgrad", "pathgrad expanded", "micrograd", "torch")


def learning_rate(k: int) -> float:
    return 1.0 - 0.9 * k / STEPS


class TorchScalarMLP:
    """micrograd's MLP with 0-dim float64 tensors: act = Σ w_i·x_i + b, then ReLU."""

    def __init__(self, layers: list[list[tuple[list[float], float]]], torch: Engine) -> None:
        self.relu = torch.relu
        self.layers = [[([torch.leaf(w) for w in ws], torch.leaf(b)) for ws, b in layer] for layer in layers]

    def __call__(self, x):
        last = len(self.layers) - 1
        for index, layer in enumerate(self.layers):
            out = []
            for weights, bias in layer:
                act = sum((wi * xi for wi, xi in zip(weights, x)), bias)
                out.append(self.relu(act) if index != last else act)
            x = out
        return x[0] if len(x) == 1 else x

    def parameters(self) -> list:
        return [p for layer in self.layers for weights, bias in layer for p in (*weights, bias)]


def _weights(model: micrograd.nn.MLP) -> list[list[tuple[list[float], float]]]:
    return [[([w.data for w in n.w], n.b.data) for n in layer.neurons] for layer in model.layers]


def _pathgrad_mlp(weights, expanded: bool) -> nn.MLP:
    model = nn.MLP(2, [16, 16, 1], expanded=expanded)
    for layer, values in zip(model.layers, weights):
        for neuron, (w, b) in zip(layer.neurons, values):
            for parameter, value in zip(neuron.w, w):
                parameter.data = value
            neuron.b.data = b
    return model


class MoonsSetup:
    """The data, and models for every variant that start from micrograd's first weights."""

    def __init__(self, samples: int = 100) -> None:
        X, y = nn.datasets.moons(samples, noise=0.1, seed=0)
        self.X, self.y = X, 2 * y - 1
        self.rows, self.labels = X.tolist(), [int(v) for v in self.y]
        random.seed(1337)
        self.weights = _weights(micrograd.nn.MLP(2, [16, 16, 1]))

    def model(self, variant: str) -> tuple[Engine, object, list]:
        """(engine, model, parameters) of one of ``VARIANTS``, fresh from the first weights."""
        if variant in ("pathgrad", "pathgrad expanded"):
            model = _pathgrad_mlp(self.weights, expanded=variant == "pathgrad expanded")
            return engine_named("pathgrad"), model, model.parameters()
        if variant == "micrograd":
            random.seed(1337)
            model = micrograd.nn.MLP(2, [16, 16, 1])
            return engine_named("micrograd"), model, model.parameters()
        if variant == "torch":
            torch = engine_named("torch")
            model = TorchScalarMLP(self.weights, torch)
            return torch, model, model.parameters()
        raise ValueError(f"unknown variant {variant!r}; variants: {', '.join(VARIANTS)}")


def train_step(engine: Engine, model, parameters: Sequence, rows: list, labels: list[int], k: int) -> float:
    """One step of micrograd's demo loop: loss, zero_grad, backward, SGD. Returns the loss."""
    inputs = [[engine.constant(v) for v in row] for row in rows]
    scores = [model(x) for x in inputs]
    losses = [engine.relu(1 + -yi * si) for yi, si in zip(labels, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = ALPHA * sum(p * p for p in parameters)
    total = data_loss + reg_loss
    rate = learning_rate(k)
    if engine.name == "torch":
        import torch

        for p in parameters:
            p.grad = None
        total.backward()
        with torch.no_grad():
            for p in parameters:
                p -= rate * p.grad
    else:
        for p in parameters:
            p.grad = 0.0
        total.backward()
        for p in parameters:
            p.data -= rate * p.grad
    return engine.data(total)


def compiled_training(setup: MoonsSetup, model: nn.MLP, steps: int = STEPS) -> float:
    """The whole run with ``fit(..., engine="compiled")`` on a fresh ``model``; returns the last step's loss."""
    optimizer = nn.SGD(model.parameters(), lr=nn.linear_decay(1.0, 0.1, STEPS))
    history = nn.fit(
        model, setup.X, setup.y, "hinge", optimizer, epochs=steps, l2=ALPHA, engine="compiled", progress=False
    )
    return history.steps[-1].loss


def numpy_training(setup: MoonsSetup, steps: int = STEPS) -> float:
    """The whole run as matrices, backward written by hand; returns the last step's loss."""
    X, y = setup.X, setup.y.reshape(-1, 1).astype(float)
    params = []
    for layer in setup.weights:
        params.append(np.array([w for w, _ in layer]).T.copy())  # inputs × units
        params.append(np.array([b for _, b in layer]))
    n = len(X)
    loss = float("nan")
    for k in range(steps):
        W1, b1, W2, b2, W3, b3 = params
        a1 = X @ W1 + b1
        h1 = np.maximum(a1, 0.0)
        a2 = h1 @ W2 + b2
        h2 = np.maximum(a2, 0.0)
        s = h2 @ W3 + b3
        margin = 1.0 - y * s
        active = margin > 0.0
        loss = float(np.sum(margin * active) / n + ALPHA * sum(np.sum(p * p) for p in params))
        ds = -(y * active) / n
        da2 = (ds @ W3.T) * (a2 > 0.0)
        da1 = (da2 @ W2.T) * (a1 > 0.0)
        grads = [X.T @ da1, da1.sum(0), h1.T @ da2, da2.sum(0), h2.T @ ds, ds.sum(0)]
        rate = learning_rate(k)
        params = [p - rate * (g + 2 * ALPHA * p) for p, g in zip(params, grads)]
    return loss
