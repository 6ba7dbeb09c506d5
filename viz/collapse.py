r"""Collapsed views: one box per neuron (the lecture's Figure 1.1) or per layer (Figure d).

``collapse="neuron"``: each neuron — a ``linear`` node a = Σ w_i·x_i + b and the node
h = Φ(a) that consumes it — becomes one box showing

    a, h, Φ'(a) = ∂h/∂a, δ = ∂L/∂a, Δ = ∂L/∂h, b

and its weights move onto the incoming edges (w_i, and ∂L/∂w_i = δ·x_i after backward).

``collapse="layer"``: neurons of one layer (the nn module holding them when the model
is given, else the neurons at one depth: ``pathgrad.viz.neuron_names``) become one
vector unit listing a, h, δ, Δ per neuron; the edge between two layers carries the weight matrix W (rows: inputs,
columns: neurons, as the lecture's h_{r+1} = Φ(W_{r+1}ᵀ h_r)) and, after backward, ∂L/∂W.

Nodes outside neurons (the loss) are drawn as in the expanded graph. Cells keep the
expanded graph's ids: a's data/grad cells are ``<a_id>-data``/``<a_id>-grad``, so a
step-through can drive every view with the same ids.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING

from pathgrad.engine import Value
from pathgrad.engine.ops import linear_operands

from .dot import attributes, cell, header, quote
from .graph_view import edge_line, largest_contribution, node_lines
from .ids import edge_id, field_id, slug
from .model import GroupView, build_model, check_size
from .options import Options
from .text import pad, shorten, subscript, superscript

if TYPE_CHECKING:
    from pathgrad.nn.module import Module

__all__ = ["collapsed_dot", "layers_of", "LARGEST_GRAPH", "MATRIX_LIMIT"]

LARGEST_GRAPH = 200_000
"""Collapsed views read graphs up to this many nodes (their limit is on boxes drawn)."""

MATRIX_LIMIT = 4
"""Weight matrices with more rows or columns than this show their shape only."""

ROW_LIMIT = 8
"""A layer box lists at most this many neurons, then "… n more"."""


def collapsed_dot(
    root: Value,
    mode: str,
    options: Options,
    *,
    max_nodes: int,
    parameters: Iterable[Value] | None = None,
    model: Module | None = None,
) -> str:
    """DOT text of the neuron (``mode="neuron"``) or layer (``mode="layer"``) view of ``root``'s graph.

    ``model``, the nn module that made the graph, names the neurons and layers (see ``build_model``).
    """
    display = build_model(root, max_nodes=LARGEST_GRAPH, parameters=parameters, model=model)
    if not display.groups:
        raise ValueError(
            f"collapse={mode!r}: the graph has no neurons (nodes made by the 'linear' op, as nn.Neuron makes "
            "them); draw it without collapse"
        )
    view = _View(display, options)
    return view.neurons(max_nodes) if mode == "neuron" else view.layers(max_nodes)


def layers_of(groups: tuple[GroupView, ...]) -> list[tuple[str, list[GroupView]]]:
    """Neurons grouped by their ``layer``, layers in order of their first neuron."""
    layers: dict[str, list[GroupView]] = {}
    for group in groups:
        layers.setdefault(group.layer, []).append(group)
    return list(layers.items())


class _View:
    """Shared state of one collapsed rendering."""

    def __init__(self, model, options: Options) -> None:
        self.model, self.options, self.theme = model, options, options.theme
        self.largest = largest_contribution(model)
        self.edges = {e.id: e for e in model.edges}
        self.hidden = {m for g in model.groups for m in g.members}
        self.neuron_of = {node: g for g in model.groups for node in (g.a, g.h)}

    # ------------------------------------------------------------ shared pieces

    def number(self, value: float | None) -> str:
        return pad(self.options.number(value), self.options.pad)

    def value_cell(self, node: str, field: str, what: str) -> str:
        view = self.model.node(node)
        value = view.data if field == "data" else view.grad
        colour = self.theme.sign_colour(value) if field == "grad" else None
        # a layer box has up to 4 × ROW_LIMIT of these: one line each keeps it within Graphviz's limit
        return cell(
            self.number(value), cell_id=field_id(node, field), tooltip=shorten(what, lines=1), colour=colour
        )

    def caption(self, text: str) -> str:
        return cell(text, colour=self.theme.neutral, size=self.theme.small_size, align="RIGHT")

    def table(self, rows: list[str], border: int = 2) -> str:
        return (
            f'<table border="{border}" style="rounded" cellborder="0" cellspacing="0" cellpadding="5" '
            f'bgcolor="{self.theme.group_fill}" color="{self.theme.foreground}">' + "".join(rows) + "</table>"
        )

    def phi_prime(self, group: GroupView) -> float:
        return 1.0 if group.h == group.a else self.edges[edge_id(group.h, 0)].local_grad

    def other_nodes(self, lines: list[str]) -> None:
        """Nodes that belong to no neuron, drawn as in the expanded graph."""
        for node in self.model.nodes:
            if node.id not in self.hidden and node.id not in self.neuron_of and node.id not in self.absorbed:
                lines.extend(node_lines(node, self.options, self.largest, []))

    def other_edges(self, lines: list[str], unit_of) -> None:
        """Edges into nodes outside neurons, redirected from the unit that holds their parent."""
        for edge in self.model.edges:
            if edge.child not in self.neuron_of:
                lines.append(edge_line(edge, self.options, self.largest, [], source=unit_of(edge.parent)))

    # ------------------------------------------------------------ neuron view

    absorbed: frozenset[str] = frozenset()

    def neurons(self, max_nodes: int) -> str:
        groups = self.model.groups
        others = [n for n in self.model.nodes if n.id not in self.hidden and n.id not in self.neuron_of]
        # every weighted edge carries a label that dot lays out like a node: a 2-16-16-1
        # network's 300 labelled edges made a picture 71 × 317 inches, so they count too
        weighted = sum(len(list(self.into_neuron(group))) for group in groups)
        check_size(
            len(groups) + len(others) + weighted,
            max_nodes,
            "boxes and labelled edges in the neuron view",
            "draw(root, collapse='layer') shows one box per layer with its weight matrices",
        )
        lines = header(self.theme, self.options.rankdir, nodesep="0.5", ranksep="1.4")
        for group in groups:
            lines.append(
                f"  {quote(group.id)} " + attributes(id=group.id, shape="plain", label=self.neuron_box(group))
            )
        self.other_nodes(lines)

        def unit_of(node: str) -> str:
            return self.neuron_of[node].id if node in self.neuron_of else node

        for group in groups:
            for edge in self.into_neuron(group):
                lines.append(self.weighted_edge(group, edge, unit_of(edge.parent)))
        self.other_edges(lines, unit_of)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def into_neuron(self, group: GroupView):
        """The edges into a that come from outside the neuron box (inputs, non-leaf weights)."""
        layout = linear_operands(2 * len(group.inputs) + 1)
        for index in range(layout.bias + 1):
            edge = self.edges[edge_id(group.a, index)]
            if edge.parent not in self.hidden or index in layout.inputs:
                yield edge

    def weighted_edge(self, group: GroupView, edge, source: str) -> str:
        """An input's edge into a neuron box, carrying its weight w_i and ∂L/∂w_i.

        Such an edge stands for the weight, so its colour and width show ∂L/∂w_i, the
        number written on it (the expanded graph's w_i·δ, what flows back to the input,
        can have the other sign and would colour a positive ∂L/∂w_i as negative).
        """
        layout = linear_operands(2 * len(group.inputs) + 1)
        texts = None
        if edge.index in layout.inputs:
            k = layout.weight_of(edge.index)
            weight = self.model.node(group.weights[k])
            name = group.weight_names[k]
            texts = [f"{name} = {self.options.number(weight.data)}"] if "local" in self.options.fields else []
            if "grad" in self.options.fields and weight.grad is not None:
                texts.append(f"∂L/∂{name} = {self.options.number(weight.grad)}")
            edge = replace(edge, contribution=weight.grad)
        return edge_line(edge, self.options, self.largest, [], source=source, target=group.id, texts=texts)

    def neuron_box(self, group: GroupView) -> str:
        theme = self.theme
        title = f"{group.name} · {group.activation or 'linear'}"
        rows = [
            "<tr>"
            + cell(title, bold=True, colspan=4, cell_id=field_id(group.id, "label"), tooltip=title)
            + "</tr>",
            "<tr>"
            + self.caption("a")
            + self.value_cell(group.a, "data", f"a of {group.name}")
            + self.caption("δ = ∂L/∂a")
            + self.value_cell(group.a, "grad", f"δ of {group.name}")
            + "</tr>",
        ]
        if group.h != group.a:
            rows.append(
                "<tr>"
                + self.caption("h = Φ(a)")
                + self.value_cell(group.h, "data", f"h of {group.name}")
                + self.caption("Δ = ∂L/∂h")
                + self.value_cell(group.h, "grad", f"Δ of {group.name}")
                + "</tr>"
            )
        bias = self.model.node(group.bias)
        rows.append(
            "<tr>"
            + self.caption("Φ′(a)")
            + cell(self.number(self.phi_prime(group)))
            + self.caption("b")
            + cell(self.number(bias.data), colour=theme.neutral if bias.kind == "constant" else None)
            + "</tr>"
        )
        return self.table(rows)

    # ------------------------------------------------------------ layer view

    def layers(self, max_nodes: int) -> str:
        layers = layers_of(self.model.groups)
        layer_of = {node: name for name, groups in layers for g in groups for node in (g.a, g.h)}
        unit = {name: f"layer_{slug(name)}" for name, _ in layers}
        inputs = self.input_vector(layers)
        self.absorbed = frozenset(inputs)
        others = [
            n
            for n in self.model.nodes
            if n.id not in self.hidden and n.id not in self.neuron_of and n.id not in self.absorbed
        ]
        check_size(len(layers) + len(others) + 1, max_nodes, "boxes in the layer view")
        lines = header(self.theme, self.options.rankdir, nodesep="0.6", ranksep="1.0")
        if inputs:
            lines.append(
                '  "vector_x" ' + attributes(id="vector_x", shape="plain", label=self.input_box(inputs))
            )
        for name, groups in layers:
            lines.append(
                f"  {quote(unit[name])} "
                + attributes(id=unit[name], shape="plain", label=self.layer_box(name, groups))
            )
        self.other_nodes(lines)

        def unit_of(node: str) -> str:
            if node in layer_of:
                return unit[layer_of[node]]
            return "vector_x" if node in self.absorbed else node

        for position, (name, groups) in enumerate(layers, start=1):
            lines.extend(self.matrix_edges(position, unit[name], groups, unit_of))
        self.other_edges(lines, unit_of)
        lines.append("}")
        return "\n".join(lines) + "\n"

    def input_vector(self, layers) -> list[str]:
        """Leaves (not parameters) that feed neurons: the input vector x."""
        found = []
        for _, groups in layers:
            for g in groups:
                for x in g.inputs:
                    node = self.model.node(x)
                    if (
                        x not in self.neuron_of
                        and not node.op_name
                        and node.kind == "input"
                        and x not in found
                    ):
                        found.append(x)
        return found

    def rows_for(self, nodes: list[tuple[str, str]], title: str, headings: list[str], cells) -> str:
        rows = ["<tr>" + cell(title, bold=True, colspan=len(headings)) + "</tr>"]
        rows.append("<tr>" + "".join(self.caption(h) for h in headings) + "</tr>")
        shown = nodes[:ROW_LIMIT]
        rows.extend("<tr>" + cells(item) + "</tr>" for item in shown)
        if len(nodes) > len(shown):
            rows.append("<tr>" + cell(f"… {len(nodes) - len(shown)} more", colspan=len(headings)) + "</tr>")
        return self.table(rows, border=3)

    def input_box(self, inputs: list[str]) -> str:
        items = [(x, self.model.node(x).label or x) for x in inputs]
        return self.rows_for(
            items,
            f"x ∈ ℝ{superscript(len(inputs))}",
            ["", "x", "∂L/∂x"],
            lambda item: (
                self.caption(item[1])
                + self.value_cell(item[0], "data", f"data of {item[1]}")
                + self.value_cell(item[0], "grad", f"grad of {item[1]}")
            ),
        )

    def layer_box(self, name: str, groups: list[GroupView]) -> str:
        activation = groups[0].activation or "linear"
        items = [(g, g.short_name) for g in groups]

        def cells(item) -> str:
            g, short = item
            h_cells = (
                self.value_cell(g.h, "data", f"h of {g.name}")
                + self.value_cell(g.h, "grad", f"Δ of {g.name}")
                if g.h != g.a
                else cell("") + cell("")
            )
            bias = self.model.node(g.bias)
            return (
                self.caption(short)
                + cell(self.number(bias.data), colour=self.theme.neutral if bias.kind == "constant" else None)
                + self.value_cell(g.a, "data", f"a of {g.name}")
                + self.value_cell(g.a, "grad", f"δ of {g.name}")
                + h_cells
            )

        # a = Wᵀx + b per unit; ∂L/∂b is the unit's δ, so b needs no gradient column of its own
        return self.rows_for(
            items,
            f"{name} · {activation} · ℝ{superscript(len(groups))}",
            ["", "b", "a", "δ", "h", "Δ"],
            cells,
        )

    def matrix_edges(self, position: int, target: str, groups: list[GroupView], unit_of) -> list[str]:
        """One edge per source unit into this layer, labelled with its block of W (and ∂L/∂W)."""
        sources: dict[str, list[int]] = {}
        for g in groups:
            for k, x in enumerate(g.inputs):
                sources.setdefault(unit_of(x), [])
                if k not in sources[unit_of(x)]:
                    sources[unit_of(x)].append(k)
        lines = []
        for source, ks in sources.items():
            weights = [[self.model.node(g.weights[k]) for g in groups] for k in ks]
            label = self.matrix_label(f"W{subscript(position)} ({len(ks)}×{len(groups)})", weights)
            lines.append(
                f"  {quote(source)} -> {quote(target)} "
                + attributes(
                    id=f"{target}-from-{source}", color=self.theme.foreground, penwidth="3", label=label
                )
            )
        return lines

    def matrix_label(self, title: str, weights: list[list]) -> str:
        rows = len(weights)
        columns = len(weights[0]) if weights else 0
        parts = [f'<tr><td COLSPAN="{max(columns, 1)}"><b>{title}</b></td></tr>']
        if rows <= MATRIX_LIMIT and columns <= MATRIX_LIMIT:
            for row in weights:
                parts.append("<tr>" + "".join(cell(self.options.number(w.data)) for w in row) + "</tr>")
            if "grad" in self.options.fields and all(w.grad is not None for row in weights for w in row):
                parts.append(f'<tr><td COLSPAN="{columns}"><b>∂L/∂W</b></td></tr>')
                for row in weights:
                    parts.append(
                        "<tr>"
                        + "".join(
                            cell(self.options.number(w.grad), colour=self.theme.sign_colour(w.grad))
                            for w in row
                        )
                        + "</tr>"
                    )
        size = self.theme.edge_font_size
        return f'<table border="0" cellspacing="0" cellpadding="2"><tr><td><font point-size="{size}"><table border="0" cellspacing="0" cellpadding="2">{"".join(parts)}</table></font></td></tr></table>'
