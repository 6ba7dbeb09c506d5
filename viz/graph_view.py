"""The expression graph as DOT: a box per node (label, data, grad), a circle per op,
the local derivative ∂child/∂parent on every edge.

Edge colour shows the sign of the edge's backward contribution local · Δ(child) and
edge width its magnitude; before ``backward()`` grads read "not computed" and edges are
drawn thin and neutral. Ids follow ``pathgrad.viz.model``'s contract.
"""

from __future__ import annotations

from .dot import attributes, cell, header, quote
from .highlight import Marked
from .ids import field_id, op_id, output_edge_id
from .model import CONSTANT, INPUT, PARAMETER, DisplayModel, EdgeView, NodeView
from .options import Options
from .text import html_text, pad
from .theme import Theme

__all__ = ["graph_dot", "node_lines", "edge_line", "largest_contribution"]


def graph_dot(model: DisplayModel, options: Options, highlights: list[Marked] | None = None) -> str:
    """DOT text for ``model``; ``highlights`` colour those nodes/edges and dim the rest."""
    theme = options.theme
    highlights = highlights or []
    marked = [m.nodes | m.edges for m in highlights]  # node and edge ids never coincide
    largest = largest_contribution(model)
    lines = header(theme, options.rankdir, nodesep="0.4", ranksep="0.7")
    grouped = set()
    if options.groups:
        for group in model.groups:
            lines.append(f"  subgraph cluster_{group.id} {{")
            lines.append(
                "    graph "
                + attributes(
                    id=group.id,
                    label=_group_title(group.name, group.activation, theme),
                    style="rounded,filled",
                    fillcolor=theme.group_fill,
                    color=theme.neutral,
                    penwidth="1.5",
                )
            )
            for member in group.members:
                lines.extend("  " + line for line in node_lines(model.node(member), options, largest, marked))
                grouped.add(member)
            lines.append("  }")
    for node in model.nodes:
        if node.id not in grouped:
            lines.extend(node_lines(node, options, largest, marked))
    for edge in model.edges:
        lines.append(edge_line(edge, options, largest, marked))
    lines.append("}")
    return "\n".join(lines) + "\n"


def largest_contribution(model: DisplayModel) -> float:
    """max |local · Δ(child)| over edges and |Δ| over op outputs: the widest pen's value."""
    return max(
        [abs(e.contribution) for e in model.edges if e.contribution is not None]
        + [abs(n.grad) for n in model.nodes if n.grad is not None and n.op_name]
        + [0.0]
    )


def _group_title(name: str, activation: str, theme: Theme) -> str:
    """A cluster's title: the neuron's name and its activation."""
    suffix = f" · {activation}" if activation else " · linear"
    return f'<font color="{theme.neutral}">{html_text(name + suffix)}</font>'


def _style(ids: tuple[str, ...], marked: list[frozenset[str]], theme: Theme) -> tuple[str | None, bool]:
    """(highlight colours joined by ':', dimmed?) for an element with any of ``ids``."""
    if not marked:
        return None, False
    colours = [
        theme.highlights[k % len(theme.highlights)]
        for k, ids_k in enumerate(marked)
        if any(i in ids_k for i in ids)
    ]
    return (":".join(colours) if colours else None), not colours


def node_lines(node: NodeView, options: Options, largest: float, marked: list[frozenset[str]]) -> list[str]:
    theme = options.theme
    colour, dimmed = _style((node.id,), marked, theme)
    border = colour.split(":")[0] if colour else (theme.dim if dimmed else theme.foreground)
    lines = [
        f"  {quote(node.id)} "
        + attributes(id=node.id, shape="plain", label=_box(node, options, border, dimmed, bool(colour)))
    ]
    if node.op_name:
        op_colour, op_dimmed = _style((op_id(node.id),), marked, theme)
        line_colour = op_colour.split(":")[0] if op_colour else (theme.dim if op_dimmed else theme.foreground)
        lines.append(
            f"  {quote(op_id(node.id))} "
            + attributes(
                id=op_id(node.id),
                shape="circle" if len(node.op_symbol) <= 2 else "ellipse",
                style="filled",
                fillcolor=theme.op_fill,
                color=line_colour,
                fontcolor=theme.dim if op_dimmed else theme.foreground,
                penwidth="4" if op_colour else "1.5",
                margin="0.04",
                label=html_text(node.op_symbol),
            )
        )
        out_colour, out_dimmed = _style((output_edge_id(node.id),), marked, theme)
        lines.append(
            f"  {quote(op_id(node.id))} -> {quote(node.id)} "
            + attributes(
                id=output_edge_id(node.id),
                color=out_colour or (theme.dim if out_dimmed else theme.sign_colour(node.grad)),
                penwidth=max(theme.pen_width(node.grad, largest), 5.0)
                if out_colour
                else theme.pen_width(node.grad, largest),
                style=_line_style(node.grad, theme),
            )
        )
    return lines


def _line_style(value: float | None, theme: Theme) -> str | None:
    return "dashed" if theme.dashed_negative and value is not None and value < 0 else None


def _box(node: NodeView, options: Options, border: str, dimmed: bool, marked: bool) -> str:
    """The node's HTML-like table: label row, then data and grad rows with their ids."""
    theme = options.theme
    text_colour = theme.dim if dimmed else None
    fill = {INPUT: theme.input_fill, PARAMETER: theme.parameter_fill, CONSTANT: theme.constant_fill}.get(
        node.kind, theme.result_fill
    )
    style = "rounded,dashed" if node.kind == CONSTANT else "rounded"
    width = 5 if marked else (3 if node.is_root else 2)
    rows = []
    if "label" in options.fields and node.label:
        rows.append(
            "<tr>"
            + cell(
                node.label,
                cell_id=field_id(node.id, "label"),
                tooltip=f"{node.kind} {node.label}",
                colour=text_colour,
                bold=True,
                colspan=2,
            )
            + "</tr>"
        )
    who = f" of {node.label}" if node.label else ""
    for name in ("data", "grad"):
        if name not in options.fields:
            continue
        value = node.data if name == "data" else node.grad
        value_colour = text_colour or (theme.sign_colour(value) if name == "grad" else None)
        rows.append(
            "<tr>"
            + cell(name, colour=text_colour or theme.neutral, size=theme.small_size, align="RIGHT")
            + cell(
                pad(options.number(value), options.pad),
                cell_id=field_id(node.id, name),
                tooltip=f"{name}{who}",
                colour=value_colour,
                align="LEFT",
            )
            + "</tr>"
        )
    if not rows:
        rows.append("<tr>" + cell(node.label or node.op_symbol, colour=text_colour) + "</tr>")
    return (
        f'<table border="{width}" style="{style}" cellborder="0" cellspacing="0" cellpadding="5" '
        f'bgcolor="{fill}" color="{border}">' + "".join(rows) + "</table>"
    )


def edge_line(
    edge: EdgeView,
    options: Options,
    largest: float,
    marked: list[frozenset[str]],
    *,
    source: str | None = None,
    target: str | None = None,
    texts: list[str] | None = None,
) -> str:
    """The DOT line of one operand edge: parent → op circle, its local derivative as label.

    ``source``/``target`` redirect it (to a neuron or layer box in a collapsed view);
    ``texts`` replace the label lines.
    """
    theme = options.theme
    colour, dimmed = _style((edge.id,), marked, theme)
    if texts is None:
        texts = []
        if "formula" in options.fields:
            texts.append(edge.formula)
        if "local" in options.fields:
            texts.append(options.number(edge.local_grad))
    label = None
    if texts:
        font_colour = theme.dim if dimmed else (colour or theme.sign_colour(edge.contribution)).split(":")[0]
        label = f'<font color="{font_colour}">{"<br/>".join(html_text(t) for t in texts)}</font>'
    pen = theme.pen_width(edge.contribution, largest)
    return f"  {quote(source or edge.parent)} -> {quote(target or op_id(edge.child))} " + attributes(
        id=edge.id,
        color=colour or (theme.dim if dimmed else theme.sign_colour(edge.contribution)),
        penwidth=max(pen, 5.0) if colour else pen,
        style=_line_style(edge.contribution, theme),
        label=label,
    )
