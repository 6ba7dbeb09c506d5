"""The expression parser: Python's precedence, Values with labelled leaves, errors with columns, no eval."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pathgrad.engine import Value, topological_order
from pathgrad.engine.expression import MAX_DEPTH, MAX_LENGTH, ExpressionError, names_in, parse

AT = {"x": 1.5, "y": -0.5, "z": 2.0}


@pytest.mark.parametrize(
    "text",
    [
        "x + y * z",
        "(x + y) * z",
        "x - y - z",
        "x / y / z",
        "-x ** 2",
        "x ** 2 ** 0.5",
        "2 ** -1",
        "-(x - y) * +z",
        "x * -y",
        "1e-3 * x + .5",
    ],
)
def test_numbers_match_python_arithmetic(text: str):
    oracle = eval(text, {"__builtins__": {}}, dict(AT))  # test-written text, as the oracle
    assert parse(text, AT).data == pytest.approx(oracle, rel=1e-15)


def test_functions_from_the_op_table_and_gradients():
    out = parse("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.8813735870195432})
    assert out.data == pytest.approx(math.sqrt(0.5))
    out.backward()
    leaves = {n.label: n for n in topological_order(out) if not n.parents and n.label}
    assert leaves["w1"].grad == pytest.approx(1.0)  # x1·(1 − o²)
    assert leaves["x1"].grad == pytest.approx(-1.5)
    assert parse(
        "pow(x, z) + exp(y) * log(z) + sqrt(z) + sigmoid(y) + relu(y) + abs(y)", AT
    ).data == pytest.approx(
        1.5**2 + math.exp(-0.5) * math.log(2) + math.sqrt(2) + 1 / (1 + math.exp(0.5)) + 0 + 0.5
    )


def test_a_name_used_twice_is_one_leaf():
    out = parse("x * x + x", {"x": 3.0})
    leaves = [n for n in topological_order(out) if n.label == "x"]
    assert len(leaves) == 1
    out.backward()
    assert leaves[0].grad == pytest.approx(7.0)  # 2x + 1


def test_a_subexpression_written_twice_is_one_node_as_in_the_lecture():
    out = parse("cos(w**2) * sin(w**2)", at={"w": 0.8})
    cos, sin = out.parents
    assert cos.op == "cos" and sin.op == "sin"
    assert cos.parents[0] is sin.parents[0]  # one y = z = f(w) node feeding both paths
    assert len(topological_order(out)) == 5  # w, w², cos, sin, the product
    out.backward()
    w = cos.parents[0].parents[0]
    y = 0.8**2
    assert w.grad == pytest.approx(
        2 * 0.8 * (-math.sin(y) * math.sin(y) + math.cos(y) * math.cos(y)), rel=1e-12
    )
    twice = parse("exp(x) + exp(x) + exp(-x)", at={"x": 0.3})
    assert len(topological_order(twice)) == 6  # x, exp(x) once, −x, exp(−x), and the two sums
    twice.backward()
    assert twice.parents[0].parents[0].parents[0].grad == pytest.approx(2 * math.exp(0.3) - math.exp(-0.3))


def test_constant_exponent_is_power_and_value_exponent_is_pow():
    assert parse("x ** 2", AT).op == "power"
    assert parse("x ** -1", AT).operation.param == -1.0
    assert parse("z ** x", AT).op == "pow"
    assert isinstance(parse("2 * 3"), Value) and parse("2 * 3").data == 6.0
    assert parse("7").data == 7.0


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("x +", 4, "found the end"),
        ("x + * y", 5, "expected a number"),
        ("tanh(x", 7, "expected ')'"),
        ("nope(x)", 1, "unknown function 'nope'"),
        ("x + w", 5, "unknown name 'w'"),
        ("x $ y", 3, "unexpected character '$'"),
        ("x y", 3, "unexpected 'y'"),
        ("tanh", 1, "is a function"),
        ("tanh(x, y)", 1, "takes 1 argument"),
        ("log(y)", 1, "log needs a positive input"),
        ("x / (y + 0.5)", 3, "division by zero"),
        ("1e400 * x", 1, "too large"),
        ("", 1, "empty"),
        ("__import__('os').system('true')", 12, "unexpected character"),
        ("__import__(x)", 1, "unknown function '__import__'"),
        ("x.real", 2, "unexpected character '.'"),
        ("[x]", 1, "unexpected character '['"),
        ("x = 1", 1, "'x' is given a value and also assigned here"),
        ("n = x * 2", 10, "the last line names a step"),
        ("n = x; n = y; n", 8, "'n' is assigned twice"),
        ("tanh = x; tanh", 1, "is a function and cannot name a step"),
        ("n = x y", 7, "expected ';' or a new line after the step 'n'"),
    ],
)
def test_errors_point_at_the_column(text: str, column: int, message: str):
    with pytest.raises(ExpressionError, match=re.escape(message)) as caught:
        parse(text, AT)
    assert caught.value.column == column
    assert str(caught.value).startswith(f"column {column}:")
    assert str(caught.value).splitlines()[-1] == "  " + " " * (column - 1) + "^"


def test_input_size_and_depth_are_bounded():
    with pytest.raises(ExpressionError, match=f"limit is {MAX_LENGTH}"):
        parse("x+" * MAX_LENGTH + "x", AT)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), AT)
    with pytest.raises(ExpressionError, match="nested more than"):
        parse("-" * (MAX_DEPTH + 1) + "x", AT)
    assert parse("(" * 50 + "x" + ")" * 50, AT).data == 1.5


def test_bad_values_name_the_variable():
    with pytest.raises(ExpressionError, match="the value of 'x'"):
        parse("x + 1", {"x": float("nan")})
    with pytest.raises(TypeError, match="as a str"):
        parse(3)  # type: ignore[arg-type]


def test_names_in_lists_variables_not_functions():
    assert names_in("tanh(a*b) + exp(a) - c") == ["a", "b", "c"]


@settings(max_examples=60, deadline=None)
@given(
    st.recursive(
        st.sampled_from(["x", "y", "z", "2", "0.5"]),
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*"]), inner).map(
                lambda t: f"({t[0]} {t[1]} {t[2]})"
            ),
            inner.map(lambda s: f"-{s}"),
            inner.map(lambda s: f"sin({s})"),
        ),
        max_leaves=12,
    )
)
def test_random_expressions_agree_with_python_and_central_differences(text: str):
    values = dict(AT)
    out = parse(text, values)
    namespace = {"sin": math.sin, **values}
    assert out.data == pytest.approx(eval(text, {"__builtins__": {}}, namespace), rel=1e-12, abs=1e-12)
    out.backward()
    leaves = {n.label: n for n in topological_order(out) if not n.parents and n.label in values}
    for name, leaf in leaves.items():
        h = 1e-6
        up = eval(text, {"__builtins__": {}}, {**namespace, name: values[name] + h})
        down = eval(text, {"__builtins__": {}}, {**namespace, name: values[name] - h})
        assert leaf.grad == pytest.approx((up - down) / (2 * h), rel=1e-5, abs=1e-6)


def test_named_steps_label_inner_nodes_and_compute_the_same_graph():
    at = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8813735870195432}
    stepped = parse("n = x1*w1 + x2*w2 + b\no = tanh(n)\no", at)
    plain = parse("tanh(x1*w1 + x2*w2 + b)", at)
    assert stepped.label == "o" and stepped.parents[0].label == "n"
    assert stepped.data == plain.data
    stepped.backward()
    plain.backward()
    leaves = {v.label: v.grad for v in topological_order(stepped) if v.is_leaf}
    assert leaves == {v.label: v.grad for v in topological_order(plain) if v.is_leaf}
    assert names_in("n = x1*w1 + b; o = tanh(n); o") == ["x1", "w1", "b"]


def test_steps_end_with_semicolons_or_line_breaks_but_not_inside_parentheses():
    at = {"x": 0.5, "w": 2.0}
    a = parse("y = x * w;  tanh(y);", at)
    b = parse("\ny = x * w\n\ntanh(\n  y\n)\n", at)
    assert a.data == b.data == pytest.approx(math.tanh(1.0))
    assert a.parents[0].label == b.parents[0].label == "y"


def test_a_constant_step_is_a_named_leaf():
    out = parse("k = 2 * 3; k * x", {"x": 1.5})
    assert out.data == 9.0
    assert [p.label for p in out.parents] == ["k", "x"]


def test_errors_in_text_of_several_lines_name_the_line():
    with pytest.raises(ExpressionError) as caught:
        parse("n = x * 2\no = tanh(n +)\no", {"x": 1.0})
    assert (caught.value.line, caught.value.column) == (2, 13)
    message = str(caught.value)
    assert message.startswith("line 2, column 13: expected a number")
    assert message.splitlines()[1:] == ["  o = tanh(n +)", "  " + " " * 12 + "^"]
