"""The states a timeline starts from: every node's cells and every edge's label at rest."""

from __future__ import annotations

from .frames import EdgeChange, NodeChange, State
from .graph import StepGraph
from .words import number

__all__ = ["resting", "UNKNOWN", "HIDDEN", "NOT_YET"]

UNKNOWN = "?"
"""A value not computed yet (``data ?``), or a grad the quiz hides (``grad ?``)."""
HIDDEN = "?"
NOT_YET = "—"
"""A grad backward has not reached (``grad —``)."""


def resting(graph: StepGraph, digits: int, *, data: bool = True, grads: bool = False) -> State:
    """Every node shows its data (or ``data ?`` for results) and optionally its grad.

    With ``grads`` the graph's grads must be set (``graph.records()`` sets them).
    """
    nodes = {}
    for node in graph.order:
        known = data or node.is_leaf
        nodes[graph.ids[node]] = NodeChange(
            data=number(node.data, digits) if known else UNKNOWN,
            grad=number(node.grad, digits) if grads and node.grad_computed else NOT_YET,
            state=("final" if grads else "computed") if known else "pending",
        )
    edges = {
        e.id: EdgeChange(number(e.local_grad, digits) if data else "", "known" if data else "pending")
        for e in graph.edges
    }
    return State(nodes, edges)
