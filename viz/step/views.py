r"""What a step-through draws: boxes made of cells, and the edges between boxes.

Two views of the same graph, with the same cell ids (``viz.ids.field_id``: ``<node_id>-data``,
``<node_id>-grad``), so one set of frames drives either:

* ``expanded_view``: one box per node — its name, ``data``, ``grad``;
* ``neuron_view``: one box per neuron (the lecture's Figure 1.1), from the display
  model's groups: a and its δ = ∂L/∂a, h = Φ(a) and its Δ = ∂L/∂h; the neuron's
  weights and bias live inside it, so the edge x_i → a shows the local derivative
  ∂a/∂x_i = w_i. Nodes outside neurons (inputs, the loss) keep their own boxes.

A view also says the words in front of each cell's number (``data``/``grad``, or a/δ
and h/Δ in a neuron), which edge carries the label of an edge it does not draw, and
how the steps of a mode that walks node by node become one step per box.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pathgrad.engine.ops import linear_operands

from .frames import DEFAULT_WORDS, Step
from .graph import StepGraph

__all__ = ["Box", "View", "expanded_view", "neuron_view", "VIEW_BUILDERS", "short_label"]

_LABEL_LIMIT = 28


def short_label(name: str, limit: int = _LABEL_LIMIT) -> str:
    """A box's header: the name, cut with … past ``limit`` characters."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


@dataclass(frozen=True)
class Box:
    """One box: a header (its name, op symbol in the corner) above rows of cells.

    ``rows[r]`` lists the node ids whose cell sits in row r; a row holds a node's
    ``-data`` and ``-grad`` cells side by side (``fields``), or each on its own row.
    """

    id: str
    classes: str
    title: str
    header: str
    symbol: str
    rows: tuple[tuple[str, str], ...]
    """(node id, field) per row: field ``data`` or ``grad``, or ``pair`` for both side by side."""


@dataclass
class View:
    """Boxes, edges ``(edge id, tail box, head box)``, and where each node is drawn."""

    boxes: list[Box]
    edges: list[tuple[str, str, str]]
    box_of: dict[str, str] = field(default_factory=dict)
    """node id → the id of the box that holds its cells (only where they differ)."""
    owners: frozenset[str] = frozenset()
    """node ids inside another box whose state is the box's state (a neuron's a and h)."""
    cell_words: dict[str, tuple[str, str]] = field(default_factory=dict)
    """node id → the words its data and grad cells start with (default ``data``/``grad``)."""
    carriers: dict[str, str] = field(default_factory=dict)
    """an edge the view does not draw → the drawn edge that carries its label."""
    box_names: dict[str, str] = field(default_factory=dict)
    """box id → its name, for the boxes that hold several nodes."""

    def words(self, node: str) -> tuple[str, str]:
        """What ``node``'s data and grad cells say before their numbers."""
        return self.cell_words.get(node, DEFAULT_WORDS)

    def carrier(self, edge: str) -> str:
        """The drawn edge that shows ``edge``'s label (itself, where the view draws it)."""
        return self.carriers.get(edge, edge)

    def per_box(self, steps: list[Step]) -> list[Step]:
        """Consecutive steps on the nodes of one box become one step: the neuron, not each weight.

        The steps' changes are applied in their order; the lines of the neuron's own weights
        and bias (leaves with nothing to push) are left out, the rest kept.
        """
        if not self.box_of:
            return steps
        merged: list[Step] = []
        current = None
        for record in steps:
            node = record.focus[0] if record.focus else None
            box = self.box_of.get(node, node)
            inside = node in self.box_of
            quiet = inside and node not in self.owners and not record.trail  # a weight: nothing to push
            if merged and (quiet or (inside and box == current)):
                last = merged[-1]
                last.nodes.update(record.nodes)
                last.edges.update(record.edges)
                last.targets += [t for t in record.targets if t not in last.targets]
                last.trail += record.trail
                last.values.setdefault("merged", []).append(record.values)
                if not quiet:
                    last.lines += [item for item in record.lines if item.kind != "note"]
                continue
            record = replace(
                record,
                nodes=dict(record.nodes),
                edges=dict(record.edges),
                lines=list(record.lines),
                targets=list(record.targets),
                trail=list(record.trail),
                values=dict(record.values),
                title=f"neuron {self.box_names[box]}" if inside else record.title,
            )
            merged.append(record)
            current = box if inside else None
        return merged


def _node_box(graph: StepGraph, node) -> Box:
    ident = graph.ids[node]
    classes = f"node {graph.kinds[node]}" + (" root" if node is graph.root else "")
    symbol = node.operation.symbol if node.operation is not None else ""
    name = graph.names[node]
    return Box(ident, classes, name, short_label(name), symbol, ((ident, "data"), (ident, "grad")))


def expanded_view(graph: StepGraph) -> View:
    """One box per node, one edge per operand."""
    boxes = [_node_box(graph, node) for node in graph.order]
    return View(boxes, [(e.id, e.parent, e.child) for e in graph.edges])


def neuron_view(graph: StepGraph) -> View:
    """One box per neuron; the edges between boxes keep the expanded graph's ids."""
    if not graph.groups:
        raise ValueError(
            "view='neuron': the graph has no neurons (nodes made by the 'linear' op, as nn.Neuron makes them); "
            "step through it with the default view"
        )
    box_of: dict[str, str] = {}
    words: dict[str, tuple[str, str]] = {}
    boxes: list[Box] = []
    for group in graph.groups:
        for member in group.members:
            box_of[member] = group.id
        activation = f" · {group.activation}" if group.activation else ""
        rows = ((group.a, "pair"),) if group.a == group.h else ((group.a, "pair"), (group.h, "pair"))
        words[group.a] = ("a", "δ")
        if group.h != group.a:
            words[group.h] = ("h", "Δ")
        boxes.append(Box(group.id, "node neuron", group.name, f"{group.name}{activation}", "", rows))
    boxes += [_node_box(graph, node) for node in graph.order if graph.ids[node] not in box_of]
    edges = []
    for e in graph.edges:
        tail, head = box_of.get(e.parent, e.parent), box_of.get(e.child, e.child)
        if tail != head:
            edges.append((e.id, tail, head))
    view = View(boxes, edges, box_of, frozenset(words), words, box_names={g.id: g.name for g in graph.groups})
    view.carriers = _weight_carriers(graph, {ident for ident, _, _ in edges})
    return view


def _weight_carriers(graph: StepGraph, drawn: set[str]) -> dict[str, str]:
    r"""Each weight's edge w_i → a, which the neuron view does not draw, to the edge x_i → a it labels.

    A neuron's pre-activation a = Σ w_i·x_i + b is one ``linear`` node; in the neuron view
    w_i sits inside the box and its value is written on the edge that carries x_i.
    """
    paired = {}
    for node in graph.order:
        if node.op == "linear":
            layout = linear_operands(len(node.parents))
            for k in layout.weights:
                weight, carrier = graph.edge(node, k), graph.edge(node, layout.input_of(k))
                if weight not in drawn and carrier in drawn:
                    paired[weight] = carrier
    return paired


VIEW_BUILDERS = {"expanded": expanded_view, "neuron": neuron_view}
"""Each view by name: ``(graph) -> View``."""
