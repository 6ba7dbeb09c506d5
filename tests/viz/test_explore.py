"""``pathgrad.viz.explore``: a change to a leaf gives the page exactly the data a fresh build at the new values gives.

A change rebuilds only the mode the page shows, without Graphviz; the page merges each update
into the data it holds (``step.js``), so these tests follow what the page holds.
"""

from __future__ import annotations

import dataclasses
import json
import re
import sys
from collections import Counter

import pytest
import traitlets

from demos.steppers import mlp_loss
from pathgrad.engine import Value, topological_order
from pathgrad.engine.expression import ExpressionError, parse
from pathgrad.viz import explorer as explore_module
from pathgrad.viz.explorer import LIVE_MODES, explore, slider_range
from pathgrad.viz.step import layout
from pathgrad.viz.step.modes import MODES
from pathgrad.viz.step.stepper import step

pytest.importorskip("anywidget", reason="the notebook extra: pip install 'pathgrad[notebook]'")

NEURON = "tanh(x1*w1 + x2*w2 + b)"
AT = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8814}


def fresh_data(expression: str, values: dict) -> dict:
    """The data of a fresh page at ``values``, opening in forward mode as the widget's does."""
    root = parse(expression, values)
    root.label = "out"
    title = f"Explore: {expression}"
    return step(root, modes=LIVE_MODES, theme="notebook", title=title, mode="forward").data


class PageHolds:
    """The data the widget's page holds: its opening data, each update merged in as step.js merges it."""

    def __init__(self, widget) -> None:
        self.data = self._opening(widget.page)
        widget.observe(self._update, names="data")
        widget.observe(self._new_page, names="page")

    @staticmethod
    def _opening(page: str) -> dict:
        return json.loads(re.search(r'id="step-data">(.*?)</script>', page, re.S).group(1))

    def _new_page(self, change) -> None:
        self.data = self._opening(change["new"])

    def _update(self, change) -> None:
        if not change["new"]:
            return
        for key, value in json.loads(change["new"]).items():
            held = self.data.get(key)
            self.data[key] = (
                {**held, **value} if isinstance(value, dict) and isinstance(held, dict) else value
            )


def test_explore_an_expression_has_a_control_per_leaf_and_the_step_page():
    widget = explore(NEURON, **AT)
    assert [leaf["name"] for leaf in widget.leaves] == ["x1", "w1", "x2", "w2", "b"]
    w1 = widget.leaves[1]
    assert (w1["min"], w1["max"], w1["step"]) == slider_range(-3.0) == (-9.0, 3.0, 0.06)
    assert widget.page.startswith("<!DOCTYPE html>") and 'id="step-data"' in widget.page
    assert widget.values == AT
    assert widget.mode == "forward"
    assert PageHolds(widget).data == json.loads(json.dumps(fresh_data(NEURON, AT)))


def test_set_gives_the_shown_mode_what_a_fresh_build_gives_and_each_other_mode_once_shown():
    widget = explore(NEURON, **AT)
    page, held = widget.page, PageHolds(widget)
    opening = json.loads(json.dumps(fresh_data(NEURON, AT)))
    widget.set("w1", -2.5)
    fresh = json.loads(json.dumps(fresh_data(NEURON, {**AT, "w1": -2.5})))
    assert widget.page == page  # the layout is kept: only the numbers travel
    assert held.data["timelines"]["forward"] == fresh["timelines"]["forward"]
    assert held.data["timelines"]["backward"] == opening["timelines"]["backward"]  # not shown: not sent
    assert opening["timelines"]["backward"] != fresh["timelines"]["backward"]
    for mode in ("paths", "quiz", "backward"):
        widget.mode = mode  # what the page reports when the user presses p, q, b
    assert held.data == fresh
    assert widget.leaves[1]["value"] == -2.5 and widget.values["w1"] == -2.5
    assert len(widget.timings_ms) == 1
    widget.set("w1", -2.0)  # in backward mode now: backward is sent, forward once it is shown again
    fresh = json.loads(json.dumps(fresh_data(NEURON, {**AT, "w1": -2.0})))
    assert held.data["timelines"]["backward"] == fresh["timelines"]["backward"]
    assert held.data["timelines"]["forward"] != fresh["timelines"]["forward"]
    widget.mode = "forward"
    assert held.data["timelines"]["forward"] == fresh["timelines"]["forward"]
    assert held.data["initial"] != fresh["initial"]  # paths and quiz wait until they are shown
    widget.mode, widget.mode = "paths", "quiz"
    assert held.data == fresh


def counted_calls(monkeypatch) -> Counter:
    """Each mode's builder counts its calls by the mode's name, Graphviz runs as "graphviz"."""
    calls: Counter = Counter()

    def counting(name, function):
        def counted(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)

        return counted

    for name, mode in list(MODES.items()):
        monkeypatch.setitem(MODES, name, dataclasses.replace(mode, build=counting(name, mode.build)))
    monkeypatch.setattr(layout, "run_graphviz", counting("graphviz", layout.run_graphviz))
    return calls


@pytest.mark.parametrize("graph", ["neuron", "2-4-4-1"])
def test_a_change_builds_only_the_mode_shown_and_never_runs_graphviz(monkeypatch, graph):
    calls = counted_calls(monkeypatch)
    if graph == "neuron":
        widget, leaf, start = explore(NEURON, **AT), "w1", -3.0
    else:
        widget, leaf, start = explore(mlp_loss()), "x1", 0.5
    laid_out = Counter({"graphviz": 2, **dict.fromkeys(LIVE_MODES, 1)})  # every mode once; LR and TB
    assert calls == laid_out
    calls.clear()
    for k in range(3):
        widget.set(leaf, start + 0.1 * (k + 1))
    assert calls == Counter({"forward": 3})
    widget.mode = "paths"
    widget.mode = "forward"  # still current: nothing to build
    widget.mode = "paths"
    widget.set(leaf, start)
    assert calls == Counter({"forward": 3, "paths": 2})
    update = json.loads(widget.data)
    assert set(update["timelines"]) == set(update["initial"]) == {"paths"}
    assert "cells" not in update and "mode_info" not in update  # what a change cannot alter is not sent


def test_an_unknown_mode_is_refused_by_name():
    widget = explore(NEURON, **AT)
    with pytest.raises(
        traitlets.TraitError, match="no mode 'nudge' in this widget; modes: forward, backward, paths, quiz"
    ):
        widget.mode = "nudge"
    assert widget.mode == "forward"


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
    widget.mode = "backward"
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
