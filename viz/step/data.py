"""Everything a step-through page replays, gathered into one JSON-ready dict.

    data = {"title", "digits", "modes", "intro": {mode: lines},
            "initial": {mode: {"nodes": …, "edges": …}},
            "timelines": {mode: [steps]  or  {subject key: [steps]}},
            "subjects": {mode: [[node_id, name], …]}, "variants": {"nudge": ["0.1", …]},
            "nodes": {node_id: {"name", "kind", "leaf"}}, "counts": {"nodes", "edges"}}

The numbers all come from the engine's traversal (see ``viz.step.passes``,
``viz.step.paths``, ``viz.step.nudge``); the page only replays them.
"""

from __future__ import annotations

from pathgrad.engine import count_edges

from .frames import line
from .graph import StepGraph
from .nudge import NUDGES, nudge_timeline
from .passes import backward_timeline, forward_timeline, quiz_timeline, resting
from .paths import MAX_STEPPED_PATHS, paths_timeline

__all__ = ["MODES", "build_data", "node_table", "text_extents", "SUBJECT_MODES"]

MODES = ("forward", "backward", "paths", "quiz", "nudge")
SUBJECT_MODES = ("paths", "nudge")

INTRO = {
    "forward": [
        line("head", "Forward pass"),
        line(
            "note",
            "The leaves hold the inputs and parameters. Each step computes one node from its parents, "
            "in topological order, and stores the local derivative ∂node/∂parent on each incoming edge.",
        ),
    ],
    "backward": [
        line("head", "Backward pass: a dynamic program"),
        line("formula", "Δ(h_r) = Σ over children h of ∂h/∂h_r · Δ(h)"),
        line(
            "note",
            "Nodes are visited in reverse topological order, so each Δ is final before it is pushed "
            "to the parents. Yellow: still accumulating; green: final.",
        ),
    ],
    "paths": [
        line("head", "Chain rule as a sum over paths"),
        line("formula", "∂L/∂u = Σ over paths u → … → L of Π ∂(next)/∂(previous)"),
        line("note", "Click a node (or pick it from the list), then step through its paths."),
    ],
    "quiz": [
        line("head", "Quiz: predict each Δ"),
        line(
            "note",
            "Grads are hidden. For the highlighted node, type Δ or pick a value; the page checks it and reveals.",
        ),
    ],
    "nudge": [
        line("head", "Nudge a leaf by h"),
        line(
            "note",
            "Pick a leaf and h. Every node downstream changes by about ∂node/∂leaf · h; "
            "at the output that is the leaf's grad × h.",
        ),
    ],
}


def _label(name: str, limit: int = 28) -> str:
    return name if len(name) <= limit else name[: limit - 1] + "…"


def node_table(graph: StepGraph) -> dict:
    """``{"nodes": {id: {name, label, kind, leaf}}, "counts": {nodes, edges}}`` for the page."""
    return {
        "nodes": {
            graph.ids[n]: {
                "name": graph.names[n],
                "label": _label(graph.names[n]),
                "kind": graph.kinds[n],
                "leaf": n.is_leaf,
            }
            for n in graph.order
        },
        "counts": {"nodes": len(graph.order), "edges": count_edges(graph.root)},
    }


def build_data(
    graph: StepGraph,
    *,
    digits: int = 3,
    modes: tuple[str, ...] = MODES,
    nudges: tuple[float, ...] = NUDGES,
    max_paths: int = MAX_STEPPED_PATHS,
    title: str = "",
) -> dict:
    """The page data for ``graph`` in ``modes`` (runs one backward pass on the graph)."""
    unknown = [m for m in modes if m not in MODES]
    if unknown or not modes:
        raise ValueError(f"unknown step-through mode(s) {unknown or modes!r}; modes: {', '.join(MODES)}")
    initial, timelines = {}, {}
    initial["forward"], timelines["forward"] = forward_timeline(graph, digits)
    initial["backward"], timelines["backward"] = backward_timeline(graph, digits)
    initial["quiz"], timelines["quiz"] = quiz_timeline(graph, timelines["backward"], digits)
    initial["paths"] = resting(graph, digits, grads=True)
    timelines["paths"] = {
        graph.ids[node]: paths_timeline(graph, node, digits, max_paths)
        for node in graph.order
        if node is not graph.root
    }
    leaves = [node for node in graph.order if node.is_leaf and graph.kinds[node] != "constant"]
    initial["nudge"] = resting(graph, digits)
    for state in initial["nudge"]["nodes"].values():
        state["g"] = ""
    timelines["nudge"] = {
        f"{graph.ids[leaf]}|{h:g}": nudge_timeline(graph, leaf, h, digits) for leaf in leaves for h in nudges
    }
    subjects = {
        "paths": [[graph.ids[n], graph.names[n]] for n in reversed(graph.order) if n is not graph.root],
        "nudge": [[graph.ids[n], graph.names[n]] for n in leaves],
    }
    # the page opens on a weight if there is one: the node a lecture asks about first
    first = next((n for n in leaves if graph.kinds[n] == "parameter"), leaves[0] if leaves else None)
    return {
        "title": title or f"Backprop step by step: {graph.names[graph.root]}",
        "digits": digits,
        "modes": list(modes),
        "intro": {m: INTRO[m] for m in modes},
        "initial": {m: initial[m] for m in modes},
        "timelines": {m: timelines[m] for m in modes},
        "subjects": {m: subjects[m] for m in modes if m in SUBJECT_MODES},
        "variants": {"nudge": [f"{h:g}" for h in nudges]} if "nudge" in modes else {},
        "chosen": {m: graph.ids[first] for m in SUBJECT_MODES if m in modes and first is not None},
        **node_table(graph),
    }


def _timelines(data: dict):
    for timeline in data["timelines"].values():
        yield from (timeline.values() if isinstance(timeline, dict) else [timeline])


def text_extents(data: dict) -> tuple[dict[str, int], int]:
    """The longest text each cell (``<id>-data``, ``<id>-grad``) and any edge label will ever show.

    Boxes sized from these fit every state of every step: one layout fits all.
    """
    cell_chars = {f"{ident}-{field}": 1 for ident in data["nodes"] for field in ("data", "grad")}
    edge_chars = 1

    def grow(changes: dict) -> None:
        nonlocal edge_chars
        for ident, state in changes.get("nodes", {}).items():
            for key, field in (("d", "data"), ("g", "grad")):
                cell = f"{ident}-{field}"
                cell_chars[cell] = max(cell_chars[cell], len(state.get(key, "")))
        for state in changes.get("edges", {}).values():
            edge_chars = max(edge_chars, len(state.get("t", "")))

    for state in data["initial"].values():
        grow(state)
    for timeline in _timelines(data):
        for step in timeline:
            grow(step)
            grow(step.get("reveal", {}))
    return cell_chars, edge_chars
