r"""``viz.step(root)``: press → and watch backprop, one node, one path, one ``+=`` at a time.

    >>> from pathgrad.engine import Value
    >>> from pathgrad.viz.step import step
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> stepper = step(y)                   # modes: forward, backward, paths, quiz, nudge
    >>> stepper.data["modes"]
    ['forward', 'backward', 'paths', 'quiz', 'nudge']

``stepper.save("y.html")`` writes one offline page; in Jupyter the stepper shows inline.

The steps come from the engine's own traversal (``engine.topological_order``,
``engine.backward_steps``, ``engine.paths``); the page only replays them. The graph
is laid out once, with room for the longest text of any step, so stepping never
moves a node. For graphs too wide to read from the back of a hall, ``z`` (or
``zoom=1`` in the link) follows the current step with the view; the layout stays.
"""

from __future__ import annotations

import os
from pathlib import Path

from pathgrad.engine import Value

from ..diagram import write_atomically
from ..model import DEFAULT_MAX_NODES, check_size
from .data import MODES, build_data, text_extents
from .graph import StepGraph
from .layout import layout_svg
from .nudge import NUDGES
from .page import build_page, notebook_html
from .paths import MAX_STEPPED_PATHS
from .views import expanded_view, merge_by_box, neuron_view, relabel, weight_edges

__all__ = ["Stepper", "step", "page_from_data", "NEURON_VIEW_NODES"]

NEURON_VIEW_NODES = 3000
"""The largest graph the neuron view reads (its boxes are limited by ``max_nodes``)."""


class Stepper:
    """A step-through page: ``.save(path)``, ``.html()``, ``.svg()``, inline in Jupyter.

    Attributes:
        data: everything the page replays (plain JSON-ready data).
        theme: ``"projector"`` (big type, for 1280×720) or ``"notebook"``.
    """

    def __init__(self, data: dict, svg: str, theme: str = "projector", mode: str | None = None) -> None:
        self.data = data
        self._svg = svg
        self.theme = theme
        if mode is not None:
            if mode not in data["modes"]:
                raise ValueError(f"unknown mode {mode!r}; this page has modes {', '.join(data['modes'])}")
            data["start"] = mode

    def svg(self) -> str:
        """The graph as a static SVG (values and, where computed, grads): the fallback picture."""
        return self._svg

    def html(self, theme: str | None = None) -> str:
        """The whole page as one string."""
        return build_page(title=self.data["title"], svg=self._svg, data=self.data, theme=theme or self.theme)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the page (``.html``) or the static SVG (``.svg``); the file appears whole or not at all."""
        target = Path(path)
        suffix = target.suffix.lower()
        if suffix not in (".html", ".htm", ".svg"):
            raise ValueError(
                f"cannot save {str(target)!r}: use a .html file for the page or .svg for the picture"
            )
        content = self.svg() if suffix == ".svg" else self.html()
        write_atomically(target, content.encode("utf-8"))
        return target

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        """Jupyter: the page, with the static SVG shown instead where scripts do not run."""
        return {
            "text/html": notebook_html(self.html(theme="notebook"), self.svg()),
            "image/svg+xml": self.svg(),
        }

    def __repr__(self) -> str:
        counts = self.data["counts"]
        return f"<Stepper {self.data['title']!r}: {counts['nodes']} nodes, modes {', '.join(self.data['modes'])}>"


def page_from_data(
    graph: StepGraph, data: dict, first_state: str, view: str = "expanded", max_boxes: int = DEFAULT_MAX_NODES
) -> str:
    """Lay ``graph`` out once, in ``view``, with room for every text ``data`` will show.

    ``first_state`` names the mode whose initial state the static SVG shows. The
    neuron view rewrites the cell words of ``data`` (a, δ, h, Δ) and records which
    box draws each node in ``data["boxes"]``.
    """
    labels = {ident: info["label"] for ident, info in data["nodes"].items()}
    if view == "neuron":
        boxes = neuron_view(graph, labels)
        check_size(len(boxes.boxes), max_boxes, "boxes in the neuron view")
        relabel(data, boxes.prefixes)
        box_names = {box.id: box.title for box in boxes.boxes}
        for mode in ("forward", "backward"):
            if mode in data["timelines"]:
                data["timelines"][mode] = merge_by_box(
                    data["timelines"][mode], boxes.box_of, set(boxes.prefixes), box_names
                )
        # a question on a weight points at the edge its value is written on
        carriers = weight_edges(graph, boxes)
        for question in data["timelines"].get("quiz", []):
            question["trail"] = [carriers.get(edge, edge) for edge in question["trail"]]
    elif view == "expanded":
        boxes = expanded_view(graph, labels)
    else:
        raise ValueError(f"unknown view {view!r}; views: 'expanded', 'neuron'")
    data["boxes"] = boxes.box_of
    data["owners"] = sorted(boxes.prefixes)
    node_chars, edge_chars = text_extents(data)
    initial = data["initial"][first_state]
    texts = {}
    for ident, state in initial["nodes"].items():
        texts[f"{ident}-data"], texts[f"{ident}-grad"] = state.get("d", ""), state.get("g", "")
    edge_texts = {ident: state.get("t", "") for ident, state in initial["edges"].items()}
    return layout_svg(boxes, texts, node_chars, edge_texts, edge_chars)


def default_modes(view: str) -> tuple[str, ...]:
    """Every mode, except nudge in the neuron view."""
    return tuple(m for m in MODES if not (view == "neuron" and m == "nudge"))


def step(
    root: Value,
    *,
    mode: str | None = None,
    modes: tuple[str, ...] | None = None,
    digits: int = 3,
    nudges: tuple[float, ...] = NUDGES,
    max_paths: int = MAX_STEPPED_PATHS,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "",
    theme: str = "projector",
    view: str = "expanded",
) -> Stepper:
    """A step-through of ``root``'s graph (runs one fresh backward pass on it).

    Args:
        root: the output (usually the loss).
        mode: the mode the page opens in (default: the first of ``modes``).
        modes: which of forward, backward, paths, quiz, nudge the page offers (default: all;
            the neuron view leaves nudge out, whose long texts would widen every box).
        digits: decimals shown.
        nudges: the step sizes h offered in nudge mode.
        max_paths: nodes with more paths to the output get a count instead of a walk.
        max_nodes: larger graphs raise ``viz.model.GraphTooLargeError`` suggesting a collapsed view.
        title: the page title (default from the root's name).
        theme: ``"projector"`` or ``"notebook"``.
        view: ``"expanded"`` (a box per node) or ``"neuron"`` (a box per neuron: a, δ, h, Δ;
            weights on the edges), for networks too large to read node by node.
    """
    if not 0 <= digits <= 8:
        raise ValueError(f"digits must be between 0 and 8, got {digits}")
    # the neuron view draws far fewer boxes than the graph has nodes: its limit is on boxes
    graph = StepGraph(root, max_nodes=max_nodes if view != "neuron" else NEURON_VIEW_NODES)
    data = build_data(
        graph,
        digits=digits,
        modes=tuple(modes) if modes is not None else default_modes(view),
        nudges=tuple(nudges),
        max_paths=max_paths,
        title=title,
    )
    svg = page_from_data(
        graph, data, "paths" if "paths" in data["modes"] else data["modes"][0], view, max_nodes
    )
    return Stepper(data, svg, theme=theme, mode=mode)
