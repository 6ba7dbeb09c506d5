r"""``explore(root)``: the step-through page as a notebook widget with a control per leaf.

    >>> from pathgrad.viz import explore                                   # doctest: +SKIP
    >>> widget = explore("tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.8814)
    >>> widget                                   # a slider and a number field per leaf, the page below
    >>> widget.set("w1", 2.0)                    # what moving the w1 slider does, from Python

The widget shows the page ``pathgrad.viz.step`` builds (one front end: the same page, its modes
and keys) and, above it, a slider and a number field for every leaf. Changing one runs
the engine in Python — ``pathgrad.engine.forward`` for the values and local derivatives,
``backward`` for the grads, ``pathgrad.viz.step`` for the page's texts — and hands the new numbers
to the page, which rewrites its texts in place: the layout is the one drawn for the
first values, with room to spare, so nothing moves and Graphviz does not run again (the
graph is laid out again only when a number no longer fits its box). No number is
computed in JavaScript.

A change rebuilds only the mode the page shows (``widget.mode``, which the page reports
as the user switches); the other modes are rebuilt when the page switches to them.

It is an anywidget (``pip install "pathgrad[notebook]"``), so it runs in JupyterLab,
Notebook 7, VS Code and Colab alike. Keys pressed in the widget stay in the widget.
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from importlib import resources

from pathgrad.engine import Constant, DomainError, Value, topological_order
from pathgrad.engine.expression import ExpressionError, names_in, parse
from pathgrad.engine.forward import forward

from .step.graph import StepGraph
from .step.modes import MODES
from .step.page import script_json
from .step.pagedata import mode_data, text_extents
from .step.settings import Settings
from .step.stepper import make_stepper
from .step.views import View, expanded_view

__all__ = ["explore", "LIVE_MODES", "slider_range"]

LIVE_MODES = ("forward", "backward", "paths", "quiz")
"""The step-through's modes the widget offers by default (its sliders are a live nudge)."""

ROOM = 5
"""Spare characters each text of the widget's layout keeps, so 1.414e−09 fits where 0.500 stood."""

INSTALL_HELP = 'explore() needs anywidget: pip install "pathgrad[notebook]" (or pip install anywidget)'


def slider_range(value: float) -> tuple[float, float, float]:
    """(low, high, step) for a leaf's slider: ``value`` ± max(3, 2|value|), in 200 steps."""
    span = max(3.0, 2.0 * abs(value))
    return value - span, value + span, span / 100.0


def _leaves(root: Value) -> dict[str, Value]:
    """The named leaves (not constants), by name, in topological order; a name used twice is refused."""
    found: dict[str, Value] = {}
    for node in topological_order(root):
        if node.parents or isinstance(node, Constant) or not node.label:
            continue
        if node.label in found:
            raise ValueError(f"two leaves are both named {node.label!r}; give them different labels")
        found[node.label] = node
    return found


def _fits(extents: tuple[dict[str, int], int], laid_out: tuple[dict[str, int], int]) -> bool:
    """True when every cell's and edge label's longest text is no longer than the layout has room for."""
    (cells, edge), (room, edge_room) = extents, laid_out
    return edge <= edge_room and all(chars <= room.get(cell, 0) for cell, chars in cells.items())


@lru_cache(maxsize=1)
def _widget_class():
    try:
        import anywidget
        import traitlets
    except ImportError:
        raise ImportError(INSTALL_HELP) from None

    static = resources.files("pathgrad.viz").joinpath("static")

    class Explorer(anywidget.AnyWidget):
        """The step page with a control per leaf; ``set(name, value)`` moves one from Python."""

        _esm = static.joinpath("explore.js").read_text(encoding="utf-8")
        _css = static.joinpath("explore.css").read_text(encoding="utf-8")
        page = traitlets.Unicode("").tag(sync=True)
        data = traitlets.Unicode("").tag(sync=True)
        """The latest update: the shown mode's entries of the page data (``pagedata.mode_data``)."""
        leaves = traitlets.List([]).tag(sync=True)
        error = traitlets.Unicode("").tag(sync=True)
        height = traitlets.Int(640).tag(sync=True)
        mode = traitlets.Unicode("").tag(sync=True)
        """The mode the page shows: the page sets it as the user switches, and setting it switches the page."""

        def __init__(
            self, root: Value, *, modes=LIVE_MODES, title: str = "", digits: int = 3, height: int = 640
        ):
            super().__init__()
            self.root = root
            self._named = _leaves(root)
            self._modes, self._settings, self._title = tuple(modes), Settings(digits=digits), title
            self._current: set[str] = set()
            """The modes whose data on the page is at the leaves' current values."""
            self.timings_ms: list[float] = []
            """Milliseconds each change took in Python (forward, backward, the shown mode's new texts)."""
            self.height = height
            self.leaves = [
                {
                    "name": name,
                    "value": node.data,
                    **dict(zip(("min", "max", "step"), slider_range(node.data))),
                }
                for name, node in self._named.items()
            ]
            if self._modes:  # none: make_stepper says what modes there are
                self.mode = self._modes[0]
            self._lay_out()
            self.observe(self._mode_shown, names="mode")
            self.on_msg(self._message)

        @traitlets.validate("mode")
        def _known_mode(self, proposal) -> str:
            if proposal["value"] not in self._modes:
                raise traitlets.TraitError(
                    f"no mode {proposal['value']!r} in this widget; modes: {', '.join(self._modes)}"
                )
            return proposal["value"]

        @property
        def values(self) -> dict[str, float]:
            """Each leaf's current value, by name."""
            return {name: node.data for name, node in self._named.items()}

        def set(self, name: str, value: float) -> None:
            """Give the leaf ``name`` the value ``value`` and redraw: what its slider does.

            Raises:
                KeyError: no leaf has that name.
                ValueError: ``value`` is not a finite number.
            """
            if name not in self._named:
                raise KeyError(f"no leaf named {name!r}; leaves: {', '.join(self._named)}")
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"{name} needs a finite number, got {value!r}")
            started = time.perf_counter()
            node = self._named[name]
            before = node.data
            node.data = number
            try:
                forward(self.root)
            except DomainError as error:
                node.data = before
                self.error = f"{name} = {number:g}: {error}"
                self._sync_leaves()
                return
            self.error = ""
            self._graph = self._fresh_graph()
            self._graph.records()  # the backward pass: every grad is fresh, whichever mode is shown
            self._current.clear()  # every mode's numbers are old now; the shown one is rebuilt
            self._show_mode(self.mode)
            self._sync_leaves()
            self.timings_ms.append((time.perf_counter() - started) * 1000.0)

        def _mode_shown(self, change) -> None:
            """The page switched mode: send that mode's data if the leaves changed since it was built."""
            if change["new"] not in self._current:
                self._show_mode(change["new"])

        def _show_mode(self, mode: str) -> None:
            """Build ``mode`` at the current values and hand its data to the page (same layout if it fits)."""
            built = {MODES[mode]: MODES[mode].build(self._graph, self._settings)}
            update = {"nodes": self._nodes, **mode_data(self._view, built)}
            if _fits(text_extents({**update, "cells": self._cells}), self._extents):
                self.data = script_json(update)  # the page merges it in and rewrites its texts
                self._current.add(mode)
            else:  # a number outgrew its box: lay the graph out again, with room for it
                self.data = ""
                self._lay_out()

        def _fresh_graph(self) -> StepGraph:
            for node in topological_order(self.root):
                node.grad = None  # a fresh backward pass: leaves do not accumulate across changes
            return StepGraph(self.root)

        def _lay_out(self) -> None:
            """A new page of every mode, opening in the one shown, laid out with ``ROOM`` spare characters per text."""
            graph = self._fresh_graph()
            stepper = make_stepper(
                graph,
                modes=self._modes,
                settings=self._settings,
                title=self._title,
                theme="notebook",
                mode=self.mode,
                room=ROOM,
            )
            self._graph = graph  # the graph at the current values: every mode is built from it
            # the view's boxes and words do not change with the values: updates reuse it
            self._view: View = expanded_view(graph, self._settings)
            self._nodes, self._cells = stepper.data["nodes"], stepper.data["cells"]
            cells, edge = text_extents(stepper.data)
            self._extents = ({cell: chars + ROOM for cell, chars in cells.items()}, edge + ROOM)
            self._current = set(self._modes)
            self.page = stepper.html()

        def _sync_leaves(self) -> None:
            self.leaves = [{**leaf, "value": self._named[leaf["name"]].data} for leaf in self.leaves]

        def _message(self, _widget, content, _buffers) -> None:
            if isinstance(content, dict) and content.get("type") == "set":
                try:
                    self.set(str(content.get("name")), float(content.get("value")))
                except (KeyError, TypeError, ValueError) as error:
                    self.error = str(error)

        def __repr__(self) -> str:
            values = ", ".join(f"{name}={value:g}" for name, value in self.values.items())
            return f"<explore {self.root.label or 'graph'}: {values}>"

    return Explorer


def explore(graph: Value | str, /, *, modes=LIVE_MODES, title: str = "", digits: int = 3, **values: float):
    """A notebook widget: the step page of ``graph`` with a slider and a number field per leaf.

    Args:
        graph: the output ``Value`` (its named leaves get the controls), or an expression in
            the command line's grammar (``"tanh(x1*w1 + x2*w2 + b)"``) with its values as
            keyword arguments.
        modes: the step-through modes offered (default ``LIVE_MODES``).
        title: the page title.
        digits: decimals shown.

    Raises:
        ImportError: anywidget is not installed (``pip install "pathgrad[notebook]"``).
        ExpressionError: the expression is not in the grammar, or a value is missing.
    """
    widget_class = _widget_class()
    if isinstance(graph, str):
        used = names_in(graph)
        missing = [name for name in used if name not in values]
        if missing:
            raise ExpressionError(
                f"no value for {', '.join(map(repr, missing))}: explore({graph!r}, "
                + ", ".join(f"{name}=1.0" for name in missing)
                + ")",
                graph,
                1,
            )
        root = parse(graph, values)
        root.label = root.label or "out"
        title = title or f"Explore: {graph}"
    elif isinstance(graph, Value):
        if values:
            raise TypeError(
                "explore(root) takes no values: they are the leaves' data; use widget.set(name, value)"
            )
        root = graph
    else:
        raise TypeError(f"explore needs a Value or an expression, got {type(graph).__name__}")
    return widget_class(root, modes=modes, title=title, digits=digits)
