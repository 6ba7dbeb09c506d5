"""A fair quiz (what the displayed factors give counts as right) and an honest nudge (ε, the second-order error)."""

from __future__ import annotations

import pytest

from pathgrad.engine import Value
from pathgrad.viz.figures import two_paths_graph
from pathgrad.viz.step import step
from pathgrad.viz.text import parse_number


def right(question: dict, typed: str) -> bool:
    """What the page's script decides for a typed answer."""
    value = parse_number(typed)
    return any(abs(value - a) <= question["quiz"]["tolerance"] for a in question["quiz"]["accepted"])


def test_the_product_of_the_displayed_factors_counts_as_right():
    o = two_paths_graph(0.8)[0]
    questions = step(o, modes=("quiz",)).data["timelines"]["quiz"]
    y = next(q for q in questions if q["title"].startswith("Quiz 4/"))  # Δ(y): two terms, each rounded
    answer = y["quiz"]["answer"]
    assert f"{answer:.3f}" == "2.654"
    assert right(y, "2.654") and right(y, "2.653")  # the true value, and 1.896·… + 0.597·… as displayed
    assert not right(y, "2.650") and not right(y, "−2.654")


def test_nudge_names_its_step_epsilon_and_shows_the_second_order_error():
    x, w = Value(0.5, "x"), Value(1.5, "w")
    o = (x * w).tanh()
    o.label = "o"
    data = step(o, modes=("nudge",)).data
    assert data["mode_info"]["nudge"]["variant"] == "ε"
    differences = {}
    for eps in ("0.1", "0.01"):
        walk = data["timelines"]["nudge"][f"n1_w|{eps}"]
        assert walk[0]["title"] == f"Nudge w by ε = {eps}"
        last = walk[-1]
        texts = [text for _, text in last["lines"]]
        assert any(t.startswith("actual change") for t in texts)
        assert any(t.startswith("predicted ∂o/∂w · ε") for t in texts)
        assert any("second-order" in t and "ε²" in t for t in texts)
        values = last["values"]
        differences[eps] = values["change"] - values["predicted"]
    # the linearisation error shrinks like ε²: 10× smaller ε, about 100× smaller difference
    assert differences["0.1"] / differences["0.01"] == pytest.approx(100, rel=0.15)


def test_nudge_works_in_the_neuron_view_when_asked_for():
    from demos.steppers import mlp_loss

    page = step(mlp_loss(), view="neuron", modes=("backward", "nudge"))
    walk = page.data["timelines"]["nudge"][f"{page.data['chosen']['nudge']}|0.01"]
    assert walk[0]["title"].startswith("Nudge ") and "ε = 0.01" in walk[0]["title"]
    assert "nudge" not in step(mlp_loss(), view="neuron").data["modes"]  # hundreds of timelines: on request
