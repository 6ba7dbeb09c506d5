"""Bugs mode: every number on its steps is the one pathgrad.engine.bugs computes on the page's graph."""

from __future__ import annotations

import math

import pytest

from pathgrad.engine.bugs import BUGS, run_bug
from pathgrad.engine.expression import parse
from pathgrad.viz import step
from pathgrad.viz.step.graph import StepGraph


def page(expression: str, **values):
    root = parse(expression, values)
    root.label = "o"
    return root, step(root, mode="bugs")


def test_each_bug_is_one_step_with_the_engines_right_and_wrong_grads():
    root, stepper = page("cos(w**2) * sin(w**2)", w=0.5)
    timeline = stepper.data["timelines"]["bugs"]
    assert [s["values"]["bug"] for s in timeline] == list(BUGS)
    ids = StepGraph(root).ids
    for record in timeline:
        report = run_bug(record["values"]["bug"], root)
        assert record["values"]["right"] == {ids[n]: g for n, g in zip(report.nodes, report.right)}
        if report.wrong is not None:
            assert record["values"]["wrong"] == {ids[n]: g for n, g in zip(report.nodes, report.wrong)}
        assert ["note", report.why] in record["lines"]
    assign = timeline[0]
    power = next(ident for node, ident in ids.items() if node.op == "power")
    assert assign["title"] == "Bug 1/4: = instead of +="
    assert assign["focus"] == [power]  # w**2, the shared node, is where they part
    assert assign["nodes"][power] == {"g": "grad 0.878 ≠ −0.061", "c": "wrong"}
    assert assign["values"]["wrong"][power] == pytest.approx(
        -(math.sin(0.25) ** 2), rel=1e-12
    )  # −sin²u, the cos share


def test_a_tree_says_the_bug_changes_nothing_and_where_it_shows():
    _, stepper = page("tanh(x1*w1 + x2*w2 + b)", x1=2, x2=0, w1=-3, w2=1, b=6.8814)
    assign, breadth_first, not_zeroed, recursive = stepper.data["timelines"]["bugs"]
    assert ["ok", "Nothing changes on this graph. It shows on: a + a   or   cos(w**2) * sin(w**2)"] in assign[
        "lines"
    ]
    assert ["ok", "Nothing changes on this graph. It shows on: x*w + exp(x*w)"] in breadth_first["lines"]
    assert all(change["c"] == "final" for change in assign["nodes"].values())
    assert any(change["c"] == "wrong" for change in not_zeroed["nodes"].values())
    assert "only 5 calls deep" in recursive["lines"][0][1]
