r"""The classic backprop bugs, each a small wrong algorithm run for real on a graph.

The right backward pass is the dynamic program

    Δ(root) = 1,    Δ(parent) += ∂node/∂parent · Δ(node),   nodes in reverse topological order,

from zeroed grads. Each bug below breaks exactly one part of that sentence:

* ``assign``: ``=`` instead of ``+=``, so a node with two consumers keeps only the last share
  (``a + a`` gets ∂/∂a = 1, not 2);
* ``breadth_first``: nodes visited breadth first from the output, so a node reached by a short
  path pushes its Δ before a longer path has added its share;
* ``not_zeroed``: two training steps' backward passes without ``zero_grad()`` in between, so
  each parameter (leaf) holds the sum of both passes;
* ``recursive``: micrograd's recursive topological sort, whose grads are right until the graph
  is deeper than Python's recursion limit, where it raises ``RecursionError``.

``run_bug(name, root)`` runs one of them beside the engine's own ``backward`` and returns a
``BugReport``: the wrong grads beside the right ones, the first node (in the order the right
pass visits them) where they part, and a sentence saying why — or, where the bug changes
nothing on this graph, a sentence saying so and a graph where it does. Nothing here writes
a node's ``grad``: the wrong passes keep their grads in dicts, and the right pass's grads
are restored to what they were.
"""

from __future__ import annotations

import math
import sys
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from .graph import backward, topological_order
from .value import Value

__all__ = [
    "BugReport",
    "Bug",
    "BUGS",
    "run_bug",
    "run_bugs",
    "backward_assigning",
    "backward_breadth_first",
    "backward_twice_without_zeroing",
    "recursive_topological_order",
    "recursion_depth",
    "recursion_failure_depth",
]

Grads = dict[Value, float]


_INFIX = {"add": "+", "sub": "-", "mul": "*", "div": "/"}


def _name(node: Value, limit: int = 24) -> str:
    """A node as the grammar would write it (``w**2``, ``x*w``), or ``the add node`` when that is long."""
    written = _written(node, 4)
    return written if written is not None and len(written) <= limit else f"the {node.op} node"


def _written(node: Value, depth: int) -> str | None:
    if node.label or not node.parents:
        return node.label or f"{node.data:g}"
    if depth == 0:
        return None
    inner = [_written(parent, depth - 1) for parent in node.parents]
    if None in inner:
        return None
    if node.op in _INFIX and len(inner) == 2:
        wrap = [
            f"({text})" if parent.parents and not parent.label else text
            for parent, text in zip(node.parents, inner)
        ]
        return f"{wrap[0]}{_INFIX[node.op]}{wrap[1]}" if node.op != "add" else f"{inner[0]} + {inner[1]}"
    if node.op == "power":
        return f"{inner[0]}{node._op}" if not node.parents[0].parents else f"({inner[0]}){node._op}"
    return f"{node.op}({', '.join(inner)})"


def _consumers(order: list[Value]) -> dict[Value, int]:
    """How many edges leave each node towards the output (``a + a`` counts 2 for ``a``)."""
    count = dict.fromkeys(order, 0)
    for node in order:
        for parent in node.parents:
            count[parent] += 1
    return count


# ------------------------------------------------------------------ the wrong algorithms


def backward_assigning(root: Value) -> Grads:
    r"""The backward pass with ``Δ(parent) = ∂node/∂parent · Δ(node)``: ``=`` where ``+=`` belongs.

    Nodes are visited in the right (reverse topological) order; each edge overwrites the
    parent's grad, so a node with several consumers ends with the share of whichever
    pushed last.
    """
    order = topological_order(root)
    grads = dict.fromkeys(order, 0.0)
    grads[root] = 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = local * grads[node]
    return grads


def backward_breadth_first(root: Value) -> tuple[Grads, list[tuple[Value, float]]]:
    r"""The right ``+=``, but nodes visited breadth first from the output, each once.

    Returns the grads and, in visiting order, the Δ each node had when it pushed to its
    parents. A node whose Δ was still growing when it pushed passes on too little.
    """
    grads: Grads = {root: 1.0}
    pushed: list[tuple[Value, float]] = []
    seen = {root}
    queue = deque([root])
    while queue:
        node = queue.popleft()
        pushed.append((node, grads[node]))
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] = grads.get(parent, 0.0) + local * grads[node]
            if parent not in seen:
                seen.add(parent)
                queue.append(parent)
    return grads, pushed


def backward_twice_without_zeroing(root: Value, passes: int = 2) -> Grads:
    r"""``passes`` training steps' backward passes with no ``zero_grad()`` between them.

    Each pass is the right one on a fresh forward graph: inner nodes start from 0 and
    Δ(root) = 1, but the leaves (the parameters an optimizer reads) keep what the passes
    before left, so a leaf ends with the sum of every pass: ``passes`` × its gradient when
    the data did not change.
    """
    order = topological_order(root)
    grads = dict.fromkeys(order, 0.0)
    for _ in range(passes):
        for node in order:
            if node.parents:
                grads[node] = 0.0
        _accumulate(root, order, grads)
    return grads


def _accumulate(root: Value, order: list[Value], grads: Grads) -> None:
    """One backward pass onto ``grads``: Δ(root) += 1, then Δ(parent) += local · Δ(node) down ``order``."""
    grads[root] += 1.0
    for node in reversed(order):
        for parent, local in zip(node.parents, node.local_grads):
            grads[parent] += local * grads[node]


def recursive_topological_order(root: Value) -> list[Value]:
    """micrograd's topological sort: a recursive depth-first search (one Python call per level)."""
    order: list[Value] = []
    seen: set[Value] = set()

    def visit(node: Value) -> None:
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(root)
    return order


def recursion_depth(root: Value) -> int:
    """How many nested calls ``recursive_topological_order(root)`` makes at its deepest.

    The same search as the recursive one, with an explicit stack, so any depth is measured.
    """
    seen = {root}
    stack = [iter(root.parents)]
    deepest = 1
    while stack:
        for parent in stack[-1]:
            if parent not in seen:
                seen.add(parent)
                stack.append(iter(parent.parents))
                deepest = max(deepest, len(stack))
                break
        else:
            stack.pop()
    return deepest


def chain(length: int) -> Value:
    """x → x·1 → x·1·1 → …: a graph ``length`` nodes deep (the deep chain of a long RNN or loop)."""
    node = Value(1.0, "x")
    for _ in range(length - 1):
        node = node * 1.0
    return node


@lru_cache(maxsize=1)
def recursion_failure_depth() -> int:
    """The depth of the shortest chain on which the recursive sort raises ``RecursionError``.

    Measured, not guessed, on a fresh call stack (a new thread, so the answer does not depend
    on how deep the caller is): the recursive sort is run on chains around the recursion
    limit, the ``RecursionError`` caught, and the chain shortened by bisection.
    """
    found: list[int] = []

    def bisect() -> None:
        low, high = 1, sys.getrecursionlimit() + 10  # low succeeds, high fails
        while high - low > 1:
            middle = (low + high) // 2
            try:
                recursive_topological_order(chain(middle))
                low = middle
            except RecursionError:
                high = middle
        found.append(high)

    worker = threading.Thread(target=bisect)
    worker.start()
    worker.join()
    return found[0]


# ------------------------------------------------------------------ reports


@dataclass(frozen=True)
class BugReport:
    """One bug run on one graph beside the right backward pass.

    Attributes:
        bug: the key in ``BUGS`` (``"assign"``).
        title: what the bug is, in a few words.
        nodes: the graph's nodes in the order the right backward pass visits them (output first).
        right: ∂root/∂node for each of ``nodes``, from ``pathgrad.engine.backward``.
        wrong: what the buggy algorithm leaves in each, or ``None`` where it crashed.
        parted_at: the first of ``nodes`` whose wrong grad differs from the right one, or ``None``.
        why: a sentence saying why they part (or why they do not, on this graph).
        suggestion: where the bug changes nothing here, an expression on which it does.
    """

    bug: str
    title: str
    nodes: tuple[Value, ...]
    right: tuple[float, ...]
    wrong: tuple[float, ...] | None
    parted_at: Value | None
    why: str
    suggestion: str = ""

    @property
    def changes_anything(self) -> bool:
        """True when the bug gives other numbers than the right pass on this graph (or crashes)."""
        return self.wrong is None or self.parted_at is not None


@dataclass(frozen=True)
class Bug:
    """One classic bug: its title, the function that runs it and reports, and a graph that shows it."""

    title: str
    report: Callable[[Value, tuple[Value, ...], tuple[float, ...]], tuple[tuple[float, ...] | None, str]]
    suggestion: str


def _right_grads(root: Value) -> tuple[tuple[Value, ...], tuple[float, ...]]:
    """The engine's own backward from zeroed grads; every node's grad is put back afterwards."""
    order = topological_order(root)
    saved = [node.grad if node.grad_computed else None for node in order]  # None: not computed
    for node in order:
        node.grad = None
    backward(root)
    visited = tuple(reversed(order))
    right = tuple(node.grad for node in visited)
    for node, grad in zip(order, saved):
        node.grad = grad
    return visited, right


def _first_parting(
    nodes: tuple[Value, ...], right: tuple[float, ...], wrong: tuple[float, ...]
) -> Value | None:
    for node, good, bad in zip(nodes, right, wrong):
        if not math.isclose(good, bad, rel_tol=1e-9, abs_tol=1e-12):
            return node
    return None


def _report_assign(root, nodes, right):
    grads = backward_assigning(root)
    wrong = tuple(grads[node] for node in nodes)
    consumers = _consumers(list(nodes))
    shared = [node for node in nodes if consumers[node] > 1]
    if not shared:
        return wrong, "no node here has two consumers, so each grad gets one share and = does what += does"
    lost = [
        n for n in shared if not math.isclose(wrong[nodes.index(n)], right[nodes.index(n)], abs_tol=1e-12)
    ]
    if not lost:
        return wrong, "every share but the last is 0 here, so = happens to keep the whole sum"
    node = lost[0]
    index = nodes.index(node)
    return wrong, (
        f"{_name(node)} feeds {consumers[node]} consumers; = kept only the last one's share "
        f"({wrong[index]:.4g}) instead of adding all of them ({right[index]:.4g})"
    )


def _report_breadth_first(root, nodes, right):
    grads, pushed = backward_breadth_first(root)
    wrong = tuple(grads.get(node, 0.0) for node in nodes)
    for node, grad in pushed:
        final = grads[node]
        if node.parents and not math.isclose(grad, final, rel_tol=1e-9, abs_tol=1e-12):
            return wrong, (
                f"breadth first reached {_name(node)} by its shortest path and pushed Δ = {grad:.4g} "
                f"to its parents before a longer path brought it to {final:.4g}"
            )
    return wrong, (
        "every node here is reached by paths of one length, so breadth first happens to visit "
        "each node after all its consumers"
    )


def _report_not_zeroed(root, nodes, right):
    grads = backward_twice_without_zeroing(root)
    wrong = tuple(grads[node] for node in nodes)
    leaves = [(node, good, bad) for node, good, bad in zip(nodes, right, wrong) if not node.parents and good]
    if not leaves:
        return wrong, "every gradient here is 0, so adding a second pass onto the first changes nothing"
    node, good, bad = leaves[0]
    return wrong, (
        f"the second backward() added onto the first: {_name(node)} holds {bad:.4g}, "
        f"{bad / good:.3g}× its gradient {good:.4g}, so a step would move it {bad / good:.3g}× too far; "
        "call zero_grad() before each backward()"
    )


def _report_recursive(root, nodes, right):
    depth = recursion_depth(root)
    fails_at = recursion_failure_depth()
    if depth >= fails_at:
        return None, (
            f"this graph is {depth} calls deep; the recursive sort raises RecursionError from "
            f"{fails_at} levels (Python's limit is {sys.getrecursionlimit()}); an explicit stack has no limit"
        )
    order = recursive_topological_order(root)
    grads = dict.fromkeys(order, 0.0)
    _accumulate(root, order, grads)
    return tuple(grads[node] for node in nodes), (
        f"this graph is only {depth} calls deep; the recursive sort would raise RecursionError "
        f"on a chain {fails_at} nodes deep (Python's recursion limit is {sys.getrecursionlimit()})"
    )


BUGS: dict[str, Bug] = {
    "assign": Bug("= instead of +=", _report_assign, "a + a   or   cos(w**2) * sin(w**2)"),
    "breadth_first": Bug("breadth-first order", _report_breadth_first, "x*w + exp(x*w)"),
    "not_zeroed": Bug("grads not zeroed between two passes", _report_not_zeroed, "x*w"),
    "recursive": Bug(
        "recursive topological sort",
        _report_recursive,
        "a chain deeper than the recursion limit: for _ in range(2000): x = x * 1.0",
    ),
}
"""Every classic bug, by key, in the order a lecture shows them."""


def run_bug(name: str, root: Value) -> BugReport:
    """Run the bug ``name`` (a key of ``BUGS``) on ``root``'s graph beside the right backward pass."""
    if name not in BUGS:
        raise ValueError(f"unknown bug {name!r}; bugs: {', '.join(BUGS)}")
    bug = BUGS[name]
    nodes, right = _right_grads(root)
    wrong, why = bug.report(root, nodes, right)
    parted = None if wrong is None else _first_parting(nodes, right, wrong)
    changes = wrong is None or parted is not None
    return BugReport(name, bug.title, nodes, right, wrong, parted, why, "" if changes else bug.suggestion)


def run_bugs(root: Value) -> list[BugReport]:
    """Every bug of ``BUGS`` run on ``root``'s graph."""
    return [run_bug(name, root) for name in BUGS]
