"""Neuron and layer views of a pathgrad.nn.MLP show each neuron's a, h, Φ'(a), δ, Δ from the engine."""

from __future__ import annotations

import random

import pytest

from pathgrad.engine import Value
from pathgrad.nn import MLP
from pathgrad.viz import GraphTooLargeError, build_model, draw
from pathgrad.viz.collapse import layers_of
from pathgrad.viz.ids import field_id
from pathgrad.viz.text import format_number
from svgtext import parse, text, texts


def trained_step():
    random.seed(7)
    model = MLP(2, [3, 2, 1], activation="tanh")
    out = model([0.5, -1.5])
    loss = (out - 1.0) ** 2
    loss.label = "L"
    loss.backward()
    return model, loss


def test_neuron_view_shows_a_h_delta_and_Delta_of_every_neuron():
    model, loss = trained_step()
    display = build_model(loss)
    svg = parse(draw(loss, collapse="neuron").svg())
    neurons = [n for layer in model.layers for n in layer.neurons]
    assert len(display.groups) == len(neurons) == 6
    for neuron in neurons:
        a, h = display.id_of(neuron.a), display.id_of(neuron.h)
        assert text(svg, field_id(a, "data")) == format_number(neuron.a.data)
        assert text(svg, field_id(a, "grad")) == format_number(neuron.a.grad)  # δ = ∂L/∂a
        assert text(svg, field_id(h, "data")) == format_number(neuron.h.data)
        assert text(svg, field_id(h, "grad")) == format_number(neuron.h.grad)  # Δ = ∂L/∂h
        # δ = Φ'(a)·Δ: 1 − h² for the tanh layers, 1 for the linear output
        phi_prime = 1.0 if neuron.activation.name == "identity" else 1 - neuron.h.data**2
        assert neuron.a.grad == pytest.approx(phi_prime * neuron.h.grad)
        group = next(g for g in display.groups if g.a == a)
        box = [t.replace("\u2007", "").strip() for t in texts(svg, group.id)]
        assert box[box.index("Φ′(a)") + 1] == format_number(phi_prime)  # the box shows the same Φ'(a)
        title = "tanh" if neuron.activation.name == "tanh" else "linear"  # the lecture's word, not "id"
        assert text(svg, field_id(group.id, "label")) == f"{neuron.label} · {title}"


def test_neuron_view_puts_weights_and_their_grads_on_the_edges():
    model, loss = trained_step()
    display = build_model(loss)
    svg = parse(draw(loss, collapse="neuron").svg())
    neuron = model.layers[1].neurons[0]
    a = display.id_of(neuron.a)
    n = len(neuron.w)
    for k, w in enumerate(neuron.w):
        shown = texts(svg, f"{a}-in{n + k}")
        assert shown == [f"w{k + 1} = {format_number(w.data)}", f"∂L/∂w{k + 1} = {format_number(w.grad)}"]
        # ∂L/∂w = δ · x (the lecture's last step)
        assert w.grad == pytest.approx(neuron.a.grad * neuron.a.parents[n + k].data)


def test_layer_view_has_one_unit_per_layer_and_the_weight_matrices():
    model, loss = trained_step()
    source = draw(loss, collapse="layer").source
    svg = parse(draw(loss, collapse="layer").svg())
    assert {"layer_L1", "layer_L2", "layer_L3", "vector_x"} <= {
        e.get("id") for e in svg.iter() if e.get("id")
    }
    matrix = texts(svg, "layer_L2-from-layer_L1")
    assert matrix[0] == "W₂ (3×2)"
    w = model.layers[1].neurons
    assert matrix[1:3] == [format_number(w[0].w[0].data), format_number(w[1].w[0].data)]
    assert format_number(w[0].w[0].grad) in matrix
    assert "ℝ³" in source


def test_hand_built_neurons_are_named_by_depth_as_nn_names_them():
    from pathgrad.engine import apply
    from pathgrad.engine.ops import LINEAR

    x = Value(1.0, "x")
    a1 = apply(LINEAR, Value(0.5, "p"), x, Value(0.1, "q"))
    a2 = apply(LINEAR, Value(0.2, "r"), a1.tanh(), Value(0.0, "s"))
    groups = build_model(a2.tanh()).groups
    assert [name for name, _ in layers_of(groups)] == ["L1", "L2"]
    assert [g.name for g in groups] == ["L1.N1", "L2.N1"]


def test_collapse_without_neurons_says_so():
    with pytest.raises(ValueError, match="no neurons"):
        draw(Value(1.0, "x") * 2, collapse="neuron")


def test_big_network_suggests_collapse_and_collapsed_view_fits():
    random.seed(0)
    model = MLP(8, [16, 16, 1])
    out = model([0.1] * 8)
    with pytest.raises(GraphTooLargeError, match="collapse='neuron'"):
        draw(out)
    assert "layer_L2" in draw(out, collapse="layer").source
    # 33 neuron boxes are few, but their 400 labelled edges would make a picture metres tall
    with pytest.raises(GraphTooLargeError, match="labelled edges in the neuron view.*collapse='layer'"):
        draw(out, collapse="neuron")


def test_a_neuron_views_weight_edge_is_coloured_by_the_gradient_written_on_it():
    from pathgrad.viz.figures import pre_post_activation_graph
    from pathgrad.viz.ids import edge_id
    from pathgrad.viz.theme import get_theme

    loss = pre_post_activation_graph()  # x2 = −2 < 0, so ∂L/∂w2 = δ·x2 > 0 while w2·δ < 0
    display = build_model(loss)
    (group,) = display.groups
    w2 = display.node(group.weights[1]).value
    assert w2.grad > 0
    source = draw(loss, collapse="neuron").source
    line = next(line for line in source.splitlines() if f'id="{edge_id(group.a, 3)}"' in line)
    assert f"∂L/∂w2 = {format_number(w2.grad)}" in line
    assert get_theme("projector").negative not in line  # blue like the positive number it carries


def test_layer_view_shows_each_units_bias():
    model, loss = trained_step()
    for neuron in model.layers[1].neurons:
        neuron.b.data = 0.125 * (1 + model.layers[1].neurons.index(neuron))
    out = model([0.5, -1.5])
    loss = (out - 1.0) ** 2
    loss.backward()
    svg = parse(draw(loss, collapse="layer").svg())
    box = texts(svg, "layer_L2")
    assert box[2:7] == ["b", "a", "δ", "h", "Δ"]
    for row, neuron in zip(("N1", "N2"), model.layers[1].neurons):
        start = box.index(row)
        assert box[start + 1 : start + 4] == [
            format_number(neuron.b.data),
            format_number(neuron.a.data),
            format_number(neuron.a.grad),  # δ, which is also ∂L/∂b
        ]
    assert format_number(0.125) in box and format_number(0.25) in box
