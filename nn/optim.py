r"""Optimizers that own their state, and learning-rate schedules.

Both follow PyTorch's update rules exactly (tests compare with ``torch.optim``):

SGD with momentum μ and weight decay λ, per parameter p with gradient g:

    g ← g + λ·p;   v ← μ·v + g (v = g on the first step);   p ← p − η·v

Adam with β₁, β₂, ε, at step t = 1, 2, …:

    m ← β₁·m + (1 − β₁)·g;   s ← β₂·s + (1 − β₂)·g²
    p ← p − η · (m / (1 − β₁ᵗ)) / (√s / √(1 − β₂ᵗ) + ε)

The learning rate η may be a number or a schedule: a callable of the number of steps
taken so far (0 for the first step), e.g. ``linear_decay(1.0, 0.1, 100)``.

``step()`` applies the rule parameter by parameter, as the lecture writes it;
``step_vectorised()`` applies the same rule to all parameters at once with numpy (the
compiled mode's update), with the same numbers: each element goes through the same
floating-point operations in the same order. The state lives in one form at a time —
per-parameter dicts (``state[p]``) or arrays — and moves when the other form is used.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from itertools import repeat
from numbers import Real
from operator import attrgetter

import numpy as np

from pathgrad.engine import DomainError, Value

__all__ = ["Optimizer", "SGD", "Adam", "linear_decay", "LearningRate"]

LearningRate = float | Callable[[int], float]


def linear_decay(start: float, end: float, steps: int) -> Callable[[int], float]:
    r"""η(k) = start + (end − start)·k/steps; micrograd's moons rate is ``linear_decay(1.0, 0.1, 100)``."""
    if steps <= 0:
        raise ValueError(f"linear_decay: steps must be positive, got {steps}")

    def rate(k: int) -> float:
        return start + (end - start) * k / steps

    return rate


def _checked_decay(weight_decay: float, who: str) -> float:
    """λ of the weight decay: a number ≥ 0 (a negative λ would push weights away from 0)."""
    if not (isinstance(weight_decay, (int, float)) and 0.0 <= weight_decay < math.inf):
        raise ValueError(f"{who}: weight_decay must be a number ≥ 0, got {weight_decay!r}")
    return float(weight_decay)


_DATA, _GRAD, _REACHED = attrgetter("data"), attrgetter("grad"), attrgetter("grad_computed")


class Optimizer:
    """The parameters, the learning rate, a step counter and per-parameter ``state``.

    Args:
        parameters: the ``Value``s to update (e.g. ``model.parameters()``).
        lr: a number or a schedule ``k -> η``.

    A subclass gives its rule twice: ``direction`` for one parameter and ``directions``
    for all at once, and names its state entries with their "not yet set" value in
    ``STATE`` (what an absent entry of ``state[p]`` reads as in the arrays).
    """

    STATE: dict[str, float | int] = {}

    def __init__(self, parameters: Iterable[Value], lr: LearningRate) -> None:
        self.parameters = list(dict.fromkeys(parameters))
        if not self.parameters:
            raise ValueError(f"{type(self).__name__}: no parameters to optimize")
        if not all(map(isinstance, self.parameters, repeat(Value))):
            index, p = next((i, p) for i, p in enumerate(self.parameters) if not isinstance(p, Value))
            raise TypeError(f"{type(self).__name__}: parameter {index} is a {type(p).__name__}, not a Value")
        if not callable(lr) and not (isinstance(lr, (int, float)) and 0 < lr < math.inf):
            raise ValueError(f"{type(self).__name__}: lr must be a positive number or a schedule, got {lr!r}")
        self.lr = lr
        self.steps = 0
        self._state: dict[Value, dict[str, float]] = {}
        self._arrays: dict[str, np.ndarray] | None = None  # the state while steps are vectorised

    @property
    def state(self) -> dict[Value, dict[str, float]]:
        """Each parameter's state, PyTorch's ``optimizer.state[p]`` (``{"velocity": …}``)."""
        if self._arrays is not None:
            for index in np.flatnonzero(self._stepped).tolist():
                entries = {key: type(self.STATE[key])(array[index]) for key, array in self._arrays.items()}
                self._state[self.parameters[index]] = {
                    k: v for k, v in entries.items() if v == v
                }  # NaN: unset
            self._arrays = None
        return self._state

    def _state_arrays(self) -> dict[str, np.ndarray]:
        """The state as one array per entry, aligned with ``parameters``."""
        if self._arrays is None:
            state, count = self._state, len(self.parameters)
            self._arrays = {  # a fresh optimizer has no state yet: every entry is unset
                key: np.array([state.get(p, {}).get(key, unset) for p in self.parameters], dtype=float)
                if state
                else np.full(count, unset, dtype=float)
                for key, unset in self.STATE.items()
            }
            self._stepped = (
                np.array([p in state for p in self.parameters], dtype=bool)
                if state
                else np.zeros(count, dtype=bool)
            )
            self._state = {}
        return self._arrays

    @property
    def current_lr(self) -> float:
        """The learning rate the next ``step()`` uses.

        Raises:
            DomainError: a schedule gave NaN, ±inf or a negative number (naming the step), which
                would turn every parameter into NaN without a word, in the scalar and compiled modes alike.
        """
        if not callable(self.lr):
            return float(self.lr)
        lr = self.lr(self.steps)
        if isinstance(lr, bool) or not isinstance(lr, Real):
            raise TypeError(
                f"{type(self).__name__}: the learning-rate schedule gave {lr!r} at step {self.steps}, not a number"
            )
        if not 0.0 <= lr < math.inf:
            raise DomainError(
                f"{type(self).__name__}: the learning-rate schedule gave {lr!r} at step {self.steps}; "
                "a learning rate must be a finite number ≥ 0"
            )
        return float(lr)

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 before the next backward pass."""
        for p in self.parameters:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter a backward pass reached (or whose grad was set), then count the step."""
        lr = self.current_lr
        state = self.state
        for p in self.parameters:
            if p.grad_computed:
                p.data -= lr * self.direction(p, p.grad, state.setdefault(p, {}))
        self.steps += 1

    def step_vectorised(
        self, data: np.ndarray | None = None, grads: np.ndarray | None = None, *, write_back: bool = True
    ) -> np.ndarray:
        """``step()`` for all parameters at once with numpy: the same update, the same numbers.

        Args:
            data, grads: the parameters' ``.data`` and ``.grad`` as arrays (in the order of
                ``parameters``), when the caller has them already; read from the parameters
                otherwise.
            write_back: set each parameter's ``.data`` to its new value; ``False`` leaves the
                Values as they were, for a caller that keeps the numbers in arrays between
                steps and writes them back itself (the compiled mode inside ``fit``).

        Returns:
            The parameters' new data, in the order of ``parameters``.
        """
        lr = self.current_lr
        parameters = self.parameters
        arrays = self._state_arrays()
        if data is None or grads is None:
            data = np.fromiter(map(_DATA, parameters), float, len(parameters))
            reached = list(map(_REACHED, parameters))
            if not all(reached):  # parameters no backward reached keep their value and state
                return self._step_some(data, list(map(_GRAD, parameters)), reached, lr, arrays, write_back)
            grads = np.fromiter(map(_GRAD, parameters), float, len(parameters))
        data = data - lr * self.directions(data, grads, arrays)
        self._stepped[:] = True
        return self._stepped_to(data, write_back)

    def _step_some(
        self,
        data: np.ndarray,
        grads: list,
        reached: list[bool],
        lr: float,
        arrays: dict[str, np.ndarray],
        write_back: bool,
    ) -> np.ndarray:
        """``step_vectorised`` when a backward pass reached only some parameters: only those move."""
        chosen = np.array(reached)
        grad = np.array([g for g, r in zip(grads, reached) if r], dtype=float)
        state = {key: array[chosen] for key, array in arrays.items()}
        data[chosen] = data[chosen] - lr * self.directions(data[chosen], grad, state)
        for key, array in arrays.items():
            array[chosen] = state[key]
        self._stepped |= chosen
        return self._stepped_to(data, write_back)

    def _stepped_to(self, data: np.ndarray, write_back: bool) -> np.ndarray:
        """Count the step and, if asked, set every parameter's ``.data`` from ``data``."""
        if write_back:
            for p, value in zip(self.parameters, data.tolist()):
                p.data = value
        self.steps += 1
        return data

    def direction(self, p: Value, grad: float, state: dict[str, float]) -> float:
        """The vector the update scales by −η, for one parameter (subclasses define it)."""
        raise NotImplementedError

    def directions(self, data: np.ndarray, grads: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """``direction`` for every parameter at once; updates the ``state`` arrays in place."""
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum μ and weight decay λ."""

    STATE = {"velocity": math.nan}

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: LearningRate = 0.01,
        momentum: float = 0.0,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1), got {momentum!r}")
        self.momentum, self.weight_decay = momentum, _checked_decay(weight_decay, "SGD")

    def direction(self, p: Value, grad: float, state: dict[str, float]) -> float:
        """v, with g ← g + λ·p: v = g without momentum, else v ← μ·v + g (v = g on the first step)."""
        grad += self.weight_decay * p.data
        if not self.momentum:
            return grad
        velocity = state["velocity"] = (
            self.momentum * state["velocity"] + grad if "velocity" in state else grad
        )
        return velocity

    def directions(self, data: np.ndarray, grads: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """``direction`` for all parameters; an unset (NaN) velocity starts as g."""
        if self.weight_decay:  # (λ = 0 adds 0·p = 0: the data are finite)
            grads = grads + self.weight_decay * data
        if not self.momentum:
            return grads
        velocity = state["velocity"]
        velocity[:] = np.where(np.isnan(velocity), grads, self.momentum * velocity + grads)
        return velocity


class Adam(Optimizer):
    """Adam (Kingma & Ba), with bias correction, as ``torch.optim.Adam``."""

    STATE = {"t": 0, "m": 0.0, "s": 0.0}

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: LearningRate = 0.001,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        if not all(0.0 <= beta < 1.0 for beta in betas):
            raise ValueError(f"Adam: betas must be in [0, 1), got {betas!r}")
        if not eps > 0:
            raise ValueError(f"Adam: eps must be positive, got {eps!r}")
        self.betas, self.eps, self.weight_decay = betas, eps, _checked_decay(weight_decay, "Adam")

    def direction(self, p: Value, grad: float, state: dict[str, float]) -> float:
        """(m / (1 − β₁ᵗ)) / (√s / √(1 − β₂ᵗ) + ε), after t ← t + 1, m ← β₁·m + (1 − β₁)·g, s ← β₂·s + (1 − β₂)·g²."""
        beta1, beta2 = self.betas
        grad += self.weight_decay * p.data
        t = state["t"] = state.get("t", 0) + 1
        m = state["m"] = beta1 * state.get("m", 0.0) + (1 - beta1) * grad
        s = state["s"] = beta2 * state.get("s", 0.0) + (1 - beta2) * grad * grad
        return (m / (1 - beta1**t)) / (math.sqrt(s) / math.sqrt(1 - beta2**t) + self.eps)

    def directions(self, data: np.ndarray, grads: np.ndarray, state: dict[str, np.ndarray]) -> np.ndarray:
        """``direction`` for all parameters, each with its own step count t."""
        beta1, beta2 = self.betas
        if self.weight_decay:  # (λ = 0 adds 0·p = 0: the data are finite)
            grads = grads + self.weight_decay * data
        t, m, s = state["t"], state["m"], state["s"]
        t += 1
        m *= beta1
        m += (1 - beta1) * grads
        s *= beta2
        s += (1 - beta2) * grads * grads
        if (
            t.size and t.min() == t.max()
        ):  # every parameter at the same step, the usual case: one correction for all
            t = float(t[0])
            return (m / (1 - beta1**t)) / (np.sqrt(s) / math.sqrt(1 - beta2**t) + self.eps)
        return (m / (1 - beta1**t)) / (np.sqrt(s) / np.sqrt(1 - beta2**t) + self.eps)
