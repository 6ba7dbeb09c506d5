r"""The activation functions a layer may use, defined once for every form of the network.

Each entry ties together the same function as it appears in the scalar graph (an
engine op), in the vector form (numpy), in PyTorch (a module name), and the lecture's
closed form of its derivative Φ'(a_h), which the backward recursion multiplies in:

    δ(h_r) = Φ'(a_{h_r}) · Σ_h w(h_r, h) · δ(h)

| name     | Φ(a)                 | Φ'(a), as the lecture writes it |
|----------|----------------------|---------------------------------|
| identity | a                    | 1                               |
| sigmoid  | 1 / (1 + e^(−a))     | h(1 − h)                        |
| tanh     | tanh(a)              | 1 − h²                          |
| relu     | max(0, a)            | 1 if a > 0 else 0               |
| hardtanh | max(−1, min(1, a))   | 1 if −1 < a < 1 else 0          |
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pathgrad.engine import ops
from pathgrad.engine.ops import Op

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """One activation function Φ in all the forms the package needs.

    Attributes:
        name: the canonical name (``"tanh"``).
        op: the engine op that makes the post-activation node h = Φ(a).
        forward: Φ applied elementwise to a numpy array.
        derivative: Φ'(a) from the pre-activation ``a`` and the output ``h = Φ(a)``,
            written the lecture's way (sigmoid uses h, ReLU uses a).
        closed_form: the text of that derivative, e.g. ``"h(1 − h)"``.
        torch_module: the ``torch.nn`` class name of the same function.
    """

    name: str
    op: Op
    forward: Callable[[Array], Array]
    derivative: Callable[[Array, Array], Array]
    closed_form: str
    torch_module: str


def _sigmoid(a: Array) -> Array:
    # the same value as 1/(1+exp(-a)) without overflowing exp for very negative a
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation(
            "identity", ops.IDENTITY, lambda a: a.copy(), lambda a, h: np.ones_like(a), "1", "Identity"
        ),
        Activation("sigmoid", ops.SIGMOID, _sigmoid, lambda a, h: h * (1.0 - h), "h(1 − h)", "Sigmoid"),
        Activation("tanh", ops.TANH, np.tanh, lambda a, h: 1.0 - h * h, "1 − h²", "Tanh"),
        Activation(
            "relu",
            ops.RELU,
            lambda a: np.maximum(a, 0.0),
            lambda a, h: (a > 0).astype(float),
            "1 if a > 0 else 0",
            "ReLU",
        ),
        Activation(
            "hardtanh",
            ops.HARDTANH,
            lambda a: np.clip(a, -1.0, 1.0),
            lambda a, h: ((a > -1.0) & (a < 1.0)).astype(float),
            "1 if −1 < a < 1 else 0",
            "Hardtanh",
        ),
    )
}

_ALIASES = {"linear": "identity", "none": "identity"}


def get_activation(name: str | Activation | None) -> Activation:
    """The activation called ``name`` (``None`` and ``"linear"`` mean identity).

    Raises:
        ValueError: for an unknown name, listing the known ones.
    """
    if isinstance(name, Activation):
        return name
    if name is None:
        return ACTIVATIONS["identity"]
    if not isinstance(name, str):
        raise TypeError(f"an activation is given by name (one of {', '.join(ACTIVATIONS)}), got {name!r}")
    key = _ALIASES.get(name.lower(), name.lower())
    if key not in ACTIVATIONS:
        known = ", ".join([*ACTIVATIONS, *_ALIASES])
        raise ValueError(f"unknown activation {name!r}; known: {known}")
    return ACTIVATIONS[key]
