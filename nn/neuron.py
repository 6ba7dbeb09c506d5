r"""``Neuron``: h = Φ(a), a = Σ_i w_i·x_i + b — the lecture's unit with its two values.

By default the pre-activation a is ONE node made by the engine's ``linear`` op, with
operands (w_1 … w_n, x_1 … x_n, b) and local derivatives ∂a/∂w_i = x_i, ∂a/∂x_i = w_i,
∂a/∂b = 1; the activation is a second node h. After a call the neuron keeps both
(``neuron.a``, ``neuron.h``), so after ``backward()`` the lecture's

    δ = ∂L/∂a = neuron.a.grad        Δ = ∂L/∂h = neuron.h.grad

can be read and shown for every neuron. ``expanded=True`` builds the micrograd-lecture
graph instead: one product node w_i·x_i per input, added one by one, then + b.

A neuron without bias still makes its a with the ``linear`` op, with the constant 0 in
the bias slot: every a node then has the same operand layout (weights, inputs, bias),
so the collapsed neuron view and the compiled engine read all neurons alike, and the
drawing shows a fixed "0" where the bias would be rather than a differently shaped node.
"""

from __future__ import annotations

import random
from collections.abc import Iterator

from pathgrad.engine import Constant, Value, apply
from pathgrad.engine.ops import LINEAR

from .activations import Activation, get_activation
from .inputs import Inputs, as_inputs
from .module import Module

__all__ = ["Neuron"]


class Neuron(Module):
    """One unit: weights ``w`` (uniform in [−1, 1], as micrograd), bias ``b`` (0, or ``None``).

    Args:
        nin: number of inputs.
        nonlin: micrograd's switch: ``True`` is ReLU, ``False`` is linear. Ignored when
            ``activation`` is given.
        activation: ``"identity"``/``"linear"``, ``"sigmoid"``, ``"tanh"``, ``"relu"``, ``"hardtanh"``.
        bias: whether the neuron has a bias parameter.
        expanded: build explicit products and sums instead of one ``linear`` node.
        rng: where the initial weights come from (default: the ``random`` module, so
            ``random.seed(1337)`` reproduces micrograd's networks).
    """

    def __init__(
        self,
        nin: int,
        nonlin: bool = True,
        *,
        activation: str | Activation | None = None,
        bias: bool = True,
        expanded: bool = False,
        rng: random.Random | None = None,
    ) -> None:
        if isinstance(nin, bool) or not isinstance(nin, int) or nin < 1:
            raise ValueError(f"Neuron: nin must be a positive int, got {nin!r}")
        draw = (rng or random).uniform
        self.w = [Value(draw(-1, 1)) for _ in range(nin)]
        self.b: Value | None = Value(0.0) if bias else None
        self.activation = get_activation(
            activation if activation is not None else ("relu" if nonlin else "identity")
        )
        self.expanded = expanded
        self.a: Value | None = None
        self.h: Value | None = None
        self.label_parameters()

    @property
    def nonlin(self) -> bool:
        """micrograd's flag: whether the activation is not the identity."""
        return self.activation.name != "identity"

    def named_own_parameters(self) -> Iterator[tuple[str, Value]]:
        """``w1 … wn`` (the weights in input order), then ``b`` if the neuron has a bias."""
        for index, weight in enumerate(self.w, start=1):
            yield f"w{index}", weight
        if self.b is not None:
            yield "b", self.b

    def own_parameters(self) -> list[Value]:
        """The weights in input order, then the bias (one list, without building the names)."""
        return [*self.w, self.b] if self.b is not None else list(self.w)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """None: a neuron is the innermost module (its ``a`` and ``h`` are outputs, not parts)."""
        return iter(())

    def _name(self, part: str) -> str:
        return f"{self.label}.{part}" if self.label else part

    def __call__(self, x: Inputs) -> Value:
        """h = Φ(Σ w_i·x_i + b); also stored, with a, as ``self.h`` and ``self.a``."""
        return self.forward(as_inputs(x, len(self.w), self.label or "Neuron"))

    def forward(self, xs: list[Value]) -> Value:
        """``__call__`` on inputs already checked: exactly ``nin`` Values (a layer checks once)."""
        if self.expanded:
            a = self._expanded_sum(xs)
        else:
            a = apply(LINEAR, *self.w, *xs, self.b if self.b is not None else Constant(0.0))
        a.label = self._name("a")
        h = apply(self.activation.op, a)
        h.label = self._name("h")
        self.a, self.h = a, h
        return h

    def _expanded_sum(self, xs: list[Value]) -> Value:
        total: Value | None = None
        for index, (w, x) in enumerate(zip(self.w, xs), start=1):
            product = w * x
            product.label = self._name(f"w{index}*x{index}")
            total = product if total is None else total + product
        return total + self.b if self.b is not None else total

    def describe_shape(self) -> str:
        """The number of inputs and whether there is a bias: ``"3 inputs, with bias"``."""
        return f"{len(self.w)} inputs, {'with' if self.b is not None else 'no'} bias"

    def extra_repr(self) -> str:
        """``nin, activation=…`` and ``bias=False`` when there is none: ``Neuron(3, activation=relu)``."""
        bias = "" if self.b is not None else ", bias=False"
        return f"{len(self.w)}, activation={self.activation.name}{bias}"
