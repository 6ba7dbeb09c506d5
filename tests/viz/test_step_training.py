"""Training over time: each frame is the engine's graph with the parameters of that iteration."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pathgrad.engine import topological_order
from pathgrad.nn import MLP, SGD, fit
from pathgrad.nn.losses import mse
from pathgrad.viz.step import training_stepper
from pathgrad.viz.text import parse_number

X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
Y = np.array([-1.0, 1.0, 1.0, -1.0])


def model() -> MLP:
    random.seed(1)
    return MLP(2, [3, 1], activation="tanh")


def test_frames_show_the_parameters_before_each_step_and_the_fit_losses():
    trained = model()
    stepper = training_stepper(trained, X, Y, epochs=12, optimizer=SGD(trained.parameters(), lr=0.2), every=3)
    data = stepper.data
    reference = model()
    history = fit(reference, X, Y, epochs=12, optimizer=SGD(reference.parameters(), lr=0.2), progress=False)
    assert data["chart"]["values"] == pytest.approx([s.loss for s in history.steps], rel=1e-12)
    assert [p.data for p in trained.parameters()] == pytest.approx([p.data for p in reference.parameters()])
    steps = data["timelines"]["training"]
    assert [s["values"]["iteration"] for s in steps] == [0, 3, 6, 9, 11]
    # frame 9: rebuild sample 0's loss with the parameters before step 9, backward, compare every cell
    again = model()
    fit(again, X, Y, epochs=9, optimizer=SGD(again.parameters(), lr=0.2), progress=False)
    root = mse([again(list(X[0]))], [Y[0]])
    again.zero_grad()
    root.backward()
    frame = steps[3]["nodes"]
    for node, cell in zip(topological_order(root), frame.values()):
        assert parse_number(cell["d"].split()[-1]) == pytest.approx(node.data, abs=5e-4)
        assert parse_number(cell["g"].split()[-1]) == pytest.approx(node.grad, abs=5e-4)
    assert steps[3]["values"]["sample_loss"] == pytest.approx(root.data)


def test_bad_sample_is_refused():
    with pytest.raises(ValueError, match="sample 7 is not a row of X"):
        training_stepper(model(), X, Y, sample=7)


@pytest.mark.parametrize(
    ("momentum", "rule"), [(0.0, "p ← p − 0.2 · ∂L_batch/∂p"), (0.9, "optimizer's steps")]
)
def test_the_update_rule_is_written_only_where_it_moved_the_parameters(momentum, rule):
    trained = model()
    optimizer = SGD(trained.parameters(), lr=0.2, momentum=momentum)
    steps = training_stepper(trained, X, Y, epochs=4, optimizer=optimizer).data["timelines"]["training"]
    heads = [text for s in steps[1:] for kind, text in s["lines"] if kind == "head"]
    assert len(heads) == 3 and all(rule in text for text in heads)
