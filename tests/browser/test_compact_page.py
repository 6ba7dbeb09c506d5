"""The compact page a notebook carries steps exactly like the full page ``pathgrad step`` writes.

Compact is the full page with its script and style compacted and its data cut to what the
script reads; nothing the reader sees may change, in any mode, subject, variant or step.
"""

from __future__ import annotations

import random

import pytest

from demos.neuron_values import INPUTS, neuron
from demos.steppers import XOR_X, XOR_Y, mlp_loss
from pathgrad.engine import Value
from pathgrad.nn import MLP, SGD
from pathgrad.viz.step import Stepper, step, training_stepper

pytestmark = pytest.mark.browser

SHOWN = """() => [document.querySelector("main").innerHTML, document.getElementById("counter").textContent,
  document.getElementById("modes").innerHTML, document.getElementById("chain").textContent]"""


def walk(page, path, data: dict, modes: list[str], chain: bool) -> list:
    """What the page shows at every step of ``modes``, for each subject and variant, then after a click on each node."""
    page.open(path)
    seen = []
    for mode in modes:
        page.page.click(f"#modes button[data-mode='{mode}']")
        for subject in [s for s, _ in data["subjects"].get(mode, [])] or [None]:
            if subject is not None:
                page.page.select_option("#subject-select", subject)
            for variant in data["variants"].get(mode) or [None]:
                if variant is not None:
                    page.page.select_option("#variant-select", variant)
                for _ in range(2 if chain else 1):
                    page.press("Home")
                    seen.append(page.page.evaluate(SHOWN))
                    for _ in range(page.counter()[1]):
                        page.press("ArrowRight")
                        seen.append(page.page.evaluate(SHOWN))
                    if chain:
                        page.press("c")
        for node in page.page.locator(".stepgraph .node").all():
            node.dispatch_event("click")  # a step is found by its values' node
            seen.append(page.page.evaluate(SHOWN))
    return seen


def neuron_stepper() -> Stepper:
    return step(neuron(*(Value(v, k) for k, v in INPUTS.items())))


def mlp_stepper() -> Stepper:
    return step(mlp_loss(), view="neuron", theme="notebook")


def trainer() -> Stepper:
    random.seed(1)
    net = MLP(2, [3, 1], activation="tanh")
    return training_stepper(net, XOR_X, XOR_Y, epochs=6, optimizer=SGD(net.parameters(), lr=0.2))


@pytest.mark.parametrize(
    "make, modes, chain",
    [
        (neuron_stepper, None, False),
        (mlp_stepper, ["backward"], True),
        (trainer, None, False),
    ],
    ids=["neuron, every mode", "neuron view, both chain forms", "training"],
)
def test_the_compact_page_shows_what_the_full_page_shows(page, tmp_path, make, modes, chain):
    stepper = make()
    full, compact = tmp_path / "full.html", tmp_path / "compact.html"
    full.write_text(stepper.html(), encoding="utf-8")
    compact.write_text(stepper.html(compact=True), encoding="utf-8")
    modes = modes or stepper.data["modes"]
    shown = walk(page, full, stepper.data, modes, chain)
    assert len(shown) > 15
    assert walk(page, compact, stepper.data, modes, chain) == shown
    assert page.errors == [] and page.blocked == []
