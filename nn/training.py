r"""``fit``: train a model by epochs of mini-batches, with a progress bar and a per-step hook.

One step on a batch (X_b, y_b) is the lecture's loop:

    forward:  o = model(x) for each row;  L = loss(o, y_b) + α·Σ p²
    backward: every parameter's grad = ∂L/∂p
    update:   optimizer.step()

That step is one function per engine, looked up in ``ENGINES``: the scalar engine
builds the ``Value`` graph of the batch (``pathgrad.nn.steps``), the compiled one replays a
traced sample graph over it (``pathgrad.nn.compiled``). ``fit`` lets a step keep the
parameters' numbers in arrays (``write_back=False``) and writes them onto the
``Value``s before each callback and when it ends.
"""

from __future__ import annotations

import gc
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import numpy as np

from .compiled import compiled_step, write_back
from .losses import LOSSES
from .metrics import Accuracy, accuracy_for
from .module import Module
from .optim import SGD, Optimizer
from .progress import progress_bar
from .steps import BatchResult, LossFunction, Objective, StepFunction, scalar_step

__all__ = [
    "fit",
    "Objective",
    "BatchResult",
    "StepRecord",
    "History",
    "ENGINES",
    "scalar_step",
]

ENGINES: dict[str, StepFunction] = {"scalar": scalar_step, "compiled": compiled_step}
"""The step function of each engine, by the name ``fit(..., engine=name)`` takes."""


@dataclass(frozen=True)
class StepRecord:
    """What one step did: passed to ``fit``'s callback and kept in the history."""

    epoch: int
    step: int
    loss: float
    accuracy: float | None
    lr: float
    batch_size: int


@dataclass
class History:
    """Per-epoch mean loss and accuracy (of the outputs before each update), and every step."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float] = field(default_factory=list)
    steps: list[StepRecord] = field(default_factory=list)


@contextmanager
def collector_paused_during_steps() -> Iterator[Callable[[], object]]:
    """Keep CPython's cyclic garbage collector from walking the live graph while a step runs.

    A step's graph holds no reference cycles, so reference counting frees it when the
    step ends; but while it is being built the collector runs every few hundred new
    nodes and walks all of them (two thirds of an expanded moons step). So the
    collector pauses for the whole ``fit`` and, if it was on, collects the young
    generations (what the last step left, cycles of a callback included) once between
    steps. The user's setting is restored however ``fit`` ends.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield (lambda: gc.collect(1)) if was_enabled else (lambda: None)
    finally:
        if was_enabled:
            gc.enable()


def _as_data(X, y) -> tuple[np.ndarray, np.ndarray]:
    X, y = np.asarray(X, dtype=float), np.asarray(y)
    if X.ndim == 1:
        X = X.reshape(-1, 1)
    if X.ndim != 2:
        raise ValueError(f"fit: X must be a table of shape (samples, inputs), got shape {X.shape}")
    if len(X) != len(y) or len(X) == 0:
        raise ValueError(f"fit: X has {len(X)} rows but y has {len(y)} targets (need the same, at least one)")
    if not np.isfinite(X).all():
        row, column = np.argwhere(~np.isfinite(X))[0]
        raise ValueError(
            f"fit: X row {row}, column {column} is {float(X[row, column])!r}; inputs must be finite"
        )
    return X, y


def _objective(loss: str | LossFunction, l2: float) -> Objective:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"fit: unknown loss {loss!r}; known: {', '.join(LOSSES)}")
        loss = LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"fit: loss must be a name or a function (outputs, targets) -> Value, got {loss!r}")
    return Objective(loss, l2)


def fit(
    model: Module,
    X,
    y,
    loss: str | LossFunction = "mse",
    optimizer: Optimizer | None = None,
    epochs: int = 1,
    batch_size: int | None = None,
    *,
    l2: float = 0.0,
    engine: str = "scalar",
    accuracy: Accuracy | None = None,
    callback: Callable[[StepRecord], object] | None = None,
    shuffle: bool = True,
    seed: int = 0,
    progress: bool | None = None,
) -> History:
    """Train ``model`` on (X, y) and return the history.

    Args:
        model: the network; called on one row of X at a time.
        X, y: inputs (samples × inputs) and targets.
        loss: a name from ``pathgrad.nn.losses.LOSSES`` or a function ``(outputs, targets) -> Value``.
        optimizer: default ``SGD(model.parameters(), lr=0.1)``.
        epochs: passes over the data.
        batch_size: samples per step; ``None`` is the whole set (full batch).
        l2: α of the L2 term α·Σ p² added to the loss.
        engine: ``"scalar"`` (the Value graph of the batch) or ``"compiled"`` (one
            traced sample graph replayed over the batch with numpy).
        accuracy: ``(outputs, targets) -> fraction``; by default the loss's own
            (sign for hinge and perceptron, argmax for cross-entropy, none for mse).
        callback: called with a ``StepRecord`` after every step.
        shuffle: reshuffle the samples every epoch (only matters with mini-batches).
        seed: the shuffling seed.
        progress: show a progress bar with loss and accuracy; ``None`` (the default)
            shows it only on a terminal, so logs and notebooks' captured output stay clean.

    The parameters hold their current data and their last batch gradients whenever the
    callback runs and once ``fit`` returns or raises. Between those moments the compiled
    engine keeps them in arrays (``write_back=False``), so a learning-rate schedule or an
    accuracy function, which get numbers, should not read the model.
    """
    X, y = _as_data(X, y)
    objective = _objective(loss, l2)
    if engine not in ENGINES:
        raise ValueError(f"fit: unknown engine {engine!r}; known engines: {', '.join(ENGINES)}")
    step = ENGINES[engine]
    optimizer = optimizer if optimizer is not None else SGD(model.parameters(), lr=0.1)
    measure = accuracy if accuracy is not None else accuracy_for(objective.loss)
    if isinstance(epochs, bool) or not isinstance(epochs, int) or epochs < 1:
        raise ValueError(f"fit: epochs must be a positive int, got {epochs!r}")
    size = len(X) if batch_size is None else batch_size
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ValueError(f"fit: batch_size must be a positive int or None, got {batch_size!r}")
    batches = math.ceil(len(X) / size)
    rng = np.random.default_rng(seed)
    history = History()
    bar = progress_bar(
        total=epochs * batches,
        desc="fit",
        unit="step",
        disable=None if progress is None else not progress,
        leave=False,
    )
    with collector_paused_during_steps() as collect_between_steps:
        try:
            for epoch in range(epochs):
                # in order, a batch is a slice of the data (a view); shuffled, a copy of its rows
                order = rng.permutation(len(X)) if shuffle and size < len(X) else None
                losses, correct = [], []
                for start in range(0, len(X), size):
                    rows = slice(start, start + size) if order is None else order[start : start + size]
                    X_batch, y_batch = X[rows], y[rows]
                    lr = optimizer.current_lr
                    result = step(model, objective, X_batch, y_batch, optimizer, write_back=False)
                    hit = measure(result.outputs, y_batch) if measure else None
                    record = StepRecord(epoch, len(history.steps), result.loss, hit, lr, len(y_batch))
                    history.steps.append(record)
                    losses.append(result.loss * len(y_batch))
                    correct.append((hit or 0.0) * len(y_batch))
                    if callback is not None:
                        write_back(model)
                        callback(record)
                    bar.update()
                    if not bar.disable:
                        shown = {"epoch": epoch + 1, "loss": f"{result.loss:.4f}"}
                        bar.set_postfix(shown | ({"acc": f"{hit:.0%}"} if measure else {}))
                    collect_between_steps()
                history.loss.append(sum(losses) / len(X))
                if measure:
                    history.accuracy.append(sum(correct) / len(X))
        finally:
            write_back(model)
            bar.close()
    return history
