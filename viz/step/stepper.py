r"""``pathgrad.viz.step(root)``: press → and watch backprop, one node, one path, one ``+=`` at a time.

    >>> from pathgrad.engine import Value
    >>> from pathgrad.viz.step import step
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> stepper = step(y)                   # modes: the table in pathgrad.viz.step.modes
    >>> stepper.data["modes"]
    ['forward', 'backward', 'paths', 'quiz', 'nudge', 'bugs']

``stepper.save("y.html")`` writes one offline page; in Jupyter the stepper shows inline.

The steps come from the engine's own traversal (``pathgrad.engine.topological_order``,
``pathgrad.engine.backward_steps``, ``pathgrad.engine.paths``); the page only replays them. The graph
is laid out once, with room for the longest text of any step, so stepping never
moves a node. For graphs too wide to read from the back of a hall, ``z`` (or
``zoom=1`` in the link) follows the current step with the view; the layout stays.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING

from pathgrad.engine import Value
from pathgrad.engine.files import write_atomically

from ..model import DEFAULT_MAX_NODES, check_size
from ..notebook import image_bundle, rasterize, stepper_outputs
from .chains import CHAINS
from .graph import StepGraph
from .layout import layout_svg
from .modes import MODES, default_modes
from .page import build_page
from .pagedata import page_data, script_data, text_extents
from .settings import MAX_STEPPED_PATHS, NUDGES, Settings
from .views import VIEW_BUILDERS

if TYPE_CHECKING:
    from pathgrad.nn.module import Module

__all__ = ["Stepper", "step", "make_stepper", "NEURON_VIEW_NODES"]

NEURON_VIEW_NODES = 3000
"""The largest graph the neuron and layer views read (their boxes are limited by ``max_nodes``)."""


class Stepper:
    """A step-through page: ``.save(path)``, ``.html()``, ``.svg()``, inline in Jupyter.

    Attributes:
        data: everything the page replays (plain JSON-ready data, see ``pathgrad.viz.step.pagedata``).
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

    def html(self, theme: str | None = None, compact: bool = False) -> str:
        """The whole page as one string.

        ``compact`` is the page a notebook carries: the same steps, with its script and style
        compacted and its data without the exact numbers only Python reads (``script_data``).
        """
        return build_page(
            title=self.data["title"],
            svg=self._svg,
            data=script_data(self.data) if compact else self.data,
            theme=theme or self.theme,
            compact=compact,
        )

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

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        """The static picture (SVG, PNG), for front ends that ask for one bundle."""
        return image_bundle(self.svg(), rasterize(self.svg()), repr(self))

    def _ipython_display_(self) -> None:
        """Jupyter: the picture, then the script that builds the page over it (``pathgrad.viz.notebook``)."""
        from IPython.display import display

        for data, metadata in stepper_outputs(
            self.html(theme="notebook", compact=True), self.svg(), repr(self)
        ):
            display(data, metadata=metadata, raw=True)

    def __repr__(self) -> str:
        counts = self.data["counts"]
        return f"<Stepper {self.data['title']!r}: {counts['nodes']} nodes, modes {', '.join(self.data['modes'])}>"


def make_stepper(
    graph: StepGraph,
    *,
    modes: tuple[str, ...],
    settings: Settings,
    view: str = "expanded",
    title: str = "",
    theme: str = "projector",
    mode: str | None = None,
    max_boxes: int = DEFAULT_MAX_NODES,
    chain: str = "h",
    room: int = 0,
) -> Stepper:
    """Build the requested ``modes`` of ``graph`` (only those), lay the view out once, make the page.

    The layout has room for every text any step will show, and ``room`` characters more in
    every cell and edge label (a live view keeps its layout while the numbers change); the
    static SVG shows the opening state of paths if the page has it, else of its first mode.
    """
    if view not in VIEW_BUILDERS:
        raise ValueError(f"unknown view {view!r}; views: {', '.join(repr(v) for v in VIEW_BUILDERS)}")
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ValueError(f"unknown step-through mode(s) {unknown or modes!r}; modes: {', '.join(MODES)}")
    unsupported = [m for m in modes if view not in MODES[m].views]
    if unsupported:
        raise ValueError(f"mode(s) {', '.join(unsupported)} cannot be shown in view={view!r}")
    shown = VIEW_BUILDERS[view](graph, settings)
    if view != "expanded":
        check_size(len(shown.boxes), max_boxes, f"boxes in the {view} view")
    built = {MODES[m]: MODES[m].build(graph, settings) for m in modes}
    data = page_data(graph, shown, built, title, settings.digits)
    data["chain"] = chain
    cell_chars, edge_chars = text_extents(data)
    cell_chars = {cell: chars + room for cell, chars in cell_chars.items()}
    edge_chars += room
    initial = data["initial"]["paths" if "paths" in data["modes"] else data["modes"][0]]
    texts = {}
    for ident, state in initial["nodes"].items():
        cell = data["cells"][ident]
        texts[cell["data"]], texts[cell["grad"]] = state.get("d", ""), state.get("g", "")
    edge_texts = {ident: state.get("t", "") for ident, state in initial["edges"].items()}
    svg = layout_svg(shown, texts, cell_chars, edge_texts, edge_chars)
    return Stepper(data, svg, theme=theme, mode=mode)


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
    chain: str = "h",
    parameter_boxes: bool = False,
    model: Module | None = None,
) -> Stepper:
    """A step-through of ``root``'s graph (runs one fresh backward pass on it).

    Args:
        root: the output (usually the loss).
        mode: the mode the page opens in (default: the first of ``modes``).
        modes: which of forward, backward, paths, quiz, nudge the page offers (default: all
            the view offers, see ``pathgrad.viz.step.modes``).
        digits: decimals shown.
        nudges: the step sizes ε offered in nudge mode.
        max_paths: nodes with more paths to the output get a count instead of a walk.
        max_nodes: larger graphs raise ``pathgrad.viz.model.GraphTooLargeError`` suggesting a collapsed view.
        title: the page title (default from the root's name).
        theme: ``"projector"`` or ``"notebook"``.
        view: ``"expanded"`` (a box per node), ``"neuron"`` (a box per neuron: a, δ, h, Δ;
            weights on the edges) or ``"layer"`` (a box per layer: the vectors b, a, δ, h, Δ,
            and each W_r with ∂L/∂W_r on the way between layers), for networks too large to
            read node by node.
        chain: the chain variable the backward steps of a network open in: ``"h"``
            (the Δ recursion over post-activations) or ``"a"`` (δ = Φ′(a) · Σ w·δ over
            pre-activations; in the layer view δ_r = Φ′(a_r) ⊙ W_{r+1} δ_{r+1}); the page's ``c``
            key switches at the same step.
        parameter_boxes: in the default view of a network, draw every weight and bias as a box
            of its own; by default a weight and its ∂L/∂w are written on the edge x_i → a it
            multiplies and a bias in its neuron's a box, as the lecture draws networks.
        model: the ``pathgrad.nn`` module that made the graph; its modules name the neuron
            boxes (default: named by the graph's shape, as ``pathgrad.nn.MLP`` names them; never by labels).
    """
    if not isinstance(parameter_boxes, bool):
        raise ValueError(f"parameter_boxes must be True or False, got {parameter_boxes!r:.40}")
    if chain not in CHAINS:
        raise ValueError(f"chain must be one of {', '.join(repr(c) for c in CHAINS)}, got {chain!r}")
    if not _whole(digits) or not 0 <= digits <= 8:
        raise ValueError(f"digits must be between 0 and 8, got {digits!r:.40}")
    if not _whole(max_paths) or max_paths < 0:
        raise ValueError(f"max_paths must be a whole number, 0 or more, got {max_paths!r:.40}")
    if not isinstance(view, str) or view not in VIEW_BUILDERS:
        raise ValueError(f"unknown view {view!r:.40}; views: {', '.join(repr(v) for v in VIEW_BUILDERS)}")
    if isinstance(modes, str) or not (modes is None or isinstance(modes, Iterable)):
        raise ValueError(
            f"modes must be a tuple of mode names such as ('forward', 'backward'), got {modes!r:.40}"
        )
    if isinstance(nudges, str) or not isinstance(nudges, Iterable):
        raise ValueError(f"nudges must be a tuple of step sizes such as (0.1, 0.01), got {nudges!r:.40}")
    nudges = tuple(nudges)
    if not all(isinstance(h, Real) and not isinstance(h, bool) and 0 < abs(h) < 1e300 for h in nudges):
        raise ValueError(f"nudges must be non-zero finite numbers, got {nudges!r:.60}")
    # the neuron and layer views draw far fewer boxes than the graph has nodes: their limit is on boxes
    graph = StepGraph(root, max_nodes=max_nodes if view == "expanded" else NEURON_VIEW_NODES, model=model)
    return make_stepper(
        graph,
        modes=tuple(modes) if modes is not None else default_modes(view),
        settings=Settings(
            digits=digits, nudges=nudges, max_paths=max_paths, view=view, parameter_boxes=parameter_boxes
        ),
        view=view,
        title=title,
        theme=theme,
        mode=mode,
        max_boxes=max_nodes,
        chain=chain,
    )


def _whole(number: object) -> bool:
    """True for an int that is not a bool."""
    return isinstance(number, int) and not isinstance(number, bool)
