"""Random option values into ``draw`` and ``step``: a drawing or a page, or an error naming the option.

Each value is drawn from everything a user might pass by mistake: numbers of every kind,
strings, None, booleans, lists, dicts, objects. The call either works or raises
``ValueError``/``TypeError`` whose message names the option that was wrong; nothing from
deep inside (an ``AttributeError``, a numpy error, a ``TypeError`` about some internal
operand) gets out.
"""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from fuzzing import scaled
from pathgrad.engine import Value
from pathgrad.viz import draw, step

ODD = st.one_of(
    st.none(), st.booleans(), st.integers(-(10**30), 10**30), st.floats(), st.text(max_size=8),
    st.sampled_from(["label", "neuron", "LR", "TB", ".3g", "projector", "notebook", "forward", "quiz", "expanded",
                     "layer", "data", "%", "", "nan"]),
    st.lists(st.sampled_from(["label", "data", "grad", "x", 1]), max_size=3), st.just({}), st.just(object()),
    st.just(math.inf), st.just(10**400),
)  # fmt: skip
DRAW_OPTIONS = ["fields", "rankdir", "number_format", "highlight", "collapse", "theme", "pad", "groups", "max_nodes",
                "parameters", "model"]  # fmt: skip
STEP_OPTIONS = ["mode", "modes", "digits", "nudges", "max_paths", "max_nodes", "title", "theme", "view",
                "model"]  # fmt: skip


def graph() -> Value:
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    out = (x * w + 1.0).tanh()
    out.label = "out"
    out.backward()
    return out


def check(call, options: dict) -> None:
    try:
        call(graph(), **options)
    except (ValueError, TypeError) as error:
        message = str(error)
        assert any(name in message for name in options), f"{type(error).__name__} names no option: {message}"


@settings(max_examples=scaled(200))
@given(st.dictionaries(st.sampled_from(DRAW_OPTIONS), ODD, min_size=1, max_size=2))
def test_draw_options_work_or_name_what_is_wrong(tried, options: dict):
    tried()
    check(draw, options)


@settings(max_examples=scaled(60))
@given(st.dictionaries(st.sampled_from(STEP_OPTIONS), ODD, min_size=1, max_size=2))
def test_step_options_work_or_name_what_is_wrong(tried, options: dict):
    tried()
    check(step, options)
