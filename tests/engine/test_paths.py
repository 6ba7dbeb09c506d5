"""Path sums: the chain rule over all paths equals the dynamic program's gradient."""

from __future__ import annotations

import random

import pytest

from pathgrad.engine import (
    TooManyPathsError,
    Value,
    count_edges,
    count_paths,
    path_sum,
    paths,
    topological_order,
)


def stacked_diamonds(layers: int, x: Value) -> Value:
    """Each layer splits into two branches and joins them again: 2^layers paths."""
    node = x
    for _ in range(layers):
        node = (node * 0.9).tanh() + (node * 1.1).sin()
    return node


@pytest.mark.parametrize("layers", [1, 2, 5, 10, 60])
def test_count_paths_of_stacked_diamonds_is_two_to_the_layers(layers):
    x = Value(0.2, "x")
    assert count_paths(stacked_diamonds(layers, x), x) == 2**layers


def test_count_paths_is_exact_for_two_to_the_thousand():
    x = Value(0.01, "x")
    node = x
    for _ in range(1000):
        node = node + node  # two edges to the same node: two paths each layer
    assert count_paths(node, x) == 2**1000
    assert count_edges(node) == 2000


@pytest.mark.parametrize("layers", [1, 3, 6])
def test_path_sum_equals_backward_on_stacked_diamonds(layers):
    x = Value(0.2, "x")
    out = stacked_diamonds(layers, x)
    out.backward()
    assert path_sum(out, x) == pytest.approx(x.grad, rel=1e-12)
    assert len(list(paths(out, x))) == 2**layers


def test_each_path_lists_its_nodes_edges_and_factors():
    # the lecture's two-path example: o = K(p, q), p = g(y), q = h(z), y = z = f(w)
    w = Value(0.7, "w")
    y = w.sin()
    p = y.exp()
    q = y.tanh()
    o = p * q
    found = list(paths(o, w))
    assert len(found) == 2
    for path in found:
        assert path.nodes[0] is w and path.nodes[-1] is o
        assert len(path.factors) == len(path.nodes) - 1 == len(path.edges)
        for k, edge in enumerate(path.edges):
            child = path.nodes[k + 1]
            assert child.parents[edge] is path.nodes[k]
            assert path.factors[k] == child.local_grads[edge]
    o.backward()
    assert sum(path.product for path in found) == pytest.approx(w.grad)


def test_square_gives_two_paths_through_different_edges():
    a = Value(3.0, "a")
    b = a * a
    found = list(paths(b, a))
    assert [p.edges for p in found] == [(0,), (1,)]
    assert path_sum(b, a) == 6.0


def test_no_path_when_the_output_does_not_depend_on_the_node():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    out = a * 3
    assert count_paths(out, b) == 0
    assert list(paths(out, b)) == []
    assert path_sum(out, b) == 0.0


def test_the_root_itself_has_one_empty_path():
    a = Value(1.0)
    assert count_paths(a, a) == 1
    assert [p.product for p in paths(a, a)] == [1.0]


def test_path_sum_refuses_too_many_paths_naming_the_count():
    x = Value(0.1, "x")
    out = stacked_diamonds(30, x)
    out.label = "L"
    with pytest.raises(TooManyPathsError, match=r"1073741824 paths from x to L"):
        path_sum(out, x)


def random_graph(rng: random.Random, size: int) -> tuple[list[Value], Value]:
    leaves = [Value(rng.uniform(0.5, 1.5), f"x{i}") for i in range(3)]
    nodes = list(leaves)
    for _ in range(size):
        a, b = rng.choice(nodes), rng.choice(nodes)
        pick = rng.randrange(5)
        node = [a + b, a * b, (a * 0.5).tanh(), a.sigmoid() * b, a - b][pick]
        nodes.append(node)
    return leaves, sum(nodes[-4:], Value(0.0))


@pytest.mark.parametrize("seed", range(20))
def test_path_sum_equals_backward_on_random_graphs(seed):
    leaves, out = random_graph(random.Random(seed), 12)
    out.backward()
    for leaf in leaves:
        if not leaf.grad_computed:  # backward never reached it: the output does not depend on it
            assert count_paths(out, leaf) == 0
        else:
            assert path_sum(out, leaf) == pytest.approx(leaf.grad, rel=1e-9, abs=1e-12)


def test_paths_given_the_topological_order_are_the_paths_without_it():
    x, y = Value(0.3, "x"), Value(-1.2, "y")
    a = x * y
    out = (a + x).tanh() * (a * a + y)
    order = topological_order(out)
    for node in order:
        given = [(p.nodes, p.edges, p.factors) for p in paths(out, node, order)]
        assert given == [(p.nodes, p.edges, p.factors) for p in paths(out, node)]
        assert len(given) == count_paths(out, node)
