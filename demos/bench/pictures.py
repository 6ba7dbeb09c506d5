"""What a lecturer waits for: diagrams and step-through pages of the lecture's graphs.

The lecture neuron h = tanh(w1·x1 + w2·x2 + b) and the loss of one sample of the
moons network 2-16-16-1 (collapsed to neurons: 33 neuron boxes instead of ~600 nodes).
Each job times ``pathgrad.viz.draw(...).svg()`` (Graphviz included) or ``pathgrad.viz.step(...).html()``.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from demos.lecture_neuron import INPUTS, lecture_neuron
from pathgrad import nn
from pathgrad.engine import Value
from pathgrad.viz import draw
from pathgrad.viz.step import step

__all__ = ["picture_jobs"]


def _lecture_neuron_output() -> Value:
    neuron = lecture_neuron()
    h = neuron([Value(v, f"x{i}") for i, v in enumerate(INPUTS, start=1)])
    h.backward()
    return h


def _moons_sample_loss() -> Value:
    model = nn.MLP(2, [16, 16, 1], rng=random.Random(1337))
    loss = nn.losses.hinge([model([Value(0.5, "x1"), Value(-0.25, "x2")])], [1])
    loss.label = "L"
    loss.backward()
    return loss


def picture_jobs() -> list[tuple[str, Callable[[], object]]]:
    """(row title, job) for each picture; the graphs are built before any timing."""
    h, loss = _lecture_neuron_output(), _moons_sample_loss()
    return [
        ("diagram of the lecture neuron: viz.draw(h).svg()", lambda: draw(h).svg()),
        ("step page of the lecture neuron: viz.step(h).html()", lambda: step(h).html()),
        (
            "diagram of one moons sample, 2-16-16-1, collapse='neuron'",
            lambda: draw(loss, collapse="neuron", max_nodes=1000).svg(),
        ),
        (
            "step page of one moons sample, 2-16-16-1, view='neuron'",
            lambda: step(loss, view="neuron").html(),
        ),
    ]
