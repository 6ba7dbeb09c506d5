"""Labels with markup characters, quotes, newlines and non-ASCII show as written and break nothing."""

from __future__ import annotations

import pytest

from pathgrad.engine import Value
from pathgrad.viz import build_model, draw, draw_network
from pathgrad.viz.ids import field_id
from pathgrad.viz.text import html_text
from svgtext import parse, texts

NASTY = [
    'a<b>&"c"',
    "{x} | y",
    'it\'s "quoted"',
    "</td></tr></table>> ];\ndigraph evil {",
    "Δ→ωß 中文 🙂",
    "<script>alert(1)</script>",
    'x"] [label="owned',
]


@pytest.mark.parametrize("label", NASTY)
def test_label_renders_as_written(label: str):
    x = Value(1.5, label)
    out = x * 2.0
    out.label = label
    out.backward()
    diagram = draw(out)
    svg_text = diagram.svg()
    svg = parse(svg_text)  # well-formed XML: nothing injected
    model = build_model(out)
    for node in (model.nodes[0], model.nodes[-1]):
        shown = texts(svg, field_id(node.id, "label"))
        assert shown == label.split("\n"), shown
    assert "<script>" not in svg_text
    assert [line for line in diagram.source.splitlines() if line.startswith("digraph")] == [
        "digraph pathgrad {"
    ]


def test_ids_stay_plain_whatever_the_label():
    model = build_model(Value(1.0, 'a<"b">{c}|\n') * 2)
    assert model.nodes[0].id == "n0_a_b_c"
    for node in model.nodes:
        assert all(ch.isalnum() or ch in "_-" for ch in node.id)


def test_html_text_escapes_and_breaks_lines():
    assert html_text('<a & "b">') == "&lt;a &amp; &quot;b&quot;&gt;"
    assert html_text("one\ntwo") == "one<br/>two"
    assert html_text("bell\x07") == "bell\ufffd"


def test_network_captions_are_escaped():
    svg = parse(draw_network([2, 1], captions=["<in>", 'o"ut&']).svg())
    assert texts(svg, "caption0") == ["<in>"]
    assert texts(svg, "caption1") == ['o"ut&']
