"""Optimizers follow torch.optim step for step; schedules are callables of the step count."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pathgrad.engine import Value
from pathgrad.nn import SGD, Adam, linear_decay

START = np.array([0.5, -1.5, 2.0])


def quartic(params):
    """A loss with changing gradients: Σ p⁴ + p₀·p₁."""
    return sum(p**4 for p in params) + params[0] * params[1]


def run_ours(make, steps=5):
    params = [Value(v) for v in START]
    optimizer = make(params)
    for _ in range(steps):
        optimizer.zero_grad()
        quartic(params).backward()
        optimizer.step()
    return [p.data for p in params]


def run_torch(make, steps=5):
    tensor = torch.tensor(START, dtype=torch.float64, requires_grad=True)
    optimizer = make([tensor])
    for _ in range(steps):
        optimizer.zero_grad()
        quartic(list(tensor)).backward()
        optimizer.step()
    return tensor.detach().numpy()


@pytest.mark.parametrize("momentum, weight_decay", [(0.0, 0.0), (0.9, 0.0), (0.5, 0.01)])
def test_sgd_matches_torch(momentum, weight_decay):
    ours = run_ours(lambda p: SGD(p, lr=0.01, momentum=momentum, weight_decay=weight_decay))
    theirs = run_torch(lambda p: torch.optim.SGD(p, lr=0.01, momentum=momentum, weight_decay=weight_decay))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("weight_decay", [0.0, 0.1])
def test_adam_matches_torch(weight_decay):
    ours = run_ours(lambda p: Adam(p, lr=0.05, weight_decay=weight_decay))
    theirs = run_torch(lambda p: torch.optim.Adam(p, lr=0.05, weight_decay=weight_decay))
    np.testing.assert_allclose(ours, theirs, rtol=1e-12, atol=1e-14)


def test_schedule_and_state_belong_to_the_optimizer():
    rate = linear_decay(1.0, 0.1, 100)
    assert [rate(k) for k in (0, 50, 99)] == pytest.approx([1.0, 0.55, 1.0 - 0.9 * 99 / 100])
    p = Value(1.0)
    optimizer = SGD([p], lr=rate, momentum=0.5)
    p.grad = 1.0
    optimizer.step()
    p.grad = 1.0
    assert optimizer.current_lr == pytest.approx(0.991)
    optimizer.step()
    assert p.data == pytest.approx(1.0 - 1.0 * 1.0 - 0.991 * 1.5)
    assert optimizer.state[p]["velocity"] == 1.5 and optimizer.steps == 2


def test_optimizer_errors():
    with pytest.raises(ValueError, match="no parameters"):
        SGD([])
    with pytest.raises(ValueError, match="lr must be a positive number"):
        SGD([Value(1.0)], lr=-1)
    with pytest.raises(TypeError, match="parameter 0 is a float"):
        Adam([1.0])
    with pytest.raises(ValueError, match="SGD: weight_decay must be a number ≥ 0, got -0.1"):
        SGD([Value(1.0)], weight_decay=-0.1)
    with pytest.raises(ValueError, match="Adam: eps must be positive"):
        Adam([Value(1.0)], eps=0.0)


def _optimizers(params):
    return {
        "sgd": SGD(params, lr=0.05),
        "sgd momentum": SGD(params, lr=0.05, momentum=0.9),
        "sgd momentum decay": SGD(params, lr=linear_decay(0.1, 0.01, 7), momentum=0.5, weight_decay=0.01),
        "adam": Adam(params, lr=0.05),
        "adam decay": Adam(params, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    }


@pytest.mark.parametrize("name", list(_optimizers([Value(0.0)])))
@pytest.mark.parametrize("switch_at", [None, 3])
def test_vectorised_steps_equal_the_scalar_loop(name, switch_at):
    """The same weights and state after 7 steps, all vectorised or switching form after 3."""
    start = np.random.default_rng(5).normal(size=12)
    runs = []
    for vectorised in (False, True):
        params = [Value(float(v)) for v in start]
        optimizer = _optimizers(params)[name]
        for step in range(7):
            optimizer.zero_grad()
            quartic(params).backward()
            use_vector = vectorised and (switch_at is None or step >= switch_at)
            optimizer.step_vectorised() if use_vector else optimizer.step()
        runs.append(([p.data for p in params], [optimizer.state[p] for p in params], optimizer.steps))
    (scalar, scalar_state, steps), (vector, vector_state, vector_steps) = runs
    np.testing.assert_allclose(vector, scalar, rtol=1e-12, atol=0)
    assert steps == vector_steps == 7
    for ours, theirs in zip(vector_state, scalar_state):
        assert ours.keys() == theirs.keys()
        assert list(ours.values()) == pytest.approx(list(theirs.values()), rel=1e-12)
        assert [type(v) for v in ours.values()] == [type(v) for v in theirs.values()]


def test_a_vectorised_step_after_scalar_ones_continues_their_state():
    params = [Value(1.0), Value(-2.0)]
    optimizer = SGD(params, lr=0.1, momentum=0.5)
    params[0].grad, params[1].grad = 1.0, 2.0
    optimizer.step()
    optimizer.step_vectorised()
    assert optimizer.state[params[0]]["velocity"] == 1.5 and optimizer.state[params[1]]["velocity"] == 3.0
    assert [p.data for p in params] == pytest.approx([1.0 - 0.1 - 0.15, -2.0 - 0.2 - 0.3])


def test_a_vectorised_step_skips_parameters_without_a_grad_as_the_loop_does():
    params = [Value(1.0), Value(2.0), Value(3.0)]
    ours, theirs = Adam(params[:], lr=0.1), None
    params[0].grad, params[1].grad, params[2].grad = 0.5, None, -1.0
    ours.step_vectorised()
    copies = [Value(1.0), Value(2.0), Value(3.0)]
    theirs = Adam(copies, lr=0.1)
    copies[0].grad, copies[1].grad, copies[2].grad = 0.5, None, -1.0
    theirs.step()
    assert [p.data for p in params] == [p.data for p in copies]
    assert params[1].data == 2.0 and params[1] not in ours.state
    assert ours.state[params[0]] == theirs.state[copies[0]]


def test_adam_parameters_at_different_steps_keep_their_own_bias_correction():
    """A parameter the first backward missed is one step behind: vectorised, as in the loop."""
    runs = []
    for vectorised in (False, True):
        params = [Value(1.0), Value(2.0), Value(3.0)]
        optimizer = Adam(params, lr=0.1)
        for grads in ((0.5, None, -1.0), (0.25, 2.0, -0.5), (1.0, -1.0, 0.5)):
            for p, g in zip(params, grads):
                p.grad = g
            optimizer.step_vectorised() if vectorised else optimizer.step()
        runs.append(([p.data for p in params], [optimizer.state[p]["t"] for p in params]))
    assert runs[1][1] == runs[0][1] == [3, 2, 3]
    np.testing.assert_allclose(runs[1][0], runs[0][0], rtol=1e-12, atol=0)
