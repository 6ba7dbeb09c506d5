"""Neurons and layers come from the graph (or the nn model), never from labels: relabelled networks group the same."""

from __future__ import annotations

import random

import pytest

from pathgrad.nn import MLP, Layer
from pathgrad.nn.module import Module
from pathgrad.viz import build_model, draw, step
from pathgrad.viz.collapse import layers_of
from pathgrad.viz.text import format_number
from svgtext import parse, texts


def network_and_loss():
    random.seed(3)
    model = MLP(2, [3, 2, 1], activation="tanh")
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    loss.label = "L"
    loss.backward()
    return model, loss


def neurons(model):
    return [neuron for layer in model.layers for neuron in layer.neurons]


def scramble_labels(model) -> None:
    """Labels that say nothing, or the wrong thing, about which neuron a node is in."""
    first, second = model.layers[0].neurons[:2]
    first.w[0].label = "weight ★"
    first.w[1].label = "L9.N9.w9"
    second.b.label = "L3.N1.b"  # claims to be the output neuron's bias
    for neuron in model.layers[1].neurons:
        for weight in neuron.w:
            weight.label = "L1.N2.w1"
    model.layers[2].neurons[0].b.label = ""
    for k, neuron in enumerate(neurons(model)):
        neuron.a.label, neuron.h.label = f"pre {k} ★", ""


def expected_groups(model, display):
    """(name, layer, short name, the ids of the neuron's own weights and bias) per nn neuron."""
    return {
        display.id_of(neuron.a): (
            neuron.label,
            neuron.label.split(".")[0],  # the test knows nn's names; the code must not parse them
            neuron.label.split(".")[1],
            {display.id_of(p) for p in (*neuron.w, neuron.b)},
        )
        for neuron in neurons(model)
    }


@pytest.mark.parametrize("given", [False, True], ids=["by shape", "by model"])
def test_relabelled_parameters_stay_in_their_own_neurons_and_layers(given):
    model, loss = network_and_loss()
    scramble_labels(model)
    display = build_model(loss, model=model if given else None)
    expected = expected_groups(model, display)
    assert len(display.groups) == len(expected) == 6
    for group in display.groups:
        name, layer, short_name, parameters = expected[group.a]
        assert (group.name, group.layer, group.short_name) == (name, layer, short_name)
        assert set(group.members) - {group.a, group.h} == parameters
        assert group.weight_names == tuple(f"w{i}" for i in range(1, len(group.weights) + 1))
    assert [(layer, [g.short_name for g in groups]) for layer, groups in layers_of(display.groups)] == [
        ("L1", ["N1", "N2", "N3"]),
        ("L2", ["N1", "N2"]),
        ("L3", ["N1"]),
    ]


def test_relabelled_network_draws_the_same_neuron_boxes_and_weight_names():
    model, loss = network_and_loss()
    before = build_model(loss)
    scramble_labels(model)
    display = build_model(loss)
    source = draw(loss, collapse="neuron").source
    assert [g.id for g in display.groups] == [g.id for g in before.groups]
    for neuron in neurons(model):
        group = next(g for g in display.groups if g.a == display.id_of(neuron.a))
        box = next(line for line in source.splitlines() if line.startswith(f'  "{group.id}" '))
        activation = "tanh" if neuron.activation.name == "tanh" else "linear"
        assert f"<b>{neuron.label} · {activation}</b>" in box
    first = model.layers[0].neurons[0]
    a = display.id_of(first.a)
    edge = next(line for line in source.splitlines() if f'id="{a}-in2"' in line)
    assert f"w1 = {format_number(first.w[0].data)}" in edge  # "weight ★" is still the neuron's w1
    assert "★" not in edge


def test_relabelled_network_draws_the_same_layers():
    model, loss = network_and_loss()
    scramble_labels(model)
    svg = parse(draw(loss, collapse="layer").svg())
    for layer, count in (("L1", 3), ("L2", 2), ("L3", 1)):
        box = texts(svg, f"layer_{layer}")
        assert [t for t in box if t.startswith("N")] == [f"N{j}" for j in range(1, count + 1)]
    matrix = texts(svg, "layer_L2-from-layer_L1")
    second = model.layers[1].neurons
    assert matrix[0] == "W₂ (3×2)"
    assert matrix[1:3] == [format_number(second[0].w[0].data), format_number(second[1].w[0].data)]


def test_relabelled_network_steps_through_the_same_neuron_boxes():
    model, loss = network_and_loss()
    scramble_labels(model)
    page = step(loss, view="neuron", modes=("backward",))
    display = build_model(loss)
    expected = expected_groups(model, display)
    for group in display.groups:
        inside = {node for node, box in page.data["boxes"].items() if box == group.id}
        assert inside == expected[group.a][3] | {group.a, group.h}
    titles = {s["title"].split(": ")[-1] for s in page.data["timelines"]["backward"]}
    assert {title for title in titles if title.startswith("neuron ")} == {
        f"neuron {neuron.label}" for neuron in neurons(model)
    }


def test_every_samples_copy_of_a_neuron_has_its_name():
    random.seed(5)
    model = MLP(2, [2, 1], activation="tanh")
    loss = sum((model([x, -x]) - 1.0) ** 2 for x in (0.5, 1.0, 2.0))
    names = [g.name for g in build_model(loss).groups]
    assert sorted(names) == sorted(["L1.N1", "L1.N2", "L2.N1"] * 3)
    assert [(layer, len(groups)) for layer, groups in layers_of(build_model(loss).groups)] == [
        ("L1", 6),
        ("L2", 3),
    ]


class Autoencoder(Module):
    """A module whose parts are not called L1, L2: the model names them, the shape cannot."""

    def __init__(self) -> None:
        self.encoder = Layer(2, 3, activation="tanh")
        self.decoder = Layer(3, 2)
        self.label_parameters()

    def __call__(self, x):
        return self.decoder.outputs(self.encoder.outputs(x))


def test_a_given_model_names_neurons_and_layers_by_its_modules():
    random.seed(2)
    model = Autoencoder()
    out = model([0.5, -1.0])
    loss = (out[0] - 0.5) ** 2 + (out[1] + 1.0) ** 2
    loss.backward()
    by_model = build_model(loss, model=model)
    assert [g.name for g in by_model.groups] == [f"encoder.N{j}" for j in (1, 2, 3)] + [
        "decoder.N1",
        "decoder.N2",
    ]
    assert [layer for layer, _ in layers_of(by_model.groups)] == ["encoder", "decoder"]
    assert {"layer_encoder", "layer_decoder"} <= {
        line.split()[0].strip('"')
        for line in draw(loss, collapse="layer", model=model).source.splitlines()[1:]
    }
    # the model's parameters are its parameters, whatever they are called
    for p in model.parameters():
        p.label = "?"
    assert {n.kind for n in build_model(loss, model=model).nodes if n.label == "?"} == {"parameter"}
    # without the model the same graph is named by its shape
    assert [g.name for g in build_model(loss).groups] == ["L1.N1", "L1.N2", "L1.N3", "L2.N1", "L2.N2"]
    page = step(loss, view="neuron", modes=("backward",), model=model)
    assert "neuron decoder.N2" in {s["title"].split(": ")[-1] for s in page.data["timelines"]["backward"]}


@pytest.mark.parametrize("call", [build_model, draw, step])
def test_model_must_be_an_nn_module(call):
    _, loss = network_and_loss()
    with pytest.raises(TypeError, match="model: needs the pathgrad.nn module that made the graph.*got list"):
        call(loss, model=[1, 2])
