r"""Bugs mode (key ``x``): "what goes wrong if …", each classic backprop bug run for real on this graph.

One step per bug of ``pathgrad.engine.bugs.BUGS``. Every number comes from ``pathgrad.engine.bugs.run_bug``,
which runs the wrong algorithm beside ``pathgrad.engine.backward``: a node whose grads part shows
``grad right ≠ wrong`` (state ``wrong``), the first node where they part is in focus, and
the panel gives the sentence saying why — or, where the bug changes nothing on this graph,
says so and names a graph where it does.
"""

from __future__ import annotations

import math

from pathgrad.engine.bugs import run_bugs

from .frames import Frames, NodeChange, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import resting
from .words import number

__all__ = ["bugs_frames", "MAX_LISTED"]

MAX_LISTED = 4
"""How many parting nodes the panel names (the graph marks them all)."""


def bugs_frames(graph: StepGraph, settings: Settings) -> Frames:
    """The right grads at rest, then one step per bug with its wrong grads beside them."""
    digits = settings.digits
    graph.records()  # the right grads, on the graph
    reports = run_bugs(graph.root)
    steps = []
    for report in reports:
        nodes, parting = {}, []
        for node, right, index in zip(report.nodes, report.right, range(len(report.nodes))):
            wrong = None if report.wrong is None else report.wrong[index]
            if wrong is not None and not math.isclose(right, wrong, rel_tol=1e-9, abs_tol=1e-12):
                nodes[graph.ids[node]] = NodeChange(
                    grad=f"{number(right, digits)} ≠ {number(wrong, digits)}", state="wrong"
                )
                parting.append((node, right, wrong))
            else:
                nodes[graph.ids[node]] = NodeChange(grad=number(right, digits), state="final")
        lines = [line("note", report.why)]
        if report.wrong is None:
            lines.append(line("bad", "The buggy pass crashes here: there are no wrong grads to show."))
        for node, right, wrong in parting[:MAX_LISTED]:
            lines.append(
                line(
                    "formula",
                    f"Δ({graph.names[node]}) = {number(right, digits)}, with the bug {number(wrong, digits)}",
                )
            )
        if len(parting) > MAX_LISTED:
            lines.append(line("note", f"… and {len(parting) - MAX_LISTED} more nodes, marked in the graph"))
        if report.suggestion:
            lines.append(line("ok", f"Nothing changes on this graph. It shows on: {report.suggestion}"))
        parted = graph.ids[report.parted_at] if report.parted_at is not None else None
        steps.append(
            Step(
                title=report.title,
                counter="Bug",
                lines=lines,
                nodes=nodes,
                focus=[parted] if parted else [],
                values={
                    "bug": report.bug,
                    "parted": parted,
                    "right": {graph.ids[n]: g for n, g in zip(report.nodes, report.right)},
                    "wrong": None
                    if report.wrong is None
                    else {graph.ids[n]: g for n, g in zip(report.nodes, report.wrong)},
                },
            )
        )
    return Frames(initial=resting(graph, digits, grads=True), timeline=steps)
