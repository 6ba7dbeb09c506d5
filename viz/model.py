"""The display model: what every view of a graph shows, with the ids all views share.

One graph, one model, many renderings. ``build_model(root)`` walks the graph once in
``pathgrad.engine.topological_order`` and returns plain data — nodes, edges, groups — that the
DOT renderers (``pathgrad.viz.draw``), the collapsed views and the step-through page all use.

The id contract (see ``pathgrad.viz.ids``), which holds for DOT, for the SVG that
``Diagram.svg()`` returns and for any page built on it:

* every node's box is an SVG ``<g id="<node_id>" class="node">``; a node made by an op
  also has an op circle ``<g id="<node_id>-op">``;
* inside a node's box the cells holding its label, data and grad are
  ``<g id="<node_id>-label">``, ``<g id="<node_id>-data">``, ``<g id="<node_id>-grad">``,
  each wrapping exactly one ``<text>`` whose content is the shown value;
* every edge that carries operand k into node n is ``<g id="<n>-in<k>" class="edge">``;
  its ``<text>`` children are the local derivative (and, on request, its formula);
  the edge op circle → box is ``<g id="<n>-out">``;
* neuron/layer boxes are ``<g id="g<k>_<name>" class="cluster">`` (expanded view) or
  ``class="node"`` (collapsed views).

Ids come from topological position and labels only, so a graph rebuilt the same way
gets the same ids, and ``render(..., pad=n)`` pads data/grad texts to ``n`` characters
so one layout has room for every later state ("one layout, many states").
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pathgrad.engine import Constant, Value, topological_order
from pathgrad.engine.ops import Op, linear_operands

from .ids import edge_id, group_id, node_id
from .neuron_names import NeuronNodes, check_model, neuron_names
from .text import new_drawing

if TYPE_CHECKING:
    from pathgrad.nn.module import Module

__all__ = [
    "NodeView",
    "EdgeView",
    "GroupView",
    "DisplayModel",
    "build_model",
    "GraphTooLargeError",
    "node_kind",
    "is_parameter_label",
    "DEFAULT_MAX_NODES",
    "check_size",
    "edge_formula",
    "label_name",
    "operand_names",
]

DEFAULT_MAX_NODES = 250
"""Past this many nodes a drawing refuses (dot would take long and nobody could read it)."""

INPUT, PARAMETER, CONSTANT, RESULT = "input", "parameter", "constant", "result"

_PARAMETER_LABEL = re.compile(r"(^|\.)(w|b|W|weight|bias)[0-9_]*$")


class GraphTooLargeError(ValueError):
    """The graph has more nodes than a drawing accepts."""


def is_parameter_label(label: str) -> bool:
    """True for the labels of weights and biases: ``w1``, ``b``, ``L1.N3.w2``, ``L2.N1.b``."""
    return bool(_PARAMETER_LABEL.search(label))


def node_kind(node: Value, parameters: frozenset[Value] | None = None) -> str:
    """``"constant"``, ``"parameter"``, ``"input"`` (leaves) or ``"result"`` (made by an op).

    Leaves are parameters when they are in ``parameters``, or, when that is not given,
    when their label names a weight or bias (``is_parameter_label``).
    """
    if node.parents:
        return RESULT
    if isinstance(node, Constant):
        return CONSTANT
    if parameters is not None:
        return PARAMETER if node in parameters else INPUT
    return PARAMETER if is_parameter_label(node.label) else INPUT


@dataclass(frozen=True)
class NodeView:
    """One node as a view shows it; ``grad`` is None when no backward pass reached it."""

    id: str
    position: int
    kind: str
    label: str
    data: float
    grad: float | None
    op_name: str
    op_symbol: str
    is_root: bool
    value: Value = field(repr=False, compare=False)


@dataclass(frozen=True)
class EdgeView:
    """Operand ``index`` of ``child`` is ``parent``; ``local_grad`` = ∂child/∂parent.

    ``contribution`` = local_grad · Δ(child), what this edge adds to Δ(parent) in the
    backward pass (None before backward).
    """

    id: str
    parent: str
    child: str
    index: int
    local_grad: float
    formula: str
    contribution: float | None


@dataclass(frozen=True)
class GroupView:
    """A neuron: its pre-activation node ``a`` and post-activation node ``h`` (same for a linear unit).

    ``members`` are the node ids inside the neuron box (a, h, and the neuron's weights
    and bias), ``inputs`` the ids of the nodes that feed it (x_i), ``weights`` the ids of
    w_i in the same order, ``bias`` the id of b. ``activation`` names Φ (``tanh``,
    ``linear``), empty when the neuron has no activation node.

    ``name`` (``L1.N3``), ``layer`` (``L1``), ``short_name`` (``N3``, its name in the layer)
    and ``weight_names`` (``w1``, ``w2`` …, in the order of ``weights``) come from the nn model
    when one is given, else from the graph's shape (``pathgrad.viz.neuron_names``), never
    from labels.
    """

    id: str
    name: str
    a: str
    h: str
    activation: str
    inputs: tuple[str, ...]
    weights: tuple[str, ...]
    bias: str
    members: tuple[str, ...]
    layer: str
    short_name: str
    weight_names: tuple[str, ...]


@dataclass(frozen=True)
class DisplayModel:
    """Nodes in topological order (root last), edges in order of their child, neuron groups."""

    nodes: tuple[NodeView, ...]
    edges: tuple[EdgeView, ...]
    groups: tuple[GroupView, ...]
    root: str
    ids: dict[Value, str] = field(repr=False, compare=False)

    def node(self, node: str) -> NodeView:
        """The node view with id ``node``."""
        return self._by_id[node]

    def id_of(self, value: Value) -> str:
        """The id of a ``Value`` of this graph."""
        try:
            return self.ids[value]
        except KeyError:
            raise KeyError(f"{value!r} is not part of this graph") from None

    @property
    def _by_id(self) -> dict[str, NodeView]:
        cache = self.__dict__.get("_cache")
        if cache is None:
            cache = {n.id: n for n in self.nodes}
            object.__setattr__(self, "_cache", cache)
        return cache


_OPERAND_TOKEN = re.compile(r"(?<![A-Za-z0-9_])([ab]|[wx][0-9]+)(?![A-Za-z0-9_])")
"""The op table's generic operand names: a and b, and a neuron's w_i and x_i."""
_ONE_WORD = re.compile(r"[\w.′']+")
_DESCRIBED = re.compile(r"([\w.′']+) \([^()]*\)")
_UNNAMED = ("u", "v")
"""What a formula calls an operand with neither a label nor labelled operands (never a or b)."""


def _bracketed(name: str) -> str:
    return name if _ONE_WORD.fullmatch(name) else f"({name})"


def _in_operands(text: str, op: Op, names: list[str]) -> str:
    """The op table's ``text`` with each generic operand replaced by that operand's name."""

    def named(match: re.Match) -> str:
        token = match[1]
        if op.arity in (1, 2) and token in ("a", "b"):
            index = "ab".index(token)
        elif op.name == "linear":
            k = int(token[1:]) - 1
            index = k if token[0] == "w" else len(names) // 2 + k
        else:
            return token
        if not 0 <= index < len(names):
            return token
        enclosed = (
            text[match.start() - 1 : match.start()] == "(" and text[match.end() : match.end() + 1] == ")"
        )
        return names[index] if enclosed else _bracketed(names[index])

    return _OPERAND_TOKEN.sub(named, text)


def label_name(value: Value) -> str:
    """What a formula calls a labelled node: the label up to " = " ("p = g(y)" is p), without a
    trailing description ("h (post-activation)" is h); "" for no label."""
    name = value.label.split(" = ")[0].strip() if value.label else ""
    described = _DESCRIBED.fullmatch(name)
    return described[1] if described else name


def operand_names(child: Value) -> list[str]:
    """The names of ``child``'s operands in formulas: each one's label, else its expression in
    its own operands' labels (``x · y``), else u, v."""
    names = []
    for operand, unnamed in zip(child.parents, _UNNAMED * len(child.parents)):
        name = label_name(operand)
        op = operand.operation
        if not name and op is not None and op.arity in (1, 2):
            inner = [label_name(p) for p in operand.parents]
            name = _in_operands(op.expression, op, inner) if all(inner) else ""
        names.append(name or unnamed)
    return names


def edge_formula(child: Value, operand_index: int) -> str:
    """The local derivative on the edge from operand ``operand_index`` into ``child``, in this graph's names.

    The op table writes formulas in generic operands (a, b; w_i, x_i in a neuron); an
    edge names them by their labels, so the edge from x into x·y reads ``∂(x · y)/∂x = y``
    and the lecture's two-path graph ``∂o/∂p = q`` (never a bare "b", which reads like a
    bias, or "a", the pre-activation). A binary op's edge shows the whole equation, since
    on its own "q" would not say which operand it is for; other ops' edges show the
    formula alone (``1 − tanh²(x · y)``: there is only one operand).
    """
    op = child.operation
    names = operand_names(child)
    formula = _in_operands(op.formula(operand_index, len(child.parents)), op, names)
    if op.arity == 2:
        output = label_name(child) or _in_operands(op.expression, op, names)
        return f"∂{_bracketed(output)}/∂{_bracketed(names[operand_index])} = {formula}"
    return formula


COLLAPSE_ADVICE = "draw(root, collapse='neuron') or collapse='layer' shows one box per neuron or layer"


def check_size(count: int, max_nodes: int, what: str = "nodes", advice: str = COLLAPSE_ADVICE) -> None:
    """Refuse a drawing of more than ``max_nodes`` units, suggesting what to do instead."""
    if isinstance(max_nodes, bool) or not isinstance(max_nodes, int) or max_nodes < 1:
        raise ValueError(f"max_nodes: needs a whole number of {what}, 1 or more, got {max_nodes!r:.40}")
    if count > max_nodes:
        raise GraphTooLargeError(
            f"the graph has {count} {what}, more than max_nodes={max_nodes}; {advice}, "
            f"or pass max_nodes={count} to draw every node anyway"
        )


def build_model(
    root: Value,
    *,
    max_nodes: int = DEFAULT_MAX_NODES,
    parameters: Iterable[Value] | None = None,
    model: Module | None = None,
) -> DisplayModel:
    """The display model of everything ``root`` depends on.

    Args:
        root: the output node.
        max_nodes: refuse (``GraphTooLargeError``) past this many nodes.
        parameters: the leaves to show as parameters; by default the model's parameters,
            or without a model leaves whose label names a weight or bias.
        model: the ``pathgrad.nn`` module that made the graph: its modules name the
            neurons and layers (default: named by the graph's shape, as ``pathgrad.nn.MLP`` names them).
    """
    check_model(model)
    new_drawing()  # each label with a character no file can carry is warned about once per drawing
    order = topological_order(root)
    check_size(len(order), max_nodes)
    if parameters is None and model is not None:
        parameters = model.parameters()
    try:
        chosen = frozenset(parameters) if parameters is not None else None
    except TypeError:
        raise TypeError(
            f"parameters: needs the Values to show as parameters, got {parameters!r:.40}"
        ) from None
    ids = {value: node_id(position, value.label) for position, value in enumerate(order)}
    nodes = tuple(
        NodeView(
            id=ids[value],
            position=position,
            kind=node_kind(value, chosen),
            label=value.label,
            data=value.data,
            grad=value.grad if value.grad_computed else None,
            op_name=value.op,
            op_symbol=value.operation.symbol if value.operation is not None else "",
            is_root=value is root,
            value=value,
        )
        for position, value in enumerate(order)
    )
    edges = tuple(
        EdgeView(
            id=edge_id(ids[child], index),
            parent=ids[parent],
            child=ids[child],
            index=index,
            local_grad=local,
            formula=edge_formula(child, index),
            contribution=local * child.grad if child.grad_computed else None,
        )
        for child in order
        for index, (parent, local) in enumerate(zip(child.parents, child.local_grads))
    )
    return DisplayModel(nodes, edges, _neuron_groups(order, ids, model), ids[root], ids)


def _neuron_groups(order: list[Value], ids: dict[Value, str], model: Module | None) -> tuple[GroupView, ...]:
    """Each ``linear`` node a (Σ w·x + b) with the unary op h = Φ(a) that alone consumes it."""
    children: dict[Value, list[Value]] = {}
    for node in order:
        for parent in node.parents:
            children.setdefault(parent, []).append(node)
    neurons = []
    for node in order:
        if node.op != "linear":
            continue
        consumers = children.get(node, [])
        h = node
        if len(consumers) == 1 and len(consumers[0].parents) == 1 and consumers[0].operation.arity == 1:
            h = consumers[0]
        layout = linear_operands(len(node.parents))
        neurons.append(
            NeuronNodes(
                a=node,
                h=h,
                weights=tuple(node.parents[k] for k in layout.weights),
                inputs=tuple(node.parents[k] for k in layout.inputs),
                bias=node.parents[layout.bias],
            )
        )
    groups = []
    for neuron, names in zip(neurons, neuron_names(order, neurons, model)):
        own = [p for p in (*neuron.weights, neuron.bias) if not p.parents]
        groups.append(
            GroupView(
                id=group_id(len(groups), names.name),
                name=names.name,
                a=ids[neuron.a],
                h=ids[neuron.h],
                activation=_activation_name(neuron.h) if neuron.h is not neuron.a else "",
                inputs=tuple(ids[x] for x in neuron.inputs),
                weights=tuple(ids[w] for w in neuron.weights),
                bias=ids[neuron.bias],
                members=tuple(dict.fromkeys(ids[v] for v in (*own, neuron.a, neuron.h))),
                layer=names.layer,
                short_name=names.short_name,
                weight_names=names.weights,
            )
        )
    return tuple(groups)


def _activation_name(h: Value) -> str:
    """What a neuron box calls its activation: the op's symbol, "linear" for the identity (not "id")."""
    return "linear" if h.op == "identity" else h.operation.symbol
