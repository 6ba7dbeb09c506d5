"""The classic backprop bugs give the wrong numbers a hand computation predicts, and say why."""

from __future__ import annotations

import math
import sys

import pytest

from pathgrad.engine import Value
from pathgrad.engine.bugs import (
    BUGS,
    backward_assigning,
    backward_breadth_first,
    backward_twice_without_zeroing,
    chain,
    recursion_depth,
    recursion_failure_depth,
    recursive_topological_order,
    run_bug,
    run_bugs,
)
from pathgrad.engine.expression import parse

NEURON = ("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8814})


def leaf(root: Value, name: str) -> Value:
    return next(node for node in run_bug("assign", root).nodes if node.label == name)


def grad_of(report, name: str) -> tuple[float, float | None]:
    index = next(k for k, node in enumerate(report.nodes) if node.label == name)
    return report.right[index], None if report.wrong is None else report.wrong[index]


def test_assigning_a_plus_a_keeps_one_share():
    a = Value(3.0, "a")
    out = a + a
    assert backward_assigning(out)[a] == 1.0  # the right answer is 2
    report = run_bug("assign", out)
    assert grad_of(report, "a") == (2.0, 1.0)
    assert report.parted_at is a
    assert "a feeds 2 consumers" in report.why and report.suggestion == ""


def test_assigning_on_the_two_path_graph_keeps_the_cos_share():
    # y = cos(u)·sin(u), u = w²: ∂y/∂u = cos²u − sin²u; the cos branch pushes last, leaving −sin²u
    w = 0.5
    u = w**2
    report = run_bug("assign", parse("cos(w**2) * sin(w**2)", {"w": w}))
    right, wrong = grad_of(report, "w")
    assert right == pytest.approx(2 * w * (math.cos(u) ** 2 - math.sin(u) ** 2), rel=1e-12)
    assert wrong == pytest.approx(2 * w * -(math.sin(u) ** 2), rel=1e-12)
    assert report.parted_at.op == "power"  # the shared node w**2 is the first to go wrong
    assert report.why.startswith("w**2 feeds 2 consumers; = kept only the last one's share (-0.06121)")


def test_breadth_first_pushes_a_node_before_its_longer_path_arrives():
    # y = n + exp(n), n = x·w: breadth first visits n after the + only, with Δ = 1, not 1 + eⁿ
    x, w = 1.0, 0.5
    root = parse("x*w + exp(x*w)", {"x": x, "w": w})
    grads, pushed = backward_breadth_first(root)
    n = root.parents[0]
    assert dict(pushed)[n] == 1.0 and grads[n] == pytest.approx(1 + math.exp(x * w))
    report = run_bug("breadth_first", root)
    right, wrong = grad_of(report, "x")
    assert right == pytest.approx(w * (1 + math.exp(x * w)), rel=1e-12)
    assert wrong == pytest.approx(w * 1.0, rel=1e-12)
    assert report.parted_at.label in ("x", "w")
    assert report.why.startswith("breadth first reached x*w by its shortest path and pushed Δ = 1 ")


def test_not_zeroing_doubles_every_leaf_grad():
    root = parse(*NEURON)
    grads = backward_twice_without_zeroing(root)
    report = run_bug("not_zeroed", root)
    for name in ("x1", "w1", "x2", "w2", "b"):
        right, wrong = grad_of(report, name)
        assert wrong == pytest.approx(2 * right, rel=1e-12)
    n = root.parents[0]
    assert grads[n] == pytest.approx(1 - math.tanh(n.data) ** 2)  # a fresh forward: inner nodes are right
    assert "2× its gradient" in report.why and report.changes_anything


def test_three_passes_triple_the_leaves():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    grads = backward_twice_without_zeroing(x * w, passes=3)
    assert (grads[x], grads[w]) == (-9.0, 6.0)


def test_a_tree_is_immune_to_assign_and_breadth_first_and_says_where_they_show():
    root = parse(*NEURON)
    for name in ("assign", "breadth_first"):
        report = run_bug(name, root)
        assert report.wrong == report.right and report.parted_at is None
        assert not report.changes_anything
        assert report.suggestion == BUGS[name].suggestion != ""
        # the suggested graph does show the bug
        suggestion = report.suggestion.split("   or   ")[0]
        names = {"a": 1.5, "x": 1.0, "w": 0.5}
        shown = run_bug(name, parse(suggestion, {k: v for k, v in names.items() if k in suggestion}))
        assert shown.changes_anything


def test_recursive_sort_orders_like_the_engine_on_a_shallow_graph():
    root = parse(*NEURON)
    assert len(recursive_topological_order(root)) == 10
    report = run_bug("recursive", root)
    assert report.wrong == report.right and "only 5 calls deep" in report.why
    assert recursion_depth(root) == 5


def test_recursive_sort_failure_depth_is_measured_and_the_report_does_not_crash():
    fails_at = recursion_failure_depth()
    assert 0 < fails_at <= sys.getrecursionlimit()
    assert recursion_failure_depth() == fails_at  # the same on every call, from any depth
    # measured on a fresh stack: this test runs a few dozen frames deep, so fails a little sooner
    recursive_topological_order(chain(fails_at - 100))
    with pytest.raises(RecursionError):
        recursive_topological_order(chain(fails_at + 10))
    deep = chain(3 * sys.getrecursionlimit())
    assert recursion_depth(deep) == 3 * sys.getrecursionlimit()
    report = run_bug("recursive", deep)
    assert report.wrong is None and report.changes_anything
    assert f"{3 * sys.getrecursionlimit()} calls deep" in report.why
    assert report.right[-1] == 1.0  # the engine's own iterative sort has no limit


def test_reports_leave_the_graph_grads_as_they_were():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    out = x * w + x
    out.backward()
    before = (x.grad, w.grad, out.grad)
    assert len(run_bugs(out)) == len(BUGS)
    assert (x.grad, w.grad, out.grad) == before


def test_reports_on_a_fresh_graph_leave_its_grads_not_computed():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    out = x * w + x
    run_bugs(out)
    assert [(n.grad, n.grad_computed) for n in (x, w, out)] == [(0.0, False)] * 3


def test_unknown_bug_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown bug 'nope'; bugs: assign, breadth_first"):
        run_bug("nope", Value(1.0))
