"""Deterministic ids for everything a diagram shows, shared by every view of one graph.

A node's id comes from its position in ``pathgrad.engine.topological_order(root)`` and its
label, never from ``id()``, so the same graph gives the same ids in every run:

    node_id(3, "w1")        == "n3_w1"
    node_id(5, "")          == "n5"
    op_id("n5")             == "n5-op"        (the op circle in front of node n5)
    edge_id("n5", 1)        == "n5-in1"       (operand 1 of node n5 → its op)
    output_edge_id("n5")    == "n5-out"       (the op circle → node n5)
    field_id("n5", "data")  == "n5-data"      (the cell that shows n5's data)
    group_id(0, "L1.N3")    == "g0_L1_N3"     (the first neuron or layer box)
    mode_button_id("paths") == "mode-paths"   (a step page's button for a mode)

Ids use only ``[A-Za-z0-9_-]``: safe in DOT, in SVG/HTML ``id`` attributes and in CSS
selectors without escaping.
"""

from __future__ import annotations

import re

__all__ = [
    "node_id",
    "op_id",
    "edge_id",
    "output_edge_id",
    "field_id",
    "group_id",
    "mode_button_id",
    "slug",
    "FIELDS",
]

FIELDS = ("label", "data", "grad")
"""The per-node cells of a diagram that carry their own id (``<node_id>-<field>``)."""

_MAX_SLUG = 24


def slug(text: str) -> str:
    """``text`` reduced to ``[A-Za-z0-9_]`` (other runs become ``_``), at most 24 characters."""
    return re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_")[:_MAX_SLUG].rstrip("_")


def node_id(position: int, label: str = "") -> str:
    """Id of the node at ``position`` in topological order, with its label as a readable suffix."""
    if position < 0:
        raise ValueError(f"node_id: position must be >= 0, got {position}")
    readable = slug(label)
    return f"n{position}_{readable}" if readable else f"n{position}"


def op_id(node: str) -> str:
    """Id of the op circle that produces node ``node``."""
    return f"{node}-op"


def edge_id(child: str, operand_index: int) -> str:
    """Id of the edge that carries operand ``operand_index`` into ``child`` (``a*a`` has -in0 and -in1)."""
    return f"{child}-in{operand_index}"


def output_edge_id(node: str) -> str:
    """Id of the edge from a node's op circle to the node's box."""
    return f"{node}-out"


def field_id(node: str, field: str) -> str:
    """Id of one cell of a node's box: ``field`` is one of ``FIELDS``."""
    if field not in FIELDS:
        raise ValueError(f"field_id: unknown field {field!r}; fields are {', '.join(FIELDS)}")
    return f"{node}-{field}"


def group_id(position: int, name: str = "") -> str:
    """Id of the neuron or layer box at ``position`` (in order of first appearance), named ``name``."""
    readable = slug(name)
    return f"g{position}_{readable}" if readable else f"g{position}"


def mode_button_id(mode: str) -> str:
    """Id of a step-through page's button that opens ``mode``."""
    return f"mode-{slug(mode)}"
