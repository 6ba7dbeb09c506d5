r"""Forward mode: ``pathgrad.engine.topological_order``, one step per node an op makes.

Each step computes one node from its parents and writes the local derivatives
∂node/∂parent onto its incoming edges (the lecture's forward phase).
"""

from __future__ import annotations

from .frames import EdgeChange, Frames, NodeChange, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import resting
from .vector_steps import layer_forward_lines, layer_openings
from .words import forward_formula, local_formula, number

__all__ = ["forward_frames"]


def forward_frames(graph: StepGraph, settings: Settings) -> Frames:
    """Initial state (leaves known) and one step per computed node, in topological order.

    In the layer view the first step on each layer writes the whole layer in vector form.
    """
    digits = settings.digits
    steps = []
    computed = [node for node in graph.order if not node.is_leaf]
    layers = layer_openings(graph, (graph.ids[n] for n in computed)) if settings.view == "layer" else {}
    for node in computed:
        ident, incoming = graph.ids[node], graph.into(node)
        if ident in layers:
            lines = layer_forward_lines(graph, layers[ident], digits)
        else:
            lines = [
                line("formula", forward_formula(node, graph.names, digits)),
                line("head", "local derivatives, kept on the edges:"),
            ]
            lines += [
                line("formula", local_formula(node, k, graph.names, digits)) for k in range(len(node.parents))
            ]
        steps.append(
            Step(
                f"compute {graph.names[node]}",
                lines,
                counter="Forward",
                nodes={ident: NodeChange(data=number(node.data, digits), state="computed")},
                edges={e: EdgeChange(number(g, digits), "known") for e, g in zip(incoming, node.local_grads)},
                focus=[ident],
                targets=[graph.ids[p] for p in node.parents],
                trail=incoming,
                values={"node": ident, "data": node.data, "local_grads": list(node.local_grads)},
            )
        )
    return Frames(resting(graph, digits, data=False), steps)
