r"""Quiz mode: the backward steps as questions, each node's Δ hidden until answered or passed.

Built from the engine's own records (``pathgrad.engine.backward_steps`` via ``StepGraph.records``):
each question shows how the Δ is gathered, Δ(h_r) = Σ over children h of ∂h/∂h_r · Δ(h),
once the student has answered.
"""

from __future__ import annotations

import math

from pathgrad.engine import Constant, Value

from ..text import parse_number
from .frames import Frames, Line, NodeChange, Quiz, Reveal, Step, line
from .graph import StepGraph
from .settings import Settings
from .states import HIDDEN, resting
from .words import number, partial

__all__ = ["quiz_frames"]


def _choices(answer: float, received: list[float], local_sum: float, digits: int) -> tuple[str, ...]:
    """The right Δ and the classic mistakes: ``=`` instead of ``+=``, a sign slip, no local derivative."""
    wrong = [received[-1] if len(received) > 1 else None, -answer, local_sum, answer * 2 if answer else 1.0]
    texts = [number(answer, digits)]
    for value in wrong:
        if value is not None and number(value, digits) not in texts:
            texts.append(number(value, digits))
    shown = texts[:4]
    return tuple(sorted(shown, key=lambda t: float(t.replace("−", "-"))))


def _tolerance(answer: float, digits: int) -> float:
    """Half a unit in the last digit the page shows, so the shown answer typed back is right.

    ``number`` writes ``1.235e+06`` for 1234567 (last digit: 10³) and ``4.000e−05`` for
    0.00004 (last digit: 10⁻⁸); otherwise the last digit is 10^−digits.
    """
    text = number(answer, digits)
    shown = parse_number(text)
    scientific = "e" in text and shown != 0
    unit = 10.0 ** (math.floor(math.log10(abs(shown))) - digits) if scientific else 10.0**-digits
    return 0.5 * unit + 1e-9 * abs(answer)


def quiz_frames(graph: StepGraph, settings: Settings) -> Frames:
    """One question per backward record, in the order backward makes each Δ final."""
    digits = settings.digits
    records = graph.records()
    received: dict[Value, list[float]] = {}
    pushed_by: dict[Value, list[float]] = {}
    working: dict[Value, list[Line]] = {}  # how each Δ is made: one line per child
    shown = lambda x: parse_number(number(x, digits))  # noqa: E731  a number as the page displays it
    from_factors: dict[Value, list[float]] = {}  # Σ displayed factor × displayed Δ, and Σ displayed terms
    for record in records:
        child = graph.names[record.node]
        for c in record.contributions:
            products, terms = from_factors.setdefault(c.parent, [0.0, 0.0])
            from_factors[c.parent] = [
                products + shown(c.local_grad) * shown(record.grad),
                terms + shown(c.amount),
            ]
            received.setdefault(c.parent, []).append(c.amount)
            pushed_by.setdefault(c.parent, []).append(record.grad)
            working.setdefault(c.parent, []).append(
                line(
                    "formula",
                    f"{partial(child, graph.names[c.parent])} · Δ({child}) = "
                    f"{number(c.local_grad, digits)} × {number(record.grad, digits)} = {number(c.amount, digits)}",
                )
            )
    outgoing: dict[Value, list[str]] = {}  # the edges a node's Δ is gathered from
    for child in graph.order:
        for index, parent in enumerate(child.parents):
            outgoing.setdefault(parent, []).append(graph.edge(child, index))
    root = graph.names[graph.root]
    steps = []
    for record in records:
        node, answer = record.node, record.grad
        ident, name = graph.ids[node], graph.names[node]
        if node is graph.root:
            question, hint = f"Start: what is Δ({name}) = {partial(name, name)}?", "the seed of backward"
        else:
            question = f"What is Δ({name}) = {partial(root, name)}?"
            hint = "Δ(h_r) = Σ over its children h of ∂h/∂h_r · Δ(h)"
        if isinstance(node, Constant):
            hint = f"{name} is a constant; its grad is computed all the same"
        steps.append(
            Step(
                f"Δ({name})",
                [line("head", question), line("note", hint)],
                counter="Quiz",
                nodes={ident: NodeChange(grad=HIDDEN, state="asked")},
                focus=[ident],
                trail=outgoing.get(node, []),
                values={"node": ident, "grad": answer},
                quiz=Quiz(
                    answer,
                    _tolerance(answer, digits),
                    _choices(answer, received.get(node, [answer]), sum(pushed_by.get(node, [1.0])), digits),
                    tuple(from_factors.get(node, ())),
                ),
                reveal=Reveal(
                    {ident: NodeChange(grad=number(answer, digits), state="final")},
                    [*working.get(node, []), line("formula", f"Δ({name}) = {number(answer, digits)}")],
                ),
            )
        )
    return Frames(resting(graph, digits), steps)
