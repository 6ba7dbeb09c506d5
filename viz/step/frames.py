r"""The frames a step-through replays: typed steps, serialized once, at the page boundary.

A mode's *frames* are an initial state and a timeline of steps (or one timeline per
subject: a node for paths, a leaf and ε for nudge). The page shows step k by starting
from the initial state and applying the changes of steps 1..k in order; it never
computes a number itself. One step:

    Step(title="Δ(n) is final", counter="Backward",
         lines=[Line("formula", "Δ(x1*w1) += ∂n/∂(x1*w1) · Δ(n) = 1.000 × 0.500 = 0.500"), ...],
         nodes={node_id: NodeChange(grad="0.500", state="final")},   # persistent
         edges={edge_id: EdgeChange(state="pushed")},                # persistent
         focus=[node ids], targets=[node ids], trail=[edge ids],    # this step only
         values={"grad": 0.5, ...})                                   # exact numbers, for tests

A node change holds numbers only; the view puts its words in front of them (``data``
and ``grad`` for a node, ``a``/``δ`` and ``h``/``Δ`` for a neuron's rows), so no text is
ever rewritten afterwards. A quiz step also has ``quiz`` (answer, tolerance, choices)
and ``reveal`` (changes applied once answered or passed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "NodeChange",
    "EdgeChange",
    "Line",
    "Quiz",
    "Reveal",
    "Step",
    "State",
    "Frames",
    "line",
    "DEFAULT_WORDS",
]

DEFAULT_WORDS = ("data", "grad")
"""What a node's two cells say before their numbers, unless its view says otherwise."""


@dataclass(frozen=True)
class NodeChange:
    """A change to one node's cells: only the fields given change.

    ``data`` and ``grad`` are the texts after the cell's word (``0.881``, ``?``, ``—``);
    ``note`` replaces the whole grad cell (nudge writes ``ε = +0.1`` there).
    """

    data: str | None = None
    grad: str | None = None
    state: str | None = None
    note: str | None = None

    def to_json(self, words: tuple[str, str]) -> dict[str, str]:
        change = {}
        if self.data is not None:
            change["d"] = f"{words[0]} {self.data}" if words[0] else self.data
        if self.grad is not None:
            change["g"] = f"{words[1]} {self.grad}" if words[1] else self.grad
        if self.note is not None:
            change["g"] = self.note
        if self.state is not None:
            change["c"] = self.state
        return change


@dataclass(frozen=True)
class EdgeChange:
    """A change to one edge: its label text and/or its state class."""

    text: str | None = None
    state: str | None = None

    def to_json(self) -> dict[str, str]:
        change = {"t": self.text, "c": self.state}
        return {key: value for key, value in change.items() if value is not None}


@dataclass(frozen=True)
class Line:
    """One line of the side panel; ``kind`` is a CSS class: head, formula, note, ok, bad."""

    kind: str
    text: str


def line(kind: str, text: str) -> Line:
    """``Line(kind, text)``."""
    return Line(kind, text)


@dataclass(frozen=True)
class Quiz:
    """A question: the answer, how close counts as right, and the choices offered.

    ``accepted`` holds every value that counts as right within ``tolerance``: the true
    answer, and what the factors the page displays (rounded) give when multiplied and added.
    """

    answer: float
    tolerance: float
    choices: tuple[str, ...]
    accepted: tuple[float, ...] = ()


@dataclass
class Reveal:
    """What a quiz step shows once answered or passed."""

    nodes: dict[str, NodeChange]
    lines: list[Line]


@dataclass
class Step:
    """One step of a timeline (see the module docstring).

    ``counter`` numbers the step in its timeline: ``counter="Forward"`` and ``title="compute n"``
    show as ``Forward 3/10: compute n``; without a counter the title shows as it is.
    """

    title: str
    lines: list[Line]
    nodes: dict[str, NodeChange] = field(default_factory=dict)
    edges: dict[str, EdgeChange] = field(default_factory=dict)
    focus: list[str] = field(default_factory=list)
    targets: list[str] = field(default_factory=list)
    trail: list[str] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    counter: str | None = None
    quiz: Quiz | None = None
    reveal: Reveal | None = None
    chains: dict[str, list[Line]] | None = None
    """The step's lines in another chain variable (``{"a": δ-form lines}``); ``lines`` are the Δ form."""


@dataclass
class State:
    """Every node's and edge's cells before a timeline's first step."""

    nodes: dict[str, NodeChange]
    edges: dict[str, EdgeChange]


@dataclass
class Frames:
    """What one mode gives the page: its initial state and its timeline(s).

    ``timeline`` is one list of steps, or a dict of them by subject key (``subject`` or
    ``subject|variant``); ``subjects`` lists ``(node id, name)`` to choose from,
    ``variants`` the choices beside the subject (nudge's ε), ``chosen`` the subject the
    page opens on, ``chart`` a curve the panel draws (training's loss).
    """

    initial: State
    timeline: list[Step] | dict[str, list[Step]]
    subjects: list[tuple[str, str]] | None = None
    variants: list[str] | None = None
    chosen: str | None = None
    chart: dict[str, Any] | None = None
    intro: list[Line] | None = None
    """Lines the builder adds to the mode's intro (what this page's steps show)."""

    def timelines(self) -> list[list[Step]]:
        """Every timeline of the mode."""
        return list(self.timeline.values()) if isinstance(self.timeline, dict) else [self.timeline]

    def map_timelines(self, change: Callable[[list[Step]], list[Step]]) -> None:
        """Replace each timeline by ``change(timeline)``."""
        if isinstance(self.timeline, dict):
            self.timeline = {key: change(steps) for key, steps in self.timeline.items()}
        else:
            self.timeline = change(self.timeline)


Words = Callable[[str], tuple[str, str]]


def _nodes_json(nodes: Mapping[str, NodeChange], words: Words) -> dict[str, dict[str, str]]:
    return {ident: change.to_json(words(ident)) for ident, change in nodes.items()}


def state_json(state: State, words: Words) -> dict:
    """The state as the page's JSON."""
    return {
        "nodes": _nodes_json(state.nodes, words),
        "edges": {ident: change.to_json() for ident, change in state.edges.items()},
    }


def timeline_json(
    steps: list[Step], words: Words, trail_of: Callable[[str], str] = lambda e: e
) -> list[dict]:
    """The steps as the page's JSON, numbered, with each cell's words from the view.

    ``trail_of`` maps an edge the view does not draw to the edge that carries its label.
    """
    total = sum(1 for s in steps if s.counter is not None)
    out, count = [], 0
    for s in steps:
        title = s.title
        if s.counter is not None:
            count += 1
            title = f"{s.counter} {count}/{total}: {s.title}"
        record = {
            "title": title,
            "lines": [[item.kind, item.text] for item in s.lines],
            "nodes": _nodes_json(s.nodes, words),
            "edges": {ident: change.to_json() for ident, change in s.edges.items()},
            "focus": list(s.focus),
            "targets": list(s.targets),
            "trail": [trail_of(e) for e in s.trail],
            "values": s.values,
        }
        if s.quiz is not None:
            record["quiz"] = {
                "answer": s.quiz.answer,
                "tolerance": s.quiz.tolerance,
                "choices": list(s.quiz.choices),
                "accepted": list(dict.fromkeys((s.quiz.answer, *s.quiz.accepted))),
            }
        if s.chains:
            record["chains"] = {
                "h": record["lines"],
                **{chain: [[item.kind, item.text] for item in lines] for chain, lines in s.chains.items()},
            }
        if s.reveal is not None:
            record["reveal"] = {
                "nodes": _nodes_json(s.reveal.nodes, words),
                "lines": [[item.kind, item.text] for item in s.reveal.lines],
            }
        out.append(record)
    return out
