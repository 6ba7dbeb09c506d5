"""The step page at projector size: graph text measured in Chromium, controls that stay on screen and keep the keys."""

from __future__ import annotations

import random

import pytest
from playwright.sync_api import expect

from demos.steppers import XOR_X, XOR_Y, mlp_loss
from pathgrad.engine import Value
from pathgrad.nn import MLP, SGD
from pathgrad.viz.step import step, training_stepper

pytestmark = pytest.mark.browser

READABLE_PX = 14.0

# rendered size = the text's SVG font size × the screen transform, for every graph text inside the pane
RENDERED_FONTS = """() => {
  const svg = document.querySelector('#graph svg');
  const pane = document.getElementById('graph').getBoundingClientRect();
  const out = [];
  for (const t of svg.querySelectorAll('text')) {
    const r = t.getBoundingClientRect();
    if (!t.textContent.trim() || r.width === 0) continue;
    if (r.right < pane.left || r.left > pane.right || r.bottom < pane.top || r.top > pane.bottom) continue;
    const ctm = t.getScreenCTM();
    out.push(parseFloat(getComputedStyle(t).fontSize) * Math.hypot(ctm.a, ctm.b));
  }
  return out;
}"""


def smallest_font(page) -> float:
    sizes = page.page.evaluate(RENDERED_FONTS)
    assert sizes, "no graph text inside the pane"
    return min(sizes)


@pytest.fixture(scope="module")
def network_pages(tmp_path_factory):
    folder = tmp_path_factory.mktemp("network_pages")
    random.seed(1)
    net = MLP(2, [3, 1], activation="tanh")
    trainer = training_stepper(net, XOR_X, XOR_Y, epochs=10, optimizer=SGD(net.parameters(), lr=0.2))
    x, w, b = Value(2.0, "x"), Value(-3.0, "w"), Value(6.5, "b")
    small = (x * w + b).tanh()
    small.label = "o"
    return {
        "mlp_neuron": step(mlp_loss(), view="neuron").save(folder / "mlp_neuron.html"),
        "mlp_layer": step(mlp_loss(), view="layer").save(folder / "mlp_layer.html"),
        "mlp_nodes": step(mlp_loss(), title="2-4-4-1 network, one sample: every node").save(
            folder / "nodes.html"
        ),
        "training": trainer.save(folder / "training.html"),
        "long_title": step(small, title="A very long title " * 12).save(folder / "long.html"),
        "every_mode_neuron": step(
            mlp_loss(), view="neuron", modes=("forward", "backward", "paths", "quiz", "nudge", "bugs")
        ).save(folder / "every_mode_neuron.html"),
        "small": step(small).save(folder / "small.html"),
    }


@pytest.mark.parametrize("name", ["mlp_neuron", "mlp_layer", "mlp_nodes", "training"])
@pytest.mark.parametrize("mode_hash", ["", "#mode=backward&step=0", "#mode=forward&step=0"])
def test_network_pages_open_with_graph_text_of_14_px_or_more(page, network_pages, name, mode_hash):
    if name == "training" and mode_hash:
        mode_hash = ""
    page.open(network_pages[name], mode_hash)
    assert smallest_font(page) >= READABLE_PX - 0.01


def test_the_node_page_follows_every_step_at_14_px_or_more(page, network_pages):
    page.open(network_pages["mlp_nodes"], "#mode=backward&step=0")
    total = page.counter()[1]
    for k in range(0, total + 1, 7):
        page.page.evaluate(f"location.hash = '#mode=backward&step={k}'")
        expect(page.page.locator("#counter")).to_have_text(f"step {k} / {total}")
        assert smallest_font(page) >= READABLE_PX - 0.01, k
        focus = page.page.locator(".stepgraph .node.focus rect")
        if k:
            box, pane = focus.first.bounding_box(), page.page.locator("#graph").bounding_box()
            assert pane["x"] <= box["x"] + box["width"] / 2 <= pane["x"] + pane["width"], k


def test_chrome_grows_with_the_screen(browser, network_pages):
    sizes = {}
    for width, height in ((1280, 720), (1920, 1080)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            tab = context.new_page()
            tab.goto(network_pages["small"].resolve().as_uri())
            tab.wait_for_selector("#counter:not(:empty)")
            sizes[width] = tab.evaluate(
                "parseFloat(getComputedStyle(document.getElementById('counter')).fontSize)"
            )
        finally:
            context.close()
    assert sizes[1280] >= 17 and sizes[1920] >= 1.4 * sizes[1280]


def on_screen(page, selector: str, width: int) -> bool:
    box = page.page.locator(selector).bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width + 0.5


def test_a_long_title_leaves_every_control_on_screen(page, network_pages):
    page.open(network_pages["long_title"])
    for selector in ("#mode-forward", "#mode-nudge", "#next", "#last", "#zoom", "#counter", "#panel"):
        assert on_screen(page, selector, 1280), selector


KEYS_LINE = """() => {
  const keys = document.getElementById('keys'), box = keys.getBoundingClientRect();
  return {text: keys.innerText, height: box.height, left: box.left, right: box.right,
          fontPx: parseFloat(getComputedStyle(keys).fontSize), clipped: keys.scrollWidth > keys.clientWidth,
          counterRight: document.getElementById('counter').getBoundingClientRect().right,
          buttons: [...document.querySelectorAll('#modes button')].map((b) => b.textContent)};
}"""


@pytest.mark.parametrize(
    ("name", "mode_hash"),
    [
        ("every_mode_neuron", "#mode=backward&step=1"),  # six modes and the chain button
        ("mlp_nodes", "#mode=bugs&step=1"),
        ("training", ""),
    ],
)
def test_the_footer_keys_fit_on_one_line_and_each_mode_key_is_on_its_button(
    page, network_pages, name, mode_hash
):
    page.open(network_pages[name], mode_hash)
    keys = page.page.evaluate(KEYS_LINE)
    assert keys["height"] < 1.6 * keys["fontPx"] and not keys["clipped"]  # one whole line
    assert keys["counterRight"] < keys["left"] and keys["right"] <= 1280
    assert keys["fontPx"] >= READABLE_PX - 0.01
    chain = page.page.locator("#chain").is_visible()
    assert keys["text"] == "← → step · Home/End · space play · z zoom" + (" · c δ/Δ" if chain else "")
    assert chain == (name == "every_mode_neuron")
    info = page.page.evaluate("JSON.parse(document.getElementById('step-data').textContent)")
    assert keys["buttons"] == [
        info["mode_info"][m]["label"] + info["mode_info"][m]["key"] for m in info["modes"]
    ]


def test_a_phone_never_scrolls_sideways(browser, network_pages):
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        tab = context.new_page()
        tab.goto(network_pages["small"].resolve().as_uri())
        tab.wait_for_selector("#counter:not(:empty)")
        assert tab.evaluate("document.documentElement.scrollWidth") <= 390
        for selector in ("#next", "#prev", "#panel", "#mode-quiz"):
            box = tab.locator(selector).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= 390.5, selector
    finally:
        context.close()


@pytest.mark.parametrize("name", ["mlp_neuron", "mlp_layer"])
@pytest.mark.parametrize("mode", ["forward", "backward"])
def test_the_current_steps_lines_show_without_scrolling(page, network_pages, name, mode):
    page.open(network_pages[name], f"#mode={mode}&step=0")
    for _ in range(page.counter()[1]):
        page.press("ArrowRight")
        panel = page.page.locator("#panel")
        assert panel.evaluate("p => p.scrollHeight <= p.clientHeight + 1")


def test_after_using_a_list_the_arrow_and_mode_keys_still_step(page, network_pages):
    page.open(network_pages["small"], "#mode=paths&step=0")
    page.page.select_option("#subject-select", index=2)
    page.press("ArrowRight")
    assert page.counter()[0] == 1
    page.page.select_option("#speed", "300")
    page.press("ArrowRight")
    assert page.counter()[0] == 2
    page.press("b")
    assert "active" in page.page.locator("#mode-backward").get_attribute("class")
    page.page.locator("#next").click()
    page.press("ArrowRight")
    assert page.counter()[0] == 2


def test_quiz_accepts_what_the_displayed_factors_give_and_names_a_non_number(page, network_pages):
    page.open(network_pages["small"], "#mode=quiz&step=1")
    page.page.fill("#quiz-input", "abc")
    page.page.click("#quiz-check")
    assert page.text("#quiz-feedback").startswith("not a number")
    assert page.text("#quiz-score") == ""
    page.page.locator("#quiz-choices button").first.click()
    assert page.page.locator("#quiz-choices button.chosen").count() == 1


def test_a_deep_link_names_a_node_by_its_label(page, network_pages):
    page.open(network_pages["small"], "#mode=paths&node=w&step=1")
    assert page.page.locator("#subject-select").input_value() == "n1_w"


def test_c_switches_delta_and_big_delta_at_the_same_step(page, network_pages):
    page.open(network_pages["mlp_neuron"], "#mode=backward&step=6")  # neuron L2.N2, then L2.N1
    before = page.panel()
    assert any(line.startswith("Δ(") and "+=" in line for line in before)
    page.press("c")
    assert page.counter()[0] == 6
    after = page.panel()
    assert any(line.startswith("Φ′(a) = 1 − h²") for line in after)
    assert any(line.startswith("δ(L2.N") for line in after)
    assert "chain=a" in page.page.evaluate("location.hash")
    page.press("ArrowRight")
    assert any(line.startswith("δ(L2.N") for line in page.panel())
    page.press("c")
    assert page.panel() != after
