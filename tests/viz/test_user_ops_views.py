"""A user's closure-defined op and a node no backward pass reached, as the views show them."""

from __future__ import annotations

import math

from pathgrad.engine import Value
from pathgrad.viz import draw
from pathgrad.viz.step import step


def times_square(x: Value, y: Value) -> Value:
    """x·y², a user op under a name the op table does not know: ∂/∂x = y², ∂/∂y = 2xy."""
    out = Value(x.data * y.data**2, (x, y), "xy²")

    def _backward():
        x.grad += y.data**2 * out.grad
        y.grad += 2 * x.data * y.data * out.grad

    out._backward = _backward
    return out


def test_a_diagram_says_not_computed_until_backward_then_shows_the_closures_derivative():
    x, w = Value(0.5, "x"), Value(1.5, "w")
    y = times_square(x, w).tanh()
    y.label = "y"
    fields = ("label", "data", "grad", "local")
    before = draw(y, fields=fields).source
    assert before.count("not computed") == 4  # x, w, x·w², y
    assert ">2.2500<" in before and ">1.5000<" in before  # ∂/∂x = w², ∂/∂w = 2xw, from the closure
    y.backward()
    after = draw(y, fields=fields).source
    assert "not computed" not in after
    assert f">{2.25 * (1 - math.tanh(1.125) ** 2):.4f}<" in after  # x's grad


def test_the_step_through_shows_a_user_ops_local_derivative_and_runs_its_closure():
    x, w = Value(0.5, "x"), Value(1.5, "w")
    y = times_square(x, w) * 2.0
    data = step(y).data
    forward = data["timelines"]["forward"]
    assert forward[0]["values"]["local_grads"] == [2.25, 1.5]
    backward = data["timelines"]["backward"]
    x_id = next(i for i, node in data["nodes"].items() if node["name"] == "x")
    (x_final,) = [
        s for s in backward if x_id in s["values"]["leaves_final"]
    ]  # x, a leaf: final in xy²'s step
    (pushed,) = [c for c in x_final["values"]["contributions"] if c[0] == x_id]
    assert pushed[3] == 4.5 == x.grad
