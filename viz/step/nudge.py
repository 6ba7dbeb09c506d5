r"""Nudge mode: perturb one leaf u by ε and watch every node downstream move.

Each downstream node v is re-evaluated with the op table (``op.evaluate``) and its
change is set beside the first-order prediction

    v(u + ε) − v(u)  ≈  ∂v/∂u · ε,    ∂v/∂u = Σ_{parents p} ∂v/∂p · ∂p/∂u,

where ∂v/∂u is carried forward over the local derivatives stored on the edges. At the
output, ∂root/∂u is the grad backward computed.
"""

from __future__ import annotations

from dataclasses import replace

from pathgrad.engine import Value

from .frames import Frames, NodeChange, Step, line
from .graph import StepGraph
from .paths import first_parameter
from .settings import Settings
from .states import resting
from .words import number, partial, signed

__all__ = ["nudge_frames", "nudge_timeline"]


def nudge_frames(graph: StepGraph, settings: Settings) -> Frames:
    """For every leaf that is not a constant (the subjects) and every step size ε, its timeline."""
    graph.records()  # the last step sets the output's change beside backward's grad
    leaves = [node for node in graph.order if node.is_leaf and graph.kinds[node] != "constant"]
    initial = resting(graph, settings.digits)
    initial.nodes = {ident: replace(change, grad=None, note="") for ident, change in initial.nodes.items()}
    return Frames(
        initial,
        {
            f"{graph.ids[leaf]}|{h:g}": nudge_timeline(graph, leaf, h, settings.digits)
            for leaf in leaves
            for h in settings.nudges
        },
        subjects=[(graph.ids[n], graph.names[n]) for n in leaves],
        variants=[f"{h:g}" for h in settings.nudges],
        chosen=first_parameter(graph),
    )


def _perturbed(graph: StepGraph, leaf: Value, h: float) -> dict[Value, float | None]:
    """Every node's value with ``leaf`` moved by ``h`` (ε); None where an op's domain is left."""
    values: dict[Value, float | None] = {}
    for node in graph.order:
        if node is leaf:
            values[node] = node.data + h
        elif node.is_leaf:
            values[node] = node.data
        else:
            operands = [values[p] for p in node.parents]
            try:
                values[node] = None if None in operands else node.operation.evaluate(*operands)[0]
            except (ArithmeticError, ValueError):
                values[node] = None
    return values


def _sensitivities(graph: StepGraph, leaf: Value) -> dict[Value, float]:
    """∂v/∂leaf for each node v that depends on ``leaf``."""
    tangent: dict[Value, float] = {leaf: 1.0}
    for node in graph.order:
        if node is not leaf and any(p in tangent for p in node.parents):
            tangent[node] = sum(
                g * tangent[p] for p, g in zip(node.parents, node.local_grads) if p in tangent
            )
    return tangent


def nudge_timeline(graph: StepGraph, leaf: Value, eps: float, digits: int) -> list[Step]:
    r"""The leaf moves by ``eps`` (ε), then one step per downstream node in topological order.

    Each step sets the actual change beside the prediction ∂node/∂leaf · ε and their
    difference, the linearisation (second-order) error, which shrinks like ε².
    """
    values, tangent = _perturbed(graph, leaf, eps), _sensitivities(graph, leaf)
    name = graph.names[leaf]
    steps = [
        Step(
            f"Nudge {name} by ε = {eps:g}",
            [
                line("formula", f"{name}: {number(leaf.data, digits)} → {number(leaf.data + eps, digits)}"),
                line(
                    "note",
                    f"→ walks downstream; each node shows its actual change ≈ the prediction ∂node/∂{name} · ε",
                ),
            ],
            nodes={
                graph.ids[leaf]: NodeChange(
                    data=number(leaf.data + eps, digits), note=f"ε = {signed(eps, 3)}", state="nudged"
                )
            },
            focus=[graph.ids[leaf]],
            values={"node": graph.ids[leaf], "change": eps, "predicted": eps},
        )
    ]
    downstream = [node for node in graph.order if node in tangent and node is not leaf]
    for node in downstream:
        after, d = values[node], graph.names[node]
        predicted = tangent[node] * eps
        if after is None:
            shown, change, cell_change = "undefined", None, "undefined"
        else:
            change = after - node.data
            shown, cell_change = number(after, digits), signed(change, 3)
        lines = [
            line("formula", f"{d}: {number(node.data, digits)} → {shown}"),
            line("formula", f"actual change     {signed(change) if change is not None else 'undefined'}"),
            line(
                "formula",
                f"predicted {partial(d, name)} · ε = {number(tangent[node], digits)} × {eps:g} = {signed(predicted)}",
            ),
        ]
        if change is not None:
            lines.append(line("formula", f"difference        {signed(change - predicted)}"))
            lines.append(
                line(
                    "note",
                    "the difference is the linearisation (second-order) error: the prediction follows the "
                    "tangent, and the error shrinks like ε² (a 10× smaller ε gives about a 100× smaller difference)",
                )
            )
        if node is graph.root:
            lines.append(
                line("ok", f"{partial(d, name)} is backprop's Δ({name}) = {number(leaf.grad, digits)}")
            )
        steps.append(
            Step(
                f"{d} moves",
                lines,
                counter="Nudge",
                nodes={
                    graph.ids[node]: NodeChange(
                        data=shown, note=f"{cell_change} ≈ {signed(predicted, 3)}", state="nudged"
                    )
                },
                focus=[graph.ids[node]],
                trail=[graph.edge(node, i) for i, p in enumerate(node.parents) if p in tangent],
                values={
                    "node": graph.ids[node],
                    "change": change,
                    "predicted": predicted,
                    "sensitivity": tangent[node],
                },
            )
        )
    return steps
