"""The shape of a step-through's data: timelines of steps the page replays.

A *timeline* is a list of steps. The page shows step k by starting from the mode's
initial state and applying the changes of steps 1..k in order; it never computes a
number itself. One step is a plain dict (it goes to the page as JSON):

    {"title": "Δ(n) is final",
     "lines": [["formula", "Δ(x1*w1) += ∂n/∂(x1*w1) · Δ(n) = 1.000 × 0.500 = 0.500"], ...],
     "nodes": {node_id: {"d": data text, "g": grad text, "c": state class}},   # persistent
     "edges": {edge_id: {"t": label text, "c": state class}},                  # persistent
     "focus": [node ids], "targets": [node ids], "trail": [edge ids],         # this step only
     "values": {"grad": 0.5, ...}}                                             # exact numbers, for tests

A quiz step also has ``"quiz"`` (question, answer, choices) and ``"reveal"`` (changes
applied once answered or passed).
"""

from __future__ import annotations

from typing import Any

__all__ = ["Step", "node_state", "edge_state", "step", "line"]

Step = dict[str, Any]


def node_state(data: str | None = None, grad: str | None = None, state: str | None = None) -> dict[str, str]:
    """A node change: only the given fields change."""
    change = {"d": data, "g": grad, "c": state}
    return {key: value for key, value in change.items() if value is not None}


def edge_state(text: str | None = None, state: str | None = None) -> dict[str, str]:
    """An edge change: its label text and/or its state class."""
    change = {"t": text, "c": state}
    return {key: value for key, value in change.items() if value is not None}


def line(kind: str, text: str) -> list[str]:
    """One line of the side panel; ``kind`` is a CSS class: head, formula, note, ok, bad."""
    return [kind, text]


def step(
    title: str,
    lines: list[list[str]],
    *,
    nodes: dict[str, dict[str, str]] | None = None,
    edges: dict[str, dict[str, str]] | None = None,
    focus: list[str] | None = None,
    targets: list[str] | None = None,
    trail: list[str] | None = None,
    values: dict[str, Any] | None = None,
    **extra: Any,
) -> Step:
    """One step of a timeline (see the module docstring for the fields)."""
    return {
        "title": title,
        "lines": lines,
        "nodes": nodes or {},
        "edges": edges or {},
        "focus": focus or [],
        "targets": targets or [],
        "trail": trail or [],
        "values": values or {},
        **extra,
    }
