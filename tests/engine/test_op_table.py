"""Every op in the table against PyTorch (float64) and central differences."""

from __future__ import annotations

import math

import pytest
import torch
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from pathgrad.engine import OPS, Value, apply, gradcheck, ops
from tests.engine.op_cases import REFERENCES, cases

CASES = cases()


def test_every_op_has_a_reference():
    assert set(OPS) == set(REFERENCES), "add a PyTorch reference for each new op in tests/engine/op_cases.py"


def _inputs(case, data):
    xs = data.draw(
        st.lists(
            st.floats(case.low, case.high, allow_nan=False, allow_infinity=False),
            min_size=case.arity,
            max_size=case.arity,
        )
    )
    assume(all(min((abs(x - k) for k in case.kinks), default=1.0) > 1e-3 for x in xs))
    assume(case.valid(*xs))
    return xs


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=25, deadline=None)
@given(data=st.data())
def test_op_matches_pytorch(case, data):
    xs = _inputs(case, data)
    leaves = [Value(x, f"x{i}") for i, x in enumerate(xs)]
    out = apply(case.op, *leaves)
    out.backward()

    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    expected = case.reference(*tensors)
    expected.backward()

    assert out.data == pytest.approx(expected.item(), rel=1e-12, abs=1e-12)
    for leaf, tensor in zip(leaves, tensors):
        torch_grad = 0.0 if tensor.grad is None else tensor.grad.item()
        assert leaf.grad == pytest.approx(torch_grad, rel=1e-10, abs=1e-12)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
@settings(max_examples=15, deadline=None)
@given(data=st.data())
def test_local_grads_match_central_differences(case, data):
    xs = _inputs(case, data)
    report = gradcheck(lambda *vs: apply(case.op, *vs), xs, h=1e-6, rtol=1e-5, atol=1e-6)
    assert report.ok, str(report)


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.id)
def test_op_has_formula_text_for_each_operand(case):
    op = case.op
    for i in range(case.arity):
        text = op.formula(i)
        assert isinstance(text, str) and text.strip()
    assert op.symbol and op.expression


def test_local_grads_are_stored_in_the_forward_pass():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    y = (x * w).tanh()
    assert not y.grad_computed and not x.grad_computed  # nothing computed yet
    product = y.parents[0]
    assert product.local_grads == (-3.0, 2.0)
    assert y.local_grads[0] == pytest.approx(1 - math.tanh(-6.0) ** 2)


@pytest.mark.parametrize(
    "exponent, text",
    [(2, "2·a"), (3, "3·a²"), (-1, "−1·a⁻²"), (0.5, "0.5·a^(−0.5)"), (1, "1"), (0, "0")],
)
def test_power_formula_reads_like_the_textbook(exponent, text):
    assert ops.power(exponent).formula(0) == text


def test_linear_formula_names_each_operands_partner():
    # operands (w1, w2, x1, x2, b): ∂a/∂w_i = x_i, ∂a/∂x_i = w_i, ∂a/∂b = 1
    assert [ops.LINEAR.formula(i, 5) for i in range(5)] == ["x1", "x2", "w1", "w2", "1"]
    assert "w_i" in ops.LINEAR.formula(0)  # the general pattern without a count


def test_an_op_is_built_with_keyword_arguments_only():
    fields = dict(name="square", symbol="²", arity=1, evaluate=lambda a: (a * a, (2 * a,)))
    op = ops.Op(**fields, formulas=("2·a",), expression="a²")
    assert (op.name, op.arity, op.param) == ("square", 1, None)
    with pytest.raises(TypeError):
        ops.Op("square", "²", 1, fields["evaluate"], ("2·a",), "a²")
