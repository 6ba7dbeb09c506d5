"""``demos.svg_crop``: a band of a Graphviz picture, its boxes found where Graphviz drew them."""

from __future__ import annotations

import re

import pytest

from demos.svg_crop import crop_band, node_boxes, smallest_font
from pathgrad.engine import Value
from pathgrad.viz import draw


def chain_svg() -> str:
    """x → (x·2) → tanh → exp → L, drawn left to right: five boxes in a row."""
    x = Value(0.5, "x")
    loss = ((x * 2.0).tanh()).exp()
    loss.label = "L"
    return draw(loss).svg()


def view_box(svg: str) -> list[float]:
    return [float(v) for v in re.search(r'viewBox="([^"]+)"', svg)[1].split()]


def test_node_boxes_are_in_view_box_coordinates_inside_the_picture():
    svg = chain_svg()
    boxes = node_boxes(svg)
    _, _, width, height = view_box(svg)
    x = next(box for ident, box in boxes.items() if ident.endswith("_x"))
    loss = next(box for ident, box in boxes.items() if ident.endswith("_L"))
    assert 0 <= x[0] < x[2] < loss[0] < loss[2] <= width  # left to right
    assert all(0 <= box[1] < box[3] <= height for box in boxes.values())


def test_a_band_spans_its_boxes_across_holds_the_centre_and_keeps_the_drawing():
    svg = chain_svg()
    boxes = node_boxes(svg)
    x_id = next(i for i in boxes if i.endswith("_x"))
    loss_id = next(i for i in boxes if i.endswith("_L"))
    band = crop_band(svg, [loss_id], centre=loss_id, aspect=0.5, margin=4.0)
    x0, y0, w, h = view_box(band)
    loss = boxes[loss_id]
    assert x0 == pytest.approx(loss[0] - 4.0, abs=0.01) and x0 + w == pytest.approx(loss[2] + 4.0, abs=0.01)
    assert h == pytest.approx(0.5 * w, abs=0.01) and y0 <= loss[1] and loss[3] <= y0 + h
    assert re.search(rf'width="{w:.0f}pt" height="{h:.0f}pt"', band)
    assert band.split("<g id=", 1)[1] == svg.split("<g id=", 1)[1]
    wide = crop_band(svg, [x_id, loss_id], centre=loss_id, aspect=0.1, whole=[loss_id])
    assert view_box(wide)[2] > w and view_box(wide)[1] <= loss[1] and loss[3] <= sum(view_box(wide)[1::2])
    assert smallest_font(band) == smallest_font(svg) > 0


def test_a_band_names_what_it_cannot_find():
    svg = chain_svg()
    with pytest.raises(ValueError, match="no node with id 'nowhere'"):
        crop_band(svg, ["nowhere"], centre="nowhere", aspect=0.5)
    with pytest.raises(ValueError, match="aspect must be a positive"):
        crop_band(svg, [], centre="nowhere", aspect=0)
