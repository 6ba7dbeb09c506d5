"""Bugs mode in Chromium: key x shows each bug's wrong grads beside the right ones, from pathgrad.engine.bugs."""

from __future__ import annotations

import pytest

from pathgrad.engine.bugs import run_bug
from pathgrad.engine.expression import parse
from pathgrad.viz import step
from pathgrad.viz.step.graph import StepGraph
from pathgrad.viz.step.words import number

pytestmark = pytest.mark.browser


def test_key_x_steps_through_the_bugs_with_the_engines_numbers(page, tmp_path):
    root = parse("cos(w**2) * sin(w**2)", {"w": 0.5})
    root.label = "o"
    saved = step(root).save(tmp_path / "two_paths.html")
    ids = StepGraph(root).ids
    page.open(saved)
    page.press("x")
    page.press("ArrowRight")
    assert page.counter() == (1, 4)
    report = run_bug("assign", root)
    for node, right, wrong in zip(report.nodes, report.right, report.wrong):
        cell = page.text(f"[id='{ids[node]}-grad'] text")
        if abs(right - wrong) > 1e-12:
            assert cell == f"grad {number(right)} ≠ {number(wrong)}"
            assert "wrong" in page.page.locator(f"[id='{ids[node]}']").get_attribute("class")
        else:
            assert cell == f"grad {number(right)}"
    assert "focus" in page.page.locator(f"[id='{ids[report.parted_at]}']").get_attribute("class")
    assert report.why in page.panel()
    page.press("ArrowRight")  # breadth first changes nothing on this graph, and says where it would
    assert "Nothing changes on this graph. It shows on: x*w + exp(x*w)" in page.panel()
