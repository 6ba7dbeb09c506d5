"""The page's JSON: each mode's frames serialized once, with the view's words and every cell's id.

    data = {"title", "digits", "modes": [name, …],
            "mode_info": {mode: {"key", "label", "subject", "button", "dims", "variant"}},
            "intro": {mode: lines}, "initial": {mode: {"nodes": …, "edges": …}},
            "timelines": {mode: [steps]  or  {subject key: [steps]}},
            "subjects": {mode: [[node_id, name], …]}, "variants": {mode: ["0.1", …]},
            "chosen": {mode: node_id}, "chart": {…} (training),
            "nodes": {node_id: {"name", "label", "kind", "leaf"}}, "counts": {"nodes", "edges"},
            "cells": {node_id: {"box", "data", "grad", "label", "owner"}}}

Every id the page looks up is here (``pathgrad.viz.ids``); the page's script composes none.
The entries by mode (intro … chosen, chart) are ``mode_data``: a live page (the notebook
widget) is sent those of the mode it shows, and merges them into what it has.
"""

from __future__ import annotations

from pathgrad.engine import count_edges

from ..ids import field_id, mode_button_id
from .frames import Frames, state_json, timeline_json
from .graph import StepGraph
from .modes import Mode
from .views import View, short_label

__all__ = ["page_data", "mode_data", "node_data", "script_data", "text_extents", "SCRIPT_VALUES"]

SCRIPT_VALUES = ("node", "iteration")
"""The entries of a step's ``values`` the page's script reads: the node whose click finds the
step, and the iteration the training chart marks. The others are exact numbers for Python."""


def _lines(lines) -> list[list[str]]:
    return [[item.kind, item.text] for item in lines]


def _cells(graph: StepGraph, view: View) -> dict[str, dict]:
    cells = {}
    for node in graph.order:
        ident = graph.ids[node]
        box = view.box_of.get(ident, ident)
        cells[ident] = {
            "box": box,
            "data": field_id(ident, "data"),
            "grad": field_id(ident, "grad"),
            # a node drawn inside another box (a neuron's weight) has no header of its own
            "label": field_id(ident, "label") if box == ident else None,
            # a neuron's box takes its state from a and h, not from the weights inside it
            "owner": box == ident or ident in view.owners,
        }
    return cells


def page_data(graph: StepGraph, view: View, built: dict[Mode, Frames], title: str, digits: int) -> dict:
    """The JSON-ready data of a page showing ``built`` (each mode's frames) in ``view``."""
    modes = list(built)
    data = {
        "title": title or f"Backprop step by step: {graph.names[graph.root]}",
        "digits": digits,
        "modes": [m.name for m in modes],
        "mode_info": {
            m.name: {
                "key": m.key,
                "label": m.label,
                "subject": m.subject,
                "button": mode_button_id(m.name),
                "dims": m.dims,
                "variant": m.variant,
            }
            for m in modes
        },
        "nodes": node_data(graph),
        "counts": {"nodes": len(graph.order), "edges": count_edges(graph.root)},
        "boxes": dict(view.box_of),
        "owners": sorted(view.owners),
        "cells": _cells(graph, view),
    }
    return {**data, **mode_data(view, built)}


def node_data(graph: StepGraph) -> dict[str, dict]:
    """Each node's name, header label, kind and whether it is a leaf, by id: what a page checks an update against."""
    return {
        graph.ids[n]: {
            "name": graph.names[n],
            "label": short_label(graph.names[n]),
            "kind": graph.kinds[n],
            "leaf": n.is_leaf,
        }
        for n in graph.order
    }


def mode_data(view: View, built: dict[Mode, Frames]) -> dict:
    """The entries of the page's data that belong to the modes in ``built``, each a dict by mode name.

    ``{"intro", "initial", "timelines", "subjects", "variants", "chosen"}`` (and ``"chart"`` for
    training). A page merges these entry by entry into its data (``step.js``), so an update
    carrying only some modes leaves the others as they were.
    """
    data: dict = {
        "intro": {m.name: _lines(m.intro) + _lines(frames.intro or []) for m, frames in built.items()},
        "initial": {m.name: state_json(frames.initial, view.words) for m, frames in built.items()},
        "timelines": {},
        "subjects": {
            m.name: [list(s) for s in frames.subjects]
            for m, frames in built.items()
            if frames.subjects is not None
        },
        "variants": {m.name: frames.variants for m, frames in built.items() if frames.variants is not None},
        "chosen": {m.name: frames.chosen for m, frames in built.items() if frames.chosen is not None},
    }
    for m, frames in built.items():
        if m.per_box:
            frames.map_timelines(view.per_box)
        serialize = lambda steps: timeline_json(steps, view.words, view.carrier)  # noqa: B023
        timeline = frames.timeline
        data["timelines"][m.name] = (
            {key: serialize(steps) for key, steps in timeline.items()}
            if isinstance(timeline, dict)
            else serialize(timeline)
        )
        if frames.chart is not None:
            data["chart"] = frames.chart
    return data


def script_data(data: dict) -> dict:
    """``data`` with each step's ``values`` cut to ``SCRIPT_VALUES``: what a notebook's page carries.

    The page shows the steps' words, which hold every number as the view rounds it; the
    full-precision grads, factors and products in ``values`` are read by Python (tests,
    ``stepper.data``) and were a fifth of the lecture notebook's gzipped page data.
    ``data`` itself is not changed.
    """

    def cut(steps: list[dict]) -> list[dict]:
        return [
            {**step, "values": {key: step["values"][key] for key in SCRIPT_VALUES if key in step["values"]}}
            for step in steps
        ]

    timelines = {
        mode: {key: cut(steps) for key, steps in timeline.items()}
        if isinstance(timeline, dict)
        else cut(timeline)
        for mode, timeline in data["timelines"].items()
    }
    return {**data, "timelines": timelines}


def _timelines(data: dict):
    for timeline in data["timelines"].values():
        yield from (timeline.values() if isinstance(timeline, dict) else [timeline])


def text_extents(data: dict) -> tuple[dict[str, int], int]:
    """The longest text each cell (``<id>-data``, ``<id>-grad``) and any edge label will ever show.

    Boxes sized from these fit every state of every step: one layout fits all.
    """
    cell_chars = {cell[f]: 1 for cell in data["cells"].values() for f in ("data", "grad")}
    edge_chars = 1

    def grow(changes: dict) -> None:
        nonlocal edge_chars
        for ident, state in changes.get("nodes", {}).items():
            cell = data["cells"][ident]
            for key, field in (("d", "data"), ("g", "grad")):
                cell_chars[cell[field]] = max(cell_chars[cell[field]], len(state.get(key, "")))
        for state in changes.get("edges", {}).values():
            edge_chars = max(edge_chars, len(state.get("t", "")))

    for state in data["initial"].values():
        grow(state)
    for timeline in _timelines(data):
        for step in timeline:
            grow(step)
            grow(step.get("reveal", {}))
    return cell_chars, edge_chars
