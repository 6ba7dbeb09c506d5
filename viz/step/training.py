r"""Training mode: step through ``pathgrad.nn.fit`` iterations on one locked layout.

``fit`` runs as usual; its callback records, after every step, each parameter's value
and the batch gradient that moved it. Frame k then rebuilds the loss of one chosen
sample with the parameters as they were *before* step k and runs ``backward`` on it,
so the graph shows that sample's values and grads, and the panel shows the update

    p ← p − lr · ∂L_batch/∂p     (for SGD; other optimizers: the change they made)

together with the batch loss, drawn as a curve with the current iteration marked.
Every frame has the same graph (same model, same sample), so the layout never moves.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pathgrad.engine import Value

from ..model import DEFAULT_MAX_NODES
from .frames import EdgeChange, Frames, NodeChange, State, Step, line
from .graph import StepGraph
from .settings import Settings
from .words import number

__all__ = ["training_stepper", "training_frames", "TrainingRun"]

_SHOWN_UPDATES = 6


@dataclass
class TrainingRun:
    """What ``fit`` did, as the training mode replays it.

    Attributes:
        names: each parameter's name (``named_parameters``), in ``model.parameters()`` order.
        parameters: the parameters themselves.
        before: the parameters' values before each step (and after the last).
        batch_grads: the batch gradient of each parameter at each step.
        records: ``fit``'s callback records (loss, epoch, lr).
        shown: ``(step index, state, sample loss)`` for each kept iteration.
        sample: the row of X whose loss graph the page shows.
    """

    names: list[str]
    parameters: list[Value]
    before: list[list[float]]
    batch_grads: list[list[float]]
    records: list
    shown: list[tuple[int, State, float]]
    sample: int


def _sample_loss(model, loss: Callable, x: np.ndarray, y) -> Value:
    output = model(list(x))
    root = loss([output], [y])
    root.label = root.label or "L"
    model.zero_grad()
    root.backward()
    return root


def _state(graph: StepGraph, digits: int) -> State:
    """Every node's data and grad, every edge's local derivative, as the page shows them."""
    nodes = {
        graph.ids[n]: NodeChange(data=number(n.data, digits), grad=number(n.grad, digits), state="final")
        for n in graph.order
    }
    edges = {e.id: EdgeChange(number(e.local_grad, digits), "known") for e in graph.edges}
    return State(nodes, edges)


def _update_rule(old: list[float], new: list[float], grads: list[float], lr: float) -> str:
    """The heading of an iteration's updates: the SGD rule when it is what moved the parameters.

    Momentum, Adam or weight decay move p by something else than lr · ∂L_batch/∂p;
    then the page says only that these are the optimizer's steps.
    """
    plain = np.allclose(np.subtract(new, old), -lr * np.asarray(grads), rtol=1e-9, atol=1e-12)
    return (
        f"largest updates  p ← p − {lr:g} · ∂L_batch/∂p"
        if plain
        else "largest updates (the optimizer's steps, not lr · ∂L_batch/∂p)"
    )


def training_frames(graph: StepGraph, settings: Settings) -> Frames:
    """One step per kept iteration of ``settings.run`` (a ``TrainingRun``) on ``graph``'s layout."""
    run: TrainingRun | None = settings.run
    if not isinstance(run, TrainingRun):
        raise ValueError(
            "the training mode replays a fit run: make its page with training_stepper(model, X, y)"
        )
    digits, before, records = settings.digits, run.before, run.records
    steps = []
    for k, state, sample_loss in run.shown:
        changes = sorted(
            range(len(run.parameters)), key=lambda i: abs(before[k + 1][i] - before[k][i]), reverse=True
        )[:_SHOWN_UPDATES]
        lines = [
            line(
                "formula",
                f"batch loss {number(records[k].loss, digits + 1)}   (epoch {records[k].epoch + 1}, lr {records[k].lr:g})",
            ),
            line("formula", f"sample {run.sample}: L = {number(sample_loss, digits + 1)}"),
            line("head", _update_rule(before[k], before[k + 1], run.batch_grads[k], records[k].lr)),
        ]
        for i in changes:
            lines.append(
                line(
                    "formula",
                    f"{run.names[i]}: {number(before[k][i], digits)} → {number(before[k + 1][i], digits)}"
                    f"   (∂L_batch/∂p {number(run.batch_grads[k][i], digits)})",
                )
            )
        steps.append(
            Step(
                f"Iteration {k + 1}/{len(records)}",
                lines,
                nodes=state.nodes,
                edges=state.edges,
                focus=[graph.ids[run.parameters[i]] for i in changes if run.parameters[i] in graph.ids][:3],
                values={
                    "iteration": k,
                    "loss": records[k].loss,
                    "sample_loss": sample_loss,
                    "parameters": before[k],
                },
            )
        )
    return Frames(
        run.shown[0][1],
        steps,
        chart={
            "label": "batch loss",
            "values": [r.loss for r in records],
            "steps": [k for k, _, _ in run.shown],
        },
        intro=[
            line(
                "note",
                f"Each step is one iteration of fit. The graph is sample {run.sample}'s loss with the parameters "
                "before that iteration; the panel shows the batch loss and the largest updates.",
            )
        ],
    )


def training_stepper(
    model,
    X,
    y,
    *,
    loss: str | Callable = "mse",
    sample: int = 0,
    every: int = 1,
    digits: int = 3,
    max_nodes: int = DEFAULT_MAX_NODES,
    title: str = "",
    theme: str = "projector",
    view: str = "neuron",
    **fit_options,
):
    """Train ``model`` with ``pathgrad.nn.fit(model, X, y, loss=loss, **fit_options)`` and step through it.

    Args:
        model: an ``nn`` module (e.g. ``MLP(2, [3, 1])``); it is left trained.
        X, y: the training data, as for ``fit``.
        loss: a loss name from ``pathgrad.nn.losses.LOSSES`` or a function, as for ``fit``.
        sample: the row of X whose loss graph the page shows.
        every: keep every n-th iteration as a frame (the last one is always kept).
        view: ``"neuron"`` (a box per neuron, the weights on the edges) or ``"expanded"``.
        fit_options: passed to ``fit`` (``optimizer``, ``epochs``, ``batch_size`` ...).
    """
    from pathgrad.nn import fit
    from pathgrad.nn.losses import LOSSES

    from .stepper import make_stepper

    X = np.asarray(X, dtype=float)
    if not 0 <= sample < len(X):
        raise ValueError(f"sample {sample} is not a row of X (it has {len(X)} rows)")
    if every < 1:
        raise ValueError(f"every must be a positive int, got {every}")
    loss_function = LOSSES[loss] if isinstance(loss, str) and loss in LOSSES else loss
    named = list(model.named_parameters())
    names, parameters = [name for name, _ in named], [p for _, p in named]
    before = [[p.data for p in parameters]]
    batch_grads: list[list[float]] = []
    records = []

    def record(step_record) -> None:
        before.append([p.data for p in parameters])
        batch_grads.append([p.grad for p in parameters])
        records.append(step_record)

    fit(model, X, y, loss=loss, callback=record, progress=False, **fit_options)
    if not records:
        raise ValueError("fit ran no step; nothing to show")
    kept = sorted({*range(0, len(records), every), len(records) - 1})
    shown, graph, reference = [], None, None
    try:
        for k in kept:
            for p, value in zip(parameters, before[k]):
                p.data = value
            root = _sample_loss(model, loss_function, X[sample], np.asarray(y)[sample])
            graph = StepGraph(root, max_nodes=max_nodes, model=model)
            if reference is None:
                reference = list(graph.ids.values())
            elif list(graph.ids.values()) != reference:
                raise ValueError(
                    "the sample's graph changed shape between iterations; cannot lock one layout"
                )
            shown.append((k, _state(graph, digits), root.data))
    finally:
        for p, value in zip(parameters, before[-1]):
            p.data = value
    run = TrainingRun(names, parameters, before, batch_grads, records, shown, sample)
    return make_stepper(
        graph,
        modes=("training",),
        settings=Settings(digits=digits, run=run),
        view=view,
        title=title or f"Training, {len(records)} iterations: sample {sample}'s graph",
        theme=theme,
    )
