r"""Backward mode: ``pathgrad.engine.backward_steps``, one step per node in reverse topological order.

Each step makes one node's Δ final and pushes Δ(parent) += ∂node/∂parent · Δ(node)
along each of its edges (the dynamic program of the lecture).
"""

from __future__ import annotations

from pathgrad.engine import BackwardStep, Value

from .chains import neuron_delta_lines
from .frames import EdgeChange, Frames, Line, NodeChange, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import resting
from .vector_steps import layer_backward_lines, layer_openings
from .words import number, partial

__all__ = ["backward_frames"]


def _lines(
    graph: StepGraph, record: BackwardStep, received: dict[Value, list[float]], digits: int
) -> list[Line]:
    node, name = record.node, graph.names[record.node]
    if node is graph.root:
        lines = [
            line("formula", f"Δ({name}) = {partial(name, name)} = {number(record.grad, digits)}   (the seed)")
        ]
    else:
        amounts = received.get(node, [])
        total = " + ".join(number(a, digits) for a in amounts)
        sums = f" = {total}" if len(amounts) > 1 else ""
        lines = [line("formula", f"Δ({name}){sums} = {number(record.grad, digits)}   final")]
    if not record.contributions:
        lines.append(line("note", f"{name} is a leaf: nothing to push" if node.is_leaf else ""))
    for c in record.contributions:
        parent = graph.names[c.parent]
        lines.append(
            line(
                "formula",
                f"Δ({parent}) += {partial(name, parent)} · Δ({name}) = {number(c.local_grad, digits)} × "
                f"{number(record.grad, digits)} = {number(c.amount, digits)}",
            )
        )
        if c.parent_grad_after != c.amount:  # it already held something: say what the sum is now
            lines.append(line("note", f"Δ({parent}) is now {number(c.parent_grad_after, digits)}"))
    return [item for item in lines if item.text]


def backward_frames(graph: StepGraph, settings: Settings) -> Frames:
    """One step per record of ``graph.records()``: its Δ is final, it pushes to its parents."""
    digits = settings.digits
    steps = []
    received: dict[Value, list[float]] = {}
    # in the neuron view a neuron's steps become one, which its first (h's) step also writes in δ form;
    # node by node, the step of a (where δ is final and pushed to the weights) does;
    # in the layer view a layer's steps become one, which its first step writes in vector form
    records = graph.records()
    opening = {
        "neuron": {group.h: group for group in graph.groups},
        "expanded": {group.a: group for group in graph.groups},
    }.get(settings.view, {})
    layers = layer_openings(graph, (graph.ids[r.node] for r in records)) if settings.view == "layer" else {}
    for record in records:
        node = record.node
        ident = graph.ids[node]
        if ident in layers:
            forms = layer_backward_lines(graph, layers[ident], digits)
            lines, chains = forms["h"], {"a": forms["a"]}
        else:
            lines = _lines(graph, record, received, digits)
            chains = {"a": neuron_delta_lines(graph, opening[ident], digits)} if ident in opening else None
        changes = {graph.ids[node]: NodeChange(grad=number(record.grad, digits), state="final")}
        for c in record.contributions:
            received.setdefault(c.parent, []).append(c.amount)
            changes[graph.ids[c.parent]] = NodeChange(
                grad=number(c.parent_grad_after, digits), state="accumulating"
            )
        steps.append(
            Step(
                f"Δ({graph.names[node]}) is final",
                lines,
                counter="Backward",
                nodes=changes,
                edges={
                    graph.edge(node, c.parent_index): EdgeChange(state="pushed") for c in record.contributions
                },
                focus=[graph.ids[node]],
                targets=[graph.ids[c.parent] for c in record.contributions],
                trail=[graph.edge(node, c.parent_index) for c in record.contributions],
                values={
                    "node": graph.ids[node],
                    "grad": record.grad,
                    "contributions": [
                        [graph.ids[c.parent], c.local_grad, c.amount, c.parent_grad_after]
                        for c in record.contributions
                    ],
                },
                chains=chains,
            )
        )
    return Frames(resting(graph, digits), steps)
