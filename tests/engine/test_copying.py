"""copy.deepcopy and pickle of a graph: any depth for deepcopy, a clear refusal for pickle, never RecursionError."""

from __future__ import annotations

import copy
import math
import pickle
import random

import pytest

from pathgrad.engine import Value, topological_order
from pathgrad.engine.copying import depth, pickle_depth_limit
from pathgrad.nn import MLP


def _diamond():
    a = Value(1.5, "a")
    b = a * a  # two edges to one parent
    out = (b + a).tanh() * b
    out.backward()
    return a, out


def _same_graph(original: Value, copied: Value) -> None:
    """Same numbers, labels, ops and wiring, and no node shared with the original."""
    first, second = topological_order(original), topological_order(copied)
    assert len(first) == len(second)
    index = {node: i for i, node in enumerate(first)}
    copied_index = {node: i for i, node in enumerate(second)}
    for old, new in zip(first, second):
        assert new is not old and type(new) is type(old)
        assert (new.data, new.grad, new.label, new.op, new.local_grads) == (
            old.data,
            old.grad,
            old.label,
            old.op,
            old.local_grads,
        )
        assert [copied_index[p] for p in new.parents] == [index[p] for p in old.parents]


def test_deepcopy_keeps_the_wiring_and_shares_nothing():
    a, out = _diamond()
    copied = copy.deepcopy(out)
    _same_graph(out, copied)
    b = copied.parents[1]
    assert b.parents[0] is b.parents[1]  # a*a still has both edges to one node
    b.parents[0].data = 9.0
    assert a.data == 1.5


def test_deepcopy_keeps_not_computed_and_backpropagates_a_user_op_on_its_own_nodes():
    x = Value(0.5, "x")
    cubed = Value(0.125, (x,), "cube")

    def _backward():
        x.grad += 3 * x.data**2 * cubed.grad

    cubed._backward = _backward
    out = cubed.tanh()
    copied = copy.deepcopy(out)
    copied_x = copied.parents[0].parents[0]
    assert (copied.grad, copied.grad_computed, copied_x.grad_computed) == (0.0, False, False)
    assert copy.copy(out).grad_computed is False
    copied.backward()
    assert copied_x.grad == pytest.approx(0.75 * (1 - math.tanh(0.125) ** 2))
    assert (x.grad, x.grad_computed) == (0.0, False)  # the original closure was not run on the copy
    out.backward()
    assert x.grad == copied_x.grad


def test_deepcopy_of_a_list_keeps_nodes_shared_between_its_items():
    a, out = _diamond()
    leaf, root = copy.deepcopy([a, out])
    assert root.parents[1].parents[0] is leaf


def test_deepcopy_of_a_model_after_a_step_gives_an_independent_model():
    model = MLP(2, [3, 1], rng=random.Random(0))
    model([0.5, -1.0]).backward()
    twin = copy.deepcopy(model)
    assert twin.state_dict() == model.state_dict()
    assert [p.grad for p in twin.parameters()] == [p.grad for p in model.parameters()]
    twin.parameters()[0].data += 1.0
    assert twin.state_dict() != model.state_dict()


def test_a_shallow_copy_shares_the_parents():
    a, out = _diamond()
    twin = copy.copy(out)
    assert twin is not out and twin.parents == out.parents and twin.data == out.data


def test_pickle_round_trips_a_shallow_graph():
    a, out = _diamond()
    leaf, root = pickle.loads(pickle.dumps([a, out]))
    _same_graph(out, root)
    assert root.parents[1].parents[0] is leaf


def test_pickle_refuses_a_graph_deeper_than_it_can_recurse_with_the_depth_and_what_to_do():
    node = Value(1.0, "x")
    levels = pickle_depth_limit() + 1
    for _ in range(levels):
        node = node + 1.0
    with pytest.raises(pickle.PicklingError) as refused:
        pickle.dumps(node)
    message = str(refused.value)
    assert f"cannot pickle a graph {levels:,} nodes deep" in message
    assert f"Python's stack allows about {pickle_depth_limit():,}" in message
    assert "state_dict()" in message and "Module.save(path)" in message
    assert pickle.loads(pickle.dumps(node.parents[0].parents[0])).data == levels - 1  # just under the limit


def test_a_million_deep_graph_deepcopies_without_recursion_and_pickle_refuses_it_by_its_depth():
    x = Value(1.0, "x")
    node = x
    for _ in range(10**6):
        node = node + 1e-6
    copied = copy.deepcopy(node)
    walk, steps = copied, 0
    while walk.parents:
        assert walk.parents[1].data == 1e-6
        walk = walk.parents[0]
        steps += 1
    assert steps == 10**6 and walk.label == "x" and walk is not x and copied.data == node.data
    del copied, walk
    with pytest.raises(
        pickle.PicklingError, match=r"^cannot pickle a graph 1,000,000 nodes deep: .*with state_dict\(\)"
    ):
        pickle.dumps(node)
    assert depth(node) == 10**6
