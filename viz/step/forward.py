r"""Forward mode: ``engine.topological_order``, one step per node an op makes.

Each step computes one node from its parents and writes the local derivatives
∂node/∂parent onto its incoming edges (the lecture's forward phase).
"""

from __future__ import annotations

from .frames import EdgeChange, Frames, NodeChange, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import resting
from .words import forward_formula, local_formula, number

__all__ = ["forward_frames"]


def forward_frames(graph: StepGraph, settings: Settings) -> Frames:
    """Initial state (leaves known) and one step per computed node, in topological order."""
    digits = settings.digits
    steps = []
    for node in graph.order:
        if node.is_leaf:
            continue
        ident, incoming = graph.ids[node], graph.into(node)
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
