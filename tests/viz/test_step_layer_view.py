"""The layer view of the step-through: vector units whose numbers are pathgrad.nn.matrix's."""

from __future__ import annotations

import random
import re

import numpy as np
import pytest
from pagestate import final_state

from pathgrad.engine import Value
from pathgrad.nn import MLP
from pathgrad.nn.losses import mse, softmax_cross_entropy
from pathgrad.nn.matrix import MatrixMLP, mse_gradient, softmax_cross_entropy_gradient
from pathgrad.viz.step import step
from pathgrad.viz.step.graph import StepGraph
from pathgrad.viz.step.settings import Settings
from pathgrad.viz.step.views import layer_view
from pathgrad.viz.text import parse_number

X = np.array([[0.5, -1.0]])


def network(sizes=(4, 4, 1), activation="tanh", seed=3) -> MLP:
    random.seed(seed)
    return MLP(2, list(sizes), activation=activation)


def squared_error(model: MLP, target: float = 1.0) -> Value:
    loss = mse([model([Value(float(v), f"x{i + 1}") for i, v in enumerate(X[0])])], [target])
    loss.label = "L"
    return loss


def ids_by_name(page) -> dict[str, str]:
    return {node["name"]: ident for ident, node in page.data["nodes"].items()}


def vector_in(text: str) -> list[float]:
    """The numbers of the last [..] in a line."""
    inside = re.findall(r"\[([^\]]*)\]", text)[-1]
    return [parse_number(v) for v in inside.split(",")]


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_every_cell_of_the_layer_view_equals_the_matrix_version(activation):
    model = network(activation=activation)
    matrices = MatrixMLP.from_mlp(model)
    forward = matrices.forward(X)
    loss = squared_error(model)
    grads = matrices.backward(forward, mse_gradient(forward.result, [[1.0]]))
    page = step(loss, view="layer", digits=8)
    state, ids = final_state(page), ids_by_name(page)
    for r, layer in enumerate(model.layers):
        for j, neuron in enumerate(layer.neurons):
            a, h = state[ids[neuron.a.label]], state[ids[neuron.h.label]]
            assert parse_number(a["d"]) == pytest.approx(forward.pre_activations[r][0, j], abs=1e-8)
            assert parse_number(a["g"]) == pytest.approx(grads.deltas[r][0, j], abs=1e-8)
            assert parse_number(h["d"]) == pytest.approx(forward.outputs[r + 1][0, j], abs=1e-8)
            for i, w in enumerate(neuron.w):
                assert parse_number(state[ids[w.label]]["g"]) == pytest.approx(
                    grads.weights[r][i, j], abs=1e-8
                )
            assert parse_number(state[ids[neuron.b.label]]["g"]) == pytest.approx(
                grads.biases[r][j], abs=1e-8
            )


def test_a_weight_box_is_W_r_with_neuron_js_weight_on_input_i_in_row_i_column_j():
    model = network()
    graph = StepGraph(squared_error(model))
    view = layer_view(graph, Settings(view="layer"))
    label = {ident: graph.names[node] for node, ident in graph.ids.items()}
    matrices = [box for box in view.boxes if "matrix" in box.classes]
    assert [box.header for box in matrices] == ["W₁  2×4", "W₂  4×4", "W₃  4×1"]
    for r, (box, layer) in enumerate(zip(matrices, model.layers), start=1):
        values = [row for row in box.rows if all(kind == "data" for _, kind in row)]
        grads = [row for row in box.rows if all(kind == "grad" for _, kind in row)]
        expected = [[f"L{r}.N{j + 1}.w{i + 1}" for j in range(len(layer.neurons))] for i in range(layer.nin)]
        assert [[label[ident] for ident, _ in row] for row in values] == expected
        assert [[label[ident] for ident, _ in row] for row in grads] == expected
        assert any(
            box.rows[k]
            == ((f"∂L/∂W{'₁₂₃'[r - 1]} = {'x' if r == 1 else 'h' + '₀₁₂'[r - 1]} δ{'₁₂₃'[r - 1]}ᵀ", "text"),)
            for k in range(len(box.rows))
        )
    layers = [box for box in view.boxes if "layer" in box.classes.split()]
    assert [box.header for box in layers] == ["L1 · tanh · ℝ⁴", "L2 · tanh · ℝ⁴", "L3 · linear · ℝ¹"]
    assert layers[0].rows[0] == (
        ("", "text"),
        ("b", "text"),
        ("a", "text"),
        ("δ", "text"),
        ("h", "text"),
        ("Δ", "text"),
    )
    # each drawn edge links x → W₁ → L1 → W₂ → L2 → W₃ → L3 → the loss, and carries no text
    order = {box.id: k for k, box in enumerate(view.boxes)}
    assert not view.edge_labels
    chain = [(tail, head) for _, tail, head in view.edges if tail in order and head in order][:6]
    assert [view.boxes[order[t]].title for t, _ in chain] == [
        "inputs x",
        "W₁",
        "layer L1",
        "W₂",
        "layer L2",
        "W₃",
    ]


def test_each_layer_step_is_written_with_vectors_in_both_chain_variables():
    model = network()
    matrices = MatrixMLP.from_mlp(model)
    forward = matrices.forward(X)
    grads = matrices.backward(forward, mse_gradient(forward.result, [[1.0]]))
    page = step(squared_error(model), view="layer", digits=6)
    steps = {record["title"].split(": ", 1)[1]: record for record in page.data["timelines"]["backward"]}
    for r in (1, 2, 3):
        record = steps[f"layer L{r}"]
        sub = "₁₂₃"[r - 1]
        delta_form = [text for _, text in record["chains"]["a"]]
        big_form = [text for _, text in record["chains"]["h"]]
        assert big_form == [text for _, text in record["lines"]]
        delta = next(t for t in delta_form if t.startswith(f"δ{sub} = Φ′(a{sub}) ⊙ "))
        assert vector_in(delta) == pytest.approx(grads.deltas[r - 1][0], abs=1e-6)
        assert next(t for t in big_form if t.startswith(f"δ{sub} = Φ′(a{sub}) ⊙ Δ{sub} = "))
        if r < 3:
            nxt = "₁₂₃"[r]
            assert any(t.startswith(f"δ{sub} = Φ′(a{sub}) ⊙ W{nxt} δ{nxt}") for t in delta_form)
            assert any(t.startswith(f"Δ{sub} = W{nxt} (Φ′(a{nxt}) ⊙ Δ{nxt}) = ") for t in big_form)
            phi = next(t for t in delta_form if t.startswith(f"Φ′(a{sub}) = 1 − h{sub}² = "))
            assert vector_in(phi) == pytest.approx(1 - forward.outputs[r][0] ** 2, abs=1e-6)
        previous = "x" if r == 1 else f"h{'₀₁₂'[r - 1]}"
        assert any(t.startswith(f"∂L/∂W{sub} = {previous} δ{sub}ᵀ") for t in delta_form)
    inputs = next(t for _, t in steps["layer L1"]["chains"]["a"] if t.startswith("∂L/∂x = W₁ δ₁ = "))
    assert vector_in(inputs) == pytest.approx(grads.inputs[0], abs=1e-6)
    forward_steps = {r["title"].split(": ", 1)[1]: r for r in page.data["timelines"]["forward"]}
    pre = next(t for _, t in forward_steps["layer L2"]["lines"] if t.startswith("a₂ = W₂ᵀ h₁ + b₂ = "))
    assert vector_in(pre) == pytest.approx(forward.pre_activations[1][0], abs=1e-6)


def test_softmax_with_cross_entropy_starts_from_o_minus_y():
    random.seed(5)
    model = MLP(2, [3, 3], activation="tanh")
    logits = model([Value(0.5, "x1"), Value(-1.0, "x2")])
    page = step(softmax_cross_entropy([logits], [2]), view="layer", digits=6)
    matrices = MatrixMLP.from_mlp(model)
    forward = matrices.forward(X)
    start = softmax_cross_entropy_gradient(forward.result, [2])[0]
    output = next(r for r in page.data["timelines"]["backward"] if r["title"].endswith("layer L2"))
    line = next(t for _, t in output["chains"]["a"] if t.startswith("∂L/∂h₂ = "))
    assert "softmax with cross-entropy: o − y" in line
    assert vector_in(line) == pytest.approx(start, abs=1e-6)


def test_forward_backward_quiz_and_nudge_step_in_the_layer_view_and_paths_are_refused():
    loss = squared_error(network())
    page = step(loss, view="layer", modes=("forward", "backward", "quiz", "nudge"))
    assert page.data["modes"] == ["forward", "backward", "quiz", "nudge"]
    assert [r["title"].split(": ", 1)[1] for r in page.data["timelines"]["forward"][:3]] == [
        "layer L1",
        "layer L2",
        "layer L3",
    ]
    assert step(loss, view="layer").data["modes"] == ["forward", "backward", "quiz"]
    with pytest.raises(ValueError, match=r"mode\(s\) paths cannot be shown in view='layer'"):
        step(loss, view="layer", modes=("paths",))
    with pytest.raises(ValueError, match="view='layer': the graph has no neurons"):
        step(Value(1.0, "x") * 2, view="layer")


def test_a_wide_layer_lists_ten_neurons_and_says_how_many_more():
    loss = squared_error(network(sizes=(12, 1)))
    view = layer_view(StepGraph(loss), Settings(view="layer"))
    first = next(box for box in view.boxes if box.title == "layer L1")
    assert len(first.rows) == 1 + 10 + 1 and first.rows[-1] == (("… 2 more", "text"),)
    matrix = next(box for box in view.boxes if box.title == "W₁")
    assert all(row[-1] == ("…", "text") for row in matrix.rows if len(row) > 1)
