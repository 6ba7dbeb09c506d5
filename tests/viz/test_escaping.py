r"""Labels with markup characters, quotes, backslashes, newlines and non-ASCII show as written and break nothing."""

from __future__ import annotations

import warnings

import pytest

from pathgrad.engine import Value
from pathgrad.viz import build_model, draw, draw_network
from pathgrad.viz.ids import field_id
from pathgrad.viz.text import (
    LABEL_WIDTH,
    TOOLTIP_WIDTH,
    UnrepresentableTextWarning,
    html_text,
    shorten,
    shown_text,
)
from svgtext import SVG, element, parse, texts

NASTY = [
    'a<b>&"c"',
    "{x} | y",
    'it\'s "quoted"',
    "</td></tr></table>> ];\ndigraph evil {",
    "Δ→ωß 中文 🙂",
    "<script>alert(1)</script>",
    'x"] [label="owned',
    r"\Gamma_1",
    r"\Epsilon",
    r"C:\Users\Name",
    r"a\\b",
    r"\G\N\E\T\H\L\l\r\n",
    "trailing\\",
    r"\frac{\partial L}{\partial w_1}",
    "שלום עולם x1",
    "مرحبا ← w",
    "e\u0301\u0301 a\u0308",
    "👩\u200d🔬 🇩🇪 👍🏽",
    "tab\there",
]


def _label_tooltip(svg, node_id: str) -> str:
    title = element(svg, field_id(node_id, "label")).find(f"{SVG}title")
    return title.text or ""


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
        shown = [line.replace("\xa0", " ") for line in texts(svg, field_id(node.id, "label"))]
        assert shown == label.replace("\t", " ").split("\n"), shown
        assert _label_tooltip(svg, node.id) == f"{node.kind} {label}".replace("\n", " ").replace("\t", " ")
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
    with pytest.warns(UnrepresentableTextWarning, match="U\\+0007 \\(a control character\\)"):
        assert html_text("bell\x07") == "bell\ufffd"


def test_network_captions_are_escaped():
    svg = parse(draw_network([2, 1], captions=["<in>", 'o"ut&']).svg())
    assert texts(svg, "caption0") == ["<in>"]
    assert texts(svg, "caption1") == ['o"ut&']


def test_backslashes_are_doubled_so_graphviz_expands_nothing():
    # Graphviz reads \\ as one backslash and would expand \G (the graph's name) and \N (the node's)
    assert html_text(r"\Gamma_1") == r"\\Gamma_1"
    assert html_text(r"C:\Users\Name") == r"C:\\Users\\Name"


def test_tex_label_is_not_eaten_in_any_format(tmp_path):
    x = Value(2.0, r"\Gamma_1")
    out = x * x
    out.label = r"C:\Users\Name"
    out.backward()
    diagram = draw(out)
    svg = parse(diagram.svg())
    assert texts(svg, field_id("n0_Gamma_1", "label")) == [r"\Gamma_1"]
    assert "pathgradamma" not in diagram.svg()
    for suffix in (".png", ".pdf"):  # the same laid-out text; both must render without error
        assert diagram.save(tmp_path / f"tex{suffix}").stat().st_size > 1000


@pytest.mark.parametrize(
    "character, kind",
    [
        ("\ud800", "lone surrogate"),
        ("\udfff", "lone surrogate"),
        ("\ufffe", "noncharacter"),
        ("\uffff", "noncharacter"),
        ("\ufdd0", "noncharacter"),
        ("\U0010ffff", "noncharacter"),
        ("\x07", "control character"),
    ],
)
def test_unrepresentable_characters_read_ufffd_with_one_warning(character: str, kind: str):
    label = f"a{character}b"
    out = Value(1.0, label) * 2
    out.label = label
    out.backward()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("default")
        svg = parse(draw(out).svg())
    messages = {str(w.message) for w in caught if issubclass(w.category, UnrepresentableTextWarning)}
    assert len(messages) == 1, messages
    (message,) = messages
    assert kind in message and "\n" not in message and f"U+{ord(character):04X}" in message
    assert texts(svg, field_id("n0_a_b", "label")) == ["a\ufffdb"]


def test_representable_text_passes_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert shown_text("Δ \u0085 \U0001f642 \u2028 \ufffd") == "Δ \u0085 \U0001f642 \u2028 \ufffd"


@pytest.mark.parametrize("label", ["&" * 4000, '"' * 20000, "x" * 100_000, "line\n" * 3000, "\\" * 9000])
def test_very_long_labels_are_shortened_for_display_and_dot_still_draws(label: str):
    x = Value(1.0, label)
    out = x + 1
    out.label = label
    out.backward()
    svg = parse(draw(out).svg())  # Graphviz refuses HTML-like labels past 16,384 characters
    node = build_model(out).nodes[0]
    assert node.label == label  # the data keeps every character
    shown = texts(svg, field_id(node.id, "label"))
    assert "\n".join(shown).replace("\xa0", " ") == shorten(label)
    assert all(len(line) <= LABEL_WIDTH + 2 for line in shown)
    tooltip = _label_tooltip(svg, node.id)
    assert tooltip.startswith(f"input {label[:50]}".replace("\n", " ")) and tooltip.endswith(
        "characters in all)"
    )
    assert len(tooltip) < TOOLTIP_WIDTH + 40


def test_shortening_keeps_a_letter_with_its_marks():
    text = "a" * (LABEL_WIDTH - 2) + "e\u0301\u0301" + "z" * 10
    assert shorten(text) == "a" * (LABEL_WIDTH - 2) + "…"
    assert shorten("ok") == "ok"
