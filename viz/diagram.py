"""``Diagram``: DOT text plus its renderings by Graphviz (SVG, PNG, PDF), saved atomically.

``.source`` never needs Graphviz; everything else runs the ``dot`` (or ``neato``)
program through ``run_graphviz``, the one place the project starts Graphviz (the
step-through's layout uses it too). When the program is missing it raises
``GraphvizNotFoundError`` with the command that installs it; a graph large enough to take
a while is announced up front by a ``SlowDrawingWarning`` (its size, the expected time,
the collapsed views), and a layout that passes the time limit raises
``GraphvizTimeoutError`` suggesting ``collapse=``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import graphviz

from pathgrad.engine.files import write_atomically

from .notebook import image_bundle, png_dpi, quantized_png
from .warn import warn

__all__ = [
    "Diagram",
    "GraphvizNotFoundError",
    "GraphvizError",
    "GraphvizTimeoutError",
    "SlowDrawingWarning",
    "run_graphviz",
    "expected_seconds",
    "TIMEOUT_SECONDS",
    "COLLAPSE_HINT",
    "FORMATS",
    "INSTALL_HELP",
]

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf", ".dot": "dot", ".gv": "dot"}
"""File extensions ``save`` understands and the format each one means."""

INSTALL_HELP = (
    "Graphviz's '{program}' program was not found on PATH; pathgrad needs it to lay out diagrams and\n"
    "step-through pages. Install Graphviz (the Python package 'graphviz' alone does not bring it):\n"
    "  Debian/Ubuntu:  sudo apt-get install graphviz\n"
    "  Fedora:         sudo dnf install graphviz\n"
    "  macOS:          brew install graphviz\n"
    "  Windows:        winget install graphviz   (then open a new terminal, or restart the kernel)\n"
    "  conda:          conda install -c conda-forge graphviz\n"
    "Everything else works without it: Value, backward, paths, nn and fit, and diagram.source (DOT text)."
)
"""What a missing Graphviz program says: the install line for each system, and what still works."""

PNG_DPI = 144
"""Pixels per inch of PNG output: twice the SVG's 72, sharp on a projector."""

TIMEOUT_SECONDS = 60.0
"""How long a layout may take before ``GraphvizTimeoutError`` (``Diagram.timeout`` changes it)."""

SLOW_SECONDS = 5.0
"""A layout expected to take longer than this is announced with a ``SlowDrawingWarning``."""

COLLAPSE_HINT = "draw(root, collapse='neuron') or collapse='layer' draws one box per neuron or layer"

# Graphviz wraps an HTML-label cell that has ID + HREF + TOOLTIP in <g id="a_ID"><a ...>.
# ``svg()`` turns that into <g id="ID"><title>TOOLTIP</title> ... </g> (no link to click).
_CELL_OPEN = re.compile(r'<g id="a_([A-Za-z0-9_&#;-]+)"><a xlink:href="#" xlink:title="([^"]*)">')
_ID = re.compile(r' id="([^"]*)"')
_CELL_CLOSE = re.compile(r"</a>\n</g>")
_OPENING = re.compile(r"digraph (\w+) \{")


class GraphvizNotFoundError(RuntimeError):
    """Graphviz's layout program is not installed (or not on PATH).

    In a notebook the error shows as its message alone: the install lines, not a traceback
    through pathgrad's internals (IPython asks an exception for ``_render_traceback_``).
    """

    def _render_traceback_(self) -> list[str]:
        return [f"GraphvizNotFoundError: {self}"]


class GraphvizError(RuntimeError):
    """Graphviz ran but failed."""


class GraphvizTimeoutError(GraphvizError):
    """Graphviz did not finish the layout within the time limit."""


class SlowDrawingWarning(UserWarning):
    """The layout about to run will take a while (said before it starts)."""


_EDGE = re.compile(r" -> ")
_NODE = re.compile(r'^\s*"[^"]*(?<!-op)" \[', re.MULTILINE)  # a box, not an op circle (pathgrad.viz.ids)
_NEURON = re.compile(r"^\s*subgraph cluster_", re.MULTILINE)


def expected_seconds(nodes: int, edges: int) -> float:
    """About how long ``dot`` takes to lay out ``nodes`` boxes joined by ``edges`` edges: 8 µs · nodes · edges.

    Measured on networks drawn node by node, whose shared weights make edges cross
    (2-4-4-1 losses over 5, 10, 20 and 25 samples: 0.8 s, 1.9 s, 7.6 s and 31 s for 500,
    1,000, 2,000 and 2,450 edges) and on the neuron view (2.0 s for 84 boxes and 1,046
    edges); a plain chain of layers, with few crossings, takes less.
    """
    return 8e-6 * nodes * edges


def run_graphviz(
    source: str,
    program: str = "dot",
    arguments: Sequence[str] = (),
    *,
    timeout: float = TIMEOUT_SECONDS,
    hint: str = COLLAPSE_HINT,
    more_time: str = "",
) -> bytes:
    """Graphviz's ``program`` run on the DOT ``source`` with ``arguments`` (``["-Tsvg"]``); its output.

    Args:
        source: DOT text.
        program: ``"dot"`` or ``"neato"``.
        arguments: command-line arguments (the output format among them).
        timeout: seconds before ``GraphvizTimeoutError``.
        hint: what the slow-drawing warning and the timeout error suggest instead.
        more_time: how to allow more time, with ``{seconds}`` for a longer limit
            (``"diagram.timeout = {seconds}"``).

    Raises:
        GraphvizNotFoundError: the program is not installed.
        GraphvizTimeoutError: the layout took longer than ``timeout``.
        GraphvizError: the program failed, with its own message.
    """
    path = shutil.which(program)
    if path is None:
        raise GraphvizNotFoundError(INSTALL_HELP.format(program=program))
    nodes, edges = len(_NODE.findall(source)), len(_EDGE.findall(source))
    size = f"{nodes:,} nodes and {edges:,} edges"
    neurons = len(_NEURON.findall(source))
    if neurons:
        hint = f"{hint} ({neurons} neurons)"
    expected = expected_seconds(nodes, edges)
    if expected > SLOW_SECONDS:
        warn(
            f"laying out {size} with {program} may take about {expected:.0f} s (time limit {timeout:g} s); "
            f"{hint} in a fraction of that",
            SlowDrawingWarning,
        )
    try:
        result = subprocess.run(
            [path, *arguments],
            input=source.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        longer = f", or allow more time: {more_time.format(seconds=f'{max(2 * timeout, 2 * expected):.0f}')}"
        raise GraphvizTimeoutError(
            f"{program} did not finish laying out {size} within the time limit of {timeout:g} s; "
            f"{hint}{longer if more_time else ''}"
        ) from None
    if result.returncode != 0 or not result.stdout:
        message = result.stderr.decode("utf-8", "replace").strip() or "no output"
        raise GraphvizError(f"{program} failed (exit code {result.returncode}) on {size}: {message}")
    return result.stdout


class Diagram:
    """A diagram: DOT ``source`` and the Graphviz program that lays it out.

    Args:
        source: DOT text.
        engine: ``"dot"`` for layered graphs, ``"neato"`` for figures with fixed positions.
        engine_args: extra command-line arguments for the engine (``["-n2"]``).
        timeout: seconds a rendering may take before ``GraphvizTimeoutError``
            (an attribute: ``diagram.timeout = 300`` allows more).
    """

    def __init__(
        self,
        source: str,
        engine: str = "dot",
        engine_args: tuple[str, ...] = (),
        timeout: float = TIMEOUT_SECONDS,
    ) -> None:
        if engine not in ("dot", "neato"):
            raise ValueError(f"unknown Graphviz engine {engine!r}; engines: dot, neato")
        self._source = source
        self.engine = engine
        self.engine_args = tuple(engine_args)
        self._natural = False
        self.timeout = timeout

    @property
    def source(self) -> str:
        """The DOT text; the same graph always gives the same bytes."""
        return self._source

    def __str__(self) -> str:
        return self._source

    def __repr__(self) -> str:
        return f"<Diagram: {self._source.count(chr(10))} lines of DOT, engine {self.engine}>"

    # ----------------------------------------------------------------- rendering

    def pipe(self, format: str, dpi: float = PNG_DPI) -> bytes:
        """The diagram rendered by Graphviz in ``format`` (``"svg"``, ``"png"``, ``"pdf"``); PNG at ``dpi``."""
        if format == "dot":
            return self._source.encode("utf-8")
        if format not in ("svg", "png", "pdf"):
            raise ValueError(f"unknown format {format!r}; formats: svg, png, pdf, dot")
        arguments = [*self.engine_args, f"-T{format}"]
        if format == "png":
            arguments.append(f"-Gdpi={dpi:g}")
        return run_graphviz(
            self._source,
            self.engine,
            arguments,
            timeout=self.timeout,
            more_time="diagram.timeout = {seconds}",
        )

    def svg(self) -> str:
        """The SVG text, with each data/grad/label cell as ``<g id="<node_id>-<field>">``."""
        text = self.pipe("svg").decode("utf-8")
        text, opened = _CELL_OPEN.subn(r'<g id="\1" class="field"><title>\2</title>', text)
        # every cell anchor Graphviz opened is closed by "</a>\n</g>"; nothing else emits it
        text = _CELL_CLOSE.sub("</g>", text, count=opened)
        # Graphviz writes "-" in ids as "&#45;"; ids are plain [A-Za-z0-9_-] (pathgrad.viz.ids)
        return _ID.sub(lambda match: f' id="{match.group(1).replace("&#45;", "-")}"', text)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the diagram to ``path``; the extension picks SVG, PNG, PDF or DOT.

        The file appears complete or not at all (written to a temporary file, then renamed).
        """
        target = Path(path)
        format = FORMATS.get(target.suffix.lower())
        if format is None:
            raise ValueError(
                f"cannot save {str(target)!r}: unknown extension {target.suffix!r}; use one of {', '.join(FORMATS)}"
            )
        content = self.svg().encode("utf-8") if format == "svg" else self.pipe(format)
        write_atomically(target, content)
        return target

    def digraph(self, format: str = "svg") -> graphviz.Digraph:
        """The same DOT as a ``graphviz.Digraph`` (what micrograd's ``draw_dot`` returns).

        Its ``source`` holds this diagram's statements unchanged, so ``.render()``,
        ``.pipe()``, ``.attr()``, ``.node()``, ``.edge()`` and Jupyter's display work on
        pathgrad's labels. Graphviz draws it without ``svg()``'s tidying of cell ids.

        Raises:
            ValueError: the diagram needs command-line arguments (``neato -n2`` for pinned
                positions) that a ``graphviz.Digraph`` cannot pass; use ``save`` instead.
        """
        if self.engine_args:
            raise ValueError(
                f"this diagram needs '{self.engine} {' '.join(self.engine_args)}', which a graphviz.Digraph "
                "cannot run; use .save(path) or .svg()"
            )
        opening, *statements, closing = self._source.rstrip("\n").split("\n")
        match = _OPENING.fullmatch(opening)
        if match is None or closing != "}":
            raise ValueError(f"not a digraph of one statement per line: {opening!r} ... {closing!r}")
        graph = graphviz.Digraph(name=match.group(1), format=format, engine=self.engine)
        graph.body.extend(f"{statement}\n" for statement in statements)
        return graph

    def natural_size(self) -> Diagram:
        """This diagram shown at its natural size in Jupyter (by default it is scaled to fit the output)."""
        diagram = Diagram(self._source, self.engine, self.engine_args)
        diagram._natural = True
        return diagram

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        """Jupyter: SVG (scaled to fit), PNG for front ends that do not show SVG, and the text form.

        Without Graphviz the output is the install help and the DOT text.
        """
        try:
            svg = self.svg()
            png = self.pipe("png", dpi=png_dpi(svg, natural=self._natural))
        except GraphvizNotFoundError as error:
            return {"text/plain": f"{error}\n\n{self._source}"}, {}
        return image_bundle(svg, quantized_png(png), repr(self), natural=self._natural)
