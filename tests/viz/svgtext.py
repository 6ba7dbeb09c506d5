"""Reading rendered SVG back: the texts inside the element with a given id."""

from __future__ import annotations

import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    """The SVG as an XML tree (fails the test if it is not well-formed XML)."""
    return ET.fromstring(svg.encode("utf-8"))


def element(root: ET.Element, element_id: str) -> ET.Element:
    found = root.find(f".//*[@id='{element_id}']")
    assert found is not None, f"no element with id {element_id!r}"
    return found


def texts(root: ET.Element, element_id: str) -> list[str]:
    """The contents of the ``<text>`` elements inside the element ``element_id``."""
    return [t.text or "" for t in element(root, element_id).iter(f"{SVG}text")]


def text(root: ET.Element, element_id: str) -> str:
    """The single text of a cell (``<node_id>-data`` ...), figure spaces removed."""
    found = texts(root, element_id)
    assert len(found) == 1, f"{element_id}: expected one text, got {found}"
    return found[0].replace("\u2007", "").strip()


def ids(root: ET.Element) -> set[str]:
    return {e.get("id") for e in root.iter() if e.get("id")}
