"""Saving diagrams: valid PNG/PDF/SVG/DOT, atomic writes, and a clear error without Graphviz."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pathgrad.engine import Value
from pathgrad.viz import Diagram, GraphvizNotFoundError, draw
from svgtext import parse


def small() -> Value:
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    out = (x * w).tanh()
    out.backward()
    return out


def test_save_chooses_the_format_by_extension(tmp_path: Path):
    diagram = draw(small())
    png, pdf, svg, dot = (diagram.save(tmp_path / f"graph.{ext}") for ext in ("png", "pdf", "svg", "dot"))
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5_000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 2_000
    parse(svg.read_text(encoding="utf-8"))
    assert dot.read_text(encoding="utf-8") == diagram.source
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.dot", "graph.pdf", "graph.png", "graph.svg"]


def test_unknown_extension_is_refused_and_writes_nothing(tmp_path: Path):
    with pytest.raises(ValueError, match=r"unknown extension '\.jpg'"):
        draw(small()).save(tmp_path / "graph.jpg")
    assert list(tmp_path.iterdir()) == []


def test_png_is_larger_than_svg_points_for_a_projector(tmp_path: Path):
    import struct

    png = draw(small()).save(tmp_path / "g.png").read_bytes()
    width, height = struct.unpack(">II", png[16:24])
    assert width > 600 and height > 150


def test_jupyter_gets_svg():
    bundle, _ = draw(small())._repr_mimebundle_()
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")


def test_without_dot_the_error_says_how_to_install_it(monkeypatch, tmp_path: Path):
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no dot
    diagram = draw(small())
    assert "digraph" in diagram.source
    with pytest.raises(GraphvizNotFoundError) as caught:
        diagram.save(tmp_path / "graph.svg")
    message = str(caught.value)
    for command in (
        "apt-get install graphviz",
        "brew install graphviz",
        "conda install -c conda-forge graphviz",
    ):
        assert command in message
    assert not (tmp_path / "graph.svg").exists()
    data, _ = diagram._repr_mimebundle_()
    assert "apt-get install graphviz" in data["text/plain"]


def test_without_dot_the_command_line_exits_1_with_the_message(tmp_path: Path):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = subprocess.run(
        [sys.executable, "-m", "pathgrad.viz", "draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.svg")],
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": str(empty)},
        cwd=Path(__file__).parents[2],
        check=False,
    )
    assert result.returncode == 1
    assert "brew install graphviz" in result.stderr
    assert not (tmp_path / "g.svg").exists()


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="unknown Graphviz engine"):
        Diagram("digraph {}", engine="circo")


def test_saved_files_are_as_readable_as_any_new_file_and_never_partial(tmp_path: Path, monkeypatch):
    umask = os.umask(0o022)
    try:
        saved = draw(small()).save(tmp_path / "graph.svg")
    finally:
        os.umask(umask)
    assert saved.stat().st_mode & 0o777 == 0o644  # not mkstemp's 0o600: a web server can serve it

    def fail(*_):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        draw(small()).save(tmp_path / "other.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.svg"]
