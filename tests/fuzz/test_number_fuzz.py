"""Odd numbers through every op of the table: huge ints, subnormals, ±0, numbers near overflow.

Each op either gives a node whose value and local derivatives are finite floats, or
raises the project's ``DomainError`` naming the op; the constructor refuses what a
float cannot hold with a ``ValueError`` of its own. Nothing else (``OverflowError``,
``ZeroDivisionError``, a numpy warning) gets out, and backward runs on what was built.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import scaled
from pathgrad.engine import Value
from pathgrad.engine.compiled import CompiledGraph, Trace
from pathgrad.engine.ops import OPS, DomainError, power
from pathgrad.engine.value import apply

EDGES = [0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1e-300, 1.7976931348623157e308,
         -1.7976931348623157e308, 1e308, 709.78, -745.1, 1e16, 1.0, -1.0, 0.5]  # fmt: skip
NUMBERS = st.one_of(
    st.sampled_from(EDGES),
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(-1e-300, 1e-300, allow_nan=False),
    st.integers(-(10**20), 10**20),
)
HUGE = st.one_of(
    st.integers(min_value=10**309, max_value=10**400), st.integers(max_value=-(10**309), min_value=-(10**400))
)
TABLE = sorted(OPS.values(), key=lambda op: op.name)
OPS_AND_POWERS = st.one_of(
    st.sampled_from(TABLE), st.sampled_from([-3.0, -1.0, -0.5, 0.0, 0.5, 2.0, 3.0, 1e-300, 400.0]).map(power)
)


def operand_count(op) -> int:
    return op.arity if op.arity is not None else {"linear": 5}.get(op.name, 3)


@settings(max_examples=scaled(600))
@given(OPS_AND_POWERS, st.lists(NUMBERS, min_size=5, max_size=5))
def test_every_op_gives_finite_numbers_or_a_domain_error(tried, op, numbers: list):
    tried()
    leaves = [Value(x, f"x{k}") for k, x in enumerate(numbers[: operand_count(op)])]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a RuntimeWarning from numpy or math is a failure too
        try:
            node = apply(op, *leaves)
        except DomainError as error:
            assert str(error).startswith(f"{op.name}:"), error
            return
    assert type(node.data) is float and math.isfinite(node.data)
    assert all(type(g) is float and math.isfinite(g) for g in node.local_grads), node.local_grads
    node.backward()
    assert all(leaf.grad is not None for leaf in leaves)


@settings(max_examples=scaled(100))
@given(HUGE)
def test_numbers_past_a_float_are_refused_by_name(tried, number: int):
    tried()
    try:
        Value(number, "big")
    except ValueError as error:
        assert "Value 'big' needs a number a float can hold" in str(error)
    else:
        raise AssertionError("a number past 1.8e308 was accepted")
    x = Value(2.0, "x")
    for combine in (lambda: x * number, lambda: number + x, lambda: x**number):
        try:
            combine()
        except ValueError as error:  # DomainError is a ValueError too
            assert "a float can hold" in str(error) or "overflow" in str(error).lower(), error


@settings(max_examples=scaled(200))
@given(
    st.sampled_from([op for op in TABLE if op.evaluate_batch is not None]),
    st.lists(NUMBERS, min_size=5, max_size=5),
)
def test_the_batch_form_agrees_with_the_scalar_op_or_both_refuse(tried, op, numbers: list):
    tried()
    count = operand_count(op)
    operands = [float(x) for x in numbers[:count]]
    try:
        out, _ = op.evaluate(*operands)
        scalar_ok = math.isfinite(out)
    except (ArithmeticError, ValueError):
        scalar_ok = False
    xs = np.array(operands, dtype=float)[:, np.newaxis]
    with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
        try:
            batch_out, _ = op.evaluate_batch(xs)
            batch_ok = bool(np.isfinite(batch_out).all())
        except (ArithmeticError, ValueError):
            batch_ok = False
    if scalar_ok and batch_ok:
        assert batch_out.ravel()[0] == out or math.isclose(
            batch_out.ravel()[0], out, rel_tol=1e-12, abs_tol=1e-300
        )


def compiled_neuron() -> CompiledGraph:
    x1, x2, w1, w2, b = (
        Value(v, name) for v, name in ((2.0, "x1"), (0.0, "x2"), (-3.0, "w1"), (1.0, "w2"), (6.88, "b"))
    )
    out = (x1 * w1 + x2 * w2 + b).tanh()
    return CompiledGraph([Trace(inputs=[x1, x2], outputs=[out])])


BATCH_ENTRIES = st.one_of(
    NUMBERS, st.sampled_from([float("nan"), float("inf"), "1.5", "abc", None, True, 10**400])
)


@settings(max_examples=scaled(150))
@given(st.lists(st.lists(BATCH_ENTRIES, min_size=0, max_size=3), min_size=0, max_size=4))
def test_compiled_batches_replay_or_refuse_naming_the_batch(tried, rows: list):
    tried()
    graph = compiled_neuron()
    try:
        replay = graph.forward(rows)
    except (DomainError, ValueError, TypeError) as error:
        message = str(error)
        assert message.startswith(("CompiledGraph.forward:", "tanh:", "add:", "mul:")), message
        return
    assert np.isfinite(replay.output()).all()
    replay.backward()
