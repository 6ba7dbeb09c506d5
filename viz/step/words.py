r"""The words and numbers a step-through shows: node names, numbers, formulas.

Every formula the page prints is written here, in Python, from the engine's own
numbers; the page only sets these strings as text. Examples for the lecture neuron:

    n = x1*w1 + x2*w2 + b = −6.000 + 0.000 + 6.881 = 0.881          (forward)
    ∂o/∂n = 1 − tanh²(n) = 0.500                                      (local derivative)
    Δ(n) += ∂o/∂n · Δ(o) = 0.500 × 1.000 = 0.500                      (backward)
"""

from __future__ import annotations

import re

from pathgrad.engine import Constant, Value

from ..text import MINUS, format_number

__all__ = ["number", "signed", "node_names", "forward_formula", "local_formula", "partial", "wrap"]

_MAX_NAME = 22
_OPERATORS = "+-*/^·×÷"


def number(x: float, digits: int = 3) -> str:
    """``x`` with ``digits`` decimals and a true minus sign (−), as a projector shows it.

    Very large or very small non-zero numbers switch to scientific notation (``format_number``).
    """
    return format_number(x, f".{digits}f")


def signed(x: float, digits: int = 4) -> str:
    """``x`` with an explicit sign and ``digits`` significant figures: ``+0.01000``."""
    return format_number(x, f"+.{digits}g") if x != 0 else "0"


def _enclosed(name: str) -> bool:
    """Whether the parenthesis that opens ``name`` is the one that ends it: ``(a + b)``, not ``(a) + (b)``."""
    if not (name.startswith("(") and name.endswith(")")):
        return False
    depth = 0
    for position, char in enumerate(name):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return position == len(name) - 1
    return False


def wrap(name: str) -> str:
    """A name in parentheses when it is a compound expression: ``a + b`` → ``(a + b)``.

    ``(x1 · w1) + (x2 · w2)`` is compound too: its first parenthesis closes before its end;
    so is a label such as ``x1*w1`` (``∂x1*w1/∂w1`` reads as ∂x1 · w1/∂w1) and a negative
    number (``−1.000^2`` would read as −(1.000²)).
    """
    operator = any(char in name for char in _OPERATORS) or name.startswith(("-", MINUS))
    simple = (" " not in name and not operator) or _enclosed(name)
    return name if simple else f"({name})"


def _expression(node: Value, operands: list[str]) -> str:
    """The op's expression with ``operands`` in place of ``a``, ``b`` (or a list for n-ary ops)."""
    op = node.operation
    if op is None:
        return node.label
    if op.arity is None:
        return op.write(operands)  # the op says how it reads: sum as a + b, linear as w1·x1 + b
    return _fill(op.expression, {"a": operands[0], "b": operands[1] if len(operands) > 1 else ""})


def _fill(template: str, slots: dict[str, str]) -> str:
    """``template`` with each operand letter ``a``, ``b`` replaced by its text, parenthesised
    where it is compound, except where the template already has it in parentheses (``tanh(a)``)
    and for a number that opens the formula (``−6.000 + 6.881``, but ``(−1.000)^2``)."""

    def operand(match: re.Match) -> str:
        text = slots[match.group()]
        after = template[match.end() : match.end() + 1]
        bracketed = template[match.start() - 1 : match.start()] == "(" and after == ")"
        leading_number = match.start() == 0 and after != "^" and _is_number(text)
        return text if bracketed or leading_number else wrap(text)

    return re.sub(r"\b[ab]\b", operand, template)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_ELIDED = "…"


def _constant_name(node: Constant) -> str:
    """A constant's label, or its value with a true minus (``−1``) when it has only the default label."""
    default = f"{node.data:g}"
    return default.replace("-", MINUS) if node.label == default else node.label


def _shorter_forms(node: Value, names: dict[Value, str]) -> list[str]:
    """How an operand may read, longest first: its name, its op with its own operands elided
    (``tanh(…)``, ``…^2``) when that is shorter, and ``…``."""
    forms = [names[node]]
    if node.parents:
        head = _expression(node, [_ELIDED] * len(node.parents))
        if len(head) < len(forms[0]):
            forms.append(head)
    return forms if forms[-1] == _ELIDED else [*forms, _ELIDED]


def _description(node: Value, names: dict[Value, str]) -> str:
    """The node's expression in its operands' names, the longest operand shortened first
    (``_shorter_forms``), with every operand that shortens to the same text, until it has
    at most 22 characters; else the op's symbol, ``Σ(…)``."""
    forms = [_shorter_forms(parent, names) for parent in node.parents]
    chosen = [0] * len(forms)
    while True:
        text = _expression(node, [options[k] for options, k in zip(forms, chosen)])
        if len(text) <= _MAX_NAME:
            return text
        shortenable = [i for i, options in enumerate(forms) if chosen[i] + 1 < len(options)]
        if not shortenable:
            return f"{node.operation.symbol}({_ELIDED})"
        longest = max(shortenable, key=lambda i: len(forms[i][chosen[i]]))
        shorter = forms[longest][chosen[longest] + 1]
        for i in shortenable:  # operands that shorten alike go together: …^2 + …^2, CE(…, …)
            if i == longest or forms[i][chosen[i] + 1] == shorter:
                chosen[i] += 1


def _unique(name: str, taken: set[str]) -> str:
    """``name``, or ``name₂``, ``(a · b)₃`` … when a node already has it."""
    count = 1
    candidate = name
    while candidate in taken:
        count += 1
        candidate = f"{wrap(name)}{str(count).translate(_SUBSCRIPTS)}"
    return candidate


def node_names(order: list[Value], roles: dict[Value, str] | None = None) -> dict[Value, str]:
    """A readable name for every node, unique among the names the page makes up.

    A node's label if it has one; else its role (``roles``: ``L1.N2.a`` for a neuron's
    linear op, ``L1.N2.h`` for its activation); a constant its value (``−1``); another
    leaf ``v1``, ``v2`` …; an inner node its expression in its operands' names, shortened
    to at most 22 characters by eliding operands (``tanh(…)``, ``(…^2 + …^2) / 2``), with
    a subscript where two nodes would read the same (``tanh(…)₂``).

    ``order`` is the topological order, so parents are named before their children.
    """
    roles = roles or {}
    taken = {node.label for node in order if node.label and not isinstance(node, Constant)}
    names: dict[Value, str] = {}
    leaves = 0
    for node in order:
        if isinstance(node, Constant):
            names[node] = _constant_name(node)
            continue
        if node.label:
            names[node] = node.label
            continue
        if node in roles:
            name = roles[node]
        elif node.is_leaf:
            leaves += 1
            name = f"v{leaves}"
            while name in taken:
                leaves += 1
                name = f"v{leaves}"
        else:
            name = _description(node, names)
        names[node] = _unique(name, taken)
        taken.add(names[node])
    return names


def forward_formula(node: Value, names: dict[Value, str], digits: int = 3) -> str:
    """``n = x1*w1 + b = −6.000 + 6.881 = 0.881``: the node's value from its parents' values."""
    symbolic = _expression(node, [names[p] for p in node.parents])
    numeric = _expression(node, [number(p.data, digits) for p in node.parents]).replace("·", "×")
    head = names[node] if names[node] == symbolic else f"{names[node]} = {symbolic}"
    return f"{head} = {numeric} = {number(node.data, digits)}"


def local_formula(node: Value, operand_index: int, names: dict[Value, str], digits: int = 3) -> str:
    """``∂o/∂n = 1 − tanh²(n) = 0.500``: the local derivative stored on one edge."""
    op = node.operation
    parent = node.parents[operand_index]
    text = op.formula(operand_index, len(node.parents))
    if op.arity is not None:
        text = _fill(
            text, {"a": names[node.parents[0]], "b": names[node.parents[1]] if len(node.parents) > 1 else ""}
        )
    value = number(node.local_grads[operand_index], digits)
    head = partial(names[node], names[parent])
    return f"{head} = {value}" if _is_number(text) else f"{head} = {text} = {value}"


def _is_number(text: str) -> bool:
    """Whether a formula is a bare number (``1``), which ``= 1 = 1.000`` would only repeat."""
    try:
        float(text.replace(MINUS, "-"))
    except ValueError:
        return False
    return True


def partial(node_name: str, parent_name: str) -> str:
    """``∂n/∂(x1*w1 + b)``."""
    return f"∂{wrap(node_name)}/∂{wrap(parent_name)}"
