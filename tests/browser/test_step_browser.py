"""The step-through page in headless Chromium: the numbers it shows are the engine's."""

from __future__ import annotations

import math
import random
import re

import pytest
from playwright.sync_api import expect

from demos.neuron_values import INPUTS, neuron
from demos.steppers import XOR_X, XOR_Y, mlp_loss
from pathgrad.engine import Value, topological_order
from pathgrad.nn import MLP, SGD
from pathgrad.viz.figures import two_paths_graph
from pathgrad.viz.ids import node_id
from pathgrad.viz.step import step, training_stepper
from pathgrad.viz.text import parse_number

pytestmark = pytest.mark.browser


def lecture_neuron() -> Value:
    return neuron(*(Value(v, k) for k, v in INPUTS.items()))


def two_paths() -> Value:
    """The lecture's o = exp(w²)·sin(w²): y = w² feeds p and q, two paths from w to o."""
    return two_paths_graph(0.8)[0]


def ids(root: Value) -> dict[str, Value]:
    """Each node by its page id, after a fresh backward pass."""
    for node in topological_order(root):
        node.grad = None
    root.backward()
    return {node_id(i, n.label): n for i, n in enumerate(topological_order(root))}


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    built = {}
    for name, make in {"neuron": lecture_neuron, "two_paths": two_paths}.items():
        built[name] = step(make()).save(folder / f"{name}.html")
    built["mlp"] = step(mlp_loss(), view="neuron").save(folder / "mlp.html")
    random.seed(1)
    net = MLP(2, [3, 1], activation="tanh")
    trainer = training_stepper(net, XOR_X, XOR_Y, epochs=10, optimizer=SGD(net.parameters(), lr=0.2))
    built["training"] = trainer.save(folder / "training.html")
    built["training_data"] = trainer.data
    evil = Value(1.0, "<img src=x onerror=alert(1)>") * Value(2.0, "</script><script>alert(2)</script>")
    evil.label = "out"
    built["evil"] = step(evil).save(folder / "evil.html")
    return built


def cell(page, ident: str, field: str) -> str:
    return page.text(f"[id='{ident}-{field}'] text")


def boxes(page) -> list[dict]:
    """Each box's place in the layout (SVG coordinates: the view may follow the step, the layout never moves)."""
    return page.page.eval_on_selector_all(
        ".stepgraph .node rect",
        "rects => rects.map(r => { const b = r.getBBox(); return [r.parentNode.id, b.x, b.y, b.width, b.height]; })",
    )


def test_forward_gives_each_node_its_value_in_topological_order(page, pages):
    nodes = ids(lecture_neuron())
    page.open(pages["neuron"], "#mode=forward&step=0")
    computed = [i for i, n in nodes.items() if n.parents]
    assert all(cell(page, i, "data") == "data ?" for i in computed)
    for count, ident in enumerate(computed, 1):
        page.press("ArrowRight")
        assert page.counter() == (count, len(computed))
        assert parse_number(cell(page, ident, "data").split()[-1]) == pytest.approx(
            nodes[ident].data, abs=5e-4
        )
        for k, local in enumerate(nodes[ident].local_grads):
            assert parse_number(page.text(f"[id='{ident}-in{k}'] text")) == pytest.approx(local, abs=5e-4)
    assert "o = tanh(n) = tanh(0.881) = 0.707" in page.panel()


def test_backward_shows_each_final_grad_and_its_contributions(page, pages):
    nodes = ids(lecture_neuron())
    page.open(pages["neuron"])
    page.press("b")
    order = [i for i in reversed(list(nodes)) if nodes[i].parents]  # a leaf has no step of its own
    assert page.counter() == (0, len(order)) == (0, 5)
    for ident in order:
        page.press("ArrowRight")
        assert {"final", "focus"} <= set(page.page.locator(f"[id='{ident}']").get_attribute("class").split())
        assert parse_number(cell(page, ident, "grad").split()[-1]) == pytest.approx(
            nodes[ident].grad, abs=5e-4
        )
    for ident, node in nodes.items():
        assert "final" in page.page.locator(f"[id='{ident}']").get_attribute("class").split()
        assert parse_number(cell(page, ident, "grad").split()[-1]) == pytest.approx(node.grad, abs=5e-4)
    page.press("Home")
    x1w1 = next(i for i, n in nodes.items() if n.label == "x1*w1")
    page.press("ArrowRight", order.index(x1w1) + 1)  # x1*w1 pushes into x1 and w1: both are final now
    assert "Δ(w1) += ∂(x1*w1)/∂w1 · Δ(x1*w1) = 2.000 × 0.500 = 1.000   final (a leaf)" in page.panel()
    page.press("ArrowLeft")  # x2*w2 has pushed: x2 and w2 are final, x1 and w1 still wait
    states = {i: page.page.locator(f"[id='{i}']").get_attribute("class").split() for i in nodes}
    assert "final" in states["n3_x2"] and "final" in states["n4_w2"]
    assert "final" not in states["n0_x1"] and cell(page, "n0_x1", "grad") == "grad —"


def test_accumulating_nodes_look_different_from_final_ones(page, pages):
    page.open(pages["two_paths"], "#mode=backward&step=2")  # o and q are done, p not yet
    y = node_id(1, "y = z = f(w)")
    assert "accumulating" in page.page.locator(f"[id='{y}']").get_attribute("class")
    page.press("End")
    assert "final" in page.page.locator(f"[id='{y}']").get_attribute("class")


NON_COLOUR_LOOK = """id => {
  const g = document.getElementById(id), style = (el) => getComputedStyle(el);
  return {dashes: style(g.querySelector('rect')).strokeDasharray,
          mark: style(g.querySelector('.mark')).visibility,
          gradStyle: style(g.querySelector('.grad text')).fontStyle,
          gradWeight: style(g.querySelector('.grad text')).fontWeight};
}"""


def test_pending_accumulating_and_final_differ_by_more_than_colour(page, pages):
    """Dotted, dashed with an italic grad, or a ✓ with a bold grad: told apart in greyscale too."""
    page.open(pages["neuron"], "#mode=forward&step=0")
    pending = page.page.evaluate(NON_COLOUR_LOOK, "n9_o")
    page.open(pages["neuron"], "#mode=backward&step=2")  # n is final, its parent n6 still accumulating
    final = page.page.evaluate(NON_COLOUR_LOOK, "n8_n")
    accumulating = page.page.evaluate(NON_COLOUR_LOOK, "n6")
    computed = page.page.evaluate(NON_COLOUR_LOOK, "n2_x1_w1")  # not reached by backward yet
    assert "accumulating" in page.page.locator("[id='n6']").get_attribute("class")
    assert pending == {"dashes": "2px, 3px", "mark": "hidden", "gradStyle": "normal", "gradWeight": "400"}
    assert accumulating == {
        "dashes": "8px, 4px",
        "mark": "hidden",
        "gradStyle": "italic",
        "gradWeight": "400",
    }
    assert final == {"dashes": "none", "mark": "visible", "gradStyle": "normal", "gradWeight": "700"}
    assert computed == {"dashes": "none", "mark": "hidden", "gradStyle": "normal", "gradWeight": "400"}
    assert page.text("[id='n8_n'] .mark") == "✓"
    legend = page.text("#legend")
    assert "✓Δ final" in legend and "(dashed, italic)" in legend and "(dotted, grey)" in legend


def test_path_products_sum_to_the_grad(page, pages):
    nodes = ids(two_paths())
    page.open(pages["two_paths"])
    page.press("p")
    page.page.locator("[id='n0_w']").click()
    products = []
    while True:
        page.press("ArrowRight")
        lines = page.panel()
        if page.counter()[0] == page.counter()[1]:
            break
        products.append(parse_number(lines[2].rsplit("=", 1)[-1]))
    assert len(products) == 2
    grad = nodes["n0_w"].grad
    assert sum(products) == pytest.approx(grad, abs=2e-3)
    assert any("✓ equal" in line and f"{grad:.3f}" in line for line in lines)
    assert any("2 paths here; backprop visits 5 edges" in line for line in lines)


def test_quiz_checks_answers_and_reveals(page, pages):
    nodes = ids(lecture_neuron())
    page.open(pages["neuron"], "#mode=quiz&step=1")
    root = list(nodes)[-1]
    assert cell(page, root, "grad") == "grad ?"
    page.page.fill("#quiz-input", "1")
    page.page.click("#quiz-check")
    assert page.text("#quiz-feedback").startswith("✓")
    assert cell(page, root, "grad") == "grad 1.000"
    page.press("ArrowRight")  # n: the answer is 0.5
    page.page.fill("#quiz-input", "0.4")
    page.page.keyboard.press("Enter")
    assert page.text("#quiz-feedback").startswith("✗")
    assert parse_number(cell(page, "n8_n", "grad").split()[-1]) == pytest.approx(nodes["n8_n"].grad, abs=5e-4)
    page.press("ArrowRight")
    page.page.get_by_role("button", name="0.500", exact=True).click()
    assert page.text("#quiz-feedback").startswith("✓")
    assert page.text("#quiz-score") == "score: 2 of 3 right"


def test_nudge_shows_change_next_to_grad_times_h(page, pages):
    nodes = ids(lecture_neuron())
    page.open(pages["neuron"], "#mode=nudge&node=n1_w1&h=0.01&step=0")
    page.press("End")
    root = list(nodes)[-1]
    change, predicted = (parse_number(t) for t in cell(page, root, "grad").split(" ≈ "))
    assert predicted == pytest.approx(nodes["n1_w1"].grad * 0.01, rel=1e-3)
    x = dict(INPUTS, w1=INPUTS["w1"] + 0.01)
    exact = math.tanh(x["x1"] * x["w1"] + x["x2"] * x["w2"] + x["b"]) - nodes[root].data
    assert change == pytest.approx(exact, rel=1e-3)


def test_node_boxes_never_move(page, pages):
    page.open(pages["neuron"])
    first = boxes(page)
    assert len(first) == 10
    for start in (
        "mode=forward",
        "mode=backward",
        "mode=quiz",
        "mode=paths&node=n0_x1",
        "mode=nudge&node=n0_x1&h=0.1",
    ):
        page.page.evaluate(f"location.hash = '#{start}&step=0'")
        expect(page.page.locator("#counter")).to_have_text(re.compile(r"^step 0 / [1-9]"))
        for _ in range(page.counter()[1]):
            page.press("ArrowRight")
            assert boxes(page) == first


def test_deep_link_opens_the_step_and_stepping_updates_the_hash(page, pages):
    nodes = ids(lecture_neuron())
    page.open(pages["neuron"], "#mode=backward&step=4")
    assert page.counter() == (4, 5)
    fourth = [i for i in reversed(list(nodes)) if nodes[i].parents][3]
    assert "focus" in page.page.locator(f"[id='{fourth}']").get_attribute("class")
    assert page.text("#mode-backward").startswith("Backward") and "active" in page.page.locator(
        "#mode-backward"
    ).get_attribute("class")
    page.press("ArrowRight")
    assert page.page.evaluate("location.hash") == "#mode=backward&step=5"
    page.page.evaluate("location.hash = '#mode=paths&node=n1_w1&step=1'")
    expect(page.page.locator("#counter")).to_have_text("step 1 / 2")
    assert page.page.locator("#subject-select").input_value() == "n1_w1"


def test_play_runs_through_the_steps(page, pages):
    page.open(pages["two_paths"], "#mode=forward&step=0")
    page.page.select_option("#speed", "300")
    page.press(" ")
    expect(page.page.locator("#counter")).to_have_text(re.compile(r"^step 4 / 4$"))
    assert page.text("#play") == "▶ play"  # stopped at the end by itself


def test_a_label_with_markup_shows_as_text_and_runs_nothing(page, pages):
    page.open(pages["evil"])
    for key in ("f", "End", "b", "End", "q", "ArrowRight", "p", "n"):
        page.press(key)
    assert page.dialogs == []
    assert page.page.locator("img").count() == 0
    assert page.page.locator("#graph script, #panel script").count() == 0
    label = cell(page, node_id(0, "<img src=x onerror=alert(1)>"), "label")
    assert label == "<img src=x onerror=alert(1)>"
    page.press("b")
    page.press("End")
    assert any("<img src=x onerror=alert(1)>" in line for line in page.panel())


def test_the_page_makes_no_network_request(page, pages):
    page.open(pages["neuron"], "#mode=paths&node=n1_w1&step=2")
    for key in ("f", "End", "b", "End", "q", "End", "n"):
        page.press(key)
    assert page.blocked == []
    assert all(url.startswith("file://") for url in page.requests)


def test_neuron_view_shows_a_delta_and_h_big_delta_per_neuron_and_never_moves(page, pages):
    nodes = ids(mlp_loss())
    page.open(pages["mlp"], "#mode=backward&step=0")
    first = boxes(page)
    assert len(first) < len(nodes) / 2  # one box per neuron, not per node
    total = page.counter()[1]
    for _ in range(total):
        page.press("ArrowRight")
        assert boxes(page) == first
    for ident, node in nodes.items():
        if ident.endswith(("_a", "_h")):
            word = {"a": "δ", "h": "Δ"}[ident[-1]]
            text = cell(page, ident, "grad")
            assert text.startswith(word)
            assert parse_number(text.split()[-1]) == pytest.approx(node.grad, abs=5e-4)


def test_training_page_steps_through_fits_iterations(page, pages):
    data = pages["training_data"]
    steps = data["timelines"]["training"]
    page.open(pages["training"], "#mode=training&step=0")
    first = boxes(page)
    for record in steps:
        page.press("ArrowRight")
        assert boxes(page) == first
        assert f"batch loss {record['values']['loss']:.4f}".replace("-", "−") in page.panel()[0]
    last = steps[-1]["nodes"]
    for ident, state in last.items():
        if page.page.locator(f"[id='{ident}-data']").count():
            assert cell(page, ident, "data") == state["d"]
    assert page.page.locator("#chart line").get_attribute("x1") == str(steps[-1]["values"]["iteration"])


@pytest.mark.parametrize(
    "page_name, moment",
    [
        ("neuron", "mode=forward&step=3"),
        ("neuron", "mode=backward&step=4"),
        ("two_paths", "mode=paths&node=n0_w&step=2"),
        ("neuron", "mode=quiz&step=2"),
        ("neuron", "mode=nudge&node=n1_w1&h=0.01&step=5"),
        ("mlp", "mode=backward&step=8"),
        ("training", "mode=training&step=5"),
    ],
)
def test_each_mode_renders_a_projector_frame(page, pages, tmp_path, page_name, moment):
    page.open(pages[page_name], f"#{moment}")
    step_number = int(moment.rsplit("=", 1)[1])
    assert page.counter()[0] == step_number
    assert page.text("#step-title") and page.panel()
    graph = page.page.locator("#graph svg").bounding_box()
    assert graph["width"] > 600 and graph["height"] > 500  # the graph fills its pane at 1280×720
    shot = tmp_path / f"{page_name}-{moment.split('&')[0]}.png"
    page.page.screenshot(path=shot, animations="disabled")
    assert shot.read_bytes()[16:24] == (1280).to_bytes(4, "big") + (720).to_bytes(4, "big")  # PNG IHDR size


def test_zoom_closes_in_on_the_step_and_zooming_out_shows_the_layout_unmoved(page, pages):
    page.open(pages["mlp"], "#mode=backward&step=0&zoom=0")
    whole = boxes(page)
    page.page.evaluate("location.hash = '#mode=backward&step=2&zoom=1'")  # h − y pushes into L3.N1
    expect(page.page.locator("#counter")).to_have_text(re.compile(r"^step 2 /"))
    focus = page.page.locator(".stepgraph .node.focus rect").first
    zoomed = focus.bounding_box()
    assert "active" in page.page.locator("#zoom").get_attribute("class")
    page.press("z")
    assert page.page.evaluate("location.hash") == "#mode=backward&step=2&zoom=0"
    assert zoomed["width"] > 1.5 * focus.bounding_box()["width"]
    page.press("Home")
    assert boxes(page) == whole
    page.press("z")
    page.press("ArrowRight")
    assert page.page.evaluate("location.hash") == "#mode=backward&step=1&zoom=1"


def test_only_the_page_own_script_runs_even_if_markup_slipped_through(page, pages, tmp_path):
    """The CSP names the script's SHA-256: an inline script that escaping missed would not run."""
    html = pages["neuron"].read_text(encoding="utf-8")
    assert "script-src 'sha256-" in html and "'unsafe-inline'; img-src" not in html
    slipped = tmp_path / "slipped.html"
    slipped.write_text(html.replace("<main>", "<main><script>alert('slipped')</script>", 1), encoding="utf-8")
    page.open(slipped)
    assert page.counter()[0] == 0  # the page's own script ran
    assert page.dialogs == []
