r"""Random labels through ``draw``: DOT → the real ``dot`` → SVG parsed back, the text equal to the label.

Labels mix every Unicode character (surrogates and noncharacters included), TeX such as
``\Gamma_1``, Windows paths, markup, right-to-left text, combining marks and very long
runs. The text Graphviz draws must be the label as written, with only the documented
changes: characters no file can carry read U+FFFD, a tab reads as a space, and a label
longer than a box holds is shortened (the tooltip keeps the rest).
"""

from __future__ import annotations

import re
import warnings
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st
from test_parse_fuzz import SPECIAL

from fuzzing import scaled
from pathgrad.engine import Value
from pathgrad.viz import build_model, draw
from pathgrad.viz.ids import field_id
from pathgrad.viz.text import TOOLTIP_WIDTH, UnrepresentableTextWarning, shorten

# written out here, not imported: the test states the rule on its own
NONCHARACTERS = "".join(chr(c) for c in range(0xFDD0, 0xFDF0)) + "".join(
    chr(plane << 16 | low) for plane in range(17) for low in (0xFFFE, 0xFFFF)
)
UNREPRESENTABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{NONCHARACTERS}]")

PIECES = st.sampled_from(
    [r"\Gamma_1", r"\N", r"\G", r"\E", r"\T", r"\H", r"\L", r"\l", r"\r", r"\n", "\\", "\\\\", r"C:\Users\Name",
     r"\frac{a}{b}", "&amp;", "&#92;", "<b>", "</td>", "]", '"', "'", "{", "}", "|", "<", ">", "&", "%s", "$x$",
     "שלום", "مرحبا", "\u202e", "e\u0301", "👩\u200d🔬", "🇩🇪", "  ", "\n", "\r\n", "\t", "→", "中文"]
)  # fmt: skip
CHARACTERS = st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL))
LABELS = st.one_of(
    st.lists(st.one_of(PIECES, st.text(CHARACTERS, max_size=4)), min_size=1, max_size=8).map("".join),
    st.tuples(st.sampled_from(["&", '"', "\\", "x", "é", "\n"]), st.integers(50, 5000)).map(
        lambda t: t[0] * t[1]
    ),
)


def shown(label: str) -> str:
    return UNREPRESENTABLE.sub("\ufffd", label).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")


SVG = "{http://www.w3.org/2000/svg}"


def label_cell(svg: ET.Element, node_id: str) -> ET.Element:
    found = svg.find(f".//*[@id='{field_id(node_id, 'label')}']")
    assert found is not None, f"no label cell for {node_id}"
    return found


def lines_in_svg(svg: ET.Element, node_id: str) -> list[str]:
    return [(t.text or "").replace("\xa0", " ") for t in label_cell(svg, node_id).iter(f"{SVG}text")]


@settings(max_examples=scaled(40))
@given(st.lists(LABELS, min_size=1, max_size=5))
def test_random_labels_show_as_written_after_graphviz(tried, labels: list[str]):
    tried(len(labels))
    leaves = [Value(float(k), label) for k, label in enumerate(labels)]
    out = sum(leaves[1:], leaves[0] * 1.0)
    out.label = "out"
    out.backward()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnrepresentableTextWarning)
        diagram = draw(out)
        svg = ET.fromstring(diagram.svg().encode("utf-8"))  # dot ran and wrote well-formed XML
    model = build_model(out)
    for leaf, label in zip(leaves, labels):
        node = next(n for n in model.nodes if n.value is leaf)
        if not label:
            continue
        expected = [line.replace("\xa0", " ") for line in shorten(shown(label)).split("\n") if line]
        assert [line for line in lines_in_svg(svg, node.id) if line] == expected
        tooltip = (label_cell(svg, node.id).find(f"{SVG}title").text or "").replace("\xa0", " ")
        full = f"{node.kind} {shown(label)}".replace("\n", " ").replace("\xa0", " ")
        if len(full) <= TOOLTIP_WIDTH:
            assert tooltip == full
        else:
            assert full.startswith(tooltip.split("…")[0]) and tooltip.endswith("characters in all)")
    assert diagram.source.count("digraph") == 1
