"""What a page is built with, handed to every mode's builder."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["Settings", "NUDGES", "MAX_STEPPED_PATHS"]

NUDGES = (0.1, 0.01, 0.001)
"""The step sizes ε a nudge page offers."""

MAX_STEPPED_PATHS = 64
"""More paths than this are counted and reported, not stepped through."""


@dataclass(frozen=True)
class Settings:
    """Args:
    digits: decimals shown.
    nudges: the step sizes ε nudge offers.
    max_paths: nodes with more paths to the output get a count instead of a walk.
    run: what a mode needs beyond the graph (training: the recorded ``fit`` run).
    view: the view the page draws (a neuron view's backward steps are also written in δ form).
    parameter_boxes: in the default view, draw each neuron's weights and bias as boxes of
        their own instead of writing them on the edges and in the neuron's a box.
    """

    digits: int = 3
    nudges: tuple[float, ...] = NUDGES
    max_paths: int = MAX_STEPPED_PATHS
    run: Any = None
    view: str = "expanded"
    parameter_boxes: bool = False
