"""``draw(root, ...)``: the diagram of a graph, expanded or collapsed into neurons or layers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

import graphviz

from pathgrad.engine import Value

from .diagram import Diagram
from .graph_view import graph_dot
from .highlight import Highlight, marked_sets
from .model import DEFAULT_MAX_NODES, build_model
from .options import COLLAPSE_MODES, DEFAULT_FIELDS, Options
from .theme import Theme

if TYPE_CHECKING:
    from pathgrad.nn.module import Module

__all__ = ["draw", "draw_dot"]


def draw(
    root: Value,
    *,
    fields: Iterable[str] = DEFAULT_FIELDS,
    rankdir: str = "LR",
    number_format: str = ".4f",
    highlight: Highlight = None,
    collapse: str | None = None,
    theme: str | Theme = "projector",
    pad: int | None = None,
    groups: bool = True,
    max_nodes: int = DEFAULT_MAX_NODES,
    parameters: Iterable[Value] | None = None,
    model: Module | None = None,
) -> Diagram:
    """The diagram of everything ``root`` depends on.

    Args:
        root: the output node.
        fields: what to show: ``"label"``, ``"data"``, ``"grad"`` (node cells), ``"local"``
            (the local derivative ∂child/∂parent on each edge), ``"formula"`` (its formula).
        rankdir: ``"LR"`` (default), ``"TB"``, ``"RL"`` or ``"BT"``.
        number_format: a float format spec, ``".4f"`` (default) or e.g. ``".3g"``.
        highlight: a Value or set of Values, a ``pathgrad.engine.Path``, or a list of Paths
            (each its own colour); everything else is dimmed.
        collapse: ``None`` (every node), ``"neuron"`` (one box per neuron: inputs, a, h,
            Φ'(a), δ, Δ) or ``"layer"`` (one vector unit per layer, matrices on edges).
        theme: ``"projector"`` (default: large type, high contrast), ``"light"`` or ``"print"``.
        pad: pad data and grad texts to this many characters, so a layout made once
            fits every later state of a step-through.
        groups: box each neuron's nodes in the expanded view.
        max_nodes: refuse larger graphs with a message suggesting a collapsed view.
        parameters: the leaves to show as parameters (default: the model's parameters, else
            labels like w1, b, L1.N2.w3).
        model: the ``pathgrad.nn`` module that made the graph; its modules name the neuron and
            layer boxes (default: named by the graph's shape, layer ``L<depth>``, neuron ``N<j>``,
            as ``pathgrad.nn.MLP`` names them; never by labels).

    Returns:
        A ``Diagram``: ``.source`` (DOT), ``.svg()``, ``.save(path)``, inline in Jupyter.
    """
    options = Options.make(fields, rankdir, number_format, theme, pad, groups)
    if collapse not in COLLAPSE_MODES:
        raise ValueError(f"collapse: unknown mode {collapse!r}; modes are None, 'neuron', 'layer'")
    if collapse is not None:
        from .collapse import collapsed_dot

        if highlight is not None:
            raise ValueError(
                f"highlight= works on the expanded graph; it cannot be combined with collapse={collapse!r}"
            )

        return Diagram(
            collapsed_dot(root, collapse, options, max_nodes=max_nodes, parameters=parameters, model=model)
        )
    display = build_model(root, max_nodes=max_nodes, parameters=parameters, model=model)
    return Diagram(graph_dot(display, options, marked_sets(display, highlight)))


def draw_dot(root: Value, format: str = "svg", rankdir: str = "LR", **options) -> graphviz.Digraph:
    """micrograd's ``draw_dot(root, format, rankdir)``: a ``graphviz.Digraph`` of ``draw``'s diagram.

    ``draw(root, rankdir=rankdir, **options)`` writes the DOT; the ``graphviz.Digraph``
    carries it, so what micrograd users call on theirs works on pathgrad's labels:
    ``dot.render("gout", view=False)`` writes ``gout`` and ``gout.<format>``, ``dot.pipe()``
    gives the rendered bytes, ``dot.source`` the DOT, ``dot.attr/node/edge`` add
    statements, and Jupyter shows it inline.

    Args:
        root: the output node.
        format: what ``render`` and ``pipe`` produce: ``"svg"`` (default), ``"png"``,
            ``"pdf"`` or another format Graphviz knows.
        rankdir: ``"LR"`` (default), ``"TB"``, ``"RL"`` or ``"BT"``.
        **options: any other argument of ``draw`` (``fields``, ``highlight``, ``theme`` ...).
    """
    if format not in graphviz.FORMATS:
        raise ValueError(f"draw_dot: unknown format {format!r}; formats include svg, png, pdf")
    return draw(root, rankdir=rankdir, **options).digraph(format)
