"""micrograd's demo notebook code runs on pathgrad with only the import lines changed.

The loop below is the notebook's, cut to fewer points and steps. It runs once on
micrograd itself and once on pathgrad from the same seed; every loss and accuracy
must agree.
"""

from __future__ import annotations

import random

import numpy as np
import pytest

from pathgrad.nn import datasets

X, LABELS = datasets.moons(n=20, noise=0.1, seed=1)
Y = LABELS * 2 - 1


def notebook(Value, MLP) -> list[tuple[float, float]]:  # noqa: N803 (the notebook's names)
    random.seed(1337)
    model = MLP(2, [16, 16, 1])  # 2-layer neural network
    assert len(model.parameters()) == 337

    def loss(batch_size=None):
        Xb, yb = X, Y
        inputs = [list(map(Value, xrow)) for xrow in Xb]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(yb, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(yb, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    history = []
    for k in range(8):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        history.append((total_loss.data, acc))
    return history


def test_the_notebook_loop_gives_micrograds_numbers():
    from micrograd.engine import Value as MicrogradValue
    from micrograd.nn import MLP as MicrogradMLP

    from pathgrad.engine import Value
    from pathgrad.nn import MLP

    ours, theirs = notebook(Value, MLP), notebook(MicrogradValue, MicrogradMLP)
    assert [acc for _, acc in ours] == [acc for _, acc in theirs]
    np.testing.assert_allclose([loss for loss, _ in ours], [loss for loss, _ in theirs], rtol=1e-12)
    assert ours[-1][0] < ours[0][0] == pytest.approx(theirs[0][0])
