r"""The δ recursion beside the Δ recursion: a neuron's backward step written over pre-activations.

The lecture writes backprop two ways. Over post-activations (``chain="h"``, the engine's
own Δ = ∂L/∂node, the backward mode's lines); over pre-activations (``chain="a"``):

    δ(a_r) = Φ′(a_r) · Δ(h_r),   Δ(h_r) = Σ_h w(h_r, h) · δ(h),   ∂L/∂w = δ(a_r) · h_{r−1},

with Φ′ in its closed form from the neuron's own output h = Φ(a):

    tanh: 1 − h²   sigmoid: h(1 − h)   ReLU: 1 if a > 0 else 0   hard tanh: 1 if −1 < a < 1 else 0   linear: 1

A layer's Φ′(a_r) is the same form elementwise (``1 − h_r²``; ``vector_steps.py`` writes the rest).

Every number comes from the engine (``node.grad``, the local derivatives on the edges).
"""

from __future__ import annotations

from collections.abc import Callable

from pathgrad.engine import Value
from pathgrad.engine.ops import linear_operands

from ..model import GroupView
from ..text import subscript
from .frames import Line, line
from .graph import StepGraph
from .words import number

__all__ = ["CHAINS", "neuron_delta_lines", "phi_prime", "vector_phi_prime"]

CHAINS = {"h": "Δ over post-activations h", "a": "δ over pre-activations a"}
"""The two chain variables a page can narrate, by the name ``step(chain=...)`` takes."""


def _cases(condition: str) -> Callable[[float, float, int, float], str]:
    return lambda a, h, digits, value: (
        f"{'1' if value else '0'}   ({condition.format(a=number(a, digits))}{'' if value else ' is false'})"
    )


_CLOSED_FORMS: dict[str, Callable[[float, float, int, float], str]] = {
    "tanh": lambda a, h, d, v: f"1 − h² = 1 − {number(h, d)}² = {number(v, d)}",
    "sigmoid": lambda a, h, d, v: f"h(1 − h) = {number(h, d)} × (1 − {number(h, d)}) = {number(v, d)}",
    "relu": _cases("a = {a} > 0"),
    "hardtanh": _cases("−1 < a = {a} < 1"),
    "identity": lambda a, h, d, v: "1   (linear)",
}


_VECTOR_FORMS = {
    "tanh": "1 − {h}²",
    "sigmoid": "{h} ⊙ (1 − {h})",
    "relu": "1 where {a} > 0, else 0",
    "hardtanh": "1 where −1 < {a} < 1, else 0",
    "identity": "1",
}
"""The same closed forms over a whole layer, elementwise (``{h}`` and ``{a}`` name its vectors)."""


def vector_phi_prime(graph: StepGraph, layer) -> str:
    """Φ′(a_r) of a layer in closed form (``1 − h₂²``), or ``∂h/∂a`` where the activation has none."""
    r = subscript(layer.index)
    ops = {graph.node[g.h].op if g.h != g.a else "identity" for g in layer.neurons}
    form = _VECTOR_FORMS.get(ops.pop()) if len(ops) == 1 else None
    return form.format(h=f"h{r}", a=f"a{r}") if form else f"∂h{r}/∂a{r}"


def phi_prime(h_node: Value, a: float, digits: int) -> str:
    """Φ′(a) in its closed form with its numbers (``1 − h² = 1 − 0.679² = 0.539``)."""
    value = h_node.local_grads[0]
    form = _CLOSED_FORMS.get(h_node.op)
    return form(a, h_node.data, digits, value) if form else f"∂h/∂a = {number(value, digits)}"


def neuron_delta_lines(graph: StepGraph, group: GroupView, digits: int) -> list[Line]:
    """The neuron's backward step in δ form: Δ(h) gathered, Φ′(a), δ = Φ′·Δ, then ∂L/∂w = δ·h_{r−1}."""
    a_node, h_node = graph.node[group.a], graph.node[group.h]
    name = group.name
    lines = []
    if h_node is not a_node:
        consumers = [
            (child, k) for child in graph.order for k, parent in enumerate(child.parents) if parent is h_node
        ]
        terms = " + ".join(
            f"{number(child.local_grads[k], digits)} × {number(child.grad, digits)}" for child, k in consumers
        )
        if h_node is graph.root:
            lines.append(
                line("formula", f"Δ({name}.h) = ∂L/∂h = {number(h_node.grad, digits)}   (the output)")
            )
        elif all(child.op == "linear" for child, _ in consumers):
            lines.append(
                line("formula", f"Δ({name}.h) = Σ w · δ(next) = {terms} = {number(h_node.grad, digits)}")
            )
        else:  # the output neuron: its Δ comes from the loss
            fused = any(child.op == "cross_entropy" for child, _ in consumers)
            source = "softmax with cross-entropy: o − y" if fused else "from the loss"
            lines.append(
                line(
                    "formula",
                    f"Δ({name}.h) = ∂L/∂h = {terms} = {number(h_node.grad, digits)}   ({source})",
                )
            )
        lines.append(line("formula", f"Φ′(a) = {phi_prime(h_node, a_node.data, digits)}"))
        lines.append(
            line(
                "formula",
                f"δ({name}) = Φ′(a) · Δ(h) = {number(h_node.local_grads[0], digits)} × "
                f"{number(h_node.grad, digits)} = {number(a_node.grad, digits)}",
            )
        )
    else:
        lines.append(
            line("formula", f"δ({name}) = ∂L/∂a = {number(a_node.grad, digits)}   (a linear unit: Φ′ = 1)")
        )
    layout = linear_operands(len(a_node.parents))
    for k in layout.weights:
        weight, source = a_node.parents[k], a_node.parents[layout.input_of(k)]
        lines.append(
            line(
                "formula",
                f"∂L/∂{graph.names[weight]} = δ · {graph.names[source]} = {number(a_node.grad, digits)} × "
                f"{number(source.data, digits)} = {number(a_node.grad * source.data, digits)}",
            )
        )
    bias = a_node.parents[layout.bias]
    lines.append(
        line(
            "formula",
            f"∂L/∂{graph.names[bias]} = δ · 1 = {number(a_node.grad, digits)}   (a bias multiplies 1)",
        )
    )
    return lines
