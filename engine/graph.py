"""Traversal of the graph: topological order, backward, its steps, and chain-rule paths.

Nothing here knows an op by name: every number comes from ``node.local_grads``, which
the forward pass already stored. The backward pass is the lecture's dynamic program

    Δ(root) = seed,    Δ(h_r) = Σ_{h : h_r ⇒ h} ∂h/∂h_r · Δ(h),

evaluated in reverse topological order so that every Δ(h) is final before it is used.
Its answer equals the sum over all paths from h_r to the root of the product of local
derivatives along the path (``path_sum``), without enumerating the paths.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from .ops import DomainError
from .value import Value, _check_number

__all__ = [
    "topological_order",
    "numbered_in_order",
    "backward",
    "backward_steps",
    "BackwardStep",
    "Contribution",
    "Path",
    "paths",
    "count_paths",
    "count_edges",
    "path_sum",
    "TooManyPathsError",
]


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each after all of its parents; ``root`` last.

    Iterative depth-first search (no recursion limit). Each node appears once, even
    when it is reached along many paths.
    """
    return numbered_in_order([root])[0]


def numbered_in_order(roots: Sequence[Value]) -> tuple[list[Value], dict[Value, int]]:
    """Every node the roots depend on, parents before children, and each node's place in that list.

    The roots' ``topological_order``s one after the other, each node only where it first
    appears: what a root shares with an earlier one is not walked again.
    """
    order: list[Value] = []
    place: dict[Value, int] = {}  # a node being visited is here already, at −1, and is not entered twice
    for root in roots:
        if root in place:
            continue
        place[root] = -1
        path = [root]  # the nodes being visited, root first ...
        unvisited = [iter(root.parents)]  # ... and, for each, the parents it has still to look at
        while path:
            for parent in unvisited[-1]:
                if parent not in place:
                    if not parent.parents:  # a leaf has nothing to visit: it is done at once
                        place[parent] = len(order)
                        order.append(parent)
                        continue
                    place[parent] = -1
                    path.append(parent)
                    unvisited.append(iter(parent.parents))
                    break
            else:
                unvisited.pop()
                node = path.pop()
                place[node] = len(order)
                order.append(node)
    return order, place


def _start(root: Value, seed: float) -> list[Value]:
    """Topological order with grads reset: non-leaves to 0, the root to ``seed``.

    Leaf grads keep what earlier passes accumulated. Every node is marked as reached.
    ``seed`` must be a finite real number (a numpy array of them would make every grad an array).
    """
    seed = _check_number(seed, "backward(seed)")
    order = topological_order(root)
    for node in order:
        if node.parents:
            node._grad = 0.0
        node._grad_computed = True
    root._grad += seed
    return order


def backward(root: Value, seed: float = 1.0) -> None:
    """Set ``node.grad = ∂root/∂node`` for every node ``root`` depends on.

    Δ(parent) += ∂node/∂parent · Δ(node), for each edge, nodes in reverse topological order.
    A node that carries a ``_backward`` closure of its user's does that step itself.

    Raises:
        DomainError: a node's gradient is ±inf or NaN (naming the node), which finite
            local derivatives give when their product overflows.
    """
    for node in reversed(_start(root, seed)):
        grad = node._grad
        if grad - grad:  # 0.0 for every finite grad; NaN (truthy) for ±inf and NaN
            raise _not_finite(node, grad)
        if node.parents:  # a leaf has nothing to push
            if node._closure is None:
                for parent, local in zip(node.parents, node.local_grads):
                    parent._grad += local * grad
            else:
                node._closure()


def _not_finite(node: Value, grad: float) -> DomainError:
    """The error for a node whose Δ came out ±inf or NaN: finite local derivatives whose product overflowed."""
    name = repr(node.label) if node.label else f"the unlabelled {node.op or 'leaf'} node"
    return DomainError(
        f"backward: the gradient of {name} (data {node.data:g}) is {grad!r}, not a finite number; "
        "the products of local derivatives on the paths to it overflowed"
    )


@dataclass(frozen=True)
class Contribution:
    """One ``+=`` of the backward pass: Δ(parent) += local_grad · Δ(node)."""

    parent: Value
    parent_index: int
    local_grad: float
    amount: float
    parent_grad_after: float


@dataclass(frozen=True)
class BackwardStep:
    """The dynamic program's work at one node: its final Δ and what it pushes."""

    index: int
    node: Value
    grad: float
    contributions: tuple[Contribution, ...]


def backward_steps(root: Value, seed: float = 1.0) -> Iterator[BackwardStep]:
    """``backward`` one node at a time; exhausting it leaves exactly ``backward``'s grads.

    Each step is taken when the node's grad is final (all its children are done).
    """
    for index, node in enumerate(reversed(_start(root, seed))):
        grad = node._grad
        if grad - grad:
            raise _not_finite(node, grad)
        edges = list(enumerate(zip(node.parents, node.local_grads)))
        if node._closure is not None and node.parents:  # the user's closure pushes every edge at once
            node._closure()
            pushed = [Contribution(p, i, local, local * grad, p._grad) for i, (p, local) in edges]
        else:
            pushed = []
            for parent_index, (parent, local) in edges:
                amount = local * grad
                parent._grad += amount
                pushed.append(Contribution(parent, parent_index, local, amount, parent._grad))
        yield BackwardStep(index, node, grad, tuple(pushed))


@dataclass(frozen=True)
class Path:
    """A chain-rule path from ``nodes[0]`` (the input) to ``nodes[-1]`` (the root).

    ``factors[k]`` is ∂nodes[k+1]/∂nodes[k] along the edge ``edges[k]`` (the index of
    ``nodes[k]`` among ``nodes[k+1].parents``; it tells apart the two edges of ``a*a``).
    """

    nodes: tuple[Value, ...]
    edges: tuple[int, ...]
    factors: tuple[float, ...]

    @property
    def product(self) -> float:
        """Π of the local derivatives along the path."""
        return math.prod(self.factors)


def _ancestors_reaching(order: list[Value], wrt: Value) -> set[Value]:
    """The nodes of ``order`` (topological) from which ``wrt`` is reached by following parents (``wrt`` too)."""
    reaching: set[Value] = set()
    for node in order:
        if node is wrt or any(parent in reaching for parent in node.parents):
            reaching.add(node)
    return reaching


def paths(root: Value, wrt: Value, order: list[Value] | None = None) -> Iterator[Path]:
    """Each path from ``wrt`` to ``root``, with its local-derivative factors.

    Two edges between the same pair of nodes (``a*a``) give two paths. Paths are
    yielded lazily, depth first, so the first ones come at once even when there are
    exponentially many. ``order`` is ``topological_order(root)`` if the caller has it
    already (paths to many nodes of one graph then share one sort).
    """
    if root is wrt:
        yield Path((root,), (), ())
        return
    reaching = _ancestors_reaching(topological_order(root) if order is None else order, wrt)
    # The path so far, from the root down: (node, index of the parent edge being followed).
    trail: list[tuple[Value, int]] = [(root, -1)]
    while trail:
        node, edge = trail[-1]
        edge += 1
        while edge < len(node.parents) and node.parents[edge] not in reaching:
            edge += 1
        if edge == len(node.parents):
            trail.pop()
            continue
        trail[-1] = (node, edge)
        parent = node.parents[edge]
        if parent is wrt:
            yield Path(
                (wrt, *(n for n, _ in reversed(trail))),
                tuple(e for _, e in reversed(trail)),
                tuple(n.local_grads[e] for n, e in reversed(trail)),
            )
        else:
            trail.append((parent, -1))


def count_paths(root: Value, wrt: Value) -> int:
    """The exact number of paths from ``wrt`` to ``root``, by dynamic programming.

    count(wrt) = 1,  count(node) = Σ over parent edges of count(parent).
    Linear in the number of edges, even when the count is 2^1000.
    """
    count: dict[Value, int] = {}
    for node in topological_order(root):
        count[node] = 1 if node is wrt else sum(count[parent] for parent in node.parents)
    return count[root]


def count_edges(root: Value) -> int:
    """How many edges the backward dynamic program visits: one multiply-add each."""
    return sum(len(node.parents) for node in topological_order(root))


class TooManyPathsError(ValueError):
    """``path_sum`` refused: enumerating the paths would take too long."""


def path_sum(root: Value, wrt: Value, limit: int = 100_000) -> float:
    """∂root/∂wrt as the explicit sum over paths of the product of local derivatives.

    Σ_{paths P from wrt to root} Π_{edges (u→v) in P} ∂v/∂u — equal to the grad that
    ``backward`` computes, at exponential cost; refuses past ``limit`` paths.
    """
    total_paths = count_paths(root, wrt)
    if total_paths > limit:
        raise TooManyPathsError(
            f"there are {total_paths} paths from {wrt.label or 'the input'} to "
            f"{root.label or 'the output'}, more than the limit of {limit}; "
            "backward() gets the same sum by dynamic programming"
        )
    return math.fsum(path.product for path in paths(root, wrt))
