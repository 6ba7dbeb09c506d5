r"""Paths timelines: ∂root/∂u as the sum over paths of products of local derivatives.

    ∂L/∂u = Σ_{paths u → … → L} Π_{edges (v → w) on the path} ∂w/∂v

For a chosen node u the page steps through ``pathgrad.engine.paths(root, u)`` one path at a
time (its factors, its product, the running sum) and ends on the equality with the
grad the backward pass computed, beside the number of paths (``pathgrad.engine.count_paths``)
and the number of edges the dynamic program visited (``pathgrad.engine.count_edges``).
"""

from __future__ import annotations

import math

from pathgrad.engine import Value, count_edges, paths

from .frames import EdgeChange, Frames, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import resting
from .words import number, partial

__all__ = ["paths_frames", "paths_timeline", "path_counts", "first_parameter"]


def path_counts(graph: StepGraph) -> dict[Value, int]:
    """The number of paths from every node to the root, in one pass (``pathgrad.engine.count_paths`` of each).

    count(root) = 1,  count(u) = Σ over the edges u → v of count(v).
    """
    count: dict[Value, int] = {node: 0 for node in graph.order}
    count[graph.root] = 1
    for node in reversed(graph.order):
        for parent in node.parents:
            count[parent] += count[node]
    return count


def first_parameter(graph: StepGraph) -> str | None:
    """The node a page opens on: a weight if there is one (what a lecture asks about first), else a leaf."""
    leaves = [n for n in graph.order if n.is_leaf and graph.kinds[n] != "constant"]
    first = next((n for n in leaves if graph.kinds[n] == "parameter"), leaves[0] if leaves else None)
    return graph.ids[first] if first is not None else None


def paths_frames(graph: StepGraph, settings: Settings) -> Frames:
    """For every node but the root (the subjects, nearest the output first), its walk over paths."""
    graph.records()  # the walks end on the grads backward computes
    counts, edges = path_counts(graph), count_edges(graph.root)
    factors = _factor_words(graph, settings.digits)
    timelines = {
        graph.ids[node]: paths_timeline(
            graph, node, settings.digits, settings.max_paths, counts[node], edges, factors
        )
        for node in graph.order
        if node is not graph.root
    }
    return Frames(
        resting(graph, settings.digits, grads=True),
        timelines,
        subjects=[(graph.ids[n], graph.names[n]) for n in reversed(graph.order) if n is not graph.root],
        chosen=first_parameter(graph),
    )


def _too_many(graph: StepGraph, node: Value, total: int, edges: int, digits: int) -> list[Step]:
    name, root = graph.names[node], graph.names[graph.root]
    return [
        Step(
            f"{total} paths from {name} to {root}",
            [
                line("head", f"There are {total} paths from {name} to {root}: too many to step through."),
                line(
                    "formula",
                    f"backprop visits {edges} edges, once each, and gets Δ({name}) = {number(node.grad, digits)}",
                ),
                line("note", "choose a node nearer the output, or a collapsed view of the network"),
            ],
            focus=[graph.ids[node]],
            values={"node": graph.ids[node], "paths": total, "edges": edges, "grad": node.grad},
        )
    ]


def _factor_words(graph: StepGraph, digits: int) -> dict[str, tuple[str, str]]:
    """Each edge's factor ∂child/∂parent and its number, written once for all the paths through it."""
    return {
        graph.edge(child, k): (partial(graph.names[child], graph.names[parent]), number(local, digits))
        for child in graph.order
        for k, (parent, local) in enumerate(zip(child.parents, child.local_grads))
    }


def paths_timeline(
    graph: StepGraph,
    node: Value,
    digits: int,
    max_paths: int,
    total: int,
    edges: int,
    factors: dict[str, tuple[str, str]],
) -> list[Step]:
    """The steps for ``node`` (``total`` paths; backward visits ``edges`` edges): one per path,
    then the sum set against the backward grad. ``factors`` writes each edge's factor.

    Expects the graph's grads to be set (``graph.records()``).
    """
    if total > max_paths:
        return _too_many(graph, node, total, edges, digits)
    name, root = graph.names[node], graph.names[graph.root]
    steps, products = [], []
    for k, path in enumerate(paths(graph.root, node, graph.order), 1):
        route = [graph.edge(path.nodes[i + 1], path.edges[i]) for i in range(len(path.edges))]
        products.append(path.product)
        symbols = " × ".join(factors[e][0] for e in route)
        numbers = " × ".join(factors[e][1] for e in route)
        running = math.fsum(products)
        lines = [
            line("head", " → ".join(graph.names[n] for n in path.nodes)),
            line("formula", f"{symbols}"),
            line("formula", f"= {numbers} = {number(path.product, digits)}"),
            line("formula", f"sum of {k} path{'s' if k > 1 else ''} so far: {number(running, digits)}"),
        ]
        steps.append(
            Step(
                f"Path {k}/{total}: from {name} to {root}",
                lines,
                edges={e: EdgeChange(state="visited") for e in route},
                focus=[graph.ids[n] for n in path.nodes],
                trail=route,
                values={
                    "node": graph.ids[node],
                    "factors": list(path.factors),
                    "product": path.product,
                    "running": running,
                },
            )
        )
    total_sum = math.fsum(products)
    same = math.isclose(total_sum, node.grad, rel_tol=1e-9, abs_tol=1e-12)
    sums = " + ".join(number(p, digits) for p in products) if len(products) <= 8 else f"the {total} products"
    steps.append(
        Step(
            f"Σ over {total} path{'s' if total > 1 else ''} = Δ({name})",
            [
                line("formula", f"{partial(root, name)} = {sums} = {number(total_sum, digits)}")
                if len(products) > 1
                else line("formula", f"{partial(root, name)} = {number(total_sum, digits)}   (one path)"),
                line(
                    "ok" if same else "bad",
                    f"backprop's Δ({name}) = {number(node.grad, digits)}  {'✓ equal' if same else '✗ differs'}",
                ),
                line(
                    "note",
                    f"{total} path{'s' if total > 1 else ''} here; backprop visits {edges} edges in all, once each",
                ),
            ],
            focus=[graph.ids[node]],
            values={
                "node": graph.ids[node],
                "sum": total_sum,
                "grad": node.grad,
                "paths": total,
                "edges": edges,
            },
        )
    )
    return steps
