"""Bad input raises at once, naming the op, the offending value and the operand labels."""

from __future__ import annotations

import pytest

from pathgrad.engine import DomainError, Value, cross_entropy


@pytest.mark.parametrize(
    "build, message",
    [
        (
            lambda: Value(-1.0, "q").log(),
            r"^log: log needs a positive input, got -1\.0 \[operands: q = -1\]$",
        ),
        (lambda: Value(0.0, "q").log(), r"^log: .*got 0\.0 \[operands: q = 0\]"),
        (
            lambda: Value(2.0, "num") / Value(0.0, "den"),
            r"^div: division by zero .*\[operands: num = 2, den = 0\]",
        ),
        (lambda: Value(2.0, "num") / 0, r"^div: division by zero .*\[operands: num = 2, 0\]"),
        (
            lambda: Value(-4.0, "v").sqrt(),
            r"^sqrt: sqrt needs a non-negative input, got -4\.0 \[operands: v = -4\]",
        ),
        (lambda: Value(-2.0, "b") ** 0.5, r"^power: a negative base \(-2\.0\) to the non-integer power 0\.5"),
        (lambda: Value(0.0, "z") ** -1, r"^power: 0 cannot be raised to the negative power -1"),
        (
            lambda: Value(-2.0, "b") ** Value(2.0, "e"),
            r"^pow: a Value exponent needs a positive base, got base -2\.0 \[operands: b = -2, e = 2\]",
        ),
        (lambda: Value(800.0, "big").exp(), r"^exp: exp\(800\.0\) overflows a float \[operands: big = 800\]"),
        (
            lambda: Value(2.0, "x") ** 1e308,
            r"^power: the result is too large for a float \(beyond ±1\.8e308\) \[operands: x = 2\]",
        ),
        (
            lambda: Value(1e200, "h") * Value(1e200, "k"),
            r"^mul: the result inf .* is not finite \[operands: h = 1e\+200, k = 1e\+200\]",
        ),
        (lambda: Value(0.0, "r").sqrt(), r"^sqrt: the derivative of sqrt is undefined at 0"),
    ],
)
def test_domain_errors_name_the_op_the_value_and_the_labels(build, message):
    with pytest.raises(DomainError, match=message):
        build()


@pytest.mark.parametrize("bad", ["1.0", None, [1.0], True, 1 + 2j])
def test_non_numeric_data_is_a_type_error(bad):
    with pytest.raises(TypeError, match="needs a real number"):
        Value(bad)


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -float("inf")])
def test_non_finite_data_is_refused(bad):
    with pytest.raises(ValueError, match="needs a finite number"):
        Value(bad, "x")


def test_non_numeric_operand_is_a_type_error():
    with pytest.raises(TypeError, match="constant operand needs a real number, got str"):
        Value(1.0) + "2"


def test_cross_entropy_target_out_of_range():
    with pytest.raises(ValueError, match="target class 3 is out of range for 3 logits"):
        cross_entropy([Value(1.0), Value(2.0), Value(3.0)], 3)
    with pytest.raises(ValueError, match="one-hot target needs 3 entries with a single 1"):
        cross_entropy([Value(1.0), Value(2.0), Value(3.0)], [0, 1, 1])


def test_a_closure_that_fails_when_assigned_is_named():
    x = Value(1.0, "x")
    out = Value(2.0, (x,), "twice")

    def _backward():
        x.grad += undefined_factor * out.grad  # noqa: F821 (the user's bug)

    with pytest.raises(ValueError, match=r"Value\(2\)\._backward: running the closure .* NameError"):
        out._backward = _backward
    assert (x.grad, x.grad_computed, out.local_grads) == (0.0, False, (0.0,))


def test_micrograd_children_must_be_values_and_the_op_a_string():
    with pytest.raises(TypeError, match="child 1 is a float, not a Value"):
        Value(1.0, (Value(1.0), 2.0), "+")
    with pytest.raises(TypeError, match="the op must be a str, got int"):
        Value(1.0, (Value(1.0),), 3)
    with pytest.raises(TypeError, match="must be a function, got float"):
        Value(1.0, (Value(1.0),), "f")._backward = 1.0


def test_a_failed_op_leaves_its_operands_untouched():
    q = Value(-1.0, "q")
    with pytest.raises(DomainError):
        q.log()
    assert (q.data, q.grad, q.grad_computed, q.parents) == (-1.0, 0.0, False, ())
