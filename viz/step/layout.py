r"""One layout for every state: Graphviz places the boxes once, we draw the SVG.

Each node's box is sized for the longest text any step will put in it (monospace
text: width = characters × 0.6 em), Graphviz's ``dot -Tplain`` returns the positions
and edge splines, and the SVG follows ``pathgrad.viz.model``'s id contract:

    <g id="n3_w1" class="node parameter">  <rect/>
        <g id="n3_w1-label" class="field"><text>w1</text></g>
        <g id="n3_w1-data"  class="field"><text>data −3.000</text></g>
        <g id="n3_w1-grad"  class="field"><text>grad —</text></g>   </g>
    <g id="n5-in0" class="edge"> <path/> <polygon/> <text>−3.000</text> </g>

All text is centred (``text-anchor="middle"``), so a page can change it without
moving anything. Box size in points: width = 0.6·font·chars + 2·pad, height = 3 rows.
"""

from __future__ import annotations

import html
import math
import threading
from collections.abc import Callable, Sequence

from ..diagram import GraphvizError, run_graphviz
from ..ids import field_id
from .views import Box, View

__all__ = ["layout_svg", "FONT", "CHAR_WIDTH"]

FONT = 15.0
"""Node text size in SVG points (the SVG is scaled to fit the page)."""
EDGE_FONT = 14.0
CHAR_WIDTH = 0.6
"""Advance of one monospace character, in em."""
PAD = 8.0
ROW = 1.45 * FONT
EDGE_ROW = 1.3 * EDGE_FONT
ARROW = 9.0
OP_SCALE = 14.0 / 15.0
"""Size of the op symbol in a box's corner, relative to the node text."""
MARK = "✓"
"""Drawn in every box's right corner, shown only while its Δ is final: final differs by more than colour."""
MONO = "DejaVu Sans Mono, Menlo, Consolas, Liberation Mono, monospace"

STYLE = f"""
.stepgraph text {{ font-family: {MONO}; font-size: {FONT:g}px; fill: #111; }}
.stepgraph .node rect {{ fill: #fff; stroke: #333; stroke-width: 1.5; }}
.stepgraph .node.input rect {{ fill: #FFF3C4; }}
.stepgraph .node.parameter rect {{ fill: #D6ECFA; }}
.stepgraph .node.constant rect {{ fill: #EEEEEE; }}
.stepgraph .node .label text {{ font-weight: bold; }}
.stepgraph .node text.fixed {{ fill: #555; }}
.stepgraph .node .op {{ font-size: {OP_SCALE * FONT}px; fill: #555; }}
.stepgraph .node .mark {{ visibility: hidden; fill: #009E73; font-weight: bold; }}
.stepgraph .edge path {{ fill: none; stroke: #666; stroke-width: 1.6; }}
.stepgraph .edge polygon {{ fill: #666; stroke: none; }}
.stepgraph .edge text {{ font-size: {EDGE_FONT}px; fill: #444; }}
"""


def _placeholder(view: View, ident: str, chars: dict[str, int], edge_chars: int) -> str:
    """Room for an edge's label: its local derivative, or a parameter's two cells on two lines."""
    if not view.edge_labels:
        return ""
    weight = view.edge_cells.get(ident)
    if weight is None:
        return "0" * edge_chars
    width = max(chars[field_id(weight, "data")], chars[field_id(weight, "grad")])
    return "0" * width + "\\n" + "0" * width


def _dot_source(
    view: View,
    widths: dict[str, float],
    heights: dict[str, float],
    chars: dict[str, int],
    edge_chars: int,
    rankdir: str,
) -> str:
    lines = [
        "digraph stepper {",
        f"  graph [rankdir={rankdir}, nodesep=0.18, ranksep=0.4, margin=0, ordering=out];",
        '  node [shape=box, fixedsize=true, label=""];',
        f'  edge [fontname="Courier", fontsize={EDGE_FONT:g}, arrowsize=1];',
    ]
    for box in view.boxes:
        lines.append(f'  "{box.id}" [width={widths[box.id] / 72:.4f}, height={heights[box.id] / 72:.4f}];')
    for ident, tail, head in view.edges:
        lines.append(
            f'  "{tail}" -> "{head}" [id="{ident}", label="{_placeholder(view, ident, chars, edge_chars)}"];'
        )
    lines.append("}")
    return "\n".join(lines)


def _run_dot(source: str) -> str:
    hint = "step(root, view='neuron') steps through one box per neuron"
    return run_graphviz(source, "dot", ["-Tplain-ext"], hint=hint).decode()


def _side_by_side(run: Callable[[str], str], sources: Sequence[str]) -> list[str]:
    """``[run(s) for s in sources]``, each in a thread of its own, so the ``dot`` processes run at once.

    The threads are daemons: a layout abandoned half-way (a server's build that ran out of
    time) never holds up the interpreter's exit, as an executor's threads, joined at exit, would.
    The first source's error, if any, is raised.
    """
    results: list[str | BaseException] = [""] * len(sources)

    def one(index: int) -> None:
        try:
            results[index] = run(sources[index])
        except BaseException as error:  # handed back to the calling thread
            results[index] = error

    threads = [threading.Thread(target=one, args=(index,), daemon=True) for index in range(len(sources))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def _parse_plain(text: str) -> tuple[float, float, dict[str, tuple], list[tuple]]:
    """``dot -Tplain-ext``: graph size, node boxes (x, y, w, h) and edges (points, label position)."""
    width = height = 0.0
    nodes: dict[str, tuple] = {}
    edges: list[tuple] = []
    for row in text.splitlines():
        fields = row.split()
        if not fields:
            continue
        if fields[0] == "graph":
            width, height = float(fields[2]) * 72, float(fields[3]) * 72
        elif fields[0] == "node":
            nodes[fields[1].strip('"')] = tuple(float(v) * 72 for v in fields[2:6])
        elif fields[0] == "edge":
            count = int(fields[3])
            points = [(float(fields[4 + 2 * i]) * 72, float(fields[5 + 2 * i]) * 72) for i in range(count)]
            rest = fields[4 + 2 * count :]
            label = (float(rest[1]) * 72, float(rest[2]) * 72) if len(rest) > 3 else None
            edges.append((fields[1].strip('"'), fields[2].strip('"'), points, label))
    return width, height, nodes, edges


def _text(x: float, y: float, content: str, cls: str = "") -> str:
    klass = f' class="{cls}"' if cls else ""
    return f'<text{klass} x="{x:.1f}" y="{y:.1f}" text-anchor="middle" dominant-baseline="central">{html.escape(content)}</text>'


def _cells(box: Box, chars: dict[str, int], edge_chars: int) -> list[list[tuple[str, str, int]]]:
    """Each row's cells as (cell id, edge id or fixed text; kind; characters)."""

    def cell(key: str, kind: str) -> tuple[str, str, int]:
        if kind == "text":
            return key, kind, len(key)
        if kind == "edge":
            return key, kind, edge_chars
        return field_id(key, kind), kind, chars[field_id(key, kind)]

    return [[cell(key, kind) for key, kind in row] for row in box.rows]


def _box_width(box: Box, chars: dict[str, int], edge_chars: int) -> float:
    """Room for the widest row (its cells share it equally), and for the header with its op symbol."""
    widest = max(
        len(row) * max(c for _, _, c in row) + 2 * (len(row) - 1) for row in _cells(box, chars, edge_chars)
    )
    header = len(box.header) + 2 * max(OP_SCALE * len(box.symbol), len(MARK)) + 1
    return CHAR_WIDTH * FONT * max(widest, header) + 2 * PAD


def _box_svg(
    box: Box, place: tuple, flip: float, chars: dict[str, int], edge_chars: int, texts: dict[str, str]
) -> str:
    cx, cy, w, h = place
    x, y = cx - w / 2, flip - cy - h / 2
    parts = [
        f'<g id="{box.id}" class="{box.classes}" data-name="{html.escape(box.title, quote=True)}">',
        f"<title>{html.escape(box.title)}</title>",
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" rx="6"/>',
        f'<g id="{field_id(box.id, "label")}" class="field label">{_text(cx, y + PAD / 2 + ROW / 2, box.header)}</g>',
        f'<line class="rule" x1="{x:.1f}" y1="{y + PAD / 2 + ROW:.1f}" x2="{x + w:.1f}" y2="{y + PAD / 2 + ROW:.1f}"/>',
    ]
    if box.symbol:
        parts.append(
            f'<text class="op" x="{x + 5:.1f}" y="{y + PAD / 2 + ROW / 2:.1f}" dominant-baseline="central">'
            f"{html.escape(box.symbol)}</text>"
        )
    parts.append(
        f'<text class="mark" x="{x + w - 5:.1f}" y="{y + PAD / 2 + ROW / 2:.1f}" text-anchor="end" '
        f'dominant-baseline="central">{MARK}</text>'
    )
    for r, row in enumerate(_cells(box, chars, edge_chars), 1):
        ty = y + PAD / 2 + ROW * (r + 0.5)
        share = w / len(row)
        for k, (cell, kind, _) in enumerate(row):
            tx = x + share * (k + 0.5)
            if kind == "text":
                parts.append(_text(tx, ty, cell, "fixed"))
            elif kind == "edge":  # a local derivative kept inside the box (a neuron's Φ′(a) on a → h)
                parts.append(
                    f'<g id="{cell}" class="edge inner">{_text(tx, ty, texts.get(cell, ""), "local")}</g>'
                )
            else:
                parts.append(f'<g id="{cell}" class="field {kind}">{_text(tx, ty, texts.get(cell, ""))}</g>')
    parts.append("</g>")
    return "".join(parts)


def _edge_svg(
    ident: str,
    points: list[tuple],
    label: tuple | None,
    flip: float,
    text: str,
    cells: tuple[tuple[str, str, str], ...] = (),
) -> str:
    """The edge's path and arrow, and at its label either its text or a parameter's cells
    (cell id, field, text), one per line."""
    pts = [(px, flip - py) for px, py in points]
    d = f"M{pts[0][0]:.1f},{pts[0][1]:.1f}" + "".join(
        f" C{pts[i][0]:.1f},{pts[i][1]:.1f} {pts[i + 1][0]:.1f},{pts[i + 1][1]:.1f} {pts[i + 2][0]:.1f},{pts[i + 2][1]:.1f}"
        for i in range(1, len(pts) - 2, 3)
    )
    (ax, ay), (bx, by) = pts[-2], pts[-1]
    length = math.hypot(bx - ax, by - ay) or 1.0
    ux, uy = (bx - ax) / length, (by - ay) / length
    tip = (bx + ux * ARROW, by + uy * ARROW)
    left = (bx - uy * ARROW * 0.45, by + ux * ARROW * 0.45)
    right = (bx + uy * ARROW * 0.45, by - ux * ARROW * 0.45)
    arrow = " ".join(f"{px:.1f},{py:.1f}" for px, py in (tip, left, right))
    parts = [f'<g id="{ident}" class="edge">', f'<path d="{d}"/>', f'<polygon points="{arrow}"/>']
    if label is not None and cells:
        top = flip - label[1] - EDGE_ROW * (len(cells) - 1) / 2
        for k, (cell, kind, content) in enumerate(cells):
            parts.append(
                f'<g id="{cell}" class="field {kind}">{_text(label[0], top + k * EDGE_ROW, content)}</g>'
            )
    elif label is not None:
        parts.append(_text(label[0], flip - label[1], text, "local"))
    parts.append("</g>")
    return "".join(parts)


def layout_svg(
    view: View,
    texts: dict[str, str],
    chars: dict[str, int],
    edge_texts: dict[str, str],
    edge_chars: int,
    aspect: float = 1.3,
) -> str:
    """The SVG of ``view``: boxes sized for the longest text any step puts in them.

    Lays the graph out left-to-right and top-to-bottom (two ``dot`` runs side by side) and keeps the one that shows
    bigger in an area ``aspect`` times as wide as high (the page's graph pane).

    Args:
        texts: the first text of every cell, by cell id (``n3_w1-data``).
        chars: the longest text each cell will ever show, by cell id.
        edge_texts: the first text of each edge label.
        edge_chars: the longest text any edge label will show.
    """
    widths = {box.id: _box_width(box, chars, edge_chars) for box in view.boxes}
    heights = {box.id: (len(box.rows) + 1) * ROW + PAD for box in view.boxes}
    sources = [_dot_source(view, widths, heights, chars, edge_chars, rankdir) for rankdir in ("LR", "TB")]
    layouts = [_parse_plain(text) for text in _side_by_side(_run_dot, sources)]
    width, total, places, splines = max(layouts, key=lambda layout: min(aspect / layout[0], 1.0 / layout[1]))
    by_pair: dict[tuple[str, str], list[tuple]] = {}
    for tail, head, points, label in splines:
        by_pair.setdefault((tail, head), []).append((points, label))
    body = []
    for ident, tail, head in view.edges:
        queue = by_pair.get((tail, head))
        if not queue:
            raise GraphvizError(f"dot did not lay out the edge {ident}")
        points, label = queue.pop(0)
        weight = view.edge_cells.get(ident)
        fields = ("data", "grad") if weight else ()
        cells = tuple((field_id(weight, f), f, texts.get(field_id(weight, f), "")) for f in fields)
        body.append(_edge_svg(ident, points, label, total, edge_texts.get(ident, ""), cells))
    every_text = texts | edge_texts  # a box shows cells and, inside it, an edge's local derivative (Φ′)
    body += [_box_svg(box, places[box.id], total, chars, edge_chars, every_text) for box in view.boxes]
    margin = 6.0
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="stepgraph" viewBox="{-margin:.1f} {-margin:.1f} '
        f'{width + 2 * margin:.1f} {total + 2 * margin:.1f}" width="{width + 2 * margin:.0f}pt" '
        f'height="{total + 2 * margin:.0f}pt"><style>{STYLE}</style>' + "".join(body) + "</svg>"
    )
