r"""Forward, backward and quiz timelines, from the engine's own traversal.

* forward: ``engine.topological_order``; each step computes one node from its
  parents and writes the local derivatives onto its incoming edges;
* backward: ``engine.backward_steps``; each step makes one node's Δ final and pushes
  Δ(parent) += ∂node/∂parent · Δ(node) along each of its edges;
* quiz: the same steps with the grad hidden until the student answers.
"""

from __future__ import annotations

import math

from pathgrad.engine import Constant, Value, backward_steps

from ..text import parse_number
from .frames import Step, edge_state, line, node_state, step
from .graph import StepGraph
from .words import forward_formula, local_formula, number, partial

__all__ = [
    "data_text",
    "grad_text",
    "forward_timeline",
    "backward_timeline",
    "quiz_timeline",
    "HIDDEN",
    "UNKNOWN",
]

UNKNOWN = "data ?"
HIDDEN = "grad ?"
NOT_YET = "grad —"


def data_text(value: float, digits: int) -> str:
    return f"data {number(value, digits)}"


def grad_text(value: float, digits: int) -> str:
    return f"grad {number(value, digits)}"


def resting(graph: StepGraph, digits: int, *, data: bool = True, grads: bool = False) -> dict:
    """The state where every node shows its data (or ``data ?`` for results) and optionally its grad."""
    nodes = {}
    for node in graph.order:
        known = data or node.is_leaf
        nodes[graph.ids[node]] = node_state(
            data_text(node.data, digits) if known else UNKNOWN,
            grad_text(node.grad, digits) if grads and node.grad is not None else NOT_YET,
            ("final" if grads else "computed") if known else "pending",
        )
    edges = {
        e.id: edge_state(number(e.local_grad, digits) if data else "", "known" if data else "pending")
        for e in graph.edges
    }
    return {"nodes": nodes, "edges": edges}


def forward_timeline(graph: StepGraph, digits: int) -> tuple[dict, list[Step]]:
    """Initial state (leaves known) and one step per node made by an op, in topological order."""
    steps = []
    computed = [node for node in graph.order if not node.is_leaf]
    for count, node in enumerate(computed, 1):
        name = graph.names[node]
        incoming = graph.into(node)
        lines = [
            line("formula", forward_formula(node, graph.names, digits)),
            line("head", "local derivatives, kept on the edges:"),
        ]
        lines += [
            line("formula", local_formula(node, k, graph.names, digits)) for k in range(len(node.parents))
        ]
        steps.append(
            step(
                f"Forward {count}/{len(computed)}: compute {name}",
                lines,
                nodes={graph.ids[node]: node_state(data_text(node.data, digits), state="computed")},
                edges={e: edge_state(number(g, digits), "known") for e, g in zip(incoming, node.local_grads)},
                focus=[graph.ids[node]],
                targets=[graph.ids[p] for p in node.parents],
                trail=incoming,
                values={"node": graph.ids[node], "data": node.data, "local_grads": list(node.local_grads)},
            )
        )
    return resting(graph, digits, data=False), steps


def _backward_lines(
    graph: StepGraph, record, received: dict[Value, list[float]], digits: int
) -> list[list[str]]:
    node, name = record.node, graph.names[record.node]
    if node is graph.root:
        lines = [
            line("formula", f"Δ({name}) = {partial(name, name)} = {number(record.grad, digits)}   (the seed)")
        ]
    else:
        amounts = received.get(node, [])
        total = " + ".join(number(a, digits) for a in amounts)
        sums = f" = {total}" if len(amounts) > 1 else ""
        lines = [line("formula", f"Δ({name}){sums} = {number(record.grad, digits)}   final")]
    if not record.contributions:
        lines.append(line("note", f"{name} is a leaf: nothing to push" if node.is_leaf else ""))
    for c in record.contributions:
        parent = graph.names[c.parent]
        lines.append(
            line(
                "formula",
                f"Δ({parent}) += {partial(name, parent)} · Δ({name}) = {number(c.local_grad, digits)} × "
                f"{number(record.grad, digits)} = {number(c.amount, digits)}",
            )
        )
        lines.append(line("note", f"Δ({parent}) is now {number(c.parent_grad_after, digits)}"))
    return [item for item in lines if item[1]]


def backward_timeline(graph: StepGraph, digits: int, seed: float = 1.0) -> tuple[dict, list[Step]]:
    """One step per node of ``engine.backward_steps``: its Δ is final, it pushes to its parents.

    Runs one fresh backward pass (leaf grads start at 0), leaving the grads ``backward`` leaves.
    """
    for node in graph.order:
        node.grad = None
    steps = []
    received: dict[Value, list[float]] = {}
    records = list(backward_steps(graph.root, seed))
    for record in records:
        node = record.node
        changes = {graph.ids[node]: node_state(grad=grad_text(record.grad, digits), state="final")}
        for c in record.contributions:
            received.setdefault(c.parent, []).append(c.amount)
            changes[graph.ids[c.parent]] = node_state(
                grad=grad_text(c.parent_grad_after, digits), state="accumulating"
            )
        steps.append(
            step(
                f"Backward {record.index + 1}/{len(records)}: Δ({graph.names[node]}) is final",
                _backward_lines(graph, record, received, digits),
                nodes=changes,
                edges={
                    graph.edge(node, c.parent_index): edge_state(state="pushed") for c in record.contributions
                },
                focus=[graph.ids[node]],
                targets=[graph.ids[c.parent] for c in record.contributions],
                trail=[graph.edge(node, c.parent_index) for c in record.contributions],
                values={
                    "node": graph.ids[node],
                    "grad": record.grad,
                    "contributions": [
                        [graph.ids[c.parent], c.local_grad, c.amount, c.parent_grad_after]
                        for c in record.contributions
                    ],
                },
            )
        )
    return resting(graph, digits), steps


def _choices(answer: float, received: list[float], local_sum: float, digits: int) -> list[str]:
    """The right Δ and the classic mistakes: ``=`` instead of ``+=``, a sign slip, no local derivative."""
    wrong = [received[-1] if len(received) > 1 else None, -answer, local_sum, answer * 2 if answer else 1.0]
    texts = [number(answer, digits)]
    for value in wrong:
        if value is not None and number(value, digits) not in texts:
            texts.append(number(value, digits))
    shown = texts[:4]
    return sorted(shown, key=lambda t: float(t.replace("−", "-")))


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


def quiz_timeline(graph: StepGraph, backward: list[Step], digits: int) -> tuple[dict, list[Step]]:
    """The backward steps as questions: each node's Δ is hidden until answered or passed."""
    steps = []
    received: dict[str, list[float]] = {}
    pushed_by: dict[str, list[float]] = {}
    working: dict[str, list[list[str]]] = {}  # how each Δ is made: one line per child
    names = {graph.ids[n]: graph.names[n] for n in graph.order}
    outgoing: dict[Value, list[str]] = {}  # the edges a node's Δ is gathered from
    for child in graph.order:
        for index, parent in enumerate(child.parents):
            outgoing.setdefault(parent, []).append(graph.edge(child, index))
    for record in backward:
        child, grad = record["values"]["node"], record["values"]["grad"]
        for parent, local, amount, _after in record["values"]["contributions"]:
            received.setdefault(parent, []).append(amount)
            pushed_by.setdefault(parent, []).append(grad)
            working.setdefault(parent, []).append(
                line(
                    "formula",
                    f"{partial(names[child], names[parent])} · Δ({names[child]}) = "
                    f"{number(local, digits)} × {number(grad, digits)} = {number(amount, digits)}",
                )
            )
    for count, (node, record) in enumerate(zip(reversed(graph.order), backward), 1):
        ident, name = graph.ids[node], graph.names[node]
        answer = record["values"]["grad"]
        is_seed = node is graph.root
        question = (
            f"What is Δ({name}) = {partial(graph.names[graph.root], name)}?"
            if not is_seed
            else f"Start: what is Δ({name}) = {partial(name, name)}?"
        )
        hint = "Δ(h_r) = Σ over its children h of ∂h/∂h_r · Δ(h)" if not is_seed else "the seed of backward"
        if isinstance(node, Constant):
            hint = f"{name} is a constant; its grad is computed all the same"
        steps.append(
            step(
                f"Quiz {count}/{len(backward)}: Δ({name})",
                [line("head", question), line("note", hint)],
                nodes={ident: node_state(grad=HIDDEN, state="asked")},
                focus=[ident],
                trail=outgoing.get(node, []),
                values={"node": ident, "grad": answer},
                quiz={
                    "answer": answer,
                    "tolerance": _tolerance(answer, digits),
                    "choices": _choices(
                        answer, received.get(ident, [answer]), sum(pushed_by.get(ident, [1.0])), digits
                    ),
                },
                reveal={
                    "nodes": {ident: node_state(grad=grad_text(answer, digits), state="final")},
                    "lines": [
                        *working.get(ident, []),
                        line("formula", f"Δ({name}) = {number(answer, digits)}"),
                    ],
                },
            )
        )
    initial = resting(graph, digits)
    return initial, steps
