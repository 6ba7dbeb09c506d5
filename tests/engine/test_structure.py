"""Graph shapes that broke other engines: diamonds, a*a, a+a, reused nodes, repeated backward."""

from __future__ import annotations

import gc
import math
import weakref

import pytest
import torch

from pathgrad.engine import Value, topological_order
from pathgrad.engine.graph import numbered_in_order


def test_square_keeps_both_edges():
    a = Value(3.0, "a")
    b = a * a
    assert b.parents == (a, a)
    assert b.local_grads == (3.0, 3.0)
    b.backward()
    assert a.grad == 6.0


def test_double_keeps_both_edges():
    a = Value(3.0, "a")
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_diamond_sums_both_branches():
    # x feeds y = 2x and z = x^2; out = y * z = 2x^3, d/dx = 6x^2
    x = Value(1.5, "x")
    y = x * 2
    z = x**2
    out = y * z
    out.backward()
    assert x.grad == pytest.approx(6 * 1.5**2)
    order = topological_order(out)
    assert order.index(x) < order.index(y) < order.index(out)
    assert order.index(z) < order.index(out)
    assert len(order) == len(set(order))


def test_several_roots_are_numbered_parents_first_each_node_once():
    x, y = Value(1.5, "x"), Value(-2.0, "y")
    shared = (x * y).tanh()
    first, second = shared + x, shared * shared - y
    order, place = numbered_in_order([first, second, shared])
    before = topological_order(first)
    assert order == before + [node for node in topological_order(second) if node not in set(before)]
    assert len(order) == 7 and [place[node] for node in order] == list(range(7))
    for node in order:
        assert all(place[parent] < place[node] for parent in node.parents)


def test_reused_non_leaf_gets_all_contributions():
    # micrograd issue #2: a node used twice must receive both gradients
    a = Value(-2.0, "a")
    b = Value(3.0, "b")
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    ta = torch.tensor(-2.0, dtype=torch.float64, requires_grad=True)
    tb = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    ((ta * tb) * (ta + tb)).backward()
    assert a.grad == pytest.approx(ta.grad.item())
    assert b.grad == pytest.approx(tb.grad.item())


def test_backward_twice_accumulates_leaves_and_recomputes_the_rest():
    x = Value(2.0, "x")
    h = x * x
    y = h * 3
    y.backward()
    assert (x.grad, h.grad, y.grad) == (12.0, 3.0, 1.0)
    y.backward()
    # leaves accumulate, as in PyTorch; intermediate nodes are recomputed, not doubled
    assert (x.grad, h.grad, y.grad) == (24.0, 3.0, 1.0)
    x.grad = 0.0
    y.backward()
    assert x.grad == 12.0


def test_backward_of_a_leaf_root():
    x = Value(5.0)
    x.backward()
    assert x.grad == 1.0


def test_backward_with_a_seed():
    x = Value(2.0)
    y = x.exp()
    y.backward(0.5)
    assert x.grad == pytest.approx(0.5 * math.exp(2.0))


def test_grads_are_zero_and_not_computed_until_backward_reaches_a_node():
    x = Value(1.0, "x")
    y = x.tanh()
    unrelated = Value(4.0) * x
    assert (y.grad, x.grad) == (0.0, 0.0)
    assert not y.grad_computed and not x.grad_computed
    y.backward()
    assert (unrelated.grad, unrelated.grad_computed) == (0.0, False)
    assert x.grad_computed and y.grad_computed
    assert x.grad == pytest.approx(1 - math.tanh(1.0) ** 2)


def test_assigning_a_grad_marks_it_computed_and_none_forgets_it():
    x = Value(1.0, "x")
    x.grad = 2
    assert (x.grad, type(x.grad), x.grad_computed) == (2.0, float, True)
    x.grad = None
    assert (x.grad, x.grad_computed) == (0.0, False)
    with pytest.raises(TypeError, match=r"Value 'x'\.grad needs a real number, got str"):
        x.grad = "1"


def test_million_deep_chain_builds_backpropagates_and_is_freed():
    x = Value(1.0, "x")
    node = x
    for _ in range(10**6):
        node = node + 1e-6
    node.backward()
    assert x.grad == 1.0
    assert node.data == pytest.approx(2.0)
    probe = weakref.ref(node.parents[0].parents[0])
    gc.disable()
    try:
        del node
        assert probe() is None  # freed by reference counting alone: no cycles
    finally:
        gc.enable()


def test_dropped_graph_is_freed_without_the_garbage_collector():
    gc.disable()
    try:
        w = Value(0.3, "w")
        out = ((w * 2).tanh() + w.exp()) * w
        out.backward()
        probes = [weakref.ref(node) for node in topological_order(out) if node is not w]
        del out
        assert all(p() is None for p in probes)
    finally:
        gc.enable()


def test_values_compare_by_identity():
    a, b = Value(1.0), Value(1.0)
    assert a is not b and a != b and len({a, b}) == 2
