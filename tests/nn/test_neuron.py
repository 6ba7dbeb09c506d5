"""Neurons, layers and MLPs: the a and h nodes, micrograd's conventions, inputs."""

from __future__ import annotations

import math
import random

import numpy as np
import pytest

from pathgrad.engine import Constant, Value
from pathgrad.nn import ACTIVATIONS, MLP, Layer, Neuron


def lecture_neuron(**options) -> Neuron:
    neuron = Neuron(2, activation="tanh", **options)
    for w, v in zip(neuron.w, (-3.0, 1.0)):
        w.data = v
    if neuron.b is not None:
        neuron.b.data = 6.881373587019543
    return neuron


def test_pre_activation_is_one_linear_node_and_activation_a_second():
    neuron = lecture_neuron()
    h = neuron([2.0, 0.0])
    assert h is neuron.h and h.op == "tanh" and h.parents == (neuron.a,)
    a = neuron.a
    assert a.op == "linear" and a.label == "a" and h.label == "h"
    assert a.parents[:2] == tuple(neuron.w) and a.parents[-1] is neuron.b
    assert [x.label for x in a.parents[2:4]] == ["x1", "x2"]
    h.backward()
    assert math.isclose(h.data, 1 / math.sqrt(2), rel_tol=1e-12)
    assert math.isclose(a.grad, 1 - h.data**2, rel_tol=1e-12)  # δ = Δ · Φ'(a)
    assert neuron.w[0].grad == pytest.approx(2.0 * 0.5)


def test_expanded_neuron_draws_products_and_has_the_same_gradients():
    compact, expanded = lecture_neuron(), lecture_neuron(expanded=True)
    x = [Value(2.0, "x1"), Value(0.0, "x2")]
    compact(x).backward()
    y = [Value(2.0, "x1"), Value(0.0, "x2")]
    out = expanded(y)
    out.backward()
    assert out.data == compact.h.data
    assert expanded.a.op == "add" and expanded.a.label == "a"
    assert {n.label for n in expanded.a.parents[0].parents} == {"w1*x1", "w2*x2"}
    for p, q in zip(compact.parameters() + x, expanded.parameters() + y):
        assert p.grad == pytest.approx(q.grad, abs=1e-15)


def test_neuron_without_bias_puts_the_constant_zero_in_the_bias_slot():
    neuron = Neuron(2, activation="sigmoid", bias=False, rng=random.Random(0))
    neuron([1.0, 2.0])
    assert [p.label for p in neuron.parameters()] == ["w1", "w2"]
    bias_slot = neuron.a.parents[-1]
    assert isinstance(bias_slot, Constant) and bias_slot.data == 0.0
    assert neuron.a.data == pytest.approx(neuron.w[0].data + 2 * neuron.w[1].data)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_each_activation_node_uses_its_op(name):
    neuron = Neuron(1, activation=name, rng=random.Random(0))
    neuron.w[0].data, neuron.b.data = 0.4, 0.1
    h = neuron(0.5)
    assert h.operation is ACTIVATIONS[name].op
    assert h.data == pytest.approx(float(ACTIVATIONS[name].forward(np.array(0.3))))


def test_micrograd_conventions():
    random.seed(1337)
    assert Neuron(3).activation.name == "relu" and not Neuron(3, nonlin=False).nonlin
    assert Neuron(3, False).activation.name == "identity"
    layer = Layer(3, 1, nonlin=False)
    assert isinstance(layer([1, 2, 3]), Value) and len(layer.outputs([1, 2, 3])) == 1
    assert isinstance(Layer(3, 2)([1, 2, 3]), list)
    model = MLP(3, [4, 4, 1])
    assert [layer.activation.name for layer in model.layers] == ["relu", "relu", "identity"]
    assert isinstance(model([2.0, 3.0, -1.0]), Value)
    assert len(MLP(3, [4, 2])([2.0, 3.0, -1.0])) == 2
    assert all(p.data == 0 for n in model.layers[0].neurons for p in [n.b])
    assert all(-1 <= w.data <= 1 for w in model.parameters())


def test_same_seed_gives_micrograds_weights_outputs_and_gradients():
    from micrograd import nn as micrograd_nn

    random.seed(42)
    theirs = micrograd_nn.MLP(2, [4, 4, 1])
    random.seed(42)
    ours = MLP(2, [4, 4, 1])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]
    x = [0.7, -1.3]
    out_theirs, out_ours = theirs(x), ours(x)
    (out_theirs * out_theirs).backward()
    (out_ours * out_ours).backward()
    assert out_ours.data == pytest.approx(out_theirs.data, abs=1e-14)
    for p, q in zip(ours.parameters(), theirs.parameters()):
        assert p.grad == pytest.approx(q.grad, abs=1e-12)


def test_inputs_may_be_floats_numpy_rows_or_values():
    model = MLP(2, [3, 1], activation="tanh", rng=random.Random(5))
    x = Value(0.5, "x1")
    outputs = [model([0.5, -1]).data, model(np.array([0.5, -1.0])).data, model((x, -1.0)).data]
    assert outputs[0] == outputs[1] == outputs[2]
    first = model.layers[0]
    assert all(n.a.parents[2] is x for n in first.neurons)  # one input node shared by every neuron


def test_bad_inputs_name_who_receives_them():
    model = MLP(2, [3, 1])
    with pytest.raises(ValueError, match="L1: expects 2 inputs, got 3"):
        model([1, 2, 3])
    with pytest.raises(TypeError, match="input x2 must be a number"):
        model([1, "a"])
    with pytest.raises(ValueError, match="input x1 must be finite"):
        model([float("nan"), 1])
    with pytest.raises(ValueError, match="unknown activation 'softplus'"):
        MLP(2, [3, 1], activation="softplus")
    with pytest.raises(ValueError, match="2 activations given for 1 hidden layers"):
        MLP(2, [3, 1], activation=["tanh", "relu"])


def test_per_layer_activations_and_no_bias_network():
    model = MLP(2, [3, 3, 2], activation=["tanh", "hardtanh"], output_activation="sigmoid", bias=False)
    assert [a.name for a in model.activations] == ["tanh", "hardtanh", "sigmoid"]
    assert len(model.parameters()) == 2 * 3 + 3 * 3 + 3 * 2


def test_the_linear_op_refuses_operands_without_a_bias_slot():
    from pathgrad.engine import DomainError, apply
    from pathgrad.engine.ops import LINEAR

    with pytest.raises(DomainError, match="linear: needs operands w_1..w_n, x_1..x_n, b .* got 4"):
        apply(LINEAR, 1.0, 2.0, 3.0, 4.0)
    assert apply(LINEAR, 1.0, 2.0, 3.0, 4.0, 0.5).data == 1.0 * 3.0 + 2.0 * 4.0 + 0.5
