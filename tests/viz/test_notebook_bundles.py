"""What each output hands Jupyter: pictures a sanitizer keeps, no HTML, and a page that unpacks."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
import re

import pytest

from pathgrad.engine import Value
from pathgrad.viz import draw, step
from pathgrad.viz.notebook import FIT_ABOVE_PX, PNG_MAX_WIDTH, fit_svg, png_dpi
from pathgrad.viz.step.page import compacted
from pathgrad.viz.step.pagedata import SCRIPT_VALUES


def neuron() -> Value:
    x1, w1, x2, w2, b = (
        Value(2.0, "x1"),
        Value(-3.0, "w1"),
        Value(0.0, "x2"),
        Value(1.0, "w2"),
        Value(6.88, "b"),
    )
    o = (x1 * w1 + x2 * w2 + b).tanh()
    o.label = "o"
    o.backward()
    return o


def png_width(encoded: str) -> int:
    return int.from_bytes(base64.b64decode(encoded)[16:20], "big")


def test_a_wide_diagram_fits_the_output_and_its_png_is_no_wider_than_an_output():
    data, metadata = draw(neuron())._repr_mimebundle_()
    assert set(data) == {"text/plain", "image/svg+xml", "image/png"}  # no HTML for a sanitizer to escape
    assert re.search(r'<svg[^>]* width="100%"', data["image/svg+xml"])
    assert png_width(data["image/png"]) <= PNG_MAX_WIDTH
    assert metadata["image/png"]["width"] == png_width(data["image/png"])


def test_natural_size_keeps_the_diagram_unscaled():
    data, metadata = draw(neuron()).natural_size()._repr_mimebundle_()
    assert 'width="100%"' not in data["image/svg+xml"]
    assert metadata["image/svg+xml"] == {"unconfined": True} and metadata["image/png"]["unconfined"] is True
    assert png_width(data["image/png"]) > PNG_MAX_WIDTH


def test_a_narrow_svg_keeps_its_size():
    narrow = '<svg width="300pt" height="100pt" viewBox="0 0 300 100"></svg>'
    assert fit_svg(narrow) == narrow and FIT_ABOVE_PX >= 300 * 4 / 3
    assert png_dpi(narrow) == 96
    wide = '<svg width="1500pt" height="100pt" viewBox="0 0 1500 100"></svg>'
    assert fit_svg(wide).startswith('<svg width="100%"') and png_dpi(wide) == 96 * PNG_MAX_WIDTH / 2000


def test_a_stepper_is_its_picture_then_a_script_that_carries_its_page():
    stepper = step(neuron(), mode="backward")
    shown = []
    import IPython.display

    original = IPython.display.display
    IPython.display.display = lambda data, metadata=None, raw=False: shown.append((data, metadata, raw))
    try:
        stepper._ipython_display_()
    finally:
        IPython.display.display = original
    (picture, _, raw_picture), (script, _, raw_script) = shown
    assert raw_picture and raw_script
    assert set(picture) == {"text/plain", "image/png"} and picture["text/plain"].startswith("<Stepper")
    assert set(script) == {"application/javascript", "text/plain"} and script["text/plain"] == ""
    packed = json.loads(re.search(r'var packed = ("[^"]*")', script["application/javascript"]).group(1))
    page = gzip.decompress(base64.b64decode(packed)).decode("utf-8")
    assert page == stepper.html(theme="notebook", compact=True)
    assert "</script" not in script["application/javascript"]  # safe inside nbconvert's <script>


def page_parts(page: str) -> tuple[str, str, str, dict]:
    """The page's style, script, the SHA-256 its CSP allows, and its data."""
    style = re.search(r"<style>(.*?)</style>", page, re.S).group(1)
    script = re.search(r"<script>(.*?)</script>", page, re.S).group(1)
    allowed = re.search(r"script-src 'sha256-([^']+)'", page).group(1)
    data = json.loads(
        re.search(r'<script type="application/json" id="step-data">(.*?)</script>', page, re.S).group(1)
    )
    return style, script, allowed, data


def steps(timeline: list | dict) -> list[dict]:
    """A mode's steps, one list, whether its timeline is one list or one per subject."""
    return [s for t in timeline.values() for s in t] if isinstance(timeline, dict) else timeline


def test_the_notebook_page_is_the_full_page_compacted_and_runs_its_own_script():
    stepper = step(neuron())
    full, compact = stepper.html(theme="notebook"), stepper.html(theme="notebook", compact=True)
    style, script, allowed, data = page_parts(compact)
    assert allowed == base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    assert not re.search(r"^\s|^//", script, re.M) and not re.search(r"^\s|/\*", style, re.M)
    full_style, full_script, _, full_data = page_parts(full)
    assert len(gzip.compress(script.encode())) < 0.85 * len(gzip.compress(full_script.encode()))
    assert len(style) < len(full_style)
    # the data differs only in the values the script never reads
    for mode, timeline in full_data["timelines"].items():
        for record, kept in zip(steps(timeline), steps(data["timelines"][mode]), strict=True):
            assert set(kept["values"]) <= set(SCRIPT_VALUES)
            assert kept == {**record, "values": {k: record["values"][k] for k in kept["values"]}}
            assert kept["values"].get("node") == record["values"].get("node")
    assert {**full_data, "timelines": None} == {**data, "timelines": None}
    assert "grad" in stepper.data["timelines"]["backward"][0]["values"]  # Python keeps its numbers


def test_compacting_keeps_a_comment_after_code_and_refuses_an_unknown_language():
    code = '  // a comment line\n  const url = "http://x";  // kept\n\n  /* kept */ go();\n'
    assert compacted(code, "js") == 'const url = "http://x";  // kept\n/* kept */ go();'
    assert compacted("a {\n  color: red; /* why */\n}\n", "css") == "a {\ncolor: red;\n}"
    with pytest.raises(ValueError, match="language must be one of js, css, got 'html'"):
        compacted("<p>", "html")
