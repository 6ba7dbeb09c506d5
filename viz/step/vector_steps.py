r"""The layer view's words: a layer's forward and backward step written with vectors and matrices.

Forward, layer r (h_0 = x):

    a_r = W_rᵀ h_{r−1} + b_r,   h_r = Φ(a_r),   and Φ′(a_r) kept for the backward pass.

Backward over pre-activations (``chain="a"``), from the output layer k down:

    δ_k = Φ′(a_k) ⊙ ∂L/∂h_k   (o − y for softmax with cross-entropy)
    δ_r = Φ′(a_r) ⊙ W_{r+1} δ_{r+1}
    ∂L/∂W_r = h_{r−1} δ_rᵀ,   ∂L/∂b_r = δ_r

and over post-activations (``chain="h"``), the same numbers as Δ_r = ∂L/∂h_r:

    Δ_r = W_{r+1} (Φ′(a_{r+1}) ⊙ Δ_{r+1}),   ∂L/∂W_r = h_{r−1} (Φ′(a_r) ⊙ Δ_r)ᵀ

⊙ multiplies elementwise. Every number is the engine's (``node.data``, ``node.grad`` and the
local derivative ∂h/∂a on the activation's edge), so the page shows what backward computed.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..text import subscript
from .chains import vector_phi_prime
from .frames import Line, line
from .graph import StepGraph
from .layers import VectorLayer, previous_output
from .words import number

__all__ = ["layer_openings", "layer_forward_lines", "layer_backward_lines", "SHOWN_ENTRIES"]

SHOWN_ENTRIES = 6
"""A vector shows at most this many entries, then "… k more"."""


def vector(values: Iterable[float], digits: int) -> str:
    """``[0.300, −0.171, …]``: the first ``SHOWN_ENTRIES`` entries, then how many more."""
    values = list(values)
    shown = ", ".join(number(v, digits) for v in values[:SHOWN_ENTRIES])
    more = f", … {len(values) - SHOWN_ENTRIES} more" if len(values) > SHOWN_ENTRIES else ""
    return f"[{shown}{more}]"


def layer_openings(graph: StepGraph, nodes: Iterable[str]) -> dict[str, VectorLayer]:
    """The first node of each run of one layer's a and h nodes in ``nodes``: where its step starts."""
    layer_of = {
        member: layer for layer in graph.layers for group in layer.neurons for member in (group.a, group.h)
    }
    openings, current = {}, None
    for ident in nodes:
        layer = layer_of.get(ident)
        if layer is not None and layer is not current:
            openings[ident] = layer
        current = layer
    return openings


def _values(graph: StepGraph, ids: Iterable[str], what: str) -> list[float]:
    return [getattr(graph.node[ident], what) for ident in ids]


def _phi(graph: StepGraph, layer: VectorLayer) -> list[float]:
    """Φ′(a_r) per neuron: the local derivative ∂h/∂a (1 for a unit without activation node)."""
    return [graph.node[g.h].local_grads[0] if g.h != g.a else 1.0 for g in layer.neurons]


def _symbols(layer: VectorLayer) -> tuple[str, str, str, str, str]:
    r = subscript(layer.index)
    return f"a{r}", f"h{r}", f"δ{r}", f"Δ{r}", f"W{r}"


def layer_forward_lines(graph: StepGraph, layer: VectorLayer, digits: int) -> list[Line]:
    """a_r = W_rᵀ h_{r−1} + b_r and h_r = Φ(a_r) with the layer's numbers, and Φ′(a_r) kept."""
    a, h, _, _, w = _symbols(layer)
    r = subscript(layer.index)
    pre = _values(graph, (g.a for g in layer.neurons), "data")
    post = _values(graph, (g.h for g in layer.neurons), "data")
    lines = [
        line(
            "formula",
            f"{previous_output(layer.index)} = {vector(_values(graph, layer.inputs, 'data'), digits)}",
        ),
        line("formula", f"{a} = {w}ᵀ {previous_output(layer.index)} + b{r} = {vector(pre, digits)}"),
    ]
    if any(g.a != g.h for g in layer.neurons):
        lines.append(line("formula", f"{h} = {layer.activation}({a}) = {vector(post, digits)}"))
    lines += [
        line("head", "kept for the backward pass:"),
        line("formula", f"Φ′({a}) = {vector_phi_prime(graph, layer)} = {vector(_phi(graph, layer), digits)}"),
        line(
            "note",
            f"One matrix product ({w}ᵀ is {layer.shape[1]}×{layer.shape[0]}) and one elementwise "
            f"activation compute {_all_neurons(len(layer.neurons))} of the layer at once.",
        ),
    ]
    return lines


def layer_backward_lines(graph: StepGraph, layer: VectorLayer, digits: int) -> dict[str, list[Line]]:
    """The layer's backward step in both chain variables: ``{"h": Δ form, "a": δ form}``."""
    a, h, d, big, w = _symbols(layer)
    following = graph.layers[layer.index] if layer.index < len(graph.layers) else None  # layer r + 1
    deltas = vector(_values(graph, (g.a for g in layer.neurons), "grad"), digits)
    upstream = vector(_values(graph, (g.h for g in layer.neurons), "grad"), digits)
    phi = line(
        "formula", f"Φ′({a}) = {vector_phi_prime(graph, layer)} = {vector(_phi(graph, layer), digits)}"
    )
    shape = "×".join(map(str, layer.shape))
    weight_lines = [
        line("formula", f"∂L/∂{w} = {previous_output(layer.index)} {d}ᵀ   ({shape}, in the {w} box)"),
        line("formula", f"∂L/∂b{subscript(layer.index)} = {d} = {deltas}"),
    ]
    if layer.index == 1:
        inputs = vector(_values(graph, layer.inputs, "grad"), digits)
        weight_lines.append(line("formula", f"∂L/∂x = {w} {d} = {inputs}"))
    if following is None:
        start = f"∂L/∂{h} = {upstream}   (from the loss{_softmax_note(graph, layer)})"
        delta_form = [
            line("formula", start),
            phi,
            line("formula", f"{d} = Φ′({a}) ⊙ ∂L/∂{h} = {deltas}"),
        ]
        big_form = [line("formula", f"{big} = {start}")]
    else:
        a_next, _, d_next, big_next, w_next = _symbols(following)
        delta_form = [
            line("formula", f"{w_next} {d_next} = {upstream}"),
            phi,
            line("formula", f"{d} = Φ′({a}) ⊙ {w_next} {d_next} = {deltas}"),
        ]
        big_form = [line("formula", f"{big} = {w_next} (Φ′({a_next}) ⊙ {big_next}) = {upstream}")]
    big_form += [
        phi,
        line("formula", f"{d} = Φ′({a}) ⊙ {big} = {deltas}"),
        line(
            "formula",
            f"∂L/∂{w} = {previous_output(layer.index)} (Φ′({a}) ⊙ {big})ᵀ   ({shape}, in the {w} box)",
        ),
        *weight_lines[1:],
    ]
    return {"h": big_form, "a": [*delta_form, *weight_lines]}


def _all_neurons(count: int) -> str:
    return "the one neuron" if count == 1 else f"all {count} neurons"


def _softmax_note(graph: StepGraph, layer: VectorLayer) -> str:
    """ ", softmax with cross-entropy: o − y" when the layer's outputs feed a fused cross-entropy node."""
    outputs = {graph.node[g.h] for g in layer.neurons}
    fused = any(node.op == "cross_entropy" and set(node.parents) & outputs for node in graph.order)
    return "; softmax with cross-entropy: o − y" if fused else ""
