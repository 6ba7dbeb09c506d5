r"""The compiled mode's vector units as a figure: which scalar nodes became one numpy operation.

The lecture's Figure (c) → (d) regroups scalar units into vector units by hand; the
compile pass (``pathgrad.engine.grouping``) finds the same grouping from the traced
graph. ``draw_units`` draws what it found: one box per unit, top to bottom in the order
of the replay, with its kind (a matrix product A = W X + b and the shape of W, or an op
applied to G nodes), the scalar nodes it stands for, and an arrow from every unit whose
results it reads.
"""

from __future__ import annotations

from pathgrad.engine.compiled import CompiledGraph

from .diagram import Diagram
from .dot import attributes, cell, header
from .theme import Theme, get_theme

__all__ = ["draw_units"]


def _names(graph: CompiledGraph, rows: list[int]) -> str:
    names = [graph.nodes[row].label or f"{graph.nodes[row].op} #{row}" for row in rows]
    return ", ".join(names) if len(names) <= 3 else f"{names[0]}, {names[1]} … {names[-1]}"


def _label(graph: CompiledGraph, number: int, unit, theme: Theme) -> str:
    rows = [node.row for node in unit.nodes]
    if unit.kind == "matrix":
        g, n = unit.shape
        what = f"A = W X + b,  W: {g}×{n}"
    else:
        what = f"{unit.op.name} on {len(rows)} node{'s' if len(rows) > 1 else ''}"
    lines = [
        cell(f"unit {number} · depth {unit.depth}", size=theme.small_size),
        cell(what, bold=True),
        cell(_names(graph, rows), size=theme.small_size),
    ]
    return (
        '<table border="0" cellborder="0" cellspacing="2">'
        + "".join(f"<tr>{c}</tr>" for c in lines)
        + "</table>"
    )


def draw_units(graph: CompiledGraph, theme: str | Theme = "projector") -> Diagram:
    """The vector units of ``graph`` (a ``CompiledGraph``), one box each, arrows where data flows."""
    theme = get_theme(theme)
    produced_by: dict[int, str] = {}
    lines = header(theme, rankdir="TB", name="vector_units", nodesep="0.25", ranksep="0.3")
    inputs = [graph.nodes[row] for row in graph.input_rows.tolist()]
    input_names = ", ".join(node.label or "x" for node in inputs[:3]) + (" …" if len(inputs) > 3 else "")
    lines.append(
        "  inputs "
        + attributes(
            shape="box",
            style="filled",
            fillcolor=theme.input_fill,
            label=f'<table border="0"><tr>{cell(f"inputs {input_names}")}</tr></table>',
        )
    )
    for row in graph.input_rows.tolist():
        produced_by[row] = "inputs"
    edges: dict[tuple[str, str], None] = {}
    for number, unit in enumerate(graph.units, start=1):
        name = f"unit{number}"
        fill = theme.group_fill if unit.kind == "matrix" else theme.op_fill
        lines.append(
            f"  {name} "
            + attributes(
                shape="box", style="filled,rounded", fillcolor=fill, label=_label(graph, number, unit, theme)
            )
        )
        for node in unit.nodes:
            for parent in node.parents.tolist():
                if parent in produced_by:
                    edges[(produced_by[parent], name)] = None
        for node in unit.nodes:
            produced_by[node.row] = name
    lines += [f"  {source} -> {target}" for source, target in edges]
    lines.append("}")
    return Diagram("\n".join(lines))
