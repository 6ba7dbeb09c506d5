r"""What the neuron and layer views call each neuron: from the nn model that made the graph, else from its shape.

A neuron is found from the graph alone (a ``linear`` node a = Σ w_i·x_i + b, see
``pathgrad.viz.model``); its name never comes from label text, which a user may change.

* Given the model (any ``pathgrad.nn`` module), a neuron is the module that holds its
  weights directly: its name is that module's dotted name (``L1.N3``), its layer the
  module holding it (``L1``), and each weight is called by its own name in the neuron
  (``w2``). A neuron the model does not hold is named by the graph, as below.
* Without a model, by the graph's shape, as ``pathgrad.nn.MLP`` names its parts:

      depth(a) = 1 + max depth of the neurons upstream of a's inputs x_i (0 for none),

  so layer ``L<depth>``; within a layer, neuron ``N<j>`` in the order the graph first
  reaches its weights (every sample's copy of a neuron reads the same weight Values, so
  all copies have one name); weight ``w<i>`` by its operand slot.

For a network made by ``pathgrad.nn.MLP`` both give the same names.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pathgrad.engine import Value

__all__ = ["NeuronNodes", "NeuronName", "neuron_names", "check_model"]


@dataclass(frozen=True)
class NeuronNodes:
    """A neuron found in the graph: a = Σ w_i·x_i + b with its operands by role, and h = Φ(a) (or a)."""

    a: Value
    h: Value
    weights: tuple[Value, ...]
    inputs: tuple[Value, ...]
    bias: Value


@dataclass(frozen=True)
class NeuronName:
    """``name`` (``L1.N3``), its ``layer`` (``L1``), its ``short_name`` there (``N3``), its weights' names."""

    name: str
    layer: str
    short_name: str
    weights: tuple[str, ...]


def check_model(model: object) -> None:
    """Refuse anything but a ``pathgrad.nn`` module (``MLP``, ``Layer``, ``Neuron`` or one's own)."""
    from pathgrad.nn.module import Module

    if model is not None and not isinstance(model, Module):
        raise TypeError(
            "model: needs the pathgrad.nn module that made the graph (an MLP, Layer or Neuron), "
            f"got {type(model).__name__}"
        )


def neuron_names(order: Sequence[Value], neurons: Sequence[NeuronNodes], model=None) -> list[NeuronName]:
    """The name of each of ``neurons`` (found in ``order``, the graph's topological order)."""
    check_model(model)
    shaped = _names_by_shape(order, neurons)
    if model is None:
        return shaped
    holders, own_names, places = _model_tree(model)
    names = []
    for neuron, by_shape in zip(neurons, shaped):
        holder = next((holders[p] for p in (*neuron.weights, neuron.bias) if p in holders), None)
        if holder is None or not holder[0]:  # not the model's, or the model is this one neuron
            names.append(by_shape)
            continue
        module_name, module = holder
        layer, short_name = places.get(module, ("", module_name))
        weights = tuple(
            own_names.get((module, w), shape) for w, shape in zip(neuron.weights, by_shape.weights)
        )
        names.append(NeuronName(module_name, layer or by_shape.layer, short_name, weights))
    return names


def _names_by_shape(order: Sequence[Value], neurons: Sequence[NeuronNodes]) -> list[NeuronName]:
    """``L<depth>.N<j>``, ``w<i>``: the names ``pathgrad.nn.MLP`` gives, read off the graph's shape."""
    inputs = {neuron.a: neuron.inputs for neuron in neurons}
    depth: dict[Value, int] = {}  # per node: the deepest neuron it depends on (0: none)
    for node in order:
        if node in inputs:
            depth[node] = 1 + max((depth[x] for x in inputs[node]), default=0)
        else:
            depth[node] = max((depth[p] for p in node.parents), default=0)
    numbers: dict[int, dict[tuple[Value, ...], int]] = {}
    names = []
    for neuron in neurons:
        layer = depth[neuron.a]
        seen = numbers.setdefault(layer, {})
        number = seen.setdefault(neuron.weights, len(seen) + 1)
        weights = tuple(f"w{i}" for i in range(1, len(neuron.weights) + 1))
        names.append(NeuronName(f"L{layer}.N{number}", f"L{layer}", f"N{number}", weights))
    return names


def _model_tree(model) -> tuple[dict, dict, dict]:
    """From the model's module tree: each parameter's holder (the first module holding it
    directly, with its dotted name), each (module, parameter)'s own name there (``w2``), and
    each module's place (the dotted name of the module holding it, and its name there: ``L1``, ``N3``)."""
    holders: dict[Value, tuple[str, object]] = {}
    own_names: dict[tuple[object, Value], str] = {}
    places: dict[object, tuple[str, str]] = {}
    for module_name, module in model.named_modules():
        for child_name, child in module.named_children():
            places.setdefault(child, (module_name, child_name))
        for own_name, value in module.named_own_parameters():
            holders.setdefault(value, (module_name, module))
            own_names.setdefault((module, value), own_name)
    return holders, own_names, places
