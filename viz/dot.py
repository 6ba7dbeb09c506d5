"""Small pieces of DOT syntax shared by every view: quoted attributes, the graph header, cells.

Attribute values are quoted with ``"`` and ``\\`` escaped; user text only ever enters
through HTML-like labels and their tooltips, built with ``pathgrad.viz.text.html_text`` and
``pathgrad.viz.text.attribute_text`` (the rules that make any text show as written are there).
"""

from __future__ import annotations

from .text import attribute_text, html_text, shown_text
from .theme import Theme

__all__ = ["attributes", "header", "cell", "quote"]


def quote(value: object) -> str:
    r"""A DOT double-quoted string: ``"`` escaped and ``\`` doubled (Graphviz reads ``\\`` as ``\``)."""
    text = shown_text(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{text}"'


def attributes(**values: object) -> str:
    """``[key="value" ...]`` in the given order; ``None`` values are left out; ``label`` is HTML."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        parts.append(f"{key}=<{value}>" if key == "label" else f"{key}={quote(value)}")
    return f"[{' '.join(parts)}]" if parts else ""


def header(theme: Theme, rankdir: str = "LR", name: str = "pathgrad", **graph: object) -> list[str]:
    """The opening lines of a digraph in ``theme``."""
    return [
        f"digraph {name} {{",
        "  graph "
        + attributes(
            rankdir=rankdir,
            bgcolor=theme.background,
            fontname=theme.font,
            fontsize=theme.font_size,
            fontcolor=theme.foreground,
            pad="0.3",
            **graph,
        ),
        "  node "
        + attributes(
            fontname=theme.font, fontsize=theme.font_size, fontcolor=theme.foreground, color=theme.foreground
        ),
        "  edge "
        + attributes(
            fontname=theme.font,
            fontsize=theme.edge_font_size,
            fontcolor=theme.foreground,
            color=theme.foreground,
            arrowsize="1.1",
        ),
    ]


def cell(
    text: str,
    *,
    cell_id: str | None = None,
    tooltip: str = "",
    colour: str | None = None,
    size: int | None = None,
    bold: bool = False,
    align: str | None = None,
    colspan: int | None = None,
) -> str:
    """One ``<td>`` of an HTML-like label with escaped ``text``.

    A cell with ``cell_id`` gets ``HREF="#"`` and a tooltip, the only way Graphviz keeps
    a cell's id in SVG; ``Diagram.svg()`` then turns the link into a plain ``<g id=...>``.
    """
    content = html_text(text) if text else " "
    if bold:
        content = f"<b>{content}</b>"
    font = "".join(
        f' {key}="{value}"' for key, value in (("color", colour), ("point-size", size)) if value is not None
    )
    if font:
        content = f"<font{font}>{content}</font>"
    extra = ""
    if cell_id:
        extra += f' ID="{cell_id}" HREF="#" TOOLTIP="{attribute_text(tooltip or text) or cell_id}"'
    if align:
        extra += f' ALIGN="{align}"'
    if colspan:
        extra += f' COLSPAN="{colspan}"'
    return f"<td{extra}>{content}</td>"
