"""Ops added the micrograd way: ``Value(f(x.data), (x,), 'name')`` with a ``_backward`` closure.

Each user op joins the graph like a table op: ``backward()`` runs its closure, and its
local derivatives, read from the closure, are what paths, path sums and the steps show.
"""

from __future__ import annotations

import math

import pytest
import torch

from pathgrad.engine import Value, backward_steps, count_paths, path_sum, paths, topological_order


def cube(x: Value) -> Value:
    """x³ under a name the op table does not know."""
    out = Value(x.data**3, (x,), "cube")

    def _backward():
        x.grad += 3 * x.data**2 * out.grad

    out._backward = _backward
    return out


def hypot(x: Value, y: Value) -> Value:
    """√(x² + y²), a two-operand user op: ∂/∂x = x/r, ∂/∂y = y/r."""
    r = math.hypot(x.data, y.data)
    out = Value(r, (x, y), "hypot")

    def _backward():
        x.grad += x.data / r * out.grad
        y.grad += y.data / r * out.grad

    out._backward = _backward
    return out


def sin(x: Value) -> Value:
    """The exercise's sin, written with a closure under the name the table also uses."""
    out = Value(math.sin(x.data), (x,), "sin")

    def _backward():
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward
    return out


def mixed(a: Value, b: Value) -> Value:
    """User ops feeding table ops and back, with a reused node (two paths from a)."""
    u = cube(a) * b
    v = hypot(u, a).tanh()
    return sin(v + a) + u.exp() / 10.0


def torch_mixed(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    u = a**3 * b
    v = torch.tanh(torch.sqrt(u**2 + a**2))
    return torch.sin(v + a) + torch.exp(u) / 10.0


@pytest.mark.parametrize("at", [(0.7, -1.2), (-0.4, 0.9), (1.3, 0.2)])
def test_a_graph_mixing_user_and_table_ops_agrees_with_pytorch(at):
    a, b = Value(at[0], "a"), Value(at[1], "b")
    out = mixed(a, b)
    out.backward()
    ta, tb = (torch.tensor(v, dtype=torch.float64, requires_grad=True) for v in at)
    want = torch_mixed(ta, tb)
    want.backward()
    assert out.data == pytest.approx(want.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-9)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-9)
    assert path_sum(out, a) == pytest.approx(a.grad, rel=1e-9)
    assert path_sum(out, b) == pytest.approx(b.grad, rel=1e-9)


def test_the_closure_gives_the_local_derivatives_and_nothing_else_changes():
    x, y = Value(3.0, "x"), Value(4.0, "y")
    x.grad = 0.25  # a grad from before: reading the closure must leave it alone
    r = hypot(x, y)
    assert r.local_grads == (0.6, 0.8)
    assert (r.op, r._op, r.parents) == ("hypot", "hypot", (x, y))
    assert (x.grad, x.grad_computed, y.grad, y.grad_computed) == (0.25, True, 0.0, False)
    assert (r.grad, r.grad_computed) == (0.0, False)
    assert cube(x).local_grads == (27.0,)
    assert sin(x).op == "sin" and sin(x).local_grads == (math.cos(3.0),)


def test_paths_and_backward_steps_show_a_user_ops_edges():
    a, b = Value(0.7, "a"), Value(-1.2, "b")
    out = mixed(a, b)
    assert count_paths(out, a) == len(list(paths(out, a))) == 4  # via cube twice, via hypot, via +
    node = next(n for n in topological_order(out) if n.op == "hypot")
    on_path = [p for p in paths(out, a) if node in p.nodes]
    assert on_path and all(
        p.factors[p.nodes.index(node) - 1] in node.local_grads for p in on_path
    )  # the factor on the edge into hypot is one of its local derivatives
    records = list(backward_steps(out))
    step = next(r for r in records if r.node is node)
    assert [c.local_grad for c in step.contributions] == list(node.local_grads)
    assert [c.amount for c in step.contributions] == pytest.approx([g * step.grad for g in node.local_grads])
    stepped = (a.grad, b.grad)
    out.backward()
    assert (a.grad, b.grad) == pytest.approx((2 * stepped[0], 2 * stepped[1]))  # leaves accumulate


def test_repeated_backward_recomputes_a_user_ops_grads_from_scratch():
    x = Value(0.5, "x")
    y = cube(x)
    z = sin(y) * y
    z.backward()
    first = (y.grad, x.grad)
    x.grad = 0.0
    z.backward()
    assert (y.grad, x.grad) == first  # y's grad is not doubled, as micrograd's would be
    assert first[1] == pytest.approx((math.cos(0.125) * 0.125 + math.sin(0.125)) * 3 * 0.25, rel=1e-12)


def test_backward_runs_the_users_closure_even_when_it_is_wrong():
    """micrograd's own bug, ``=`` instead of ``+=``: the lecture's ``b = a + a`` gets grad 1, not 2."""
    a = Value(3.0, "a")
    b = Value(6.0, (a, a), "+")

    def _backward():
        a.grad = 1.0 * b.grad
        a.grad = 1.0 * b.grad

    b._backward = _backward
    assert b.local_grads == (1.0, 0.0)  # read with a's grad at 0: what it set, on the first edge
    b.backward()
    assert a.grad == 1.0


def test_an_unknown_op_without_a_closure_passes_no_gradient_as_in_micrograd():
    x = Value(2.0, "x")
    out = Value(5.0, (x,), "mystery")
    assert out.local_grads == (0.0,) and out.op == "mystery"
    out.backward()
    assert (x.grad, x.grad_computed) == (0.0, True)


def test_a_table_op_named_the_micrograd_way_still_differentiates_without_a_closure():
    x = Value(0.3, "x")
    out = Value(math.tanh(0.3), (x,), "tanh")
    out.backward()
    assert x.grad == pytest.approx(1 - math.tanh(0.3) ** 2)


def test_reading_backward_gives_the_closure_or_the_tables_step():
    x = Value(2.0, "x")
    y = cube(x)
    z = y * 3.0
    z.grad = 1.0
    z._backward()
    y._backward()
    assert x.grad == pytest.approx(3 * 3 * 4.0)
    assert y._backward.__name__ == "_backward" and z._backward.__name__ == "_push_grad"
