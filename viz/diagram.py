"""``Diagram``: DOT text plus its renderings by Graphviz (SVG, PNG, PDF), saved atomically.

``.source`` never needs Graphviz; everything else runs the ``dot`` (or ``neato``)
program and, when it is missing, raises ``GraphvizNotFoundError`` with the command that
installs it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import graphviz

from pathgrad.engine.files import write_atomically

from .notebook import image_bundle, png_dpi, quantized_png

__all__ = [
    "Diagram",
    "GraphvizNotFoundError",
    "GraphvizError",
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

_TIMEOUT_SECONDS = 120

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


class Diagram:
    """A diagram: DOT ``source`` and the Graphviz program that lays it out.

    Args:
        source: DOT text.
        engine: ``"dot"`` for layered graphs, ``"neato"`` for figures with fixed positions.
        engine_args: extra command-line arguments for the engine (``["-n2"]``).
    """

    def __init__(self, source: str, engine: str = "dot", engine_args: tuple[str, ...] = ()) -> None:
        if engine not in ("dot", "neato"):
            raise ValueError(f"unknown Graphviz engine {engine!r}; engines: dot, neato")
        self._source = source
        self.engine = engine
        self.engine_args = tuple(engine_args)
        self._natural = False

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
        program = shutil.which(self.engine)
        if program is None:
            raise GraphvizNotFoundError(INSTALL_HELP.format(program=self.engine))
        command = [program, *self.engine_args, f"-T{format}"]
        if format == "png":
            command.append(f"-Gdpi={dpi:g}")
        result = subprocess.run(
            command,
            input=self._source.encode("utf-8"),
            capture_output=True,
            timeout=_TIMEOUT_SECONDS,
            check=False,
        )
        if result.returncode != 0 or not result.stdout:
            message = result.stderr.decode("utf-8", "replace").strip()
            raise GraphvizError(f"{self.engine} failed (exit code {result.returncode}): {message}")
        return result.stdout

    def svg(self) -> str:
        """The SVG text, with each data/grad/label cell as ``<g id="<node_id>-<field>">``."""
        text = self.pipe("svg").decode("utf-8")
        text, opened = _CELL_OPEN.subn(r'<g id="\1" class="field"><title>\2</title>', text)
        # every cell anchor Graphviz opened is closed by "</a>\n</g>"; nothing else emits it
        text = _CELL_CLOSE.sub("</g>", text, count=opened)
        # Graphviz writes "-" in ids as "&#45;"; ids are plain [A-Za-z0-9_-] (viz.ids)
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
