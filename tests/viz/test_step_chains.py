"""δ beside Δ: a neuron's backward step written over pre-activations agrees with the engine."""

from __future__ import annotations

import math

import pytest

from demos.steppers import mlp_loss
from pathgrad.engine import topological_order
from pathgrad.viz.step import step
from pathgrad.viz.text import parse_number


def last_number(text: str) -> float:
    return parse_number(text.split("=")[-1].split()[0])


def test_the_delta_form_of_each_neuron_step_has_the_engines_numbers():
    loss = mlp_loss()
    page = step(loss, view="neuron", chain="a")
    assert page.data["chain"] == "a"
    by_label = {n.label: n for n in topological_order(loss) if n.label}
    neurons = [s for s in page.data["timelines"]["backward"] if "chains" in s]
    assert len(neurons) == 9  # 4 + 4 + 1 neurons
    for record in neurons:
        name = record["title"].split("neuron ")[-1]
        lines = [text for _, text in record["chains"]["a"]]
        assert record["chains"]["h"] == record["lines"]  # the Δ form is the step's own lines
        a, h = by_label[f"{name}.a"], by_label[f"{name}.h"]
        delta = next(t for t in lines if t.startswith(f"δ({name}) = Φ′(a) · Δ(h)"))
        assert last_number(delta) == pytest.approx(a.grad, abs=5e-4)
        phi = next(t for t in lines if t.startswith("Φ′(a) = "))
        if h.op == "tanh":
            assert "1 − h²" in phi and last_number(phi) == pytest.approx(1 - math.tanh(a.data) ** 2, abs=5e-4)
        for k in (k for k in range(1, 5) if f"{name}.w{k}" in by_label):
            weight = by_label[f"{name}.w{k}"]
            grad = next(t for t in lines if t.startswith(f"∂L/∂{name}.w{k} = δ · "))
            assert last_number(grad) == pytest.approx(weight.grad, abs=5e-4)
        bias = next(t for t in lines if t.startswith(f"∂L/∂{name}.b = δ · 1"))
        assert parse_number(bias.split("=")[2].split()[0]) == pytest.approx(
            by_label[f"{name}.b"].grad, abs=5e-4
        )


def test_a_hidden_neurons_delta_names_the_next_layers_weights_and_deltas():
    page = step(mlp_loss(), view="neuron")
    record = next(s for s in page.data["timelines"]["backward"] if s["title"].endswith("neuron L2.N3"))
    first = record["chains"]["a"][0][1]
    assert first.startswith("Δ(L2.N3.h) = Σ w · δ(next) = ")
    output = next(s for s in page.data["timelines"]["backward"] if s["title"].endswith("neuron L3.N1"))
    assert "from the loss" in output["chains"]["a"][0][1]


def test_chain_is_h_or_a():
    with pytest.raises(ValueError, match="chain must be one of"):
        step(mlp_loss(), view="neuron", chain="δ")


def test_node_by_node_each_neurons_a_step_is_also_written_in_delta_form():
    loss = mlp_loss()
    page = step(loss)
    by_label = {n.label: n for n in topological_order(loss) if n.label}
    written = [s for s in page.data["timelines"]["backward"] if "chains" in s]
    assert len(written) == 9
    for record in written:
        name = record["title"].split("Δ(", 1)[1].split(".a)")[0]
        assert record["title"].endswith(f"Δ({name}.a) is final")
        lines = [text for _, text in record["chains"]["a"]]
        delta = next(t for t in lines if t.startswith(f"δ({name}) = Φ′(a) · Δ(h)"))
        assert last_number(delta) == pytest.approx(by_label[f"{name}.a"].grad, abs=5e-4)


def test_an_output_neuron_under_softmax_cross_entropy_starts_from_o_minus_y():
    import random

    from pathgrad.engine import Value
    from pathgrad.nn import MLP
    from pathgrad.nn.losses import softmax_cross_entropy

    random.seed(2)
    model = MLP(2, [3, 3], activation="tanh")
    logits = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    loss = softmax_cross_entropy([logits], [1])
    page = step(loss, view="neuron", digits=6)
    probabilities = [math.exp(v.data) for v in logits]
    total = sum(probabilities)
    for j in range(len(logits)):
        record = next(
            r for r in page.data["timelines"]["backward"] if r["title"].endswith(f"neuron L2.N{j + 1}")
        )
        first = record["chains"]["a"][0][1]
        assert first.endswith("(softmax with cross-entropy: o − y)")
        o_minus_y = probabilities[j] / total - (1.0 if j == 1 else 0.0)
        assert parse_number(first.split("=")[-1].split()[0]) == pytest.approx(o_minus_y, abs=1e-6)
