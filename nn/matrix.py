r"""The same MLP in vector form with numpy: the lecture's decoupled backward pass.

With the rows of ``X`` as samples, layer r computes from the previous layer's
outputs H_{r−1} (H_0 = X):

    A_r = H_{r−1} W_r + b_r          the linear part  (the lecture's W_rᵀ h_{r−1}, one row per sample)
    H_r = Φ_r(A_r)                   the activation, elementwise

and backward, from G = ∂L/∂H_k of the output layer k:

    δ_k = Φ_k'(A_k) ⊙ G              δ = ∂L/∂a, the activation part: elementwise
    δ_{r−1} = Φ_{r−1}'(A_{r−1}) ⊙ (δ_r W_rᵀ)   the linear part: one matrix product
    ∂L/∂W_r = H_{r−1}ᵀ δ_r,   ∂L/∂b_r = Σ_rows δ_r

W_r has shape (p_{r−1}, p_r): its entry [i, j] is the scalar network's ``Lr.N(j+1).w(i+1)``.
Gradients agree with the scalar engine's to rounding (tests check 1e-12).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .activations import Activation
from .mlp import MLP

__all__ = [
    "MatrixMLP",
    "ForwardPass",
    "Gradients",
    "mse_gradient",
    "softmax_cross_entropy_gradient",
]


@dataclass(frozen=True)
class ForwardPass:
    """Every layer's pre-activations A_r and outputs H_r (``outputs[0]`` is the input X)."""

    pre_activations: list[np.ndarray]
    outputs: list[np.ndarray]

    @property
    def result(self) -> np.ndarray:
        return self.outputs[-1]


@dataclass(frozen=True)
class Gradients:
    """∂L/∂W_r, ∂L/∂b_r (``None`` without bias), δ_r = ∂L/∂A_r per layer, and ∂L/∂X."""

    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    deltas: list[np.ndarray]
    inputs: np.ndarray


@dataclass
class MatrixMLP:
    """Weight matrices W_r (p_{r−1} × p_r), bias vectors b_r, and each layer's activation."""

    weights: list[np.ndarray]
    biases: list[np.ndarray | None]
    activations: list[Activation]

    @classmethod
    def from_mlp(cls, mlp: MLP) -> MatrixMLP:
        """The matrices holding a scalar ``MLP``'s current weights."""
        weights = [np.array([[w.data for w in n.w] for n in layer.neurons]).T for layer in mlp.layers]
        biases = [
            np.array([n.b.data for n in layer.neurons]) if layer.neurons[0].b is not None else None
            for layer in mlp.layers
        ]
        return cls(weights, biases, [layer.activation for layer in mlp.layers])

    def named_gradients(self, gradients: Gradients) -> dict[str, float]:
        """The gradients under the scalar network's parameter names (``L1.N3.w2`` …)."""
        named = {}
        for r, (dW, db) in enumerate(zip(gradients.weights, gradients.biases), start=1):
            for j in range(dW.shape[1]):
                for i in range(dW.shape[0]):
                    named[f"L{r}.N{j + 1}.w{i + 1}"] = float(dW[i, j])
                if db is not None:
                    named[f"L{r}.N{j + 1}.b"] = float(db[j])
        return named

    def forward(self, X: np.ndarray) -> ForwardPass:
        """A_r = H_{r−1} W_r + b_r and H_r = Φ_r(A_r) for every layer."""
        H = np.atleast_2d(np.asarray(X, dtype=float))
        if H.shape[1] != self.weights[0].shape[0]:
            raise ValueError(f"MatrixMLP: expects {self.weights[0].shape[0]} input columns, got {H.shape[1]}")
        pre, outputs = [], [H]
        for W, b, activation in zip(self.weights, self.biases, self.activations):
            A = H @ W + (b if b is not None else 0.0)
            H = activation.forward(A)
            pre.append(A)
            outputs.append(H)
        return ForwardPass(pre, outputs)

    def backward(self, forward: ForwardPass, output_grad: np.ndarray) -> Gradients:
        """δ_k = Φ'(A_k) ⊙ ∂L/∂H_k, then δ_{r−1} = Φ'(A_{r−1}) ⊙ (δ_r W_rᵀ), and the weight gradients."""
        grad_h = np.asarray(output_grad, dtype=float).reshape(forward.result.shape)
        weights, biases, deltas = [], [], []
        for r in reversed(range(len(self.weights))):
            A = forward.pre_activations[r]
            delta = self.activations[r].derivative(A) * grad_h
            weights.append(forward.outputs[r].T @ delta)
            biases.append(delta.sum(axis=0) if self.biases[r] is not None else None)
            deltas.append(delta)
            grad_h = delta @ self.weights[r].T
        return Gradients(weights[::-1], biases[::-1], deltas[::-1], grad_h)


def mse_gradient(outputs: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """∂L/∂O for L = mean((O − Y)²): 2(O − Y)/(number of entries)."""
    outputs = np.asarray(outputs, dtype=float)
    targets = np.asarray(targets, dtype=float).reshape(outputs.shape)
    return 2.0 * (outputs - targets) / outputs.size


def softmax_cross_entropy_gradient(logits: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """∂L/∂V for L = mean over rows of −log softmax(V)_y: the lecture's (o − y)/n."""
    logits = np.asarray(logits, dtype=float)
    shifted = np.exp(logits - logits.max(axis=1, keepdims=True))
    probabilities = shifted / shifted.sum(axis=1, keepdims=True)
    one_hot = np.zeros_like(probabilities)
    one_hot[np.arange(len(logits)), np.asarray(targets, dtype=int)] = 1.0
    return (probabilities - one_hot) / len(logits)
