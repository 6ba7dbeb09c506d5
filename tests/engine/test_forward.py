"""``forward(root)`` after a leaf changes gives the graph a freshly built one would have."""

from __future__ import annotations

import pytest

from pathgrad.engine import DomainError, topological_order
from pathgrad.engine.expression import parse
from pathgrad.engine.forward import forward

EXPRESSION = "n = x1*w1 + x2*w2 + b; o = tanh(n) * log(n + 3); o"
AT = {"x1": 2.0, "x2": 0.0, "w1": -3.0, "w2": 1.0, "b": 6.8814}


def leaf(root, name):
    return next(node for node in topological_order(root) if node.label == name)


def test_forward_after_a_change_matches_a_graph_built_at_the_new_values():
    root = parse(EXPRESSION, AT)
    nodes = topological_order(root)
    leaf(root, "w1").data = 2.0
    forward(root)
    fresh = topological_order(parse(EXPRESSION, {**AT, "w1": 2.0}))
    assert topological_order(root) == nodes  # the same nodes, in the same order
    for old, new in zip(nodes, fresh):
        assert old.data == new.data and old.local_grads == new.local_grads


def test_a_value_outside_the_domain_raises_and_leaves_every_node_as_it_was():
    root = parse(EXPRESSION, AT)
    before = [(node.data, node.local_grads) for node in topological_order(root)]
    leaf(root, "b").data = -100.0  # n + 3 < 0: log leaves its domain
    with pytest.raises(DomainError, match="log"):
        forward(root)
    after = [(node.data, node.local_grads) for node in topological_order(root) if node.parents]
    assert after == [state for node, state in zip(topological_order(root), before) if node.parents]
