r"""The activation functions a layer may use, defined once for every form of the network.

Each entry ties together the same function as it appears in the scalar graph (an
engine op), in the vector form (numpy: the op table's batch version of the same op), in
PyTorch (a module name), and the lecture's closed form of its derivative Φ'(a_h), which
the backward recursion multiplies in:

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

from dataclasses import dataclass

import numpy as np

from pathgrad.engine import ops
from pathgrad.engine.ops import Op

__all__ = ["Activation", "ACTIVATIONS", "get_activation"]

Array = np.ndarray


@dataclass(frozen=True)
class Activation:
    """One activation function Φ in all the forms the package needs.

    The numpy forms are the op table's batch version of ``op``, so the scalar graph,
    the matrix network and the compiled mode compute Φ and Φ' with one definition.

    Attributes:
        name: the canonical name (``"tanh"``).
        op: the engine op that makes the post-activation node h = Φ(a).
        closed_form: the lecture's text of the derivative Φ'(a), e.g. ``"h(1 − h)"``.
        torch_module: the ``torch.nn`` class name of the same function.
    """

    name: str
    op: Op
    closed_form: str
    torch_module: str

    def _batch(self, a: Array) -> tuple[Array, Array]:
        a = np.asarray(a, dtype=float)
        rows = np.atleast_1d(a)[np.newaxis]  # one operand; a constant derivative comes as one column
        out, local = self.op.evaluate_batch(rows)
        return out.reshape(a.shape), np.broadcast_to(local[0], rows.shape[1:]).reshape(a.shape)

    def forward(self, a: Array) -> Array:
        """h = Φ(a), elementwise."""
        return self._batch(a)[0]

    def derivative(self, a: Array) -> Array:
        """Φ'(a), elementwise: the local derivative ∂h/∂a of the op's node."""
        return np.array(self._batch(a)[1])


ACTIVATIONS: dict[str, Activation] = {
    activation.name: activation
    for activation in (
        Activation("identity", ops.IDENTITY, "1", "Identity"),
        Activation("sigmoid", ops.SIGMOID, "h(1 − h)", "Sigmoid"),
        Activation("tanh", ops.TANH, "1 − h²", "Tanh"),
        Activation("relu", ops.RELU, "1 if a > 0 else 0", "ReLU"),
        Activation("hardtanh", ops.HARDTANH, "1 if −1 < a < 1 else 0", "Hardtanh"),
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
