"""Which nodes and edges a diagram highlights: a node set, one ``pathgrad.engine.Path``, or several.

Each highlight becomes a ``Marked`` set of node ids and edge ids of the display model
(a path marks its edges operand → op and op → node). Several paths get the theme's
highlight colours in order; everything not marked is dimmed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pathgrad.engine import Path, Value

from .ids import edge_id, op_id, output_edge_id
from .model import DisplayModel

__all__ = ["Marked", "marked_sets", "Highlight"]

Highlight = None | Path | Value | Iterable[Value] | Iterable[Path]


@dataclass(frozen=True)
class Marked:
    """Ids of the nodes (boxes and op circles) and edges one highlight covers."""

    nodes: frozenset[str]
    edges: frozenset[str]


def marked_sets(model: DisplayModel, highlight: Highlight) -> list[Marked]:
    """The highlight as a list of ``Marked`` sets (empty when nothing is highlighted)."""
    if highlight is None:
        return []
    if isinstance(highlight, Path):
        return [_path(model, highlight)]
    if isinstance(highlight, Value):
        highlight = [highlight]
    if isinstance(highlight, str) or not isinstance(highlight, Iterable):
        raise TypeError(
            f"highlight= takes a Value, a set of Values, an engine Path, or a list of Paths, got {highlight!r:.40}"
        )
    items = list(highlight)
    if items and all(isinstance(item, Path) for item in items):
        return [_path(model, path) for path in items]
    if all(isinstance(item, Value) for item in items):
        ids = frozenset(_id_in(model, value) for value in items)
        edges = frozenset(
            edge
            for e in model.edges
            if e.parent in ids and e.child in ids
            for edge in (e.id, output_edge_id(e.child))
        )
        return [Marked(ids | {op_id(i) for i in ids}, edges)] if items else []
    raise TypeError(
        f"highlight= takes a Value, a set of Values, an engine Path, or a list of Paths, got {items!r:.60}"
    )


def _id_in(model: DisplayModel, value: Value) -> str:
    """The id of a highlighted node; a node from another graph is a ``ValueError`` naming it."""
    if value not in model.ids:
        name = f"{value.label!r}" if value.label else f"with data {value.data:g}"
        raise ValueError(f"highlight: the node {name} is not part of the graph being drawn")
    return model.ids[value]


def _path(model: DisplayModel, path: Path) -> Marked:
    ids = [_id_in(model, node) for node in path.nodes]
    nodes = set(ids) | {op_id(i) for i in ids[1:]}
    edges = set()
    for child, index in zip(ids[1:], path.edges):
        edges.add(edge_id(child, index))
        edges.add(output_edge_id(child))
    return Marked(frozenset(nodes), frozenset(edges))
