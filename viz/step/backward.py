r"""Backward mode: ``pathgrad.engine.backward_steps``, one step per inner node in reverse topological order.

Each step makes one node's Δ final and pushes Δ(parent) += ∂node/∂parent · Δ(node)
along each of its edges (the dynamic program of the lecture). A leaf pushes nothing,
so it has no step of its own: its Δ is final once its last child has pushed to it,
and that child's step shows it final.
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


def _gathered(name: str, amounts: list[float], grad: float, digits: int) -> str:
    """``Δ(w) = 0.250 + 0.500 = 0.750``: a final Δ and, when it has several, the terms it sums."""
    total = " + ".join(number(a, digits) for a in amounts)
    sums = f" = {total}" if len(amounts) > 1 else ""
    return f"Δ({name}){sums} = {number(grad, digits)}"


def _last_pushes(records: list[BackwardStep]) -> set[tuple[int, int]]:
    """(record, contribution) positions of each leaf's last push: after it the leaf's Δ is final."""
    last: dict[Value, tuple[int, int]] = {}
    for position, record in enumerate(records):
        for k, c in enumerate(record.contributions):
            if c.parent.is_leaf:
                last[c.parent] = (position, k)
    return set(last.values())


def _lines(
    graph: StepGraph,
    record: BackwardStep,
    received: dict[Value, list[float]],
    finals: set[int],
    digits: int,
) -> list[Line]:
    node, name = record.node, graph.names[record.node]
    if node is graph.root:
        head = f"Δ({name}) = {partial(name, name)} = {number(record.grad, digits)}   (the seed)"
    else:
        head = f"{_gathered(name, received.get(node, []), record.grad, digits)}   final"
    lines = [line("formula", head)]
    if not record.contributions and node.is_leaf:
        lines.append(line("note", f"{name} is a leaf: nothing to push"))
    for k, c in enumerate(record.contributions):
        parent = graph.names[c.parent]
        push = (
            f"Δ({parent}) += {partial(name, parent)} · Δ({name}) = {number(c.local_grad, digits)} × "
            f"{number(record.grad, digits)} = {number(c.amount, digits)}"
        )
        amounts = received[c.parent]
        if k in finals and len(amounts) == 1:  # its only push is its whole Δ: say so on the same line
            lines.append(line("formula", f"{push}   final (a leaf)"))
            continue
        lines.append(line("formula", push))
        if k in finals:  # several pushes: the sum they make, final
            gathered = _gathered(parent, amounts, c.parent_grad_after, digits)
            lines.append(line("formula", f"{gathered}   final (a leaf: it pushes nothing)"))
        elif c.parent_grad_after != c.amount:  # it already held something: say what the sum is now
            lines.append(line("note", f"Δ({parent}) is now {number(c.parent_grad_after, digits)}"))
    return lines


def backward_frames(graph: StepGraph, settings: Settings) -> Frames:
    """One step per record of ``graph.records()`` but a leaf's: its Δ is final, it pushes to its parents.

    A leaf is shown final in the step of the last child that pushes to it (a graph that is
    one leaf keeps its one step, the seed).
    """
    digits = settings.digits
    steps = []
    received: dict[Value, list[float]] = {}
    # in the neuron view a neuron's steps become one, which its first (h's) step also writes in δ form;
    # node by node, the step of a (where δ is final and pushed to the weights) does;
    # in the layer view a layer's steps become one, which its first step writes in vector form
    records = graph.records()
    last_pushes = _last_pushes(records)
    opening = {
        "neuron": {group.h: group for group in graph.groups},
        "expanded": {group.a: group for group in graph.groups},
    }.get(settings.view, {})
    inner = [graph.ids[r.node] for r in records if not r.node.is_leaf or r.node is graph.root]
    layers = layer_openings(graph, inner) if settings.view == "layer" else {}
    for position, record in enumerate(records):
        node = record.node
        if node.is_leaf and node is not graph.root:
            continue
        ident = graph.ids[node]
        finals = {k for k in range(len(record.contributions)) if (position, k) in last_pushes}
        changes = {graph.ids[node]: NodeChange(grad=number(record.grad, digits), state="final")}
        for k, c in enumerate(record.contributions):
            received.setdefault(c.parent, []).append(c.amount)
            changes[graph.ids[c.parent]] = NodeChange(
                grad=number(c.parent_grad_after, digits), state="final" if k in finals else "accumulating"
            )
        if ident in layers:
            forms = layer_backward_lines(graph, layers[ident], digits)
            lines, chains = forms["h"], {"a": forms["a"]}
        else:
            lines = _lines(graph, record, received, finals, digits)
            chains = {"a": neuron_delta_lines(graph, opening[ident], digits)} if ident in opening else None
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
                    "leaves_final": [graph.ids[record.contributions[k].parent] for k in sorted(finals)],
                },
                chains=chains,
            )
        )
    return Frames(resting(graph, digits), steps)
