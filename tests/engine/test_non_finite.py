"""NaN and ±inf never pass silently: not as an operand, not as a seed, not as a gradient, not in compiled mode."""

from __future__ import annotations

import math
import random
import re

import numpy as np
import pytest

from pathgrad.engine import DomainError, Value, apply, backward_steps, cross_entropy, logsumexp, ops, softmax
from pathgrad.nn import MLP, SGD, fit
from tests.engine.op_cases import cases

BAD = [math.nan, math.inf, -math.inf]


@pytest.mark.parametrize("case", cases(), ids=lambda case: case.id)
def test_every_op_refuses_an_operand_made_non_finite_after_it_was_created(case):
    rng = random.Random(1)
    while True:
        numbers = [rng.uniform(case.low, case.high) for _ in range(case.arity)]
        if case.valid(*numbers):
            break
    for position in range(case.arity):
        for bad in BAD:
            operands = [Value(x, f"v{k}") for k, x in enumerate(numbers, start=1)]
            operands[position].data = bad  # set afterwards: the constructor would have refused it
            expected = f"{case.op.name}: operand 'v{position + 1}' is {bad!r}, not a finite number"
            with pytest.raises(DomainError, match=f"^{re.escape(expected)}"):
                apply(case.op, *operands)


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (
            lambda x: x.relu(),
            "relu: operand 'x' is nan, not a finite number (was its .data set to it?) [operands: x = nan]",
        ),
        (lambda x: x.tanh(), "tanh: operand 'x' is nan"),
        (lambda x: x.exp(), "exp: operand 'x' is nan"),
        (lambda x: softmax([x, 1.0])[1], "softmax: operand 'x' is nan, not a finite number"),
        (lambda x: logsumexp([x, Value(2.0, "y")]), "logsumexp: operand 'x' is nan"),
        (lambda x: cross_entropy([Value(0.5, "v1"), x], 0), "cross_entropy: operand 'x' is nan"),
        (
            lambda x: x * 2,
            "mul: operand 'x' is nan, not a finite number (was its .data set to it?) [operands: x = nan, 2]",
        ),
    ],
)
def test_the_issues_examples_name_the_op_the_operand_and_its_value(build, message):
    x = Value(0.5, "x")
    x.data = math.nan
    with pytest.raises(DomainError, match=f"^{re.escape(message)}"):
        build(x)


@pytest.mark.parametrize(
    ("bad", "build", "message"),
    [
        (math.inf, lambda x: x.tanh(), "tanh: operand 'x' is inf"),
        (-math.inf, lambda x: x.sigmoid(), "sigmoid: operand 'x' is -inf"),
        (-math.inf, lambda x: x.exp(), "exp: operand 'x' is -inf"),
        (math.inf, lambda x: x.log(), "log: operand 'x' is inf"),
        (-math.inf, lambda x: softmax([x, 1.0])[0], "softmax: operand 'x' is -inf"),
    ],
)
def test_an_infinite_operand_is_refused_even_where_the_op_has_a_finite_limit(bad, build, message):
    x = Value(0.5, "x")
    x.data = bad
    with pytest.raises(DomainError, match=f"^{re.escape(message)}, not a finite number"):
        build(x)


def test_an_unlabelled_operand_and_a_non_finite_plain_number_are_named_by_position():
    hidden = Value(1.0)
    hidden.data = math.inf
    with pytest.raises(DomainError, match=r"^add: operand 2 of 2 is inf, not a finite number"):
        Value(1.0, "a") + hidden
    with pytest.raises(DomainError, match=r"^mul: operand 2 of 2 is nan, not a finite number"):
        Value(1.0, "a") * math.nan
    with pytest.raises(DomainError, match=r"^linear: operand 1 of 3 is -inf"):
        apply(ops.LINEAR, -math.inf, 1.0, 0.0)


def test_micrograds_constructor_form_checks_its_children_too():
    a = Value(0.5, "a")
    a.data = math.inf
    with pytest.raises(DomainError, match=r"^tanh: operand 'a' is inf, not a finite number"):
        Value(1.0, (a,), "tanh")


def test_a_finite_sum_that_overflows_is_not_mistaken_for_a_non_finite_operand():
    big = Value(1e308, "big")
    assert (big - big * 1.0).data == 0.0  # 1e308 + 1e308 in the check overflows; the operands are fine
    assert apply(ops.SUM, big, -big).data == 0.0


@pytest.mark.parametrize(
    ("seed", "error", "message"),
    [
        (math.nan, ValueError, "backward(seed) needs a finite number, got nan"),
        (math.inf, ValueError, "backward(seed) needs a finite number, got inf"),
        (np.array([1.0, 2.0]), TypeError, "backward(seed) needs a real number, got ndarray array([1., 2.])"),
        ("1", TypeError, "backward(seed) needs a real number, got str '1'"),
        (True, TypeError, "backward(seed) needs a real number, got bool True"),
    ],
)
def test_backward_takes_a_finite_real_seed_only(seed, error, message):
    x = Value(2.0, "x")
    y = x * x
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        y.backward(seed)
    with pytest.raises(error, match=f"^{re.escape(message)}$"):
        next(backward_steps(y, seed))
    assert (x.grad, x.grad_computed) == (0.0, False)  # a refused seed computes nothing
    y.backward(np.float64(0.5))
    assert x.grad == 2.0 and type(x.grad) is float


def test_a_gradient_that_overflows_during_backward_names_the_node():
    x = Value(1e-300, "x")
    y = x * 1e200 * 1e200  # every value and local derivative is finite; ∂y/∂x = 1e400 is not
    with pytest.raises(
        DomainError,
        match=r"^backward: the gradient of 'x' \(data 1e-300\) is inf, not a finite number; the products",
    ):
        y.backward()
    with pytest.raises(DomainError, match=r"^backward: the gradient of 'x' .* is inf"):
        list(backward_steps(y))


def test_a_nan_left_in_a_leafs_grad_and_an_unlabelled_node_are_named():
    x = Value(1.0, "x")
    y = (x * 1e-200) * 1e200
    y.backward()
    assert x.grad == pytest.approx(1.0)
    x.grad = math.nan  # a leaf's grad accumulates across passes, so a NaN left there would spread
    with pytest.raises(DomainError, match=r"^backward: the gradient of 'x' \(data 1\) is nan, not a finite"):
        y.backward()
    z = (Value(1e-300) * 1e200) * 1e200
    with pytest.raises(
        DomainError, match=r"^backward: the gradient of the unlabelled leaf node \(data 1e-300\) is inf"
    ):
        z.backward()


# ---------------------------------------------------------------- compiled mode, like the scalar engine


def _moons(samples=12):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(samples, 2))
    y = np.where(X[:, 0] * X[:, 1] > 0, 1, -1)
    return X, y


@pytest.mark.parametrize("engine", ["scalar", "compiled"])
def test_a_nan_weight_stops_training_in_both_modes_with_the_same_error(engine):
    X, y = _moons()
    model = MLP(2, [4, 1], rng=random.Random(0))
    fit(model, X, y, loss="hinge", epochs=1, engine=engine, progress=False)  # compiled: traced, then replayed
    model.layers[0].neurons[1].w[0].data = math.nan
    with pytest.raises(DomainError, match=r"^linear: operand 'L1\.N2\.w1' is nan, not a finite number"):
        fit(model, X, y, loss="hinge", epochs=1, engine=engine, progress=False)


@pytest.mark.parametrize("engine", ["scalar", "compiled"])
@pytest.mark.parametrize(("rate", "shown"), [(math.nan, "nan"), (math.inf, "inf"), (-0.5, "-0.5")])
def test_a_schedule_giving_a_bad_learning_rate_stops_training_in_both_modes(engine, rate, shown):
    X, y = _moons()
    model = MLP(2, [4, 1], rng=random.Random(0))
    optimizer = SGD(model.parameters(), lr=lambda k: 0.1 if k < 2 else rate)
    with pytest.raises(
        DomainError,
        match=rf"^SGD: the learning-rate schedule gave {re.escape(shown)} at step 2; a learning rate must be",
    ):
        fit(model, X, y, loss="hinge", optimizer=optimizer, epochs=5, engine=engine, progress=False)
    assert optimizer.steps == 2 and all(math.isfinite(p.data) for p in model.parameters())


def test_a_learning_rate_of_infinity_is_refused_at_once():
    with pytest.raises(ValueError, match="lr must be a positive number or a schedule, got inf"):
        SGD([Value(1.0)], lr=math.inf)
