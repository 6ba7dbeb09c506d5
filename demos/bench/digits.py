r"""One epoch of the digits network in three forms: pathgrad compiled, numpy matrices, PyTorch.

The network and loss of the digits demo: 64-32-10 with a ReLU hidden layer and ten
logits, the mean softmax cross-entropy of each batch of 64 images, Adam (η = 0.01),

    A₁ = X W₁ + b₁,  H = max(0, A₁),  V = H W₂ + b₂,  L = (1/n) Σ −log softmax(V)_y,

one pass over the 1,437 training images in a fixed order, from the same initial weights
(pathgrad's ``MLP(64, [32, 10], rng=random.Random(0))``). The compiled run includes its
tracing (the model once, its loss once per digit); the three last losses agree to rounding.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

import numpy as np

from pathgrad import nn
from pathgrad.nn.matrix import MatrixMLP

__all__ = ["DigitsSetup", "compiled_epoch", "numpy_epoch", "torch_epoch", "BATCH", "LR"]

BATCH, LR, HIDDEN = 64, 0.01, 32


@dataclass
class DigitsSetup:
    """The training images and labels, and the initial weights every form starts from."""

    X: np.ndarray
    y: np.ndarray
    weights: list[np.ndarray]  # W₁ (64 × 32), b₁, W₂ (32 × 10), b₂

    @classmethod
    def make(cls) -> DigitsSetup:
        from demos.digits import load_digits

        X, y = load_digits()
        X_train, _, y_train, _ = nn.datasets.train_test_split(X, y, test_fraction=0.2, seed=0)
        matrices = MatrixMLP.from_mlp(cls.model())
        weights = [matrices.weights[0], matrices.biases[0], matrices.weights[1], matrices.biases[1]]
        return cls(X_train, y_train, [w.copy() for w in weights])

    @staticmethod
    def model() -> nn.MLP:
        return nn.MLP(64, [HIDDEN, 10], rng=random.Random(0))

    def batches(self):
        for start in range(0, len(self.X), BATCH):
            yield self.X[start : start + BATCH], self.y[start : start + BATCH]


def compiled_epoch(setup: DigitsSetup, model: nn.MLP) -> float:
    """The epoch with ``fit(..., engine="compiled")`` on a fresh model; returns the last step's loss."""
    history = nn.fit(
        model,
        setup.X,
        setup.y,
        "softmax_cross_entropy",
        nn.Adam(model.parameters(), LR),
        batch_size=BATCH,
        shuffle=False,
        engine="compiled",
        progress=False,
    )
    return history.steps[-1].loss


def numpy_epoch(setup: DigitsSetup) -> float:
    """The epoch as numpy matrices, backward and Adam written by hand; returns the last loss."""
    params = [w.copy() for w in setup.weights]
    moments = [np.zeros_like(p) for p in params]
    squares = [np.zeros_like(p) for p in params]
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    loss = float("nan")
    for t, (X, y) in enumerate(setup.batches(), start=1):
        W1, b1, W2, b2 = params
        A1 = X @ W1 + b1
        H = np.maximum(A1, 0.0)
        V = H @ W2 + b2
        shifted = V - V.max(axis=1, keepdims=True)
        exps = np.exp(shifted)
        total = exps.sum(axis=1, keepdims=True)
        rows = np.arange(len(X))
        loss = float(np.mean(np.log(total[:, 0]) - shifted[rows, y]))
        dV = exps / total
        dV[rows, y] -= 1.0
        dV /= len(X)
        dA1 = (dV @ W2.T) * (A1 > 0.0)
        grads = [X.T @ dA1, dA1.sum(0), H.T @ dV, dV.sum(0)]
        for p, g, m, s in zip(params, grads, moments, squares):
            m *= beta1
            m += (1 - beta1) * g
            s *= beta2
            s += (1 - beta2) * g * g
            p -= LR * (m / (1 - beta1**t)) / (np.sqrt(s) / np.sqrt(1 - beta2**t) + eps)
    return loss


def torch_model(setup: DigitsSetup):
    """``nn.Sequential(Linear, ReLU, Linear)`` in float64 holding the initial weights.

    PyTorch runs on one thread, like the numpy and pathgrad forms: these products are too
    small to split, and on a shared machine its idle threads would only compete.
    """
    import torch

    torch.set_num_threads(1)
    model = torch.nn.Sequential(
        torch.nn.Linear(64, HIDDEN), torch.nn.ReLU(), torch.nn.Linear(HIDDEN, 10)
    ).double()
    W1, b1, W2, b2 = setup.weights
    with torch.no_grad():
        for layer, W, b in ((model[0], W1, b1), (model[2], W2, b2)):
            layer.weight.copy_(torch.from_numpy(W.T.copy()))
            layer.bias.copy_(torch.from_numpy(b.copy()))
    return model


def torch_epoch(setup: DigitsSetup, model) -> float:
    """The epoch with PyTorch's ``CrossEntropyLoss`` and ``Adam`` on the same batches."""
    import torch

    optimizer = torch.optim.Adam(model.parameters(), lr=LR)
    criterion = torch.nn.CrossEntropyLoss()
    loss = None
    for X, y in setup.batches():
        optimizer.zero_grad()
        loss = criterion(model(torch.from_numpy(X)), torch.from_numpy(y.astype(np.int64)))
        loss.backward()
        optimizer.step()
    return float(loss.item())
