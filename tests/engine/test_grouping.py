"""The compile pass: scalar nodes regrouped into vector units, found from the graph alone."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathgrad.engine import Constant, DomainError, Value, apply, ops
from pathgrad.engine.compiled import CompiledGraph, Trace
from pathgrad.nn import MLP
from tests.engine.replay_check import replay_against_scalar


def _kinds(graph: CompiledGraph) -> list[tuple]:
    return [
        (unit.depth, "matrix", unit.shape)
        if unit.kind == "matrix"
        else (unit.depth, unit.op.name, len(unit.nodes))
        for unit in graph.units
    ]


def _hand_built_mlp(sizes: list[int], seed: int):
    """The graph of an MLP with ReLU hidden layers, made of bare Values and the linear op (no nn)."""
    rng = random.Random(seed)
    layers = [
        [([Value(rng.uniform(-1, 1)) for _ in range(nin)], Value(0.1)) for _ in range(nout)]
        for nin, nout in zip(sizes, sizes[1:])
    ]
    parameters = [p for layer in layers for w, b in layer for p in (*w, b)]

    def build(x):
        for depth, layer in enumerate(layers):
            a = [apply(ops.LINEAR, *w, *x, b) for w, b in layer]
            x = [n.relu() if depth < len(layers) - 1 else n.identity() for n in a]
        return apply(ops.SUM, *x) * 0.5

    return build, parameters


def test_an_mlp_becomes_one_matrix_unit_per_layer_and_one_activation_unit_per_layer():
    model = MLP(2, [16, 16, 1], rng=random.Random(0))
    X = np.random.default_rng(0).normal(size=(9, 2))
    graph = replay_against_scalar(lambda x: model(x) * 2.0, X, model.parameters())
    assert _kinds(graph) == [
        (1, "matrix", (16, 2)),
        (2, "relu", 16),
        (3, "matrix", (16, 16)),
        (4, "relu", 16),
        (5, "matrix", (1, 16)),
        (6, "identity", 1),
        (7, "mul", 1),
    ]
    text = graph.describe()
    assert "unit 1 (depth 1): matrix 16×2: A = W X + b over 2 inputs — L1.N1.a, L1.N2.a … L1.N16.a" in text
    assert "unit 2 (depth 2): relu × 16 — L1.N1.h, L1.N2.h … L1.N16.h" in text


def test_an_mlp_layer_reads_the_layer_before_as_one_block_of_rows_and_its_weights_as_slots():
    """Views, not copies: X, A and H of every layer are consecutive rows, each layer's W and b
    one block of slots, a row per neuron (its weights, then its bias)."""
    model = MLP(3, [5, 4, 2], rng=random.Random(0))
    inputs = [Value(0.0) for _ in range(3)]
    graph = CompiledGraph([Trace(inputs, [apply(ops.SUM, *model(inputs))])])
    slots = 0
    for unit in graph.units:
        assert isinstance(unit.rows, slice)
        if unit.kind == "matrix":
            assert isinstance(unit.inputs, slice)
            rows, n = unit.shape
            assert unit.bias_slots and unit.slots == slice(slots, slots + rows * (n + 1))
            block = np.array(graph.shared, dtype=object)[unit.slot_leaves].reshape(rows, n + 1)
            assert [list(row) for row in block] == [
                [*graph.nodes[step.row].parents[:n], graph.nodes[step.row].parents[-1]] for step in unit.nodes
            ]
            slots += unit.slot_leaves.size
    plan = graph._layout.plan
    assert sorted(plan.slot_leaves.tolist()) == list(range(len(model.parameters())))


def test_traced_with_the_parameters_first_the_slots_are_the_parameters_in_order():
    """``parameters=model.parameters()``: the slots are the vector of shared values itself, no gather."""
    model = MLP(3, [5, 4, 2], rng=random.Random(0))
    inputs = [Value(0.0) for _ in range(3)]
    graph = CompiledGraph([Trace(inputs, [apply(ops.SUM, *model(inputs))])], parameters=model.parameters())
    assert graph.shared == model.parameters()
    assert graph._layout.slots == slice(0, len(model.parameters()))


def test_a_hand_built_graph_of_the_same_shape_is_grouped_the_same_way():
    build, parameters = _hand_built_mlp([3, 8, 8, 2], seed=1)
    X = np.random.default_rng(1).normal(size=(7, 3))
    graph = replay_against_scalar(build, X, parameters)
    model = MLP(3, [8, 8, 2], rng=random.Random(1))
    from_nn = CompiledGraph([Trace(x := [Value(0.0) for _ in range(3)], [apply(ops.SUM, *model(x)) * 0.5])])
    assert _kinds(graph) == _kinds(from_nn)
    assert [kind for kind in _kinds(graph) if kind[1] == "matrix"] == [
        (1, "matrix", (8, 3)),
        (3, "matrix", (8, 8)),
        (5, "matrix", (2, 8)),
    ]


def test_expanded_neurons_group_their_products_and_sums_by_depth():
    model = MLP(2, [3, 1], expanded=True, rng=random.Random(2))
    X = np.random.default_rng(2).normal(size=(5, 2))
    graph = replay_against_scalar(lambda x: model(x) + 0.0, X, model.parameters())
    kinds = _kinds(graph)
    assert kinds[0] == (1, "mul", 6)  # every w_i·x_i of the first layer
    assert len(graph.units) < len(graph.steps)


def test_repeated_parents_add_their_pushes_within_a_unit():
    w = [Value(v, f"w{i}") for i, v in enumerate((0.3, -0.7, 1.1))]

    def build(x):
        # x1 feeds three products of one unit, and a*a reads one parent twice
        products = [x[0] * w[0], x[0] * w[1], x[0] * x[0], w[2] * w[2]]
        squares = [p * p for p in products]
        return apply(ops.SUM, *squares, *products)

    X = np.random.default_rng(3).normal(size=(6, 1))
    graph = replay_against_scalar(build, X, w)
    assert (1, "mul", 4) in _kinds(graph) and (2, "mul", 4) in _kinds(graph)


def test_tied_weights_and_a_shared_bias_in_one_matrix_unit():
    w, b = Value(0.4, "w"), Value(-0.2, "b")
    v = Value(1.5, "v")

    def build(x):
        first = apply(ops.LINEAR, w, v, *x, b)
        second = apply(ops.LINEAR, v, w, *x, b)
        third = apply(ops.LINEAR, w, w, *x, b)
        return (first * second + third).tanh()

    X = np.random.default_rng(4).normal(size=(8, 2))
    graph = replay_against_scalar(build, X, [w, b, v])
    assert (1, "matrix", (3, 2)) in _kinds(graph)


def test_a_linear_node_whose_weights_are_inputs_is_replayed_elementwise():
    b = Value(0.3, "b")

    def build(x):
        return apply(ops.LINEAR, x[0], x[1], x[2], x[3], b) + apply(ops.LINEAR, x[1], x[0], x[2], x[2], b)

    X = np.random.default_rng(5).normal(size=(6, 4))
    graph = replay_against_scalar(build, X, [b])
    assert (1, "linear", 2) in _kinds(graph)


_UNARY = ["tanh", "sigmoid", "relu", "sin", "neg", "abs", "identity", "hardtanh"]
_BINARY = ["add", "sub", "mul"]


@st.composite
def irregular_graphs(draw):
    """A random DAG: leaves (inputs, parameters, constants), then ops on randomly chosen earlier nodes."""
    inputs = draw(st.integers(1, 3))
    parameters = draw(st.lists(st.floats(-1.5, 1.5), min_size=1, max_size=4))
    recipe = []
    for _ in range(draw(st.integers(1, 25))):
        kind = draw(st.sampled_from(["unary", "binary", "linear", "sum", "constant"]))
        count = draw(st.integers(1, 3))
        recipe.append(
            (
                kind,
                draw(st.sampled_from(_UNARY + _BINARY)),
                [draw(st.integers(0, 10**6)) for _ in range(2 * count + 1)],
                draw(st.floats(-2, 2)),
            )
        )
    return inputs, parameters, recipe


def _build_irregular(inputs: int, parameters: list[Value], recipe):
    def build(x):
        nodes = [*x, *parameters]
        for kind, name, picks, number in recipe:
            pick = [nodes[p % len(nodes)] for p in picks]
            if kind == "unary":
                made = apply(ops.OPS[name if name in _UNARY else "tanh"], pick[0])
            elif kind == "binary":
                made = apply(ops.OPS[name if name in _BINARY else "mul"], pick[0], pick[1])
            elif kind == "linear":
                n = len(pick) // 2
                made = apply(ops.LINEAR, *parameters[:1] * n, *pick[n : 2 * n], pick[-1])
            elif kind == "sum":
                made = apply(ops.SUM, *pick)
            else:
                made = pick[0] * Constant(number)
            nodes.append(made.tanh())  # bounded, so deep random graphs stay finite
        return apply(ops.SUM, *nodes[inputs:])

    return build


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(irregular_graphs(), st.integers(1, 12), st.integers(0, 2**16))
def test_irregular_graphs_compile_into_smaller_units_and_replay_like_the_scalar_engine(graph, samples, seed):
    inputs, values, recipe = graph
    parameters = [Value(v, f"p{i}") for i, v in enumerate(values)]
    X = np.random.default_rng(seed).uniform(-2, 2, size=(samples, inputs))
    compiled = replay_against_scalar(_build_irregular(inputs, parameters, recipe), X, parameters)
    for unit in compiled.units:  # each unit holds one op at one depth
        assert {node.op.evaluate_batch for node in unit.nodes} == {unit.op.evaluate_batch}
    depths = [unit.depth for unit in compiled.units]
    assert depths == sorted(depths)


def test_a_domain_error_in_a_unit_names_the_sample_and_the_node():
    w = Value(1.0, "w")

    def build(x):
        logs = [(x[0] + shift).log() for shift in (3.0, 1.0, 5.0)]
        for index, node in enumerate(logs, start=1):
            node.label = f"log{index}"
        return apply(ops.SUM, *logs) * w

    inputs = [Value(0.0, "x")]
    graph = CompiledGraph([Trace(inputs, [build(inputs)])])
    assert (2, "log", 3) in _kinds(graph)
    with pytest.raises(
        DomainError, match=r"log needs a positive input, got -0.5 \[sample 2, node \d+ 'log2'"
    ):
        graph.forward(np.array([[0.0], [1.0], [-1.5], [-3.5]]))


def test_an_overflow_in_a_matrix_unit_names_the_sample_and_the_node():
    w = [Value(1e200, "w1"), Value(1e200, "w2")]
    inputs = [Value(0.0, "x1"), Value(0.0, "x2")]
    a = [apply(ops.LINEAR, *w, *inputs, Value(0.0, "b")) for _ in range(2)]
    a[1].label = "a2"
    graph = CompiledGraph([Trace(inputs, [apply(ops.SUM, *a)])])
    assert _kinds(graph)[0] == (1, "matrix", (2, 2))
    with pytest.raises(DomainError, match=r"linear: .*not finite \[sample 1, node \d+ \(linear\)"):
        graph.forward(np.array([[1e-300, 0.0], [1e200, 1e200]]))


def test_nodes_that_pass_an_operand_on_share_its_row_and_are_not_replayed():
    """identity(a), Σ(a) and a / 1 (the mean of a one-sample loss) cost nothing: Δ lands on a."""
    model = MLP(2, [3, 1], rng=random.Random(3))

    def build(x):
        score = model(x)  # its last node is identity(a)
        return apply(ops.SUM, (1 - score * 2.0).relu()) / 1

    X = np.random.default_rng(6).normal(size=(7, 2))
    graph = replay_against_scalar(build, X, model.parameters())
    plan = graph._layout.plan
    passing = [unit.op.name for unit in plan.units if unit not in plan.replayed]
    assert passing == ["identity", "sum", "div"]
    assert [unit.op.name for unit in plan.replayed][-3:] == ["mul", "sub", "relu"]


def test_two_nodes_passing_on_one_operand_feed_a_matrix_unit_twice():
    w = [Value(v, f"w{i}") for i, v in enumerate((0.3, -0.7, 0.2, 0.5))]

    def build(x):
        h = (w[3] * x[0]).tanh()
        a, b = h.identity(), h.identity()  # one row for both: Δ(h) gets both pushes
        return apply(ops.LINEAR, w[0], w[1], a, b, w[2]) * x[0]

    X = np.random.default_rng(7).normal(size=(5, 1))
    graph = replay_against_scalar(build, X, w)
    assert (4, "matrix", (1, 2)) in _kinds(graph)
