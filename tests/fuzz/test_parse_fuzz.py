"""Random bytes, random Unicode and near-valid expressions into ``parse``: a graph or an ``ExpressionError``.

Never another exception, never a node holding a number that is not finite, and an
error always names a column inside the text.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import scaled
from parser_attacks import PARSER_ATTACKS, Attack
from pathgrad.engine import Value, topological_order
from pathgrad.engine.expression import ExpressionError, names_in, parse
from pathgrad.engine.ops import FUNCTIONS

NAMES = ("x", "w1", "b", "n", "o")
SPECIAL = (
    "\ud800", "\udfff", "\ufffe", "\uffff", "\ufdd0", "\U0010ffff", "\u202e", "\u200f", "\u0301", "\u200d",
    "\x00", "\r", "\n", "\t", "\u2028", "ﬁ", "٣", "ｘ", "é", "ש", "🙂",
)  # fmt: skip
NUMBERS = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0.0, -0.0, 5e-324, -5e-324, 2.2250738585072014e-308, 1.7976931348623157e308, -1e308]),
    st.integers(min_value=-(10**400), max_value=10**400),
    st.integers(min_value=-100, max_value=100),
)


def check(text: str, at: dict) -> Value | None:
    """Parse; the only failure allowed is an ExpressionError pointing inside the text."""
    try:
        names_in(text)
        root = parse(text, at)
    except ExpressionError as error:
        assert 1 <= error.line <= text.count("\n") + 1
        assert 0 <= error.column <= len(text) + 1, (error.column, len(text))
        return None
    assert all(math.isfinite(node.data) for node in topological_order(root))
    return root


@settings(max_examples=scaled(300))
@given(st.binary(max_size=60))
def test_random_bytes(tried, data: bytes):
    tried()
    check(data.decode("utf-8", "surrogateescape"), {"x": 1.0})


@settings(max_examples=scaled(300))
@given(st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)), max_size=40))
def test_random_unicode_with_surrogates_noncharacters_rtl_and_marks(tried, text: str):
    tried()
    check(text, {"x": 1.0, "w1": -3.0})


def _expressions(depth: int = 3):
    """Strings of the grammar: names, numbers, + - * / **, calls, parentheses, named steps."""
    atoms = st.one_of(
        st.sampled_from(NAMES[:3]),
        st.sampled_from(["2", "0.5", "1e3", ".5", "1e-320", "1e308", "0", "3"]),
    )
    return st.recursive(
        atoms,
        lambda inner: st.one_of(
            st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "**"]), inner).map(" ".join),
            st.tuples(st.sampled_from(sorted(FUNCTIONS)), inner).map(lambda t: f"{t[0]}({t[1]})"),
            inner.map(lambda e: f"({e})"),
            inner.map(lambda e: f"-{e}"),
            st.tuples(inner, inner).map(lambda t: f"n = {t[0]}; o = n * {t[1]}; o"),
        ),
        max_leaves=depth * 4,
    )


EXPRESSIONS = _expressions()
EDITS = st.sampled_from("()+-*/,;=\n x2e.") | st.sampled_from(SPECIAL)


@st.composite
def near_valid(draw):
    """A valid expression with one or two small edits: a character deleted, doubled or inserted."""
    text = draw(EXPRESSIONS)
    for _ in range(draw(st.integers(0, 2))):
        if not text:
            break
        where = draw(st.integers(0, len(text) - 1))
        edit = draw(st.sampled_from(["delete", "double", "insert"]))
        if edit == "delete":
            text = text[:where] + text[where + 1 :]
        elif edit == "double":
            text = text[: where + 1] + text[where:]
        else:
            text = (
                text[:where]
                + draw(st.sampled_from("()+-*/,;=\n x2e.") | st.sampled_from(SPECIAL))
                + text[where:]
            )
    return text


@settings(max_examples=scaled(250))
@given(near_valid(), st.dictionaries(st.sampled_from(NAMES[:3]), NUMBERS, min_size=3, max_size=3))
def test_near_valid_grammar_with_odd_numbers(tried, text: str, at: dict):
    tried()
    check(text, at)


@settings(max_examples=scaled(200))
@given(EXPRESSIONS, st.dictionaries(st.sampled_from(NAMES[:3]), st.floats(-3, 3), min_size=3, max_size=3))
def test_valid_expressions_build_graphs_whose_backward_runs(tried, text: str, at: dict):
    tried()
    root = check(text, at)
    if root is not None:
        root.backward()


@pytest.mark.parametrize("attack", PARSER_ATTACKS, ids=lambda a: a.name)
def test_every_attack_is_refused_or_parses(tried, attack: Attack):
    tried()
    if attack.error is None:
        assert check(attack.text, attack.at) is not None
        return
    with pytest.raises(ExpressionError, match=None) as caught:
        parse(attack.text, attack.at)
    assert attack.error in str(caught.value), str(caught.value)
