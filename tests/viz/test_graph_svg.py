"""The expression diagram shows the engine's numbers: data, grad, local derivatives, read back from SVG."""

from __future__ import annotations

import pytest

from pathgrad.engine import Value, paths
from pathgrad.viz import build_model, draw
from pathgrad.viz.ids import edge_id, field_id, node_id, op_id, output_edge_id
from pathgrad.viz.text import NOT_COMPUTED, format_number, parse_number
from svgtext import element, ids, parse, text, texts


def lecture_neuron() -> Value:
    x1, x2, w1, w2, b = (
        Value(2.0, "x1"),
        Value(0.0, "x2"),
        Value(-3.0, "w1"),
        Value(1.0, "w2"),
        Value(6.8813735870195432, "b"),
    )
    n = x1 * w1 + x2 * w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    return o


def test_before_backward_every_grad_reads_not_computed():
    o = lecture_neuron()
    model = build_model(o)
    svg = parse(draw(o).svg())
    for node in model.nodes:
        assert text(svg, field_id(node.id, "grad")) == NOT_COMPUTED
        assert parse_number(text(svg, field_id(node.id, "data"))) == pytest.approx(node.data, abs=5e-5)


def test_after_backward_data_grad_and_local_derivatives_match_the_engine():
    o = lecture_neuron()
    o.backward()
    model = build_model(o)
    svg = parse(draw(o).svg())
    for node in model.nodes:
        assert text(svg, field_id(node.id, "data")) == format_number(node.value.data)
        assert text(svg, field_id(node.id, "grad")) == format_number(node.value.grad)
    for edge in model.edges:
        assert texts(svg, edge.id) == [format_number(edge.local_grad)]
    w1 = next(n for n in model.nodes if n.label == "w1")
    assert parse_number(text(svg, field_id(w1.id, "grad"))) == pytest.approx(
        1.0, abs=1e-4
    )  # ∂o/∂w1 = x1·(1 − o²)


def test_formulas_come_from_the_op_table():
    x, y = Value(3.0, "x"), Value(-2.0, "y")
    out = (x * y).tanh()
    out.backward()
    model = build_model(out)
    svg = parse(draw(out, fields=("label", "data", "grad", "local", "formula")).svg())
    mul = next(n for n in model.nodes if n.op_name == "mul")
    # the edge from x says which operand x is, by its label, not a bare "b" that reads like a bias
    assert texts(svg, edge_id(mul.id, 0)) == ["∂(x · y)/∂x = y", format_number(-2.0)]
    assert texts(svg, edge_id(mul.id, 1)) == ["∂(x · y)/∂y = x", format_number(3.0)]
    assert texts(svg, edge_id(model.root, 0))[0] == "1 − tanh²(x · y)"  # the unlabelled operand's expression


def test_formulas_name_a_neurons_operands_and_call_unnamed_ones_u_and_v():
    import random

    from pathgrad.nn import MLP

    model = MLP(2, [2, 1], activation="tanh", rng=random.Random(0))
    out = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    formulas = {(e.child, e.index): e.formula for e in build_model(out).edges}
    output = next(n for n in build_model(out).nodes if n.label == "L2.N1.a")
    # L2's weight w1 multiplies L1.N1.h, not an input x1: its edge says so
    assert formulas[(output.id, 0)] == "L1.N1.h" and formulas[(output.id, 2)] == "L2.N1.w1"
    anonymous = Value(1.0) / Value(2.0)
    assert [e.formula for e in build_model(anonymous).edges] == ["∂(u / v)/∂u = 1/v", "∂(u / v)/∂v = −u/v²"]


def test_ids_are_topological_positions_and_labels_and_a_times_a_has_two_edges():
    a = Value(3.0, "a")
    square = a * a
    square.label = "sq"
    model = build_model(square)
    assert [n.id for n in model.nodes] == [node_id(0, "a"), node_id(1, "sq")] == ["n0_a", "n1_sq"]
    assert [e.id for e in model.edges] == ["n1_sq-in0", "n1_sq-in1"]
    svg = parse(draw(square).svg())
    assert {"n0_a", "n1_sq", op_id("n1_sq"), "n1_sq-in0", "n1_sq-in1", output_edge_id("n1_sq")} <= ids(svg)
    assert element(svg, "n1_sq-in0").get("class") == "edge"


def test_dot_is_byte_identical_for_the_same_graph_built_twice():
    first, second = lecture_neuron(), lecture_neuron()
    first.backward()
    second.backward()
    assert draw(first).source == draw(second).source
    assert draw(first, collapse=None, theme="print").source == draw(second, theme="print").source
    assert "0x" not in draw(first).source  # no memory addresses


def test_highlighted_path_keeps_its_colour_and_the_rest_is_dimmed():
    w = Value(0.8, "w")
    y = w**2
    out = y.exp() * y.sin()
    out.backward()
    first = next(paths(out, w))
    source = draw(out, highlight=first).source
    model = build_model(out)
    on_path = {model.id_of(node) for node in first.nodes}
    off_path = [n for n in model.nodes if n.id not in on_path]
    assert off_path, "the second branch is off the first path"
    from pathgrad.viz.theme import get_theme

    theme = get_theme("projector")
    for node in off_path:
        line = next(line for line in source.splitlines() if line.startswith(f'  "{node.id}" '))
        assert f'color="{theme.dim}"' in line
    for node_id_ in on_path:
        line = next(line for line in source.splitlines() if line.startswith(f'  "{node_id_}" '))
        assert f'color="{theme.highlights[0]}"' in line


def test_pad_gives_every_state_the_same_text_width():
    o = lecture_neuron()
    before = draw(o, pad=14).source
    o.backward()
    after = draw(o, pad=14).source
    svg = parse(draw(o, pad=14).svg())
    for node in build_model(o).nodes:
        raw = texts(svg, field_id(node.id, "grad"))[0]
        assert len(raw) == 14
    assert before.count("\u2007") > 0 and after.count("\u2007") > 0


def test_node_kinds_look_different():
    x, w = Value(1.0, "x"), Value(2.0, "w")
    out = x * w + 3
    source = draw(out).source
    from pathgrad.viz.theme import get_theme

    theme = get_theme("projector")
    model = build_model(out)
    line = {
        n.label: next(text for text in source.splitlines() if text.startswith(f'  "{n.id}" '))
        for n in model.nodes
        if n.label
    }
    assert theme.input_fill in line["x"]
    assert theme.parameter_fill in line["w"]
    assert "dashed" in line["3"] and theme.constant_fill in line["3"]


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("theme", "dark", "unknown theme 'dark'"),
        ("rankdir", "XY", "rankdir: unknown direction"),
        ("fields", ("data", "colour"), "fields: unknown 'colour'"),
        ("number_format", "q", "not a valid format spec"),
        ("collapse", "cells", "collapse: unknown mode"),
        ("pad", -1, "pad:"),
        ("highlight", [], "cannot be combined with collapse"),
    ],
)
def test_unknown_option_values_are_clear_errors(option, value, message):
    extra = {"collapse": "neuron"} if option == "highlight" else {}
    with pytest.raises(ValueError, match=message):
        draw(lecture_neuron(), **{option: value}, **extra)


def test_big_graph_refuses_with_the_count_and_a_suggestion():
    from pathgrad.viz import GraphTooLargeError

    x = Value(1.0, "x")
    total = x
    for _ in range(200):
        total = total * 1.0001
    with pytest.raises(GraphTooLargeError, match=r"401 nodes.*collapse='neuron'.*max_nodes=401"):
        draw(total)
    assert "digraph" in draw(total, max_nodes=401).source


def test_themes_and_directions_render():
    o = lecture_neuron()
    o.backward()
    for theme in ("projector", "light", "print"):
        svg = parse(draw(o, theme=theme, rankdir="TB").svg())
        assert text(svg, field_id(build_model(o).root, "data")) == format_number(o.data)
    assert 'rankdir="TB"' in draw(o, rankdir="TB").source
    assert "dashed" in draw(o, theme="print").source  # negative contributions dashed in greyscale


def test_dot_is_byte_identical_across_processes_with_different_hash_seeds(tmp_path):
    import hashlib
    import os
    import subprocess
    import sys

    script = (
        "import hashlib; from pathgrad.viz.figures import FIGURES; "
        "print(hashlib.sha256(''.join(f().source for f in FIGURES.values()).encode()).hexdigest())"
    )
    digests = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            cwd=tmp_path,  # outside the repository: the installed pathgrad, not its folders
            env={**os.environ, "PYTHONHASHSEED": seed},
        ).stdout.strip()
        for seed in ("1", "2")
    }
    assert len(digests) == 1
    assert len(hashlib.sha256().hexdigest()) == len(digests.pop())


def test_edge_colour_is_the_sign_of_what_the_edge_sends_back_not_of_the_local_derivative():
    from pathgrad.viz.theme import get_theme

    x, w = Value(2.0, "x"), Value(0.5, "w")
    loss = -(x * w).tanh()  # Δ of x·w is negative, both local derivatives are positive
    loss.backward()
    model = build_model(loss)
    mul = next(n for n in model.nodes if n.op_name == "mul")
    source = draw(loss).source
    theme = get_theme("projector")
    for index in (0, 1):
        line = next(line for line in source.splitlines() if f'id="{edge_id(mul.id, index)}"' in line)
        assert f'color="{theme.negative}"' in line and theme.positive not in line


def test_highlighting_a_node_of_another_graph_names_it():
    x = Value(1.0, "x")
    out = x * 2.0
    with pytest.raises(ValueError, match="highlight: the node 'stranger' is not part of the graph"):
        draw(out, highlight=Value(3.0, "stranger"))


def test_a_vanishing_gradient_is_shown_not_rounded_to_zero():
    # tanh saturates at −6: the local derivative 1 − tanh²(−6) ≈ 2.46e−5 would read 0.0000
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    o = (x * w).tanh()
    o.label = "o"
    o.backward()
    svg = parse(draw(o).svg())
    shown = text(svg, field_id(node_id(1, "w"), "grad"))
    assert "e" in shown and parse_number(shown) == pytest.approx(w.grad, rel=1e-3)
    assert parse_number(text(svg, field_id(node_id(3, "o"), "data"))) == pytest.approx(o.data, abs=5e-5)


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (2.458e-5, "2.4580e−05"),
        (-2.458e-5, "−2.4580e−05"),
        (1234567.0, "1.2346e+06"),
        (0.5, "0.5000"),
        (-0.0, "0.0000"),
    ],
)
def test_fixed_point_numbers_switch_to_scientific_only_when_they_would_mislead(value, shown):
    assert format_number(value) == shown
