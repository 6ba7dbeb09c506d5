r"""``fit(..., engine="compiled")``: each step replays one traced sample graph over the batch.

The step computes exactly what the scalar step computes,

    L = (1/n) Σ_samples loss(model(x_s), y_s) + α·Σ p²,     p.grad = ∂L/∂p,

but instead of building n sample graphs it traces the graph of one sample once — the
model once, since it never sees the target, and the loss on its outputs once per
distinct target value (``pathgrad.engine.compiled``'s variants) — and replays it with numpy,
every node a row over the batch and its nodes regrouped into vector units
(``pathgrad.engine.grouping``).
The parameter gradients land in the same parameter ``Value``s, so the diagrams and the
step-through see them as after a scalar step; the optimizer then updates all
parameters at once (``Optimizer.step_vectorised``, the same numbers as its loop). The
L2 term depends on the parameters only: α·Σ p² and its gradient 2α·p are added
directly, with numpy over all parameters at once.

A step is three phases, which the benchmark times apart:

    forward   replay = compiled.forward(X, y)
    backward  penalty, data, grads = compiled.backward(replay, α, optimizer)    (∂L/∂p onto each .grad)
    update    compiled.update(optimizer, data, grads)                          (the new p onto each .data)

Writing 2 × 2,410 numbers onto the parameter ``Value``s costs a digits step more than
its whole replay, so ``fit`` asks for ``write_back=False``: the step keeps the new data
and the grads in arrays, the next step starts from them, and ``write_back(model)``
puts them on the Values, which ``fit`` does before every callback and when it ends. A
step called with the default ``write_back=True`` leaves the Values current.

The replay assumes two things: the model's graph has one shape whatever its inputs'
numbers, and the batch loss is the mean of its samples' losses. pathgrad's own modules
(exactly ``Neuron``, ``Layer``, ``MLP``, with none of their methods replaced on the
module itself: each applies the same ops whatever the numbers) and
losses (``pathgrad.nn.losses.LOSSES``: each the mean of one term per sample) are so by
construction; for any other model or loss both are checked on the first two samples
when the model is first traced.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable
from itertools import repeat

import numpy as np

from pathgrad.engine import DomainError, Value
from pathgrad.engine.compiled import CompiledGraph, Replay, Trace
from pathgrad.engine.grouping import as_block
from pathgrad.engine.value import set_data_and_grads

from .layer import Layer
from .losses import LOSSES
from .mlp import MLP
from .module import Module
from .neuron import Neuron
from .optim import Optimizer
from .steps import BatchResult, Objective

__all__ = ["CompiledModel", "compiled_step", "compiled_model", "write_back"]


_OWN_LOSSES = tuple(LOSSES.values())
_OWN_METHODS = {  # exactly these classes (a subclass may branch on its numbers), and the names of their methods
    cls: frozenset(name for name in dir(cls) if callable(getattr(cls, name))) for cls in (Neuron, Layer, MLP)
}


def _one_shape_and_a_mean_by_construction(model: Module, loss: Callable[..., Value]) -> bool:
    """Whether what the replay assumes holds without a check: ``loss`` is one of
    ``pathgrad.nn.losses``'s and every module of ``model`` is exactly one of pathgrad's own,
    running its own code (no method replaced on the module itself, as ``neuron.forward = ...``)."""
    return loss in _OWN_LOSSES and all(
        type(module) in _OWN_METHODS and not _OWN_METHODS[type(module)].intersection(vars(module))
        for module in model.modules()
    )


def _target_keys(y: np.ndarray) -> list:
    """A hashable form of each sample's target (a class, a number, a row of numbers)."""
    return y.tolist() if y.ndim == 1 else list(map(tuple, y.reshape(len(y), -1).tolist()))


def _python_target(target) -> object:
    """The target as the loss functions receive it in a scalar step (numbers, not numpy)."""
    return target.tolist() if isinstance(target, np.ndarray) else np.asarray(target).item()


class CompiledModel:
    """A model and a per-sample loss, traced once per distinct target value.

    Args:
        model: the network, called on one row of inputs.
        loss: a batch loss ``(outputs, targets) -> Value`` that is the mean of its
            samples' losses.
    """

    def __init__(self, model: Module, loss: Callable[..., Value]) -> None:
        self._model = weakref.ref(model)  # kept with the model (``compiled_model``), so not keeping it alive
        self.loss = loss
        self.parameters = model.parameters()
        self.variant_of: dict[object, int] = {}
        self.graph: CompiledGraph | None = None
        self._places_for = 0
        self._optimizer_checked: tuple[int, int] | None = None
        self._optimizer_matches = False
        self._model_trace: tuple[list[Value], Value | list[Value]] | None = None
        self._pending: tuple[np.ndarray, np.ndarray] | None = None
        """The parameters' data and grads after a step that did not write them back."""

    @property
    def model(self) -> Module:
        """The network whose traces these are."""
        return self._model()

    def write_back(self) -> None:
        """Put the data and grads a step kept in arrays onto the parameter ``Value``s."""
        if self._pending is None:
            return
        data, grads = self._pending
        self._pending = None
        set_data_and_grads(self.parameters, data.tolist(), grads.tolist())

    def _trace(self, target) -> Trace:
        """The graph of one sample with ``target``: the model's traced once (it never sees
        the target), the loss's built on its outputs for every target value."""
        inputs, outputs = self._model_trace
        sample_loss = self.loss([outputs], [_python_target(target)])
        return Trace(inputs, [sample_loss, *([outputs] if isinstance(outputs, Value) else outputs)])

    def variants(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Each sample's variant; new target values are traced."""
        y = np.asarray(y)
        first_time = self.graph is None
        if first_time:  # the model's part of every trace, from the first sample
            inputs = [Value(float(v), f"x{column}") for column, v in enumerate(X[0].tolist(), start=1)]
            self._model_trace = inputs, self.model(inputs)
        keys = _target_keys(y)
        variant_of = self.variant_of
        if not variant_of.keys() >= set(keys):
            for row, key in enumerate(keys):
                if key not in variant_of:
                    # a new target value joins the replay as one more variant; its loss graph is
                    # not kept. The loss sees the parameters as they are now
                    self.write_back()
                    trace = self._trace(y[row])
                    if self.graph is None:
                        self.graph = CompiledGraph([trace], parameters=self.parameters)
                    else:
                        self.graph.add(trace)
                    variant_of[key] = self.graph.variants - 1
        if first_time and not _one_shape_and_a_mean_by_construction(self.model, self.loss):
            self._check_on_a_second_sample(X, y)
        return np.fromiter(map(variant_of.__getitem__, keys), int, len(keys))

    def _check_on_a_second_sample(self, X: np.ndarray, y: np.ndarray) -> None:
        """Spot checks of what the replay assumes, on the first two samples.

        * The model's graph has one shape whatever its inputs: run by the scalar engine on
          the second sample, the model gives the outputs the replay of the first sample's
          graph gives (a model that branches on ``x.data`` would not).
        * The loss of a batch is the mean of its samples' losses: two samples tell a mean
          from a sum, or from a loss that mixes them.

        Raises:
            ValueError: either is not so, naming which; the scalar engine takes such models and losses.
        """
        rows = slice(0, min(2, len(X)))
        replay = self.forward(X[rows], y[rows])
        traced = self._model_trace[1]
        outputs = [traced]
        if len(X) > 1:
            second = self.model(X[1])
            numbers = [second.data] if isinstance(second, Value) else [o.data for o in second]
            replayed = replay.outputs(slice(1, None))[:, 1]  # output 0 is the loss
            if len(numbers) != len(replayed) or not np.allclose(numbers, replayed, rtol=1e-9, atol=1e-12):
                raise ValueError(
                    "fit(engine='compiled'): the model's graph depends on its inputs' values: on sample 1 it "
                    f"gives {numbers}, its graph traced on sample 0 gives {replayed.tolist()}; "
                    "use engine='scalar' for this model"
                )
            outputs.append(second)
        scalar = self.loss(outputs, y[rows]).data
        compiled = float(np.mean(replay.output(0)))
        if not math.isclose(scalar, compiled, rel_tol=1e-9, abs_tol=1e-12):
            name = getattr(self.loss, "__name__", repr(self.loss))
            raise ValueError(
                f"fit(engine='compiled'): the loss {name} of a batch ({scalar!r}) is not the mean of its "
                f"samples' losses ({compiled!r}); use engine='scalar' for this loss"
            )

    def forward(self, X: np.ndarray, y: np.ndarray) -> Replay:
        """The replay of the traced graph over the batch (X, y), with the parameters' current data."""
        variants = self.variants(X, y)
        try:
            return self.graph.forward(X, variants, self._shared_data())
        except DomainError:
            if self._pending is None:
                raise
            self.write_back()  # the error names a parameter from its Value: replay from the Values
            return self.graph.forward(X, variants)

    def _shared_data(self) -> np.ndarray | None:
        """The graph's shared leaves' data, the parameters' from the arrays of the last step;
        ``None`` (read the Values) when no step kept arrays."""
        if self._pending is None:
            return None
        position, _, others = self._places()
        if not len(others) and self._block == slice(0, len(position)):  # the parameters are the shared leaves
            return self._pending[0]
        shared = np.empty(len(self.graph.shared))
        shared[self._block] = self._pending[0]
        shared[others] = [self.graph.shared[index].data for index in others.tolist()]
        return shared

    def backward(
        self, replay: Replay, l2: float, optimizer: Optimizer, write_back: bool = True
    ) -> tuple[float, np.ndarray | None, np.ndarray | None]:
        r"""∂L/∂p onto every parameter's ``.grad``, L = mean of the samples' losses + α·Σ p².

        The grads are those of ``optimizer.zero_grad()`` then a backward pass: the
        optimizer's parameters get ∂L/∂p, other leaves of the graph accumulate theirs.
        The L2 term α·Σ p² and its gradient 2α·p are those of
        ``pathgrad.nn.losses.l2_regularization``'s graph, without building it (it would be as
        large as the model at every step).

        With ``write_back=False`` the model's parameters' grads are only returned, for
        ``update`` to keep (see the module docstring).

        Returns:
            α·Σ p², and the optimizer's parameters' data and grads as arrays when they
            are the model's parameters (the usual case), for ``update``.
        """
        grads = replay.leaf_gradients(seed=1.0 / replay.values.shape[1])
        position, outside, others = self._places()
        if not len(outside) and self._optimizes_the_model(optimizer):
            data, ours = replay.leaf_values[self._block], grads[self._block]
            penalty = 0.0
            if l2:
                ours += 2.0 * l2 * data
                penalty = l2 * float(np.dot(data, data))
            if write_back:
                for p, grad in zip(self.parameters, ours.tolist()):
                    p.grad = grad
            for index in others.tolist():  # a shared leaf that is not a parameter accumulates
                leaf = self.graph.shared[index]
                total = float(grads[index])
                leaf.grad += total
            return penalty, data, ours
        self.write_back()  # this optimizer reads and writes the Values: they must be current
        optimizer.zero_grad()
        penalty = 0.0
        if l2:
            inside = position >= 0
            values = np.empty(len(self.parameters))
            values[inside] = replay.leaf_values[position[inside]]
            values[outside] = [self.parameters[index].data for index in outside.tolist()]
            np.add.at(grads, position[inside], 2.0 * l2 * values[inside])
            for index in outside.tolist():  # parameters the graph does not use
                p = self.parameters[index]
                p.grad += 2.0 * l2 * p.data
            penalty = l2 * float(np.dot(values, values))
        for leaf, total in zip(self.graph.shared, grads.tolist()):
            leaf.grad += total
        return penalty, None, None

    def update(
        self,
        optimizer: Optimizer,
        data: np.ndarray | None,
        grads: np.ndarray | None,
        write_back: bool = True,
    ) -> None:
        """The optimizer's step from ``backward``'s arrays (or from the parameters, when it
        returned none); ``write_back=False`` keeps the new data and the grads for the next step."""
        if data is None or grads is None:
            optimizer.step_vectorised()
        elif write_back:
            optimizer.step_vectorised(data, grads)
            self._pending = None  # backward put the grads on the Values, the step the data
        else:
            self._pending = optimizer.step_vectorised(data, grads, write_back=False), grads

    def _optimizes_the_model(self, optimizer: Optimizer) -> bool:
        """Whether ``optimizer`` updates exactly the model's parameters, in their order."""
        key = id(optimizer.parameters), len(optimizer.parameters)
        if key != self._optimizer_checked:
            self._optimizer_matches = optimizer.parameters == self.parameters
            self._optimizer_checked = key
        return self._optimizer_matches

    def _places(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Each parameter's place among the graph's shared leaves (−1: not in the graph), the
        parameters outside the graph, and the shared leaves that are not parameters."""
        if self._places_for != self.graph.variants:  # a new variant may have turned a leaf into a number
            shared = self.graph.shared
            count = len(self.parameters)
            # the graph numbered them first, in order (compared by identity: Values have no ==)
            if shared[:count] == self.parameters:
                position = np.arange(count)
            else:
                where = dict(zip(shared, range(len(shared))))
                position = np.fromiter(map(where.get, self.parameters, repeat(-1)), int, count)
            is_parameter = np.zeros(len(shared), dtype=bool)
            is_parameter[position[position >= 0]] = True
            self._place = position, np.flatnonzero(position < 0), np.flatnonzero(~is_parameter)
            self._block = as_block(position)  # a slice when they come first, in order: views, not copies
            self._places_for = self.graph.variants
        return self._place

    def outputs(self, replay: Replay) -> np.ndarray:
        """The network's outputs per sample: a vector for one output, else samples × outputs."""
        outputs = replay.outputs(slice(1, None))  # output 0 is the loss
        return outputs[0] if len(outputs) == 1 else outputs.T


_COMPILED: weakref.WeakKeyDictionary[Module, dict[Callable, CompiledModel]] = weakref.WeakKeyDictionary()


def compiled_model(model: Module, loss: Callable[..., Value]) -> CompiledModel:
    """The traces of ``model`` with ``loss``, made on first use and kept with the model."""
    per_loss = _COMPILED.setdefault(model, {})
    if loss not in per_loss:
        per_loss[loss] = CompiledModel(model, loss)
    return per_loss[loss]


def write_back(model: Module) -> None:
    """Put onto ``model``'s parameters the data and grads that compiled steps kept in arrays."""
    for compiled in _COMPILED.get(model, {}).values():
        compiled.write_back()


def compiled_step(
    model: Module,
    objective: Objective,
    X: np.ndarray,
    y: np.ndarray,
    optimizer: Optimizer,
    *,
    write_back: bool = True,
) -> BatchResult:
    """Forward, backward and update on one batch by replaying the traced sample graph.

    With ``write_back=False`` the parameters' new data and grads stay in arrays until
    ``write_back(model)`` or a step that writes back (see the module docstring).
    """
    compiled = compiled_model(model, objective.loss)
    for other in _COMPILED[model].values():  # steps with another loss may hold the parameters
        if other is not compiled:
            other.write_back()
    replay = compiled.forward(X, y)
    penalty, data, grads = compiled.backward(replay, objective.l2, optimizer, write_back)
    compiled.update(optimizer, data, grads, write_back)
    losses = replay.output(0)
    return BatchResult(float(losses.sum()) / len(losses) + penalty, compiled.outputs(replay))
