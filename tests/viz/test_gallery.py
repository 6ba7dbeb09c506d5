"""The demos' index.html lists every SVG, PNG and HTML file, whoever wrote it."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from demos.gallery import write_gallery


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []
        self.images: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a":
            self.hrefs.append(attributes["href"])
        if tag == "img":
            self.images.append(attributes["src"])


def test_gallery_lists_every_output_and_escapes_names(tmp_path: Path):
    for name in ("a.svg", "a.png", "b.png", "page.html", 'odd <&">.svg', "notes.txt", ".hidden.svg"):
        (tmp_path / name).write_text("x")
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    links = Links()
    links.feed(page)
    files = {href for href in links.hrefs if not href.startswith("#")}
    assert files == {"a.svg", "a.png", "b.png", "page.html", "odd%20%3C%26%22%3E.svg"}
    assert sorted(links.images) == ["a.svg", "b.png", "odd%20%3C%26%22%3E.svg"]  # SVG preferred to PNG
    assert "notes.txt" not in page and ".hidden" not in page and "index.html" not in links.hrefs
    assert "odd &lt;&amp;&quot;&gt;" in page


def test_gallery_puts_step_pages_first_then_figures_and_a_page_opens_from_its_picture(tmp_path: Path):
    for name in ("moons.png", "neuron.svg", "figure_a.svg", "step_neuron.svg", "step_neuron.html"):
        (tmp_path / name).write_text("x")
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    headings = [page.index(f'<h2 id="{key}">') for key in ("pages", "figures", "diagrams", "plots")]
    assert headings == sorted(headings)
    order = [
        page.index(f'src="{name}"') for name in ("step_neuron.svg", "figure_a.svg", "neuron.svg", "moons.png")
    ]
    assert order == sorted(order)
    assert '<a href="step_neuron.html"><img src="step_neuron.svg"' in page


def test_lecture_figures_demo_writes_svg_and_png(tmp_path: Path):
    from demos.__main__ import run

    findings = run(tmp_path, quick=True, only=["lecture_figures"])
    result = findings["demos.lecture_figures"]
    assert result["files"] == 2 * result["figures"]
    sum_text, grad_text = result["two paths: sum = backward grad"].split(" = ")
    assert sum_text == grad_text
    names = {p.name for p in tmp_path.iterdir()}
    assert {
        "index.html",
        "figure_two_paths.svg",
        "figure_two_paths.png",
        "figure_d_vector_units.svg",
    } <= names
    for png in tmp_path.glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
