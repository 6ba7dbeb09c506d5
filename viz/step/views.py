r"""What a step-through draws: boxes made of cells, and the edges between boxes.

Three views of the same graph, with the same cell ids (``pathgrad.viz.ids.field_id``:
``<node_id>-data``, ``<node_id>-grad``), so one set of frames drives any of them:

* ``expanded_view``: one box per node — its name, ``data``, ``grad``;
* ``neuron_view``: one box per neuron (the lecture's Figure 1.1), from the display
  model's groups: a and its δ = ∂L/∂a, h = Φ(a) and its Δ = ∂L/∂h; the neuron's
  weights and bias live inside it, so the edge x_i → a shows the local derivative
  ∂a/∂x_i = w_i. Nodes outside neurons (inputs, the loss) keep their own boxes;
* ``layer_view``: one box per layer (the lecture's vector units, Figure (d)), a table of
  its neurons' b, a, δ, h, Δ, and one box per weight matrix W_r with ∂L/∂W_r = h_{r−1} δ_rᵀ
  below it, on the way from h_{r−1} to layer r (``layers.py``).

A view also says the words in front of each cell's number (``data``/``grad``, or a/δ
and h/Δ in a neuron), which edge carries the label of an edge it does not draw, and
how the steps of a mode that walks node by node become one step per box.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from pathgrad.engine import Value
from pathgrad.engine.ops import linear_operands

from ..ids import edge_id, group_id, output_edge_id
from ..text import subscript, superscript
from .frames import DEFAULT_WORDS, Step
from .graph import StepGraph
from .layers import VectorLayer, previous_output
from .settings import Settings

__all__ = [
    "Box",
    "Cell",
    "View",
    "expanded_view",
    "neuron_view",
    "layer_view",
    "VIEW_BUILDERS",
    "short_label",
]

_LABEL_LIMIT = 28


def short_label(name: str, limit: int = _LABEL_LIMIT) -> str:
    """A box's header: the name, cut with … past ``limit`` characters."""
    return name if len(name) <= limit else name[: limit - 1] + "…"


Cell = tuple[str, str]
"""One cell of a box: ``(node id, "data" | "grad")``; ``(edge id, "edge")`` for the local
derivative an edge inside the box keeps (a neuron's Φ′(a) on a → h); or ``(text, "text")``
for a fixed text (a column heading, a neuron's name, a caption)."""


@dataclass(frozen=True)
class Box:
    """One box: a header (its name, op symbol in the corner) above rows of cells.

    Each row lists its cells left to right, sharing the row's width equally, so rows with
    as many cells line up as the columns of a table (the layer view's vectors).
    """

    id: str
    classes: str
    title: str
    header: str
    symbol: str
    rows: tuple[tuple[Cell, ...], ...]


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
    edge_labels: bool = True
    """The drawn edges carry text (local derivatives, weights); the layer view's carry none."""
    edge_cells: dict[str, str] = field(default_factory=dict)
    """drawn edge x_i → a → the weight w_i whose cells (value, ∂L/∂w) sit at its label."""
    whole_box_lines: bool = False
    """A box's first step already writes the whole box (the layer view's vector form)."""

    def words(self, node: str) -> tuple[str, str]:
        """What ``node``'s data and grad cells say before their numbers."""
        return self.cell_words.get(node, DEFAULT_WORDS)

    def carrier(self, edge: str) -> str:
        """The drawn edge that shows ``edge``'s label (itself, where the view draws it)."""
        return self.carriers.get(edge, edge)

    def per_box(self, steps: list[Step]) -> list[Step]:
        """Consecutive steps on the nodes of one box become one step: the neuron, not each weight.

        The steps' changes are applied in their order, and the later steps' lines but their
        notes follow the first step's. (A weight has no step of its own: backward shows it
        final in its neuron's step.)
        """
        if not self.box_of:
            return steps
        merged: list[Step] = []
        current = None
        for record in steps:
            node = record.focus[0] if record.focus else None
            box = self.box_of.get(node, node)
            inside = node in self.box_of
            if merged and inside and box == current:
                last = merged[-1]
                last.nodes.update(record.nodes)
                last.edges.update(record.edges)
                last.targets += [t for t in record.targets if t not in last.targets]
                last.trail += record.trail
                last.values.setdefault("merged", []).append(record.values)
                if not self.whole_box_lines:
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
                title=self.box_names[box] if inside else record.title,
            )
            merged.append(record)
            current = box if inside else None
        return merged


def _node_box(graph: StepGraph, node) -> Box:
    ident = graph.ids[node]
    classes = f"node {graph.kinds[node]}" + (" root" if node is graph.root else "")
    symbol = node.operation.symbol if node.operation is not None else ""
    name = graph.names[node]
    return Box(ident, classes, name, short_label(name), symbol, (((ident, "data"),), ((ident, "grad"),)))


PARAMETER_WORDS = {"weight": ("", "∂L/∂w"), "bias": ("b", "∂L/∂b")}
"""What a parameter's cells say when it is written on an edge (a weight) or in its neuron's box (a bias)."""


def _own_parameters(graph: StepGraph) -> dict[str, str]:
    """Each neuron's own weights and bias (leaves read by that neuron alone) → its a node."""
    readers: dict[str, int] = {}
    for e in graph.edges:
        readers[e.parent] = readers.get(e.parent, 0) + 1
    return {
        p: group.a
        for group in graph.groups
        for p in (*group.weights, group.bias)
        if p in group.members and readers.get(p) == 1
    }


def expanded_view(graph: StepGraph, settings: Settings) -> View:
    """One box per node, one edge per operand; in a network each neuron's own parameters on its edges.

    With ``settings.parameter_boxes`` every parameter keeps a box of its own. Otherwise a
    weight w_i is written (value and ∂L/∂w) on the edge x_i → a that it multiplies, and the
    bias in a's box: what a network looks like in the lecture, with a third of the boxes.
    """
    owned = {} if settings.parameter_boxes else _own_parameters(graph)
    biases = {group.bias: group.a for group in graph.groups if group.bias in owned}
    extra = {a: ((bias, "data"), (bias, "grad")) for bias, a in biases.items()}
    boxes = []
    for node in graph.order:
        ident = graph.ids[node]
        if ident in owned:
            continue
        box = _node_box(graph, node)
        boxes.append(replace(box, rows=(*box.rows, extra[ident])) if ident in extra else box)
    edges = [(e.id, e.parent, e.child) for e in graph.edges if e.parent not in owned]
    words = {p: PARAMETER_WORDS["bias" if p in biases else "weight"] for p in owned}
    view = View(boxes, edges, box_of=dict(owned), cell_words=words)
    view.carriers = _weight_carriers(graph, {ident for ident, _, _ in edges})
    view.edge_cells = _edge_cells(graph, view.carriers)
    return view


def neuron_view(graph: StepGraph, settings: Settings) -> View:
    """One box per neuron (a, δ; h, Δ; Φ′(a); b); the edges between boxes keep the expanded graph's ids.

    Each weight w_i and its ∂L/∂w are written on the edge x_i → a; Φ′(a) is the local
    derivative the forward pass keeps on the edge a → h, shown inside the box.
    """
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
        rows = tuple(((node, "data"), (node, "grad")) for node in dict.fromkeys((group.a, group.h)))
        words[group.a] = ("a", "δ")
        if group.h != group.a:
            words[group.h] = ("h", "Δ")
            rows += ((("Φ′(a)", "text"), (graph.edge(graph.node[group.h], 0), "edge")),)
        if group.bias in group.members:
            rows += (((group.bias, "data"), (group.bias, "grad")),)
            words[group.bias] = PARAMETER_WORDS["bias"]
        boxes.append(Box(group.id, "node neuron", group.name, f"{group.name}{activation}", "", rows))
    boxes += [_node_box(graph, node) for node in graph.order if graph.ids[node] not in box_of]
    edges = []
    for e in graph.edges:
        tail, head = box_of.get(e.parent, e.parent), box_of.get(e.child, e.child)
        if tail != head:
            edges.append((e.id, tail, head))
    owners = frozenset(member for g in graph.groups for member in (g.a, g.h))
    view = View(
        boxes, edges, box_of, owners, words, box_names={g.id: f"neuron {g.name}" for g in graph.groups}
    )
    view.carriers = _weight_carriers(graph, {ident for ident, _, _ in edges})
    view.edge_cells = _edge_cells(graph, view.carriers)
    view.cell_words.update({w: PARAMETER_WORDS["weight"] for w in view.edge_cells.values()})
    return view


def _edge_cells(graph: StepGraph, carriers: dict[str, str]) -> dict[str, str]:
    """Each drawn edge x_i → a that carries a weight's label → that weight's id (the carried edge's tail)."""
    tail = {e.id: e.parent for e in graph.edges}
    return {carrier: tail[edge] for edge, carrier in carriers.items()}


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


LAYER_ROWS = 10
"""A layer box lists at most this many neurons (an input box this many inputs), then "… k more"."""
MATRIX_COLUMNS = 6
"""A weight box shows at most this many columns of W_r, then "…"."""

_QUIET = ("", "")


def _more(count: int, shown: int) -> tuple[tuple[Cell, ...], ...]:
    """A last row saying how many were left out, if any."""
    return (((f"… {count - shown} more", "text"),),) if count > shown else ()


def _input_box(ident: str, inputs: list[Value], graph: StepGraph) -> Box:
    """x ∈ ℝᵈ: one row per input, its value and ∂L/∂x."""
    shown = inputs[:LAYER_ROWS]
    rows = (
        (("", "text"), ("x", "text"), ("∂L/∂x", "text")),
        *(((graph.names[x], "text"), (graph.ids[x], "data"), (graph.ids[x], "grad")) for x in shown),
    )
    rows += _more(len(inputs), len(shown))
    header = f"x ∈ ℝ{superscript(len(inputs))}"
    return Box(ident, "node vector input", "inputs x", header, "", rows)


def _layer_box(ident: str, layer: VectorLayer) -> Box:
    """Layer r as a table: one row per neuron, the columns b, a, δ, h, Δ (vectors of ℝ^p_r)."""
    linear = all(group.a == group.h for group in layer.neurons)
    headings = ("b", "a = h", "δ = Δ") if linear else ("b", "a", "δ", "h", "Δ")
    rows = [(("", "text"), *((word, "text") for word in headings))]
    for group in layer.neurons[:LAYER_ROWS]:
        cells = [(group.short_name, "text"), (group.bias, "data"), (group.a, "data"), (group.a, "grad")]
        if not linear:
            cells += [(group.h, "data"), (group.h, "grad")]
        rows.append(tuple(cells))
    rows += _more(len(layer.neurons), LAYER_ROWS)
    header = f"{layer.name} · {layer.activation} · ℝ{superscript(len(layer.neurons))}"
    return Box(ident, "node vector layer", f"layer {layer.name}", header, "", tuple(rows))


def _matrix_box(ident: str, layer: VectorLayer) -> Box:
    """W_r (p_{r−1} × p_r) above ∂L/∂W_r = h_{r−1} δ_rᵀ, entry [i, j] in row i, column j."""
    r, (rows_in, columns) = layer.index, layer.shape

    def table(field: str) -> list[tuple[Cell, ...]]:
        rows = []
        for weights in layer.weights[:LAYER_ROWS]:
            cells = [(w, field) if w is not None else ("·", "text") for w in weights[:MATRIX_COLUMNS]]
            rows.append(tuple(cells + [("…", "text")] * (columns > MATRIX_COLUMNS)))
        return rows + list(_more(rows_in, LAYER_ROWS))

    caption = f"∂L/∂W{subscript(r)} = {previous_output(r)} δ{subscript(r)}ᵀ"
    rows = (*table("data"), ((caption, "text"),), *table("grad"))
    header = f"W{subscript(r)}  {rows_in}×{columns}"
    return Box(ident, "node matrix parameter", f"W{subscript(r)}", header, "", rows)


def layer_view(graph: StepGraph, settings: Settings) -> View:
    """One box per layer (a table of its neurons' b, a, δ, h, Δ) and one per weight matrix W_r.

    The matrix box sits on the way from h_{r−1} to layer r, so W_r and ∂L/∂W_r read as the
    connection's label; the edges carry no text. Nodes outside layers keep their own boxes.
    """
    if not graph.groups:
        raise ValueError(
            "view='layer': the graph has no neurons (nodes made by the 'linear' op, as nn.Neuron makes them); "
            "step through it with the default view"
        )
    layers = graph.layers
    box_of: dict[str, str] = {}
    names: dict[str, str] = {}
    boxes: list[Box] = []
    units = {}  # layer index → the ids of its W box and its layer box
    inputs = [x for x in layers[0].inputs if x not in {g.h for g in graph.groups}]
    if inputs:
        ident = group_id(0, "inputs")
        boxes.append(_input_box(ident, [graph.node[x] for x in inputs], graph))
        box_of.update({x: ident for x in inputs})
        names[ident] = "inputs x"
    for layer in layers:
        matrix, box = group_id(layer.index, f"W {layer.name}"), group_id(layer.index, f"layer {layer.name}")
        units[layer.index] = matrix, box
        boxes += [_matrix_box(matrix, layer), _layer_box(box, layer)]
        for weights in layer.weights:
            box_of.update({w: matrix for w in weights if w is not None})
        for group in layer.neurons:
            box_of.update({member: box for member in group.members if member not in box_of})
        names[matrix], names[box] = f"W{subscript(layer.index)} of layer {layer.name}", f"layer {layer.name}"
    boxes += [_node_box(graph, n) for n in graph.order if graph.ids[n] not in box_of]
    drawn: dict[tuple[str, str], str] = {}  # (tail box, head box) → the id of the edge drawn between them
    carriers: dict[str, str] = {}
    for layer in layers:
        matrix, box = units[layer.index]
        into = output_edge_id(matrix)
        sources = list(dict.fromkeys(box_of.get(x, x) for x in layer.inputs))
        drawn.update({(source, matrix): edge_id(matrix, k) for k, source in enumerate(sources)})
        drawn[matrix, box] = into
        for group in layer.neurons:
            a = graph.node[group.a]
            layout = linear_operands(len(a.parents))
            for k in layout.inputs:
                source = box_of.get(graph.ids[a.parents[k]], graph.ids[a.parents[k]])
                carriers[graph.edge(a, k)] = edge_id(matrix, sources.index(source))
            for k in (*layout.weights, layout.bias):
                carriers[graph.edge(a, k)] = into
    for e in graph.edges:
        tail, head = box_of.get(e.parent, e.parent), box_of.get(e.child, e.child)
        if e.id not in carriers and tail != head:
            carriers[e.id] = drawn.setdefault((tail, head), e.id)  # the first edge between two boxes is drawn
    edges = [(ident, tail, head) for (tail, head), ident in drawn.items()]
    return View(
        boxes,
        edges,
        box_of,
        owners=frozenset(box_of),
        cell_words={member: _QUIET for member in box_of},
        carriers={edge: shown for edge, shown in carriers.items() if edge != shown},
        box_names=names,
        edge_labels=False,
        whole_box_lines=True,
    )


VIEW_BUILDERS = {"expanded": expanded_view, "neuron": neuron_view, "layer": layer_view}
"""Each view by name: ``(graph, settings) -> View``."""
