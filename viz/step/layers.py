r"""A network's vector units (the lecture's Figure (c)→(d)): its neurons grouped into layers.

Layer r holds the neurons fed by the same vector h_{r−1} (h_0 = x). With p_{r−1} inputs
and p_r neurons its weights form the p_{r−1} × p_r matrix W_r, whose entry [i, j] is
neuron j's weight on input i, and

    a_r = W_rᵀ h_{r−1} + b_r,   h_r = Φ(a_r)   (elementwise)

which is ``pathgrad.nn.matrix``'s layer, one sample at a time. The grouping comes from the
graph (``linear`` nodes and the activations over them), not from the labels.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..collapse import layers_of
from ..model import GroupView
from ..text import subscript

__all__ = ["VectorLayer", "vector_layers", "previous_output"]


@dataclass(frozen=True)
class VectorLayer:
    """Layer r: its neurons, the node ids of h_{r−1} (its inputs, in order), W_r and b_r.

    ``weights[i][j]`` is the id of neuron j's weight on input i, or ``None`` where neuron j
    does not read input i (a hand-built, irregular graph).
    """

    index: int
    name: str
    neurons: tuple[GroupView, ...]
    inputs: tuple[str, ...]
    weights: tuple[tuple[str | None, ...], ...]
    biases: tuple[str, ...]
    activation: str

    @property
    def shape(self) -> tuple[int, int]:
        """(p_{r−1}, p_r): W_r's rows and columns."""
        return len(self.inputs), len(self.neurons)


def _in_order(neurons: list[GroupView], readers: list[list[str]]) -> list[GroupView]:
    """A layer's neurons in the order the next stage reads their outputs (N1 … Nk in an MLP)."""
    outputs = {group.h: group for group in neurons}
    for operands in readers:
        if outputs.keys() <= set(operands):
            return [outputs[h] for h in dict.fromkeys(operands) if h in outputs]
    return neurons


def vector_layers(groups: tuple[GroupView, ...], readers: list[list[str]] = ()) -> list[VectorLayer]:
    """The layers of a network's neurons, first to last; W_r's rows follow the inputs' first use.

    ``readers`` lists the operand ids of the graph's other nodes (the loss reading the
    outputs); a layer's neurons come in the order the next layer, or else a reader, reads them.
    """
    grouped = layers_of(groups)
    layers = []
    for index, (name, neurons) in enumerate(grouped, start=1):
        following = [list(g.inputs) for g in grouped[index][1]] if index < len(grouped) else []
        neurons = _in_order(neurons, following + list(readers))
        inputs = tuple(dict.fromkeys(x for group in neurons for x in group.inputs))
        row = {x: i for i, x in enumerate(inputs)}
        weights: list[list[str | None]] = [[None] * len(neurons) for _ in inputs]
        for j, group in enumerate(neurons):
            for x, w in zip(group.inputs, group.weights):
                weights[row[x]][j] = w
        activations = sorted({group.activation or "linear" for group in neurons})
        layers.append(
            VectorLayer(
                index=index,
                name=name,
                neurons=tuple(neurons),
                inputs=inputs,
                weights=tuple(tuple(r) for r in weights),
                biases=tuple(group.bias for group in neurons),
                activation=" / ".join(activations),
            )
        )
    return layers


def previous_output(index: int) -> str:
    """The name of layer ``index``'s input vector: x for the first layer, else h_{r−1}."""
    return "x" if index == 1 else f"h{subscript(index - 1)}"
