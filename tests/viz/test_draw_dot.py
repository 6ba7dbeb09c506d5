"""micrograd's ``draw_dot`` returns a real ``graphviz.Digraph`` carrying pathgrad's diagram."""

from __future__ import annotations

from pathlib import Path

import graphviz
import pytest

from pathgrad.engine import Value
from pathgrad.viz import draw, draw_dot, draw_network
from pathgrad.viz.text import format_number
from svgtext import SVG, parse


def all_texts(svg: str) -> str:
    return " ".join(t.text or "" for t in parse(svg).iter(f"{SVG}text"))


def lecture_neuron(backward: bool = True) -> Value:
    x1, w1, b = Value(2.0, "x1"), Value(-3.0, "w1"), Value(6.8813735870195432, "b")
    o = (x1 * w1 + b).tanh()
    o.label = "o"
    if backward:
        o.backward()
    return o


def test_draw_dot_is_a_digraph_of_draws_own_dot():
    o = lecture_neuron()
    dot = draw_dot(o, format="svg", rankdir="LR")
    assert type(dot) is graphviz.Digraph and dot.format == "svg"
    assert dot.source.rstrip("\n") == draw(o, rankdir="LR").source.rstrip("\n")
    w1 = o.parents[0].parents[0].parents[1]
    assert w1.label == "w1" and f">{format_number(w1.grad, '.4f')}<" in dot.source  # our grad cell
    assert 'rankdir="TB"' in draw_dot(o, rankdir="TB").source


def test_render_pipe_and_jupyter_behave_as_for_micrograds_digraph(tmp_path: Path):
    dot = draw_dot(lecture_neuron())
    written = dot.render(str(tmp_path / "gout"), view=False)
    assert (
        Path(written) == tmp_path / "gout.svg"
        and (tmp_path / "gout").read_text(encoding="utf-8") == dot.source
    )
    texts = all_texts((tmp_path / "gout.svg").read_text(encoding="utf-8"))
    assert "w1" in texts and "tanh" in texts
    assert dot.pipe()[:5] == b"<?xml" and dot.pipe(format="png")[:4] == b"\x89PNG"
    assert dot._repr_mimebundle_()["image/svg+xml"].lstrip().startswith("<?xml")
    png = draw_dot(lecture_neuron(), format="png").render(str(tmp_path / "lecture"))
    assert Path(png).read_bytes()[:4] == b"\x89PNG"


def test_attr_node_and_edge_add_to_our_statements():
    o = lecture_neuron()
    dot = draw_dot(o)
    before = dot.source.count("\n")
    dot.attr(label="the lecture neuron", labelloc="t")
    dot.node("note", "a note")
    dot.edge("note", "n0_x1")
    assert dot.source.count("\n") == before + 3
    assert "note -> n0_x1" in dot.source and "labelloc=t" in dot.source
    assert "the lecture neuron" in all_texts(dot.pipe().decode("utf-8"))


def test_before_backward_the_grads_say_not_computed():
    assert (
        draw_dot(lecture_neuron(backward=False)).source.count("not computed") == 6
    )  # x1, w1, x1·w1, b, n, o


def test_unknown_format_and_pinned_figures_are_refused_by_name():
    with pytest.raises(ValueError, match="draw_dot: unknown format 'gif87'"):
        draw_dot(lecture_neuron(), format="gif87")
    with pytest.raises(ValueError, match="needs 'neato -n2'"):
        draw_network([2, 3, 1]).digraph()
