"""``viz.explore``: a change to a leaf gives exactly the page data a fresh build at the new values gives."""

from __future__ import annotations

import json
import sys

import pytest

from pathgrad.engine import Value, topological_order
from pathgrad.engine.expression import ExpressionError, parse
from pathgrad.viz import explorer as explore_module
from pathgrad.viz.explorer import LIVE_MODES, explore, slider_range
from pathgrad.viz.step.stepper import step

pytest.importorskip("anywidget", reason="the notebook extra: pip install 'pathgrad[notebook]'")

NEURON = "tanh(x1*w1 + x2*w2 + b)"
AT = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8814}


def fresh_data(expression: str, values: dict) -> dict:
    root = parse(expression, values)
    root.label = "out"
    return step(root, modes=LIVE_MODES, theme="notebook", title=f"Explore: {expression}").data


def test_explore_an_expression_has_a_control_per_leaf_and_the_step_page():
    widget = explore(NEURON, **AT)
    assert [leaf["name"] for leaf in widget.leaves] == ["x1", "w1", "x2", "w2", "b"]
    w1 = widget.leaves[1]
    assert (w1["min"], w1["max"], w1["step"]) == slider_range(-3.0) == (-9.0, 3.0, 0.06)
    assert widget.page.startswith("<!DOCTYPE html>") and 'id="step-data"' in widget.page
    assert widget.values == AT


def test_set_gives_the_data_a_fresh_build_at_the_new_values_gives():
    widget = explore(NEURON, **AT)
    page = widget.page
    widget.set("w1", -2.5)
    assert json.loads(widget.data) == json.loads(json.dumps(fresh_data(NEURON, {**AT, "w1": -2.5})))
    assert widget.page == page  # the layout is kept: only the numbers travel
    assert widget.leaves[1]["value"] == -2.5 and widget.values["w1"] == -2.5
    assert len(widget.timings_ms) == 1


def test_the_control_message_does_exactly_what_set_does():
    by_control, by_python = explore(NEURON, **AT), explore(NEURON, **AT)
    by_control._message(by_control, {"type": "set", "name": "b", "value": 4.5}, [])
    by_python.set("b", 4.5)
    assert by_control.data == by_python.data != ""
    assert by_control.values == by_python.values


def test_explore_a_value_updates_the_graph_itself_with_fresh_grads():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    out = (x * w).tanh()
    out.label = "out"
    widget = explore(out)
    widget.set("x", 0.5)
    widget.set("x", 0.5)  # grads do not accumulate across changes
    assert out.data == pytest.approx(-0.9051482536, rel=1e-9)
    assert w.grad == pytest.approx(0.5 * (1 - out.data**2), rel=1e-12)
    assert [n.data for n in topological_order(out) if not n.parents] == [0.5, -3.0]


def test_the_layout_keeps_room_for_a_number_in_scientific_notation():
    widget = explore(NEURON, **AT)
    page = widget.page
    widget.set("w1", 2.0)  # n = 10.88: ∂o/∂n = 1 − tanh²(n) = 1.4e-09
    assert widget.page == page and "grad 1.414e−09" in widget.data


def test_a_number_that_outgrows_its_box_lays_the_graph_out_again(monkeypatch):
    monkeypatch.setattr(explore_module, "ROOM", 0)
    widget = explore(NEURON, **AT)
    page = widget.page
    widget.set("w1", 2.0)
    assert widget.page != page and widget.data == ""
    assert "grad 1.414e−09" in widget.page


def test_a_domain_error_is_shown_and_the_value_is_kept():
    widget = explore("log(x) * y", x=2.0, y=1.0)
    data = widget.data
    widget.set("x", -1.0)
    assert "x = -1: log" in widget.error
    assert widget.values["x"] == 2.0 and widget.data == data
    widget.set("x", 3.0)
    assert widget.error == ""


def test_bad_names_and_values_are_clear_errors():
    widget = explore(NEURON, **AT)
    with pytest.raises(KeyError, match="no leaf named 'w9'; leaves: x1, w1, x2, w2, b"):
        widget.set("w9", 1.0)
    with pytest.raises(ValueError, match="finite"):
        widget.set("w1", float("nan"))
    widget._message(widget, {"type": "set", "name": "w9", "value": 1}, [])
    assert "w9" in widget.error
    with pytest.raises(ExpressionError, match="no value for 'b'"):
        explore(NEURON, x1=2, x2=0, w1=-3, w2=1)
    with pytest.raises(TypeError, match="takes no values"):
        explore(Value(1.0, "a"), a=2)


def test_without_anywidget_the_error_says_what_to_install(monkeypatch):
    explore_module._widget_class.cache_clear()
    monkeypatch.setitem(sys.modules, "anywidget", None)
    try:
        with pytest.raises(ImportError, match=r'pip install "pathgrad\[notebook\]"'):
            explore(NEURON, **AT)
    finally:
        explore_module._widget_class.cache_clear()
