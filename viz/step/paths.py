r"""Paths timelines: ∂root/∂u as the sum over paths of products of local derivatives.

    ∂L/∂u = Σ_{paths u → … → L} Π_{edges (v → w) on the path} ∂w/∂v

For a chosen node u the page steps through ``engine.paths(root, u)`` one path at a
time (its factors, its product, the running sum) and ends on the equality with the
grad the backward pass computed, beside the number of paths (``engine.count_paths``)
and the number of edges the dynamic program visited (``engine.count_edges``).
"""

from __future__ import annotations

import math

from pathgrad.engine import Value, count_edges, count_paths, paths

from .frames import Step, edge_state, line, step
from .graph import StepGraph
from .words import number, partial

__all__ = ["paths_timeline", "MAX_STEPPED_PATHS"]

MAX_STEPPED_PATHS = 64
"""More paths than this are counted and reported, not stepped through."""


def _too_many(graph: StepGraph, node: Value, total: int, edges: int, digits: int) -> list[Step]:
    name, root = graph.names[node], graph.names[graph.root]
    return [
        step(
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


def paths_timeline(
    graph: StepGraph, node: Value, digits: int, max_paths: int = MAX_STEPPED_PATHS
) -> list[Step]:
    """The steps for ``node``: one per path, then the sum set against the backward grad.

    Expects the graph's grads to be set (the backward timeline runs first).
    """
    total, edges = count_paths(graph.root, node), count_edges(graph.root)
    if total > max_paths:
        return _too_many(graph, node, total, edges, digits)
    name, root = graph.names[node], graph.names[graph.root]
    steps, products = [], []
    for k, path in enumerate(paths(graph.root, node), 1):
        route = [graph.edge(path.nodes[i + 1], path.edges[i]) for i in range(len(path.edges))]
        products.append(path.product)
        symbols = " × ".join(
            partial(graph.names[path.nodes[i + 1]], graph.names[path.nodes[i]])
            for i in range(len(path.edges))
        )
        numbers = " × ".join(number(f, digits) for f in path.factors)
        running = math.fsum(products)
        lines = [
            line("head", " → ".join(graph.names[n] for n in path.nodes)),
            line("formula", f"{symbols}"),
            line("formula", f"= {numbers} = {number(path.product, digits)}"),
            line("formula", f"sum of {k} path{'s' if k > 1 else ''} so far: {number(running, digits)}"),
        ]
        steps.append(
            step(
                f"Path {k}/{total}: from {name} to {root}",
                lines,
                edges={e: edge_state(state="visited") for e in route},
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
        step(
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
