"""The demos' index.html lists every SVG, PNG and HTML file, whoever wrote it."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

from demos.gallery import LECTURE, write_gallery


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
    for name in (
        "a.svg",
        "a.png",
        "b.png",
        "page.html",
        'odd <&">.svg',
        "notes.txt",
        ".hidden.svg",
        "data.csv",
    ):
        (tmp_path / name).write_text("x <y>")
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    links = Links()
    links.feed(page)
    files = {href for href in links.hrefs if not href.startswith("#")}
    assert files == {"a.svg", "a.png", "b.png", "page.html", "notes.txt", "odd%20%3C%26%22%3E.svg"}
    assert sorted(links.images) == ["a.svg", "b.png", "odd%20%3C%26%22%3E.svg"]  # SVG preferred to PNG
    assert ".hidden" not in page and "data.csv" not in page and "index.html" not in links.hrefs
    assert "odd &lt;&amp;&quot;&gt;" in page
    assert "<pre>x &lt;y&gt;</pre>" in page  # a text finding is shown as written


def test_gallery_follows_the_lecture_with_captions_and_puts_unknown_outputs_last(tmp_path: Path):
    names = (
        "moons_loss.png",
        "zz_extra.png",
        "figure_autoencoder.svg",
        "step_neuron.svg",
        "step_neuron.html",
    )
    for name in (*names, "figure_a_network_with_bias.svg", "activation_updates.txt", "autoencoder_svd.png"):
        (tmp_path / name).write_text("x")
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    order = [
        page.index(f"<b>{stem}</b>")
        for stem in (
            "figure_a_network_with_bias",  # Figure (a) opens the notes
            "figure_autoencoder",
            "autoencoder_svd",  # the SVD result beside the autoencoder figure
            "step_neuron",
            "activation_updates",
            "moons_loss",
            "zz_extra",  # no place in the lecture: last, under Other outputs
        )
    ]
    assert order == sorted(order)
    headings = [page.index(f'<h2 id="{key}">') for key, _, _ in LECTURE if f'<h2 id="{key}">' in page]
    assert headings == sorted(headings) and page.index('<h2 id="other">') > headings[-1]
    assert '<h2 id="paths">' not in page  # a section with none of its outputs is left out
    captions = dict(caption for _, _, known in LECTURE for caption in known)
    assert html.escape(captions["activation_updates"]) in page
    assert '<a href="step_neuron.html"><img src="step_neuron.svg"' in page
    assert "Interactive: open it and press →." in page


def test_a_picture_much_taller_than_wide_scrolls_in_a_frame_at_full_width(tmp_path: Path):
    (tmp_path / "tall.svg").write_text(
        '<svg width="270pt" height="7559pt" xmlns="http://www.w3.org/2000/svg"/>'
    )
    (tmp_path / "wide.svg").write_text(
        '<svg width="1000pt" height="300pt" xmlns="http://www.w3.org/2000/svg"/>'
    )
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    assert '<div class="tall"><a href="tall.svg"><img src="tall.svg"' in page
    assert '<div class="tall"><a href="wide.svg">' not in page


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


def test_a_crop_is_shown_and_opens_its_whole_picture(tmp_path: Path):
    (tmp_path / "digits_sample_neurons.svg").write_text("<svg/>")
    (tmp_path / "digits_sample_neurons.full.svg").write_text("<svg/>")
    page = write_gallery(tmp_path).read_text(encoding="utf-8")
    links = Links()
    links.feed(page)
    assert links.images == ["digits_sample_neurons.svg"]  # one entry: the crop is shown, not the whole
    assert '<a href="digits_sample_neurons.full.svg"><img src="digits_sample_neurons.svg"' in page
    assert (
        '<a href="digits_sample_neurons.full.svg">FULL SVG</a> · <a href="digits_sample_neurons.svg">SVG</a>'
        in page
    )
    assert page.count("<b>digits_sample_neurons</b>") == 1 and '<h2 id="other">' not in page
