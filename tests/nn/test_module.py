"""Module contract: names and labels from the place, state, JSON files, repr."""

from __future__ import annotations

import json
import os
import random

import pytest

from pathgrad.engine import Value
from pathgrad.nn import MLP, Layer, Module, Neuron, StateError


def test_parameters_are_named_and_labelled_by_their_place():
    model = MLP(2, [3, 1], rng=random.Random(0))
    names = [name for name, _ in model.named_parameters()]
    assert names[:4] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b", "L1.N2.w1"]
    assert names[-1] == "L2.N1.b"
    assert len(names) == 3 * 3 + 4
    assert [p.label for p in model.parameters()] == names
    assert model.layers[1].neurons[0].label == "L2.N1"


def test_standalone_neuron_and_layer_labels():
    assert [p.label for p in Neuron(2).parameters()] == ["w1", "w2", "b"]
    assert [p.label for p in Layer(2, 2).parameters()][-1] == "N2.b"


class Tied(Module):
    """A user module sharing one neuron twice (found among the attributes)."""

    def __init__(self) -> None:
        self.first = Neuron(1, rng=random.Random(1))
        self.second = self.first
        self.scale = Value(2.0)


def test_named_parameters_from_attributes_are_deduplicated():
    tied = Tied()
    names = [name for name, _ in tied.named_parameters()]
    assert names == ["scale", "first.w1", "first.b"]
    assert tied.parameters() == [value for _, value in tied.named_parameters()]


@pytest.mark.parametrize("bias", [True, False])
def test_each_module_own_parameters_are_its_named_own_parameters(bias):
    model = MLP(3, [4, 2], bias=bias, rng=random.Random(2))
    for _, module in model.named_modules():
        assert module.own_parameters() == [value for _, value in module.named_own_parameters()]
    assert model.parameters() == [value for _, value in model.named_parameters()]


class MicrogradStyle(Module):
    """micrograd's way: only ``parameters()`` is overridden."""

    def __init__(self) -> None:
        self.p = [Value(1.0), Value(2.0)]

    def parameters(self):
        return self.p


def test_zero_grad_uses_an_overridden_parameters():
    module = MicrogradStyle()
    for p in module.p:
        p.grad = 5.0
    module.zero_grad()
    assert [p.grad for p in module.p] == [0.0, 0.0]


def test_train_and_eval_return_self_and_reach_every_module():
    model = MLP(2, [2, 1])
    assert model.eval() is model
    assert not any(m.training for _, m in model.named_modules())
    assert model.train() is model and model.layers[0].neurons[1].training


def test_repr_is_nested_and_readable():
    text = repr(MLP(2, [16, 16, 1]))
    assert text.splitlines() == [
        "MLP(2-16-16-1",
        "  (L1): Layer(2 → 16, activation=relu)",
        "  (L2): Layer(16 → 16, activation=relu)",
        "  (L3): Layer(16 → 1, activation=identity)",
        ")",
    ]
    assert repr(Neuron(3, activation="tanh", bias=False)) == "Neuron(3, activation=tanh, bias=False)"


def test_state_dict_round_trip_and_json_file(tmp_path):
    source, target = MLP(2, [3, 1], rng=random.Random(1)), MLP(2, [3, 1], rng=random.Random(2))
    path = tmp_path / "net.json"
    source.save(path)
    document = json.loads(path.read_text())
    assert document["kind"] == "MLP" and document["shape"] == "2-3-1"
    assert document["parameters"]["L1.N2.w1"] == source.layers[0].neurons[1].w[0].data
    assert target.load(path) is target
    assert target.state_dict() == source.state_dict()
    assert [p.name for p in tmp_path.iterdir()] == ["net.json"]  # no temporary file left


def test_saved_file_has_the_usual_permissions_of_a_new_file(tmp_path):
    umask = os.umask(0o022)
    try:
        MLP(2, [1]).save(tmp_path / "net.json")
    finally:
        os.umask(umask)
    assert (tmp_path / "net.json").stat().st_mode & 0o777 == 0o644


def test_loading_the_wrong_shape_names_the_parameter_and_both_shapes_and_changes_nothing(tmp_path):
    path = tmp_path / "big.json"
    MLP(2, [4, 1]).save(path)
    small = MLP(2, [3, 1], rng=random.Random(3))
    before = small.state_dict()
    with pytest.raises(StateError) as error:
        small.load(path)
    message = str(error.value)
    assert "L1.N4.w1" in message and "2-4-1" in message and "2-3-1" in message
    assert small.state_dict() == before


def test_loading_another_kind_or_a_bad_value_fails_without_change(tmp_path):
    path = tmp_path / "layer.json"
    Layer(2, 3).save(path)
    model = MLP(2, [3])
    before = model.state_dict()
    with pytest.raises(StateError, match="holds a Layer of shape 2→3.*MLP of shape 2-3"):
        model.load(path)
    state = dict(before, **{"L1.N3.b": "oops"})
    with pytest.raises(StateError, match="'L1.N3.b'.*finite number"):
        model.load_state_dict(state)
    assert model.state_dict() == before
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(StateError, match="not a JSON file"):
        model.load(tmp_path / "bad.json")


def test_weights_saved_behind_one_activation_do_not_load_behind_another(tmp_path):
    path = tmp_path / "tanh.json"
    MLP(2, [3, 1], activation="tanh").save(path)
    relu = MLP(2, [3, 1], rng=random.Random(4))
    before = relu.state_dict()
    with pytest.raises(StateError, match="neuron 'L1.N1' was saved with activation tanh, this MLP uses relu"):
        relu.load(path)
    assert relu.state_dict() == before
    assert MLP(2, [3, 1], activation="tanh").load(path).state_dict() == pytest.approx(
        json.loads(path.read_text())["parameters"]
    )
