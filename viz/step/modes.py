r"""The table of step-through modes: one row per mode, and nothing about a mode lives elsewhere.

Each row names the mode, the key that opens it on the page, its button label, the
panel's intro, the builder that turns the graph into typed frames (its own file:
``forward.py``, ``backward.py``, ``quiz.py``, ``paths.py``, ``nudge.py``, ``bugs.py``, ``training.py``), what
its subject picker chooses (a node, a leaf, or nothing) and the views it supports.
Only the modes a page asks for are built. The page's JSON carries each mode's key,
label and subject label, so the page's script knows no mode by name.

Adding a mode is one row here plus its builder file:

    register(Mode(name="bugs", key="x", label="Bugs", intro=(line("head", "..."),),
                  build=bugs_frames))
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .backward import backward_frames
from .bugs import bugs_frames
from .forward import forward_frames
from .frames import Frames, Line, line
from .graph import StepGraph
from .nudge import nudge_frames
from .paths import paths_frames
from .quiz import quiz_frames
from .settings import Settings
from .training import training_frames

__all__ = ["Mode", "MODES", "register", "default_modes", "VIEWS", "RESERVED_KEYS"]

VIEWS = ("expanded", "neuron", "layer")
"""The views of a graph a step-through draws (``views.py``)."""

RESERVED_KEYS = frozenset({"z", "c", " "})
"""Keys the page keeps for itself (zoom, chain variable, play)."""


@dataclass(frozen=True)
class Mode:
    """One row of the table.

    Attributes:
        name: the mode's name in ``step(modes=...)``, links (``#mode=paths``) and the JSON.
        key: the key that opens it on the page.
        label: its button's text.
        intro: the panel's lines before the first step.
        build: ``(graph, settings) -> Frames``.
        subject: what the subject picker chooses (``"node"``, ``"leaf"``), or ``None``.
        views: the views it supports.
        offered: the views that offer it when ``modes`` is not given.
        per_box: in a view that draws several nodes in one box (a neuron), consecutive
            steps on one box become one step.
        dims: the page dims the nodes a step does not focus on (paths follow one node).
        variant: what the choice beside the subject picks (nudge's ε), or ``None``.
    """

    name: str
    key: str
    label: str
    intro: tuple[Line, ...]
    build: Callable[[StepGraph, Settings], Frames]
    subject: str | None = None
    views: tuple[str, ...] = VIEWS
    offered: tuple[str, ...] = VIEWS
    per_box: bool = False
    dims: bool = False
    variant: str | None = None


MODES: dict[str, Mode] = {}
"""Every mode by name, in the order the page lists them."""


def register(mode: Mode) -> Mode:
    """Add ``mode`` to the table; its name and key must be new."""
    if mode.name in MODES:
        raise ValueError(f"step-through mode {mode.name!r} is already registered")
    taken = {m.key: m.name for m in MODES.values()}
    if mode.key in taken or mode.key in RESERVED_KEYS or len(mode.key) != 1:
        owner = taken.get(mode.key, "the page")
        raise ValueError(f"mode {mode.name!r}: key {mode.key!r} is not a free single key (used by {owner})")
    MODES[mode.name] = mode
    return mode


def default_modes(view: str) -> tuple[str, ...]:
    """The modes a page in ``view`` offers when none are asked for."""
    return tuple(name for name, mode in MODES.items() if view in mode.offered)


register(
    Mode(
        name="forward",
        key="f",
        label="Forward",
        intro=(
            line("head", "Forward pass"),
            line(
                "note",
                "The leaves hold the inputs and parameters. Each step computes one node from its parents, "
                "in topological order, and stores the local derivative ∂node/∂parent on each incoming edge.",
            ),
        ),
        build=forward_frames,
        per_box=True,
    )
)
register(
    Mode(
        name="backward",
        key="b",
        label="Backward",
        intro=(
            line("head", "Backward pass: a dynamic program"),
            line("formula", "Δ(h_r) = Σ over children h of ∂h/∂h_r · Δ(h)"),
            line("formula", "δ(a_r) = Φ′(a_r) · Σ w · δ(next),   ∂L/∂w = δ(a_r) · h_{r−1}"),
            line(
                "note",
                "Nodes are visited in reverse topological order, so each Δ is final before it is pushed "
                "to the parents; a leaf pushes nothing, so it is final in its last child's step. "
                "Dashed yellow: still accumulating; ✓ and green: final. In a network, c switches "
                "between the Δ form (over h) and the δ form (over a) at the same step.",
            ),
        ),
        build=backward_frames,
        per_box=True,
    )
)
register(
    Mode(
        name="paths",
        key="p",
        label="Paths",
        intro=(
            line("head", "Chain rule as a sum over paths"),
            line("formula", "∂L/∂u = Σ over paths u → … → L of Π ∂(next)/∂(previous)"),
            line("note", "Click a node (or pick it from the list), then step through its paths."),
        ),
        build=paths_frames,
        subject="node",
        dims=True,
        # a layer box holds a whole vector: a path through one of its scalars has no box of its own
        views=("expanded", "neuron"),
        offered=("expanded", "neuron"),
    )
)
register(
    Mode(
        name="quiz",
        key="q",
        label="Quiz",
        intro=(
            line("head", "Quiz: predict each Δ"),
            line(
                "note",
                "Grads are hidden. For the highlighted node, type Δ or pick a value; the page checks it and reveals.",
            ),
        ),
        build=quiz_frames,
    )
)
register(
    Mode(
        name="nudge",
        key="n",
        label="Nudge",
        intro=(
            line("head", "Nudge a leaf by ε"),
            line(
                "note",
                "Pick a leaf and ε. Every node downstream changes by about ∂node/∂leaf · ε; "
                "at the output that is the leaf's grad × ε.",
            ),
        ),
        build=nudge_frames,
        subject="leaf",
        variant="ε",
        # a timeline per leaf and ε: hundreds in a network, so a neuron page offers it when asked
        offered=("expanded",),
    )
)
register(
    Mode(
        name="bugs",
        key="x",
        label="Bugs",
        intro=(
            line("head", "What goes wrong if …"),
            line(
                "note",
                "Each step runs one classic backprop bug for real on this graph and writes its grads beside "
                "the right ones (grad right ≠ wrong); the first node where they part is outlined.",
            ),
        ),
        build=bugs_frames,
        offered=("expanded",),
    )
)
register(
    Mode(
        name="training",
        key="t",
        label="Training",
        intro=(line("head", "Training over time"),),
        build=training_frames,
        offered=(),
    )
)
