r"""What a step-through draws: boxes made of cells, and the edges between boxes.

Two views of the same graph, with the same cell ids (``<node_id>-data``,
``<node_id>-grad``), so one set of steps drives either:

* ``expanded_view``: one box per node — its name, ``data``, ``grad``;
* ``neuron_view``: one box per neuron (the lecture's Figure 1.1), from the display
  model's groups: a and its δ = ∂L/∂a, h = Φ(a) and its Δ = ∂L/∂h; the neuron's
  weights and bias live inside it, so the edge x_i → a shows the local derivative
  ∂a/∂x_i = w_i. Nodes outside neurons (inputs, the loss) keep their own boxes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import build_model
from .graph import StepGraph

__all__ = ["Box", "View", "expanded_view", "neuron_view", "relabel", "weight_edges"]


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
    prefixes: dict[str, tuple[str, str]] = field(default_factory=dict)
    """node id → the words its data and grad cells start with (default ``data``/``grad``)."""


def _node_box(graph: StepGraph, node, label: str) -> Box:
    ident = graph.ids[node]
    classes = f"node {graph.kinds[node]}" + (" root" if node is graph.root else "")
    symbol = node.operation.symbol if node.operation is not None else ""
    return Box(ident, classes, graph.names[node], label, symbol, ((ident, "data"), (ident, "grad")))


def expanded_view(graph: StepGraph, labels: dict[str, str]) -> View:
    """One box per node, one edge per operand."""
    boxes = [_node_box(graph, node, labels[graph.ids[node]]) for node in graph.order]
    return View(boxes, [(e.id, e.parent, e.child) for e in graph.edges])


def neuron_view(graph: StepGraph, labels: dict[str, str]) -> View:
    """One box per neuron; the edges between boxes keep the expanded graph's ids."""
    groups = build_model(graph.root, max_nodes=len(graph.order)).groups
    if not groups:
        raise ValueError(
            "view='neuron': the graph has no neurons (nodes made by the 'linear' op, as nn.Neuron makes them); "
            "step through it with the default view"
        )
    box_of: dict[str, str] = {}
    prefixes: dict[str, tuple[str, str]] = {}
    boxes: list[Box] = []
    placed: set[str] = set()
    for group in groups:
        for member in group.members:
            box_of[member] = group.id
        activation = f" · {group.activation}" if group.activation else ""
        rows = ((group.a, "pair"),) if group.a == group.h else ((group.a, "pair"), (group.h, "pair"))
        prefixes[group.a] = ("a", "δ")
        if group.h != group.a:
            prefixes[group.h] = ("h", "Δ")
        boxes.append(Box(group.id, "node neuron", group.name, f"{group.name}{activation}", "", rows))
    for node in graph.order:
        ident = graph.ids[node]
        if ident not in box_of and ident not in placed:
            placed.add(ident)
            boxes.append(_node_box(graph, node, labels[ident]))
    edges = []
    for e in graph.edges:
        tail, head = box_of.get(e.parent, e.parent), box_of.get(e.child, e.child)
        if tail != head:
            edges.append((e.id, tail, head))
    return View(boxes, edges, box_of, prefixes)


def relabel(data: dict, prefixes: dict[str, tuple[str, str]]) -> None:
    """Rewrite ``data …``/``grad …`` cell texts of the given nodes to their view's words (a, δ …)."""

    def fix(changes: dict) -> None:
        for ident, state in changes.get("nodes", {}).items():
            if ident in prefixes:
                words = prefixes[ident]
                for key, old, new in (("d", "data", words[0]), ("g", "grad", words[1])):
                    if state.get(key, "").startswith(old):
                        state[key] = new + state[key][len(old) :]

    for state in data["initial"].values():
        fix(state)
    for timeline in data["timelines"].values():
        for steps in timeline.values() if isinstance(timeline, dict) else [timeline]:
            for step in steps:
                fix(step)
                fix(step.get("reveal", {}))


def merge_by_box(
    steps: list[dict], box_of: dict[str, str], owners: set[str], names: dict[str, str]
) -> list[dict]:
    """Consecutive steps on the nodes of one neuron box become one step: the neuron, not each weight.

    The steps' changes are applied in their order; the lines of the neuron's own weights
    and bias (leaves with nothing to push) are left out, the rest kept.
    """
    merged: list[dict] = []
    current_box = None
    for record in steps:
        node = record["focus"][0] if record["focus"] else None
        box = box_of.get(node, node)
        inside = node in box_of
        quiet = inside and node not in owners and not record["trail"]  # a weight: final, nothing to push
        if merged and (quiet or (inside and box == current_box)):
            last = merged[-1]
            last["nodes"].update(record["nodes"])
            last["edges"].update(record["edges"])
            last["targets"] += [t for t in record["targets"] if t not in last["targets"]]
            last["trail"] += record["trail"]
            last["values"].setdefault("merged", []).append(record["values"])
            if not quiet:
                last["lines"] += [item for item in record["lines"] if item[0] != "note"]
            continue
        record = {
            **record,
            "nodes": dict(record["nodes"]),
            "edges": dict(record["edges"]),
            "lines": list(record["lines"]),
        }
        record["targets"], record["trail"], record["values"] = (
            list(record["targets"]),
            list(record["trail"]),
            dict(record["values"]),
        )
        if inside:
            head, _, _ = record["title"].partition(":")
            record["title"] = f"{head}: neuron {names[box]}"
        merged.append(record)
        current_box = box if inside else None
    total = len(merged)
    for index, record in enumerate(merged, 1):
        prefix, _, rest = record["title"].partition(" ")
        record["title"] = f"{prefix} {index}/{total}:{record['title'].partition(':')[2]}"
    return merged


def weight_edges(graph: StepGraph, view: View) -> dict[str, str]:
    r"""Each weight's edge w_i → a, which the neuron view does not draw, to the edge x_i → a it labels.

    A neuron's pre-activation a = Σ w_i·x_i + b is one ``linear`` node with operands
    (w_1..w_n, x_1..x_n, b); in the neuron view w_i sits inside the box and its value
    is written on the edge that carries x_i.
    """
    drawn = {ident for ident, _, _ in view.edges}
    paired = {}
    for node in graph.order:
        if node.op == "linear":
            count = len(node.parents) // 2
            for i in range(count):
                weight, carrier = graph.edge(node, i), graph.edge(node, count + i)
                if weight not in drawn and carrier in drawn:
                    paired[weight] = carrier
    return paired
