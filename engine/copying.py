"""``copy.deepcopy`` and ``pickle`` of a graph, without the recursion that kills them on a deep one.

Both walk a node's parents by recursion, one level (several Python frames) per node,
so a 10⁶-deep chain died with ``RecursionError``. ``deepcopy`` is given its own walk,
iterative: every node in topological order, parents before children, each copied once
(or taken from the copy's memo), so shared parents stay shared (``a*a`` keeps both edges to one copy of ``a``). ``pickle``
cannot be walked that way from the outside, so a graph deeper than
``pickle_depth_limit()`` is refused with its depth and what to save instead.
"""

from __future__ import annotations

import pickle
import sys
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .value import Value

__all__ = ["deepcopy_graph", "depth", "pickle_depth_limit", "check_picklable"]

_FRAMES_PER_LEVEL = 6
"""Python frames ``pickle`` spends on each level of a graph (the node, its state, its parents), with room to spare."""

_depths: weakref.WeakKeyDictionary[Value, int] = weakref.WeakKeyDictionary()
"""Each pickled node's depth, kept while the node lives: a node's parents never change."""


def deepcopy_graph(root: Value, memo: dict) -> Value:
    """A copy of ``root`` and every node it depends on that ``memo`` does not hold yet; iterative."""
    from copy import deepcopy

    from .graph import topological_order  # here, as graph imports value, which imports this module

    copies: dict[Value, Value] = {}
    for node in topological_order(root):
        done = memo.get(id(node))
        if done is not None:
            copies[node] = done
            continue
        twin = copies[node] = type(node).__new__(type(node))
        twin.data, twin.label = node.data, node.label
        twin._grad, twin._grad_computed = node._grad, node._grad_computed
        twin.parents = tuple([copies[parent] for parent in node.parents])
        twin.local_grads, twin.operation = node.local_grads, node.operation  # immutable: shared
        # A user's _backward closure pushes into the original nodes; the copy backpropagates
        # with the local derivatives read from it instead.
        twin._closure = None
        extra = getattr(node, "__dict__", None)
        if extra:
            twin.__dict__.update(deepcopy(extra, memo))
        memo[id(node)] = twin
    return copies[root]


def depth(root: Value) -> int:
    """The number of edges on the longest path from ``root`` down to a leaf (0 for a leaf)."""
    cached = _depths.get(root)
    if cached is not None:
        return cached
    found: dict[Value, int] = {}  # this walk's depths, moved into the cache at the end

    def known(node: Value) -> int | None:
        if not node.parents:
            return 0
        number = found.get(node)
        if number is None:
            number = _depths.get(node)
            if number is not None:
                found[node] = number
        return number

    stack = [root]
    while stack:
        node = stack[-1]
        if node in found:
            stack.pop()
            continue
        levels = [known(parent) for parent in node.parents]
        if None in levels:
            stack.extend(parent for parent, number in zip(node.parents, levels) if number is None)
        else:
            stack.pop()
            found[node] = 1 + max(levels)
    _depths.update(found)
    return found[root]


def pickle_depth_limit() -> int:
    """The deepest graph ``pickle`` is trusted with under the current recursion limit (166 by default)."""
    return sys.getrecursionlimit() // _FRAMES_PER_LEVEL


def check_picklable(node: Value) -> None:
    """Refuse, before ``pickle`` recurses into it, a graph deeper than ``pickle_depth_limit()``.

    Raises:
        pickle.PicklingError: naming the depth, the limit and what to save instead.
    """
    if not node.parents:
        return
    levels, limit = depth(node), pickle_depth_limit()
    if levels > limit:
        raise pickle.PicklingError(
            f"cannot pickle a graph {levels:,} nodes deep: pickle recurses once per level and Python's "
            f"stack allows about {limit:,}; save a model's parameters with state_dict() or "
            "Module.save(path), or copy the graph with copy.deepcopy, which has no depth limit"
        )
