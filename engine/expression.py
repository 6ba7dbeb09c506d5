"""A small expression language that builds ``Value`` graphs, parsed with a whitelist.

    parse("tanh(x1*w1 + x2*w2 + b)", at={"x1": 2, "x2": 0, "w1": -3, "w2": 1, "b": 6.88})
    parse("n = x1*w1 + x2*w2 + b; o = tanh(n)", at=...)     # named steps label inner nodes

Grammar (Python's precedence; ``**`` binds tighter than unary minus and is right-associative):

    program    := (NAME "=" expression END)* expression END?
    END        := ";" | a line break outside parentheses
    expression := term (("+" | "-") term)*
    term       := unary (("*" | "/") unary)*
    unary      := ("-" | "+") unary | power
    power      := atom ("**" unary)?
    atom       := NUMBER | NAME | NAME "(" expression ("," expression)* ")" | "(" expression ")"

Names are variables given in ``at`` (one leaf ``Value`` per name, labelled with it);
called names are the functions of ``pathgrad.engine.FUNCTIONS`` (``tanh``, ``exp``, ``pow`` ...).
A subexpression written twice is one node used twice, as in the lecture's two-path
example y = z = f(w): ``cos(w**2) * sin(w**2)`` has one ``w**2`` node feeding both
``cos`` and ``sin``, so the two chain-rule paths split after f, not at w.
A step ``n = ...`` names the node it builds, so diagrams and the step-through show the
lecture's names for inner nodes (a name is assigned once and may not also be given a
value). A constant exponent (``x**2``, ``x**-1``) uses the op ``**n``; a Value exponent
uses ``pow``. Nothing is ever passed to ``eval``: text that is not in the grammar is an
``ExpressionError`` naming the line (for text of several lines) and the column. Input is
bounded in length and nesting depth.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass

from . import ops
from .ops import FUNCTIONS
from .value import Value, apply

__all__ = ["parse", "ExpressionError", "MAX_LENGTH", "MAX_DEPTH", "names_in"]

MAX_LENGTH = 2000
"""Longest expression accepted, in characters."""

MAX_DEPTH = 100
"""Deepest nesting of parentheses, calls and unary operators accepted."""

_TOKEN = re.compile(
    r"""(?P<newline>\r?\n)
      | (?P<space>[ \t\r\f\v]+)
      | (?P<number>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<op>\*\*|[-+*/(),=;])""",
    re.VERBOSE | re.ASCII,  # digits are 0-9 only: "٣" is not a number here
)


class ExpressionError(ValueError):
    """The expression is not valid; ``line`` and ``column`` (1-based) say where."""

    def __init__(self, message: str, text: str, position: int) -> None:
        """``position`` is 1-based in the whole text; the message names its line and column."""
        start = text.rfind("\n", 0, max(position - 1, 0)) + 1
        end = text.find("\n", start)
        line_text = text[start:] if end < 0 else text[start:end]
        self.text = text
        self.line = text.count("\n", 0, start) + 1
        self.column = position - start
        where = f"line {self.line}, column {self.column}" if "\n" in text else f"column {self.column}"
        shown = line_text if len(line_text) <= 120 else line_text[:120] + "…"
        caret = " " * (self.column - 1) + "^" if self.column <= 121 else ""
        super().__init__(f"{where}: {message}\n  {shown}\n  {caret}")


@dataclass(frozen=True)
class _Token:
    kind: str  # "number", "name", "op", "end" ("op" includes the step separator ";")
    text: str
    column: int


def _tokens(text: str) -> list[_Token]:
    found = []
    position = 0
    depth = 0  # a line break inside parentheses continues the expression
    while position < len(text):
        match = _TOKEN.match(text, position)
        if match is None:
            raise ExpressionError(f"unexpected character {text[position]!r}", text, position + 1)
        kind, word = match.lastgroup, match.group()
        depth += {"(": 1, ")": -1}.get(word, 0) if kind == "op" else 0
        if kind == "newline" and depth <= 0:
            found.append(_Token("op", ";", position + 1))
        elif kind not in ("space", "newline"):
            found.append(_Token(kind, word, position + 1))
        position = match.end()
    found.append(_Token("end", "", len(text) + 1))
    return found


class _Parser:
    """Recursive descent over the token list, building Values as it goes."""

    def __init__(self, text: str, at: Mapping[str, float]) -> None:
        self.text = text
        self.tokens = _tokens(text)
        self.index = 0
        self.depth = 0
        self.at = at
        self.leaves: dict[str, Value] = {}
        self.steps: dict[str, Value] = {}  # names given by "name = expression"
        self.built: dict[tuple, Value] = {}  # (op, operands) → the node, so repeats share it

    def error(self, message: str, token: _Token | None = None) -> ExpressionError:
        return ExpressionError(message, self.text, (token or self.peek()).column)

    def peek(self) -> _Token:
        return self.tokens[self.index]

    def take(self) -> _Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def expect(self, text: str) -> _Token:
        token = self.peek()
        if token.text != text or token.kind != "op":
            found = "the end of the expression" if token.kind == "end" else repr(token.text)
            raise self.error(f"expected {text!r}, found {found}")
        return self.take()

    def nested(self, token: _Token) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise self.error(f"nested more than {MAX_DEPTH} levels deep", token)

    # ------------------------------------------------------------- grammar

    def program(self) -> Value | float:
        """Named steps, each ended by ";" or a line break, then the output expression."""
        self.separators()
        if self.peek().kind == "end":
            raise self.error("the expression is empty")
        while self.peek().kind == "name" and self.tokens[self.index + 1].text == "=":
            self.step()
            if self.peek().kind == "end":
                raise self.error("the last line names a step; end with the expression to compute")
        result = self.expression()
        self.separators()
        if self.peek().kind != "end":
            raise self.error(f"unexpected {self.peek().text!r} after a complete expression")
        return result

    def separators(self) -> None:
        while self.peek().kind == "op" and self.peek().text == ";":
            self.take()

    def step(self) -> None:
        """name = expression: the node gets the name as its label, and the name means it from here on."""
        name = self.take()
        self.expect("=")
        if name.text in FUNCTIONS:
            raise self.error(f"{name.text!r} is a function and cannot name a step", name)
        if name.text in self.at:
            raise self.error(f"{name.text!r} is given a value and also assigned here; use another name", name)
        if name.text in self.steps:
            raise self.error(f"{name.text!r} is assigned twice", name)
        value = self.expression()
        if isinstance(value, float):
            value = Value(value, name.text)
        elif not value.label:
            value.label = name.text
        self.steps[name.text] = value
        if self.peek().kind != "end":
            if self.peek().text != ";":
                raise self.error(f"expected ';' or a new line after the step {name.text!r}")
            self.separators()

    def expression(self) -> Value | float:
        return self.left_associative(self.term, {"+": ops.ADD, "-": ops.SUB})

    def term(self) -> Value | float:
        return self.left_associative(self.unary, {"*": ops.MUL, "/": ops.DIV})

    def left_associative(self, operand, operators: dict) -> Value | float:
        """operand (OPERATOR operand)*, applied left to right."""
        left = operand()
        while self.peek().kind == "op" and self.peek().text in operators:
            operator = self.take()
            left = self.apply(operators[operator.text], operator, left, operand())
        return left

    def unary(self) -> Value | float:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            self.nested(token)
            operand = self.unary()
            self.depth -= 1
            if token.text == "+":
                return operand
            return -operand if isinstance(operand, float) else self.apply(ops.NEG, token, operand)
        return self.power()

    def power(self) -> Value | float:
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "**":
            self.take()
            self.nested(token)
            exponent = self.unary()
            self.depth -= 1
            if isinstance(exponent, float):
                if isinstance(base, float):
                    return self.constant(base, exponent, token)
                return self.apply(ops.power(exponent), token, base)
            return self.apply(ops.POW, token, base, exponent)
        return base

    def atom(self) -> Value | float:
        token = self.take()
        if token.kind == "number":
            number = float(token.text)
            if not math.isfinite(number):
                raise self.error(f"the number {token.text} is too large for a float", token)
            return number
        if token.kind == "name":
            if self.peek().text == "(" and self.peek().kind == "op":
                return self.call(token)
            return self.variable(token)
        if token.kind == "op" and token.text == "(":
            self.nested(token)
            inside = self.expression()
            self.expect(")")
            self.depth -= 1
            return inside
        found = "the end of the expression" if token.kind == "end" else repr(token.text)
        raise self.error(f"expected a number, a name or '(', found {found}", token)

    def call(self, name: _Token) -> Value:
        op = FUNCTIONS.get(name.text)
        if op is None:
            known = ", ".join(sorted(FUNCTIONS))
            raise self.error(f"unknown function {name.text!r}; functions: {known}", name)
        self.expect("(")
        self.nested(name)
        arguments = [self.expression()]
        while self.peek().kind == "op" and self.peek().text == ",":
            self.take()
            arguments.append(self.expression())
        self.expect(")")
        self.depth -= 1
        if op.arity is not None and len(arguments) != op.arity:
            raise self.error(f"{name.text} takes {op.arity} argument(s), got {len(arguments)}", name)
        return self.apply(op, name, *arguments)

    def variable(self, token: _Token) -> Value:
        name = token.text
        if name in self.steps:
            return self.steps[name]
        if name in FUNCTIONS:
            raise self.error(f"{name!r} is a function: call it as {name}(...)", token)
        if name not in self.at:
            given = ", ".join(sorted(self.at)) or "none"
            raise self.error(
                f"unknown name {name!r}: give it a value (e.g. {name}=1.0); values given: {given}", token
            )
        if name not in self.leaves:
            try:
                self.leaves[name] = Value(self.at[name], name)
            except (TypeError, ValueError) as error:
                raise self.error(f"the value of {name!r}: {error}", token) from None
        return self.leaves[name]

    # ------------------------------------------------------------- building

    def apply(self, op, token: _Token, *operands) -> Value:
        """The node ``op(*operands)``; the same op on the same operands gives the same node."""
        key = (op, *(("value", id(x)) if isinstance(x, Value) else ("number", repr(x)) for x in operands))
        if key not in self.built:
            try:
                self.built[key] = apply(op, *operands)
            except ValueError as error:  # DomainError and non-finite numbers
                raise self.error(str(error), token) from None
        return self.built[key]

    def constant(self, base: float, exponent: float, token: _Token) -> float:
        try:
            result = base**exponent
        except OverflowError:
            raise self.error(f"{base:g} ** {exponent:g} is too large for a float", token) from None
        except (ArithmeticError, ValueError) as error:
            raise self.error(f"{base:g} ** {exponent:g}: {error}", token) from None
        if isinstance(result, complex) or not math.isfinite(result):
            raise self.error(f"{base:g} ** {exponent:g} is not a finite real number", token)
        return float(result)


def parse(text: str, at: Mapping[str, float] | None = None) -> Value:
    """Build the graph of ``text`` with the names bound to the values in ``at``.

    Args:
        text: an expression such as ``"tanh(x1*w1 + x2*w2 + b)"``.
        at: a value for every name in the expression; each name becomes one leaf
            ``Value`` labelled with the name, shared by all its uses.

    Returns:
        The output ``Value`` (a constant expression gives a leaf holding its number).

    Raises:
        ExpressionError: text outside the grammar, unknown names or functions, too long
            or too deep, an op outside its domain, or a value in ``at`` that is not a
            finite real number a float can hold — with the column.
        TypeError: ``text`` is not a str, or ``at`` is not a mapping from str names.
    """
    if not isinstance(text, str):
        raise TypeError(f"parse needs the expression as a str, got {type(text).__name__}")
    if at is not None and not isinstance(at, Mapping):
        raise TypeError(f"parse: at= maps names to numbers (a dict), got {type(at).__name__}")
    for name in at or {}:
        if not isinstance(name, str):
            raise TypeError(
                f"parse: at= maps names (str) to numbers, got the key {name!r:.40} ({type(name).__name__})"
            )
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"the expression is {len(text)} characters long; the limit is {MAX_LENGTH}", text, MAX_LENGTH + 1
        )
    result = _Parser(text, at or {}).program()
    return result if isinstance(result, Value) else Value(result)


def names_in(text: str) -> list[str]:
    """The variable names ``text`` needs values for, in order of first use.

    Function names and the names that steps assign (``n`` in ``n = x*w; tanh(n)``) are not
    among them.
    """
    tokens = _tokens(text[: MAX_LENGTH + 1])
    found: dict[str, None] = {}
    assigned: set[str] = set()
    for token, after in zip(tokens, tokens[1:]):
        if token.kind != "name" or (after.kind == "op" and after.text == "("):
            continue
        if after.kind == "op" and after.text == "=":
            assigned.add(token.text)
        elif token.text not in assigned:
            found.setdefault(token.text)
    return list(found)
