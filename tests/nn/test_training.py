"""fit: the history, the callback, mini-batches, engines and errors."""

from __future__ import annotations

import gc
import random
import weakref

import numpy as np
import pytest

from pathgrad.nn import MLP, SGD, Adam, datasets, fit, losses
from pathgrad.nn.compiled import compiled_step
from pathgrad.nn.steps import scalar_step
from pathgrad.nn.training import ENGINES


def test_fit_learns_xor_and_records_every_step():
    X, y = datasets.xor(n=24, noise=0.1, seed=1)
    model = MLP(2, [6, 2], activation="tanh", rng=random.Random(0))
    seen = []
    history = fit(
        model,
        X,
        y,
        loss="softmax_cross_entropy",
        optimizer=Adam(model.parameters(), lr=0.05),
        epochs=30,
        batch_size=8,
        callback=seen.append,
        progress=False,
    )
    assert len(history.steps) == 30 * 3 and seen == history.steps
    assert [r.epoch for r in seen[:4]] == [0, 0, 0, 1] and seen[5].step == 5
    assert history.loss[-1] < 0.25 * history.loss[0]
    assert history.accuracy[-1] == 1.0


def test_one_hot_targets_give_the_same_history_as_class_indices():
    X, y = datasets.blobs(n=12, classes=3, seed=2)
    runs = []
    for targets in (y, np.eye(3)[y]):
        model = MLP(2, [3], activation="identity", rng=random.Random(1))
        runs.append(fit(model, X, targets, loss="softmax_cross_entropy", epochs=3, progress=False))
    assert runs[1].loss == pytest.approx(runs[0].loss, rel=1e-14)
    assert runs[1].accuracy == runs[0].accuracy and 0 < runs[0].accuracy[-1] <= 1


def test_full_batch_step_equals_a_hand_written_loop():
    X, y = datasets.moons(n=10, seed=2)
    signs = 2 * y - 1
    ours, theirs = MLP(2, [4, 1], rng=random.Random(3)), MLP(2, [4, 1], rng=random.Random(3))
    history = fit(
        ours,
        X,
        signs,
        loss="hinge",
        optimizer=SGD(ours.parameters(), lr=0.5),
        epochs=3,
        l2=1e-3,
        progress=False,
    )
    for _ in range(3):
        scores = [theirs(row) for row in X]
        loss = sum((1 - s * t).relu() for s, t in zip(scores, signs)) / len(X)
        loss = loss + 1e-3 * sum(p * p for p in theirs.parameters())
        theirs.zero_grad()
        loss.backward()
        for p in theirs.parameters():
            p.data -= 0.5 * p.grad
    assert history.loss[-1] == pytest.approx(loss.data, rel=1e-12)
    assert ours.state_dict() == pytest.approx(theirs.state_dict(), rel=1e-12)


def test_each_engine_is_a_step_function_and_unknown_ones_are_named():
    assert {"scalar": scalar_step, "compiled": compiled_step} == ENGINES
    X, y = datasets.curve(n=10)
    with pytest.raises(ValueError, match="unknown engine 'gpu'; known engines: scalar, compiled"):
        fit(MLP(1, [3, 1]), X, y, engine="gpu")


def test_bad_data_and_settings_are_named():
    model = MLP(2, [2, 1])
    X = np.array([[0.0, 1.0], [1.0, np.nan]])
    with pytest.raises(ValueError, match="X row 1, column 1 is nan"):
        fit(model, X, [0, 1])
    with pytest.raises(ValueError, match="X has 2 rows but y has 3"):
        fit(model, np.zeros((2, 2)), [0, 1, 1])
    with pytest.raises(ValueError, match="unknown loss 'l1'"):
        fit(model, np.zeros((2, 2)), [0, 1], loss="l1")
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        fit(model, np.zeros((2, 2)), [0, 1], batch_size=0)


@pytest.mark.parametrize("enabled", [True, False])
def test_fit_pauses_the_garbage_collector_during_steps_and_restores_the_user_setting(enabled):
    seen = []

    def watching_loss(outputs, targets):
        seen.append(gc.isenabled())
        return losses.mse(outputs, targets)

    X, y = datasets.curve(n=6)
    thresholds = gc.get_threshold()
    (gc.enable if enabled else gc.disable)()
    try:
        fit(MLP(1, [2, 1]), X, y, watching_loss, epochs=2, batch_size=3, progress=False)
        assert seen == [False] * 4
        assert gc.isenabled() is enabled and gc.get_threshold() == thresholds
    finally:
        gc.enable()


@pytest.mark.parametrize("enabled", [True, False])
def test_fit_restores_the_garbage_collector_when_a_step_raises(enabled):
    def failing_loss(outputs, targets):
        raise RuntimeError("a broken loss")

    X, y = datasets.curve(n=6)
    (gc.enable if enabled else gc.disable)()
    try:
        with pytest.raises(RuntimeError, match="a broken loss"):
            fit(MLP(1, [2, 1]), X, y, failing_loss, progress=False)
        assert gc.isenabled() is enabled
    finally:
        gc.enable()


def test_fit_collects_a_callback_cycle_between_steps():
    class Cycle:
        def __init__(self) -> None:
            self.me = self

    alive = []

    def make_cycle(record):
        cycle = Cycle()
        alive.append(weakref.ref(cycle))

    X, y = datasets.curve(n=6)
    fit(MLP(1, [2, 1]), X, y, epochs=3, callback=make_cycle, progress=False)
    assert [ref() is None for ref in alive] == [True, True, True]
