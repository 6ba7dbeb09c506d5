r"""A band of a Graphviz SVG, cropped so its text reads at a given width: only the view box changes.

A left-to-right network drawn one box per neuron is thousands of points tall; shown whole
at a page's width its text is a few pixels high. The band keeps the columns of the boxes
named in ``across``, ``aspect`` times as high as wide, around the box named ``centre``,
with none of the boxes named in ``whole`` cut in two:

    x: from the leftmost to the rightmost box of ``across`` (plus ``margin``),
    y: the rows, at most aspect · width high, holding ``centre`` and the most boxes of
       ``whole`` entirely (plus ``margin``); without ``whole``, centre's middle
       ± aspect · width / 2, kept inside the picture,

and rewrites the root ``<svg>``'s ``width``, ``height`` and ``viewBox`` (points, as
Graphviz writes them); every element of the drawing stays as it was.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable

__all__ = ["node_boxes", "crop_band", "smallest_font"]

_SVG = "{http://www.w3.org/2000/svg}"
_NUMBER = r"-?\d+(?:\.\d+)?(?:e-?\d+)?"
Box = tuple[float, float, float, float]


def _translation(graph: ElementTree.Element) -> tuple[float, float]:
    """Graphviz's ``translate(x y)`` on the drawing's group; its scale must be 1 and its rotation 0."""
    transform = graph.get("transform", "")
    if not re.search(r"scale\(1 1\) rotate\(0\)", transform):
        raise ValueError(f"crop_band: a Graphviz SVG at scale 1 was expected, its transform is {transform!r}")
    found = re.search(rf"translate\(({_NUMBER}) ({_NUMBER})\)", transform)
    return (float(found[1]), float(found[2])) if found else (0.0, 0.0)


def _points(element: ElementTree.Element) -> list[tuple[float, float]]:
    """The corners of one shape: a path's or polygon's points, an ellipse's bounding box."""
    if element.tag == f"{_SVG}ellipse":
        cx, cy, rx, ry = (float(element.get(k)) for k in ("cx", "cy", "rx", "ry"))
        return [(cx - rx, cy - ry), (cx + rx, cy + ry)]
    text = element.get("d") or element.get("points") or ""
    numbers = [float(v) for v in re.findall(_NUMBER, text)]
    return list(zip(numbers[0::2], numbers[1::2]))


def node_boxes(svg: str) -> dict[str, Box]:
    """Each node's box (x0, y0, x1, y1) in the SVG's view-box coordinates, by its ``id``."""
    root = ElementTree.fromstring(svg)
    graph = root.find(f"{_SVG}g")
    if graph is None:
        raise ValueError("crop_band: the SVG has no drawing group (is it Graphviz's?)")
    dx, dy = _translation(graph)
    boxes = {}
    for node in graph.iter(f"{_SVG}g"):
        if node.get("class") != "node":
            continue
        corners = [point for shape in node.iter() for point in _points(shape)]
        if corners:
            xs, ys = [x for x, _ in corners], [y for _, y in corners]
            boxes[node.get("id")] = (min(xs) + dx, min(ys) + dy, max(xs) + dx, max(ys) + dy)
    return boxes


def _size(svg: str) -> tuple[float, float]:
    found = re.search(rf'viewBox="({_NUMBER}) ({_NUMBER}) ({_NUMBER}) ({_NUMBER})"', svg)
    if found is None:
        raise ValueError("crop_band: the SVG has no viewBox")
    return float(found[3]), float(found[4])


def _rows(whole: list[Box], centre: Box, height: float, margin: float) -> tuple[float, float] | None:
    """The tightest [y0, y1], at most ``height`` high, holding ``centre`` and the most boxes of
    ``whole`` entirely (the one most nearly centred on ``centre`` among equals); None if none fits."""
    spans = sorted((top - margin, bottom + margin) for _, top, _, bottom in whole)
    middle = (centre[1] + centre[3]) / 2
    best = None
    for first in range(len(spans)):
        for last in range(first, len(spans)):
            y0 = min(spans[first][0], centre[1] - margin)
            y1 = max(max(bottom for _, bottom in spans[first : last + 1]), centre[3] + margin)
            if y1 - y0 > height:
                break
            rank = (last - first + 1, -abs((y0 + y1) / 2 - middle))
            if best is None or rank > best[0]:
                best = (rank, (y0, y1))
    return best[1] if best else None


def crop_band(
    svg: str,
    across: Iterable[str],
    centre: str,
    aspect: float,
    whole: Iterable[str] = (),
    margin: float = 12.0,
) -> str:
    """``svg`` shown only in the band described in the module docstring."""
    across, whole = list(across), list(whole)
    if not (aspect > 0):
        raise ValueError(f"crop_band: aspect must be a positive height/width ratio, got {aspect!r}")
    boxes = node_boxes(svg)
    wanted = [*across, *whole, centre]
    missing = [ident for ident in wanted if ident not in boxes]
    if missing:
        raise ValueError(f"crop_band: no node with id {', '.join(map(repr, missing))} in the SVG")
    width, full_height = _size(svg)
    x0 = max(0.0, min(boxes[i][0] for i in across) - margin)
    x1 = min(width, max(boxes[i][2] for i in across) + margin)
    middle = (boxes[centre][1] + boxes[centre][3]) / 2
    height = min(aspect * (x1 - x0), full_height)
    top = min(max(0.0, middle - height / 2), full_height - height)
    y0, y1 = _rows([boxes[i] for i in whole], boxes[centre], height, margin) or (top, top + height)
    view = f'width="{x1 - x0:.0f}pt" height="{y1 - y0:.0f}pt" viewBox="{x0:.2f} {y0:.2f} {x1 - x0:.2f} {y1 - y0:.2f}"'
    return re.sub(r'width="[^"]*"\s+height="[^"]*"\s+viewBox="[^"]*"', view, svg, count=1)


def smallest_font(svg: str) -> float:
    """The smallest ``font-size`` of any text, in view-box units."""
    sizes = [float(v) for v in re.findall(rf'font-size="({_NUMBER})"', svg)]
    if not sizes:
        raise ValueError("the SVG has no text with a font-size")
    return min(sizes)
