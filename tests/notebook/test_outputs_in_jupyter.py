"""The lecture notebook's outputs in a real JupyterLab and Notebook 7, and in nbconvert's HTML.

Trusted (run in the app): every diagram is a picture that fits its output, every stepper
steps on keys after a click, and a key pressed in a stepper never reaches the notebook.
Untrusted (a downloaded notebook, never signed): every output is still a picture. Exported
to HTML, with and without ``--sanitize-html``: pictures, never markup shown as text.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from conftest import counter, execute, pictures, stepper_frame

pytestmark = [pytest.mark.browser, pytest.mark.notebook]

LECTURE = Path(__file__).resolve().parents[2] / "demos" / "backprop_lecture.ipynb"
STEPPERS = 4
DIAGRAMS = 1


@pytest.fixture(scope="module")
def executed_lecture(tmp_path_factory) -> Path:
    """The lecture notebook run by nbclient: outputs as a student who downloads it receives them."""
    return execute(LECTURE, tmp_path_factory.mktemp("executed") / "backprop_lecture.ipynb")


def assert_pictures_fit(shown: list[dict], count: int) -> None:
    assert len(shown) == count, shown
    for picture in shown:
        assert picture["complete"] and picture["natural"] > 0, picture
        assert 50 < picture["width"] <= picture["area"] + 1 and picture["height"] > 50, picture


def test_lecture_runs_in_jupyterlab_with_pictures_and_steppers(jupyter_server, open_notebook):
    server = jupyter_server("lab")
    notebook = open_notebook(server, server.add(LECTURE))
    cells = notebook.cells()
    notebook.command("notebook:run-all-cells")
    page = notebook.page
    page.locator(".pathgrad-stepper").nth(STEPPERS - 1).wait_for()
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
    assert_pictures_fit(pictures(page), DIAGRAMS)  # the steppers show pages, not pictures
    assert page.locator(".pathgrad-stepper").count() == STEPPERS
    page.locator(".jp-RenderedSVG img").first.scroll_into_view_if_needed()
    page.screenshot(path=str(server.root / "diagram.png"))
    for index in range(STEPPERS):
        frame = stepper_frame(page, index)
        before = counter(frame)
        page.keyboard.press("End")
        page.keyboard.press("ArrowLeft")
        assert counter(frame) > before, f"stepper {index} did not step"
    # `b`, which the notebook tells the reader to press, switches the focused stepper to
    # backward mode and inserts no cell below (JupyterLab's `b` in command mode)
    frame = stepper_frame(page, 0)
    assert frame.locator("#modes button.active").text_content().startswith("Paths")
    page.keyboard.press("b")
    assert frame.locator("#modes button.active").text_content().startswith("Backward")
    page.keyboard.press("ArrowRight")
    assert counter(frame) == 1
    assert notebook.cells() == cells
    page.screenshot(path=str(server.root / "stepper.png"))
    assert notebook.errors == []


def test_untrusted_lecture_shows_every_output_as_a_picture(jupyter_server, open_notebook, executed_lecture):
    server = jupyter_server("lab")
    notebook = open_notebook(server, server.add(executed_lecture, "downloaded.ipynb"))
    page = notebook.page
    page.locator(".jp-OutputArea-output img").nth(DIAGRAMS + STEPPERS - 1).wait_for()
    assert_pictures_fit(pictures(page), DIAGRAMS + STEPPERS)
    outputs = page.locator(".jp-OutputArea-output").all_text_contents()
    assert not [text for text in outputs if "<Diagram" in text or "<Stepper" in text or "untrusted" in text]
    assert page.locator(".pathgrad-stepper").count() == 0  # no script ran
    page.locator(".jp-OutputArea-output img").nth(DIAGRAMS + 1).scroll_into_view_if_needed()
    page.screenshot(path=str(server.root / "untrusted.png"))


def test_one_stepper_displayed_twice_gives_two_independent_pages(jupyter_server, open_notebook, tmp_path):
    notebook = nbformat.v4.new_notebook(
        metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}}
    )
    notebook.cells = [
        nbformat.v4.new_code_cell(
            "from pathgrad.engine import Value\nfrom pathgrad.viz import step\n"
            "x, w, b = Value(2.0, 'x'), Value(-3.0, 'w'), Value(6.5, 'b')\n"
            "y = (x * w + b).tanh(); y.label = 'y'\n"
            "s = step(y, mode='backward')\ns"  # three backward steps: y, x·w + b, x·w
        ),
        nbformat.v4.new_code_cell("display(s); display(s)"),
    ]
    nbformat.write(notebook, tmp_path / "twice.ipynb")
    server = jupyter_server("lab")
    opened = open_notebook(server, server.add(tmp_path / "twice.ipynb"))
    opened.command("notebook:run-all-cells")
    page = opened.page
    page.locator(".pathgrad-stepper").nth(2).wait_for()
    assert page.locator(".pathgrad-stepper").count() == 3
    presses = (1, 3, 2)
    for index, times in enumerate(presses):
        stepper_frame(page, index)  # a click gives this page the keys
        for _ in range(times):
            page.keyboard.press("ArrowRight")
    counts = [
        counter(page.locator(".pathgrad-stepper").nth(i).locator("iframe").content_frame) for i in range(3)
    ]
    assert counts == list(presses)
    assert opened.errors == []


def test_lecture_runs_in_notebook_7(jupyter_server, open_notebook):
    server = jupyter_server("notebook")
    notebook = open_notebook(server, server.add(LECTURE))
    notebook.command("notebook:run-all-cells")
    page = notebook.page
    page.locator(".pathgrad-stepper").nth(STEPPERS - 1).wait_for()
    assert_pictures_fit(pictures(page), DIAGRAMS)
    frame = stepper_frame(page, 1)
    page.keyboard.press("ArrowRight")
    assert counter(frame) == 1
    page.screenshot(path=str(server.root / "notebook7.png"))


@pytest.mark.parametrize("sanitize", [False, True], ids=["html", "sanitized-html"])
def test_html_export_shows_pictures_never_markup(executed_lecture, browser, tmp_path, sanitize):
    command = [
        sys.executable,
        "-m",
        "nbconvert",
        "--to",
        "html",
        "--output-dir",
        str(tmp_path),
        str(executed_lecture),
    ]
    if sanitize:
        command.insert(-1, "--sanitize-html")
    subprocess.run(command, check=True, capture_output=True, timeout=120)
    exported = tmp_path / "backprop_lecture.html"
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route(
        "**/*", lambda route: route.continue_() if route.request.url.startswith("file://") else route.abort()
    )
    page = context.new_page()
    page.goto(exported.as_uri())
    page.wait_for_load_state("load")
    text = page.locator("body").inner_text()
    assert (
        "&lt;" not in text
        and "<svg" not in text
        and "<iframe" not in text
        and "DecompressionStream" not in text
    )
    if sanitize:  # no script runs: every output is its picture
        assert_pictures_fit(pictures(page), DIAGRAMS + STEPPERS)
        assert page.locator(".pathgrad-stepper").count() == 0
    else:  # the diagram's picture, and each stepper's page built by its script over its picture
        page.locator(".pathgrad-stepper").nth(STEPPERS - 1).wait_for()
        assert_pictures_fit(pictures(page), DIAGRAMS)
    height = page.evaluate("() => document.documentElement.scrollHeight")
    assert height < 12_000, f"the page is {height} px tall"  # a page shown as its markup: 105,555 px
    page.screenshot(path=str(tmp_path / "export.png"), full_page=False)
    context.close()
