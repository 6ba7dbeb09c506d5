"""Lecture-style micrograd code, with only its imports changed, gives PyTorch's float64 numbers.

Each test is written the way micrograd's lecture and exercises write it: a hand-made
``draw_dot`` over ``_prev`` and ``_op``, nudging ``data`` along ``grad``, ops added with
``_backward`` closures, state kept on the parameters themselves, a one-neuron ``Layer``.
"""

from __future__ import annotations

import math
import random

import pytest
import torch
from graphviz import Digraph

from pathgrad.engine import Value
from pathgrad.nn import Layer


def f64(x: float) -> torch.Tensor:
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


# ---------------------------------------------------------------- the lecture's first expression


def expression(a, b, c, f):
    """L = (a·b + c)·f, with the lecture's names."""
    e = a * b
    d = e + c
    return d * f, e, d


def lecture_leaves():
    return Value(2.0, label="a"), Value(-3.0, label="b"), Value(10.0, label="c"), Value(-2.0, label="f")


def torch_grads(values: list[float]) -> tuple[float, list[float]]:
    leaves = [f64(v) for v in values]
    loss, _, _ = expression(*leaves)
    loss.backward()
    return loss.item(), [t.grad.item() for t in leaves]


def walk(root):
    """The lecture's trace: every node and edge reachable through ``_prev``."""
    nodes, edges, todo = set(), set(), [root]
    while todo:
        v = todo.pop()
        if v in nodes:
            continue
        nodes.add(v)
        for child in v._prev:
            edges.add((child, v))
            todo.append(child)
    return nodes, edges


def hand_drawn(root, colour_of=lambda n: "white") -> Digraph:
    """A draw_dot as lecture notebooks write it: record nodes ``{ label | data %.4f | grad %.4f }``."""
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = walk(root)
    for n in sorted(nodes, key=id):
        uid = str(id(n))
        dot.node(
            name=uid,
            label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad),  # noqa: UP031 (as lectures write it)
            shape="record",
            style="filled",
            fillcolor=colour_of(n),
        )
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in sorted(edges, key=lambda e: (id(e[0]), id(e[1]))):
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot


def test_a_hand_written_draw_dot_formats_grads_before_and_after_backward():
    a, b, c, f = lecture_leaves()
    L, e, d = expression(a, b, c, f)
    L.label, e.label, d.label = "L", "e", "d"
    before = hand_drawn(L).source
    assert before.count("grad 0.0000") == 7  # every node, before any backward pass
    L.backward()
    after = hand_drawn(L).source
    want_loss, want = torch_grads([2.0, -3.0, 10.0, -2.0])
    assert L.data == want_loss == -8.0
    for leaf, grad in zip((a, b, c, f), want):
        assert "{ %s | data %.4f | grad %.4f }" % (leaf.label, leaf.data, grad) in after  # noqa: UP031
    assert "{ d | data 4.0000 | grad -2.0000 }" in after and "{ e | data -6.0000 | grad -2.0000 }" in after
    assert hand_drawn(L).pipe(format="svg").startswith(b"<?xml")


def test_nudging_data_along_grad_does_nothing_before_backward_and_raises_L_after():
    leaves = lecture_leaves()
    L, _, _ = expression(*leaves)
    for leaf in leaves:
        leaf.data += 0.01 * leaf.grad  # grads are 0.0 before backward: nothing moves
    assert [leaf.data for leaf in leaves] == [2.0, -3.0, 10.0, -2.0]
    L.backward()
    for leaf in leaves:
        leaf.data += 0.01 * leaf.grad
    nudged, _, _ = expression(*leaves)
    start_loss, grads = torch_grads([2.0, -3.0, 10.0, -2.0])
    moved = [v + 0.01 * g for v, g in zip([2.0, -3.0, 10.0, -2.0], grads)]
    want_loss, _ = torch_grads(moved)
    assert [leaf.data for leaf in leaves] == pytest.approx(moved, rel=1e-15)
    assert nudged.data == pytest.approx(want_loss, rel=1e-12)
    assert nudged.data - start_loss == pytest.approx(0.01 * sum(g * g for g in grads), rel=0.05)


# ---------------------------------------------------------------- ops added with closures


def tanh(x):
    """The lecture's tanh, through exp, as a closure op."""
    t = (math.exp(2 * x.data) - 1) / (math.exp(2 * x.data) + 1)
    out = type(x)(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    return out


def sin(x):
    out = type(x)(math.sin(x.data), (x,), "sin")

    def _backward():
        x.grad += math.cos(x.data) * out.grad

    out._backward = _backward
    return out


def neuron(x1, x2, w1, w2, b):
    """The lecture's neuron o = tanh(x1·w1 + x2·w2 + b), with a sin added on x2's side."""
    n = x1 * w1 + sin(x2 * w2) + b
    return tanh(n)


NEURON = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}


def test_closure_ops_give_pytorchs_grads_and_micrograds_too():
    from micrograd.engine import Value as MicrogradValue

    ours = {k: Value(v, label=k) for k, v in NEURON.items()}
    o = neuron(**ours)
    o.backward()
    theirs = {k: MicrogradValue(v) for k, v in NEURON.items()}
    o_theirs = neuron(**theirs)
    o_theirs.backward()
    tensors = {k: f64(v) for k, v in NEURON.items()}
    x1, x2, w1, w2, b = tensors.values()
    want = torch.tanh(x1 * w1 + torch.sin(x2 * w2) + b)
    want.backward()
    assert o.data == pytest.approx(want.item(), rel=1e-12) and o.data == pytest.approx(o_theirs.data)
    for name, tensor in tensors.items():
        assert ours[name].grad == pytest.approx(tensor.grad.item(), rel=1e-9, abs=1e-12), name
        assert ours[name].grad == pytest.approx(theirs[name].grad, rel=1e-12, abs=1e-15), name
    assert ours["w2"].grad == pytest.approx(0.0) and ours["x2"].grad == pytest.approx(0.5, rel=1e-6)
    assert o.local_grads == pytest.approx((0.5,), rel=1e-6)  # read from the closure: 1 − tanh²


# ---------------------------------------------------------------- state and colours on the nodes


def test_an_optimizer_keeping_momentum_on_each_parameter_matches_torch_sgd():
    random.seed(3)
    start = [random.uniform(-1, 1) for _ in range(4)]
    samples = [((1.0, -2.0), 0.5), ((0.3, 0.8), -0.2), ((-1.5, 0.1), 0.9)]
    w1, w2, b, unused = (Value(v) for v in start)
    params = [w1, w2, b, unused]
    for p in params:
        p.velocity = 0.0  # state on the parameter itself
    for _ in range(5):
        loss = sum(((x1 * w1 + x2 * w2 + b).tanh() - y) ** 2 for (x1, x2), y in samples)
        for p in params:
            p.grad = 0.0
        loss.backward()
        for p in params:  # `unused` has grad 0.0: the step works and leaves it where it was
            p.velocity = 0.9 * p.velocity + p.grad
            p.data -= 0.05 * p.velocity
    tw = [f64(v) for v in start]
    optimizer = torch.optim.SGD(tw, lr=0.05, momentum=0.9)
    for _ in range(5):
        optimizer.zero_grad()
        loss = sum((torch.tanh(x1 * tw[0] + x2 * tw[1] + tw[2]) - y) ** 2 for (x1, x2), y in samples)
        loss.backward()
        optimizer.step()
    assert [p.data for p in params] == pytest.approx([t.item() for t in tw], rel=1e-12)
    assert unused.data == start[3] and w1.data != start[0]
    assert [p.velocity for p in params[:3]] == pytest.approx(
        [optimizer.state[t]["momentum_buffer"].item() for t in tw[:3]], rel=1e-12
    )


def test_nodes_coloured_by_an_attribute_of_their_own():
    a, b, c, f = lecture_leaves()
    L, e, d = expression(a, b, c, f)
    L.label, e.label, d.label = "L", "e", "d"
    for n in (a, e, d, L):
        setattr(n, "_vis_color", "lightblue")  # noqa: B010 (the lecture's own line): the path from a to L
    L.backward()
    source = hand_drawn(L, lambda n: getattr(n, "_vis_color", "white")).source
    _, grads = torch_grads([2.0, -3.0, 10.0, -2.0])
    assert source.count("fillcolor=lightblue") == 4 and source.count("fillcolor=white") == 3
    assert "{ a | data 2.0000 | grad %.4f }" % grads[0] in source  # noqa: UP031
    assert not hasattr(b, "_vis_color") and a._vis_color == "lightblue"


# ---------------------------------------------------------------- nn


def test_a_one_neuron_layer_returns_a_value_to_call_backward_on():
    random.seed(7)
    layer = Layer(3, 1)
    out = layer([1.0, -2.0, 0.5])
    assert isinstance(out, Value) and out.data > 0  # relu is active: the grads are not all 0
    loss = (out - 1.5) ** 2
    loss.backward()
    neuron_ = layer.neurons[0]
    w = f64(0.0).new_tensor([p.data for p in neuron_.w]).requires_grad_()
    bias = f64(neuron_.b.data)
    want = (torch.relu(w @ torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64) + bias) - 1.5) ** 2
    want.backward()
    assert loss.data == pytest.approx(want.item(), rel=1e-12)
    assert [p.grad for p in neuron_.w] == pytest.approx(w.grad.tolist(), rel=1e-12)
    assert neuron_.b.grad == pytest.approx(bias.grad.item(), rel=1e-12)
    assert isinstance(Layer(3, 2)([1.0, -2.0, 0.5]), list)
