"""Networks as the lecture draws them: each weight and ∂L/∂w on its edge, a neuron's bias and Φ′(a) in its box."""

from __future__ import annotations

import re
from xml.etree import ElementTree

import pytest
from pagestate import final_state

from demos.steppers import mlp_loss
from pathgrad.engine import topological_order
from pathgrad.viz.step import step
from pathgrad.viz.text import parse_number

SVG = "{http://www.w3.org/2000/svg}"


def drawn_boxes(svg: str) -> list[str]:
    return re.findall(r'<g id="([^"]+)" class="node', svg)


def edge_holding(svg: str, cell: str) -> str | None:
    """The id of the drawn edge whose group holds the element ``cell``, if any."""
    for group in ElementTree.fromstring(svg).iter(f"{SVG}g"):
        if group.get("class") == "edge" and any(e.get("id") == cell for e in group.iter()):
            return group.get("id")
    return None


def parameters(loss):
    return [n for n in topological_order(loss) if n.label and n.label.split(".")[-1][0] in "wb"]


def test_node_by_node_a_network_draws_no_box_per_parameter_and_writes_each_weight_on_its_edge():
    loss = mlp_loss()
    page = step(loss)
    ids = {n["name"]: i for i, n in page.data["nodes"].items()}
    boxes = drawn_boxes(page.svg())
    params = parameters(loss)
    assert len(params) == 37 and not any(ids[p.label] in boxes for p in params)
    assert len(boxes) == page.data["counts"]["nodes"] - 37
    state = final_state(page)
    for p in params:
        ident = ids[p.label]
        grad = state[ident]["g"]
        word = "∂L/∂b" if p.label.endswith(".b") else "∂L/∂w"
        assert grad.startswith(word) and parse_number(grad.split()[-1]) == pytest.approx(p.grad, abs=5e-4)
        assert f'id="{ident}-grad"' in page.svg()
    weight = next(p for p in params if p.label == "L2.N3.w1")
    edge = edge_holding(page.svg(), f"{ids[weight.label]}-data")
    source = next(n for n in topological_order(loss) if n.label == "L1.N1.h")
    a = next(n for n in topological_order(loss) if n.label == "L2.N3.a")
    assert edge == f"{ids['L2.N3.a']}-in{a.parents.index(source)}"  # the edge L1.N1.h → L2.N3.a


def test_asking_for_parameter_boxes_draws_every_node():
    page = step(mlp_loss(), parameter_boxes=True)
    assert len(drawn_boxes(page.svg())) == page.data["counts"]["nodes"] == 60
    with pytest.raises(ValueError, match="parameter_boxes must be True or False"):
        step(mlp_loss(), parameter_boxes="yes")


def test_a_neuron_box_holds_its_bias_and_phi_prime_kept_on_a_to_h():
    loss = mlp_loss()
    page = step(loss, view="neuron")
    ids = {n["name"]: i for i, n in page.data["nodes"].items()}
    by_label = {n.label: n for n in topological_order(loss) if n.label}
    svg = page.svg()
    h = by_label["L2.N3.h"]
    inner = f"{ids['L2.N3.h']}-in0"
    assert re.search(rf'<g id="{inner}" class="edge inner"><text class="local"[^>]*>([^<]*)</text>', svg)
    text = page.data["initial"]["backward"]["edges"][inner]["t"]
    assert parse_number(text) == pytest.approx(h.local_grads[0], abs=5e-4)
    assert f'id="{ids["L2.N3.b"]}-data"' in svg
    assert final_state(page)[ids["L2.N3.b"]]["g"].startswith("∂L/∂b")
    weight = f"{ids['L2.N3.w1']}-grad"
    assert edge_holding(svg, weight) is not None
