"""micrograd's names keep working, so lecture code runs with one import changed."""

from __future__ import annotations

import pytest

from pathgrad.engine import Value


def test_micrograd_constructor_with_children_and_op_symbol():
    a, b = Value(2.0), Value(-3.0)
    c = Value(-6.0, (a, b), "*")
    assert c.parents == (a, b) and c.local_grads == (-3.0, 2.0)
    assert c.op == "mul" and c._prev == {a, b}
    c.backward()
    assert (a.grad, b.grad) == (-3.0, 2.0)


def test_micrograd_power_symbol():
    a = Value(3.0)
    c = Value(9.0, (a,), "**2")
    assert c.local_grads == (6.0,)


def test_op_symbols_and_prev():
    a = Value(2.0, label="a")
    e = (a * a).relu()
    assert e._op == "ReLU" and e.op == "relu"
    assert e._prev == {e.parents[0]}
    assert a._op == "" and a.op == "" and a.is_leaf


def test_manual_backward_one_node_at_a_time_like_the_lecture_notebook():
    x = Value(2.0, label="x")
    w = Value(-3.0, label="w")
    n = x * w
    o = n.tanh()
    o.grad = 1.0
    o._backward()
    n._backward()
    assert n.grad == pytest.approx(1 - o.data**2)
    assert w.grad == pytest.approx(x.data * n.grad)
    assert x.grad == pytest.approx(w.data * n.grad)


def test_repr_shows_data_and_grad():
    assert repr(Value(1.5)) == "Value(data=1.5, grad=0.0)"
    assert repr(Value(1.5, "w")) == "Value('w', data=1.5, grad=0.0)"
