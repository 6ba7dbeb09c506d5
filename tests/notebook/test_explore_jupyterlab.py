"""``pathgrad.viz.explore`` in a real JupyterLab, driven by Chromium: drag a slider, read the page, compare with the engine."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest
from conftest import start_server

from pathgrad.engine import topological_order
from pathgrad.engine.expression import parse
from pathgrad.viz.ids import node_id
from pathgrad.viz.text import parse_number

pytest.importorskip("anywidget", reason="the notebook extra: pip install 'pathgrad[notebook]'")
pytestmark = [pytest.mark.browser, pytest.mark.slow]

NEURON = "tanh(x1*w1 + x2*w2 + b)"
AT = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8814}
CELLS = [
    "from pathgrad.viz import explore",
    f"widget = explore({NEURON!r}, **{AT!r})\nwidget",
]


def notebook(cells: list[str]) -> dict:
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"c{k}",
                "metadata": {},
                "outputs": [],
                "source": s,
            }
            for k, s in enumerate(cells)
        ],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }


@pytest.fixture(scope="module")
def jupyterlab(tmp_path_factory):
    """The shared JupyterLab of the notebook tests (127.0.0.1, its own settings, stopped by its PID)."""
    server = start_server("lab", tmp_path_factory.mktemp("jupyterlab"))
    (server.root / "explore.ipynb").write_text(json.dumps(notebook(CELLS)))
    yield {"url": server.base, "token": server.token}
    server.stop()


@pytest.fixture
def lab(browser, jupyterlab):
    """The notebook open in JupyterLab at 1280×720 with every cell run; only the server is reachable."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(60_000)
    base = jupyterlab["url"]
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith(base) else route.abort()
    )
    tab = context.new_page()
    tab.goto(f"{base}/lab/tree/explore.ipynb?token={jupyterlab['token']}")
    tab.wait_for_selector(".jp-Notebook .jp-Cell")
    tab.wait_for_function(
        "() => window.jupyterapp && window.jupyterapp.shell.currentWidget && "
        "window.jupyterapp.shell.currentWidget.sessionContext.session && "
        "window.jupyterapp.shell.currentWidget.sessionContext.session.kernel"
    )
    tab.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
    tab.wait_for_selector(".pathgrad-explore iframe.pathgrad-page")
    tab.frame_locator(".pathgrad-explore iframe.pathgrad-page").locator("#counter:not(:empty)").wait_for()
    yield tab
    context.close()


def page_id(name: str) -> str:
    """The page id of the node labelled ``name``."""
    order = topological_order(parse(NEURON, AT))
    return next(node_id(k, n.label) for k, n in enumerate(order) if n.label == name)


def engine_numbers(values: dict) -> dict[str, tuple[float, float]]:
    """(data, grad) of every node by its page id, from the engine at ``values``."""
    root = parse(NEURON, values)
    root.label = "out"
    root.backward()
    return {node_id(k, n.label): (n.data, n.grad) for k, n in enumerate(topological_order(root))}


def page_numbers(frame, ident: str) -> tuple[float, float]:
    data = frame.locator(f"[id='{ident}-data'] text").first.text_content()
    grad = frame.locator(f"[id='{ident}-grad'] text").first.text_content()
    return parse_number(data.split()[-1]), parse_number(grad.split()[-1])


def page_data(frame, ident: str) -> float:
    return parse_number(frame.locator(f"[id='{ident}-data'] text").first.text_content().split()[-1])


def run_in_kernel(tab, code: str) -> None:
    tab.evaluate(
        "(code) => window.jupyterapp.shell.currentWidget.sessionContext.session.kernel.requestExecute({code}).done",
        code,
    )


def test_dragging_a_slider_recomputes_in_python_and_updates_the_page_in_place(lab, tmp_path):
    tab = lab
    frame = tab.frame_locator(".pathgrad-explore iframe.pathgrad-page")
    frame.locator("body").click(position={"x": 5, "y": 5})
    tab.keyboard.press("b")
    tab.keyboard.press("End")
    expected = engine_numbers(AT)
    for ident, (data, grad) in expected.items():
        assert page_numbers(frame, ident) == pytest.approx((data, grad), abs=5e-4)
    boxes = frame.locator(".stepgraph .node rect").evaluate_all(
        "rects => rects.map(r => { const b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })"
    )

    slider = tab.locator(".pathgrad-explore input[type=range][data-leaf=w1]")
    box = slider.bounding_box()
    tab.mouse.move(box["x"] + box["width"] * 0.25, box["y"] + box["height"] / 2)  # the thumb (−3 of −9 … 3)
    tab.mouse.down()
    tab.mouse.move(box["x"] + box["width"] * 0.55, box["y"] + box["height"] / 2, steps=4)
    tab.mouse.up()
    number = tab.locator(".pathgrad-explore input[type=number][aria-label=w1]")
    w1_id = page_id("w1")
    deadline = time.monotonic() + 20  # until the last value sent is the one the page shows
    while time.monotonic() < deadline:
        w1 = float(number.input_value())
        if page_numbers(frame, w1_id)[0] == pytest.approx(w1, abs=5e-4):
            break
        time.sleep(0.05)
    assert w1 != -3.0 and -9.0 <= w1 <= 3.0
    assert w1 == float(slider.input_value())
    moved = engine_numbers({**AT, "w1": w1})
    for ident, (data, grad) in moved.items():
        assert page_numbers(frame, ident) == pytest.approx((data, grad), abs=5e-4), ident
    assert frame.locator("#mode-backward").get_attribute("class") == "active"  # still in backward mode
    after = frame.locator(".stepgraph .node rect").evaluate_all(
        "rects => rects.map(r => { const b = r.getBoundingClientRect(); return [b.x, b.y, b.width, b.height]; })"
    )
    assert after == boxes  # nothing moved
    latency = tab.locator(".pathgrad-explore").get_attribute("data-latency-ms")
    print(f"slider → Python → page, neuron: {latency} ms")
    pictures = Path(os.environ.get("PATHGRAD_PICTURES", tmp_path))  # the README's picture comes from here
    tab.locator(".pathgrad-explore").scroll_into_view_if_needed()
    tab.screenshot(path=str(pictures / "explore.png"), animations="disabled")


def test_widget_set_from_python_moves_the_control_and_the_page(lab):
    tab = lab
    run_in_kernel(tab, "widget.set('b', 2.0)")
    number = tab.locator(".pathgrad-explore input[type=number][aria-label=b]")
    deadline = time.monotonic() + 20
    while number.input_value() != "2" and time.monotonic() < deadline:
        time.sleep(0.05)
    assert number.input_value() == "2"
    frame = tab.frame_locator(".pathgrad-explore iframe.pathgrad-page")
    b_id = page_id("b")
    while page_data(frame, b_id) != pytest.approx(2.0) and time.monotonic() < deadline:
        time.sleep(0.05)
    frame.locator("body").click(position={"x": 5, "y": 5})
    tab.keyboard.press("f")
    tab.keyboard.press("End")
    expected = engine_numbers({**AT, "b": 2.0})
    out = next(ident for ident in expected if ident.endswith("_out"))
    assert page_data(frame, out) == pytest.approx(expected[out][0], abs=5e-4)


def test_keys_in_the_widget_never_reach_the_notebook(lab):
    tab = lab
    cells = tab.locator(".jp-Notebook .jp-Cell").count()
    tab.locator(".jp-Notebook").click(position={"x": 2, "y": 2})  # command mode, where b inserts a cell
    slider = tab.locator(".pathgrad-explore input[type=range][data-leaf=x1]")
    slider.focus()
    for key in ("b", "a", "d", "m", "x"):
        tab.keyboard.press(key)
    tab.locator(".pathgrad-explore").focus()
    tab.keyboard.press("b")  # on the widget itself: the page's key (backward mode)
    frame = tab.frame_locator(".pathgrad-explore iframe.pathgrad-page")
    frame.locator("#mode-backward.active").wait_for()
    frame.locator("body").click(position={"x": 5, "y": 5})
    tab.keyboard.press("b")
    tab.keyboard.press("ArrowRight")
    assert tab.locator(".jp-Notebook .jp-Cell").count() == cells


def test_a_mode_shown_after_a_change_gets_the_new_numbers_and_python_can_switch_the_mode(lab):
    tab = lab
    frame = tab.frame_locator(".pathgrad-explore iframe.pathgrad-page")
    frame.locator("#mode-forward.active").wait_for()
    run_in_kernel(tab, "widget.set('w1', 1.0)")  # in forward mode: only forward is rebuilt
    w1_id, deadline = page_id("w1"), time.monotonic() + 20
    while page_data(frame, w1_id) != pytest.approx(1.0) and time.monotonic() < deadline:
        time.sleep(0.05)
    frame.locator("body").click(position={"x": 5, "y": 5})
    tab.keyboard.press("b")  # the page tells Python it shows backward; Python sends backward's new steps
    tab.keyboard.press("End")
    expected = engine_numbers({**AT, "w1": 1.0})
    while time.monotonic() < deadline:
        shown = {ident: page_numbers(frame, ident) for ident in expected}
        if all(shown[i] == pytest.approx(expected[i], abs=5e-4) for i in expected):
            break
        time.sleep(0.05)
    for ident, (data, grad) in expected.items():
        assert page_numbers(frame, ident) == pytest.approx((data, grad), abs=5e-4), ident
    run_in_kernel(tab, "widget.mode = 'paths'")
    frame.locator("#mode-paths.active").wait_for(timeout=20_000)
