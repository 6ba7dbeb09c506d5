"""The graph a step-through shows: the display model plus names and lookups by ``Value``.

Ids and node kinds come from ``pathgrad.viz.model.build_model`` (topological position plus
label), so the stepper and the static diagrams call the same node by the same id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pathgrad.engine import BackwardStep, Value, backward_steps, topological_order

from ..ids import edge_id
from ..model import DEFAULT_MAX_NODES, EdgeView, GraphTooLargeError, GroupView, build_model
from ..text import shown_text
from .layers import VectorLayer, vector_layers
from .words import node_names

if TYPE_CHECKING:
    from pathgrad.nn.module import Module

__all__ = ["StepGraph"]


class StepGraph:
    """``root``'s graph as the page sees it.

    Attributes:
        order: the nodes in topological order (root last).
        ids: each node's element id.
        names: each node's readable name (``words.node_names``: its label, its role in a
            neuron, or a short description of its op and operands).
        kinds: ``input``, ``parameter``, ``constant`` or ``result`` by node.
        edges: the display model's edges, in order of their child.
        groups: the display model's neurons (a ``linear`` node and its activation).
        node: each node by its id.

    Args:
        root: the output node.
        max_nodes: past this many nodes ``pathgrad.viz.model.GraphTooLargeError`` is raised,
            suggesting the collapsed views.
        model: the ``pathgrad.nn`` module that made the graph; it names the neurons and
            shows its parameters as parameters (see ``pathgrad.viz.model.build_model``).
    """

    def __init__(self, root: Value, max_nodes: int = DEFAULT_MAX_NODES, model: Module | None = None) -> None:
        if not isinstance(root, Value):
            raise TypeError(
                f"a step-through needs a pathgrad.engine.Value as its root, got {type(root).__name__}"
            )
        try:
            display = build_model(root, max_nodes=max_nodes, model=model)
        except GraphTooLargeError as error:
            count = len(topological_order(root))
            raise GraphTooLargeError(
                f"the graph has {count} nodes, more than max_nodes={max_nodes} for a step-through; "
                "step(root, view='neuron') steps through one box per neuron (nn networks), "
                f"or pass max_nodes={count} to step through every node anyway"
            ) from error
        self.root = root
        self.order: list[Value] = [view.value for view in display.nodes]
        self.ids: dict[Value, str] = dict(display.ids)
        self.kinds: dict[Value, str] = {view.value: view.kind for view in display.nodes}
        self.node: dict[str, Value] = {ident: node for node, ident in self.ids.items()}
        """Each node by its id."""
        roles = {}  # a neuron's unlabelled a and h are called by their place in it: L1.N1.a, L1.N1.h
        for group in display.groups:
            roles[self.node[group.a]] = f"{group.name}.a"
            if group.h != group.a:
                roles[self.node[group.h]] = f"{group.name}.h"
        # a character no page can carry reads U+FFFD, warned once per label (leaves come first)
        self.names: dict[Value, str] = {
            node: shown_text(name) for node, name in node_names(self.order, roles).items()
        }
        self.edges: tuple[EdgeView, ...] = display.edges
        self.groups: tuple[GroupView, ...] = display.groups
        self._records: list[BackwardStep] | None = None
        self._layers: list[VectorLayer] | None = None

    @property
    def layers(self) -> list[VectorLayer]:
        """The neurons grouped into layers, first to last (``layers.py``), found once."""
        if self._layers is None:
            readers = [[self.ids[p] for p in node.parents] for node in self.order if node.parents]
            self._layers = vector_layers(self.groups, readers)
        return self._layers

    def records(self) -> list[BackwardStep]:
        """``pathgrad.engine.backward_steps`` of one fresh backward pass (leaf grads start at 0), run once.

        Afterwards every node holds the grad ``backward`` leaves.
        """
        if self._records is None:
            for node in self.order:
                node.grad = 0.0
            self._records = list(backward_steps(self.root))
        return self._records

    def edge(self, child: Value, operand_index: int) -> str:
        """The id of the edge carrying operand ``operand_index`` into ``child``."""
        return edge_id(self.ids[child], operand_index)

    def into(self, child: Value) -> list[str]:
        """The ids of every edge into ``child``, in operand order."""
        return [self.edge(child, k) for k in range(len(child.parents))]
