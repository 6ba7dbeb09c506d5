"""The mode table: a mode is one row plus its builder, only asked-for modes are built, the page knows none by name."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

from pathgrad.engine import Value
from pathgrad.engine.ops import OPS, Op, linear_operands
from pathgrad.viz.step import step
from pathgrad.viz.step.frames import Frames, NodeChange, Step, line
from pathgrad.viz.step.modes import MODES, Mode, register
from pathgrad.viz.step.states import resting


def neuron() -> Value:
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.5, "b")
    o = (x * w + b).tanh()
    o.label = "o"
    return o


@pytest.fixture
def echo_mode():
    """A throwaway mode: one step per leaf, showing its value doubled."""
    calls = []

    def echo_frames(graph, settings):
        calls.append(graph.root)
        steps = [
            Step(
                f"echo {graph.names[n]}",
                [line("formula", f"2 · {graph.names[n]} = {2 * n.data:.1f}")],
                counter="Echo",
                nodes={graph.ids[n]: NodeChange(data=f"{2 * n.data:.1f}", state="changed")},
                focus=[graph.ids[n]],
                values={"node": graph.ids[n]},
            )
            for n in graph.order
            if n.is_leaf
        ]
        return Frames(resting(graph, settings.digits), steps)

    mode = register(
        Mode(
            name="echo",
            key="e",
            label="Echo",
            intro=(line("head", "Echo: every leaf, twice"),),
            build=echo_frames,
            offered=(),
        )
    )
    yield mode, calls
    del MODES["echo"]


def page_json(html: str) -> dict:
    text = re.search(r'<script type="application/json" id="step-data">(.*?)</script>', html, re.S).group(1)
    return json.loads(text)


def test_a_registered_mode_shows_in_a_page_with_its_key_label_and_steps(echo_mode):
    page = step(neuron(), modes=("forward", "echo"), mode="echo")
    data = page_json(page.html())
    assert data["modes"] == ["forward", "echo"]
    assert data["mode_info"]["echo"] == {
        "key": "e",
        "label": "Echo",
        "subject": None,
        "button": "mode-echo",
        "dims": False,
        "variant": None,
    }
    assert data["intro"]["echo"] == [["head", "Echo: every leaf, twice"]]
    titles = [s["title"] for s in data["timelines"]["echo"]]
    assert titles == ["Echo 1/3: echo x", "Echo 2/3: echo w", "Echo 3/3: echo b"]
    assert data["timelines"]["echo"][1]["nodes"]["n1_w"] == {"d": "data -6.0", "c": "changed"}
    assert data["start"] == "echo"


def test_only_the_modes_asked_for_are_built(echo_mode):
    _, calls = echo_mode
    page = step(neuron(), modes=("forward",))
    assert calls == [] and page.data["modes"] == ["forward"]
    assert set(page.data["timelines"]) == {"forward"}
    step(neuron(), modes=("echo",))
    assert len(calls) == 1


def test_a_mode_needs_a_new_name_and_a_free_key(echo_mode):
    mode, _ = echo_mode
    with pytest.raises(ValueError, match="already registered"):
        register(mode)
    for key in ("f", "z", "ab"):
        with pytest.raises(ValueError, match="not a free single key"):
            register(Mode(name="other", key=key, label="Other", intro=(), build=mode.build))


def test_the_page_script_names_no_mode_and_composes_no_id():
    script = resources.files("pathgrad.viz.step").joinpath("static", "step.js").read_text(encoding="utf-8")
    # a step may carry a question (its "quiz" field, shown in the element #quiz): that is no mode's name
    code = re.sub(r'\$\("quiz[-a-z]*"\)|\.quiz\b', "", script)
    for name in MODES:
        assert f'"{name}"' not in code and f"'{name}'" not in code and f".{name}" not in code, name
    assert not re.search(r'\+\s*"-', script), "the script builds an id from parts"


def test_every_cell_id_is_in_the_page_data():
    page = step(neuron(), view="expanded")
    for ident, cell in page.data["cells"].items():
        for field in ("data", "grad", "label"):
            assert f'id="{cell[field]}"' in page.svg(), (ident, field)
        assert cell["box"] == ident and cell["owner"]


def test_an_n_ary_op_says_how_it_reads_or_reads_as_symbol_of_its_operands():
    assert OPS["sum"].write(["a", "b", "c"]) == "a + b + c"
    assert OPS["sum"].write(["a"]) == "Σ(a)"
    assert OPS["linear"].write(["w1", "w2", "x1", "x2", "b"]) == "w1·x1 + w2·x2 + b"
    plain = Op(name="plain", symbol="max", arity=None, evaluate=max, formulas=("1",), expression="max a_i")
    assert plain.write(["a", "b"]) == "max(a, b)"


def test_the_linear_operand_layout_is_weights_inputs_bias():
    layout = linear_operands(7)
    assert (list(layout.weights), list(layout.inputs), layout.bias) == ([0, 1, 2], [3, 4, 5], 6)
    assert layout.input_of(1) == 4 and layout.weight_of(4) == 1
    with pytest.raises(ValueError, match="odd number"):
        linear_operands(4)
