"""Softmax and the o_i − y_i shortcut, backward one step at a time, gradcheck's report."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F

from pathgrad.engine import (
    Value,
    backward_steps,
    cross_entropy,
    gradcheck,
    log_softmax,
    softmax,
    topological_order,
)


def test_cross_entropy_local_derivatives_are_o_minus_y():
    logits = [Value(v, f"v{i}") for i, v in enumerate([1.0, -0.5, 2.0])]
    loss = cross_entropy(logits, 2)
    o = [p.data for p in softmax(logits)]
    assert loss.local_grads == pytest.approx([o[0], o[1], o[2] - 1.0], abs=1e-15)
    loss.backward()
    assert [v.grad for v in logits] == pytest.approx([o[0], o[1], o[2] - 1.0], abs=1e-15)


def test_fused_cross_entropy_equals_composed_ops():
    values = [0.3, -1.2, 2.5, 0.0]
    fused_logits = [Value(v) for v in values]
    composed_logits = [Value(v) for v in values]
    fused = cross_entropy(fused_logits, [0, 0, 1, 0])
    exps = [v.exp() for v in composed_logits]
    total = exps[0] + exps[1] + exps[2] + exps[3]
    composed = -(exps[2] / total).log()
    fused.backward()
    composed.backward()
    assert fused.data == pytest.approx(composed.data, rel=1e-12)
    for a, b in zip(fused_logits, composed_logits):
        assert a.grad == pytest.approx(b.grad, rel=1e-10, abs=1e-15)


def test_cross_entropy_is_stable_for_large_logits():
    values = [1000.0, 1001.0, -1000.0]
    logits = [Value(v) for v in values]
    loss = cross_entropy(logits, 0)
    loss.backward()
    tensor = torch.tensor(values, dtype=torch.float64, requires_grad=True)
    expected = F.cross_entropy(tensor[None], torch.tensor([0]))
    expected.backward()
    assert loss.data == pytest.approx(expected.item(), rel=1e-12)
    assert [v.grad for v in logits] == pytest.approx(tensor.grad.tolist(), abs=1e-15)
    assert [p.data for p in softmax(logits)] == pytest.approx(torch.softmax(tensor, 0).tolist())
    assert [p.data for p in log_softmax(logits)] == pytest.approx(torch.log_softmax(tensor, 0).tolist())


def test_softmax_outputs_sum_to_one_and_have_every_logit_as_parent():
    logits = [Value(v) for v in [0.1, 0.2, 0.3]]
    outputs = softmax(logits)
    assert math.fsum(o.data for o in outputs) == pytest.approx(1.0)
    assert all(o.parents == tuple(logits) for o in outputs)


def _neuron():
    x1, x2, w1, w2, b = (
        Value(v, n) for v, n in [(2, "x1"), (0, "x2"), (-3, "w1"), (1, "w2"), (6.8813735870195432, "b")]
    )
    o = (x1 * w1 + x2 * w2 + b).tanh()
    return [x1, x2, w1, w2, b], o


def test_backward_steps_leave_exactly_the_grads_of_backward():
    _, o = _neuron()
    o.backward()
    expected = [node.grad for node in topological_order(o)]
    _, o = _neuron()
    order = topological_order(o)
    steps = list(backward_steps(o))
    assert [s.node for s in steps] == order[::-1]
    assert [node.grad for node in order] == expected  # bit for bit


def test_each_step_shows_its_final_grad_and_its_contributions():
    leaves, o = _neuron()
    x1, x2, w1, w2, b = leaves
    steps = list(backward_steps(o))
    first = steps[0]
    assert first.node is o and first.grad == 1.0
    (push,) = first.contributions
    assert push.local_grad == pytest.approx(0.5, rel=1e-6)  # 1 - tanh^2 at n = 0.8814
    assert push.amount == pytest.approx(push.local_grad * first.grad)
    # every step's grad equals the sum of the amounts pushed into that node by earlier steps
    received: dict = {o: 1.0}
    for step in steps:
        assert step.grad == pytest.approx(received[step.node])
        for c in step.contributions:
            received[c.parent] = received.get(c.parent, 0.0) + c.amount
            assert c.parent is step.node.parents[c.parent_index]
    assert w1.grad == pytest.approx(1.0, rel=1e-6) and x1.grad == pytest.approx(-1.5, rel=1e-6)


def test_gradcheck_reports_each_input():
    report = gradcheck(lambda a, b: (a * b).tanh() + a.exp() / b, [Value(0.3, "a"), 2.0])
    assert report.ok and bool(report)
    assert [row.name for row in report.rows] == ["a", "x1"]
    text = str(report)
    assert "backward" in text and "central diff" in text and "all gradients agree" in text


def test_gradcheck_catches_a_wrong_derivative():
    from pathgrad.engine import apply
    from pathgrad.engine.ops import Op

    wrong = Op(  # should be 2a
        name="wrong_square",
        symbol="sq",
        arity=1,
        evaluate=lambda a: (a * a, (a,)),
        formulas=("a",),
        expression="a²",
    )
    report = gradcheck(lambda a: apply(wrong, a), [1.5])
    assert not report.ok
    assert "MISMATCH" in str(report)
