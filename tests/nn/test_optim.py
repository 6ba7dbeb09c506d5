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
