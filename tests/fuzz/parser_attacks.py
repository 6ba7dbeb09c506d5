r"""Hostile inputs for the expression grammar (``pathgrad.engine.expression``): the one list every test uses.

Each attack is text (and the values it is given) that a user might paste or a web page
might send, and that must never reach ``eval``, never crash and never hang: ``parse``
raises ``ExpressionError`` (or builds a graph, for the few that are valid), and the
lecture server answers a clear 4xx page (or serves the valid ones). The parser fuzz tests
(``test_parse_fuzz.py``) and the server's hostile-input test (``tests/browser/test_serve.py``)
both read it: ``from tests.fuzz.parser_attacks import PARSER_ATTACKS`` with the repository
root on ``sys.path``, as ``python -m pytest`` puts it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pathgrad.engine.expression import MAX_DEPTH, MAX_LENGTH

__all__ = ["Attack", "PARSER_ATTACKS"]


@dataclass(frozen=True)
class Attack:
    """``text`` with values ``at``; ``error`` is a fragment of the ExpressionError, or None if it parses."""

    name: str
    text: str
    at: dict[str, object] = field(default_factory=dict)
    error: str | None = "column"


PARSER_ATTACKS: tuple[Attack, ...] = (
    # code that eval would run
    Attack("import", "__import__('os').system('touch /tmp/pwned')"),
    Attack("dunder walk", "().__class__.__bases__[0].__subclasses__()"),
    Attack("lambda", "(lambda: 1)()"),
    Attack("attribute", "x.__class__", {"x": 1.0}),
    Attack("subscript", "x[0]", {"x": 1.0}),
    Attack("string literal", "'a' * 10"),
    Attack("f-string", 'f"{x}"', {"x": 1.0}),
    Attack("walrus", "(y := 2)"),
    Attack("comprehension", "[x for x in range(10)]"),
    Attack("keyword argument", "tanh(x=1)", {"x": 1.0}),
    Attack("builtin", "open('/etc/passwd')"),
    Attack("eval itself", "eval('1')"),
    Attack("bitwise", "x ^ 1", {"x": 1.0}),
    Attack("floor division", "x // 2", {"x": 1.0}),
    Attack("comparison", "x < 2", {"x": 1.0}),
    Attack("semicolon statement", "x; import os", {"x": 1.0}),
    Attack("backtick", "`x`", {"x": 2.0}, "unexpected character '`'"),
    Attack("double equals", "x == x", {"x": 2.0}, "also assigned"),
    Attack("unknown function", "open(x)", {"x": 2.0}, "unknown function 'open'"),
    # resources
    Attack("too long", "x+" * MAX_LENGTH + "x", {"x": 1.0}, "the limit is"),
    Attack(
        "deep parentheses", "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), {"x": 1.0}, "levels deep"
    ),
    Attack("deep calls", "tanh(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1), {"x": 1.0}, "levels deep"),
    Attack("deep unary", "-" * (MAX_DEPTH + 1) + "x", {"x": 1.0}, "levels deep"),
    Attack("deep powers", "x" + "**x" * (MAX_DEPTH + 1), {"x": 1.0}, "levels deep"),
    Attack("unclosed", "(" * 500, {}, "column"),
    Attack("only closing", ")" * 500),
    Attack("power tower", "9**9**9**9", {}, "too large for a float"),
    Attack("exp tower", "exp(exp(exp(exp(10))))", {}, "overflows"),
    Attack("huge power of a value", "x ** 1e308", {"x": 2.0}, "power"),
    # numbers
    Attack("huge literal", "9" * 400, {}, "too large for a float"),
    Attack("huge exponent", "1e99999", {}, "too large for a float"),
    Attack("huge int value", "x", {"x": 10**400}, "a float can hold"),
    Attack("nan value", "x", {"x": float("nan")}, "finite number"),
    Attack("inf value", "x", {"x": float("inf")}, "finite number"),
    Attack("string value", "x", {"x": "1; import os"}, "needs a real number"),
    Attack("bool value", "x", {"x": True}, "needs a real number"),
    Attack("complex value", "x", {"x": 1j}, "needs a real number"),
    Attack("division by zero", "x/0", {"x": 1.0}, "division by zero"),
    Attack("division by a value that is zero", "x / (x - 2)", {"x": 2.0}, "division by zero"),
    Attack("log of zero", "log(x - x)", {"x": 1.0}, "log"),
    Attack("log of a negative", "log(x - 5)", {"x": 2.0}, "needs a positive input"),
    Attack("negative base", "(-8)**(1/3)", {}, "column"),
    Attack("non-ASCII digit", "٣ + 1", {}, "unexpected character"),
    Attack("fullwidth digit", "１", {}, "unexpected character"),
    Attack("underscore number", "1_000", {}, "column"),
    Attack("hex", "0x10", {}, "column"),
    # text
    Attack("NUL", "x\0", {"x": 1.0}, "unexpected character"),
    Attack("lone surrogate", "x + \ud800", {"x": 1.0}, "unexpected character"),
    Attack("noncharacter", "x\ufffe", {"x": 1.0}, "unexpected character"),
    Attack("right-to-left override", "x\u202e + 1", {"x": 1.0}, "unexpected character"),
    Attack("zero-width space", "x\u200b+1", {"x": 1.0}, "unexpected character"),
    Attack("lookalike name", "х + 1", {"x": 1.0}, "unexpected character"),  # Cyrillic х
    Attack("fullwidth name", "ｘ", {"x": 1.0}, "unexpected character"),
    Attack("lookalike minus", "x \u2212 1", {"x": 2.0}, "unexpected character '\u2212'"),
    Attack("markup", "<script>alert(1)</script>"),
    Attack("closing script tag", "x + </script>", {"x": 2.0}, "unexpected character '<'"),
    Attack("format string", "{x} %s %n", {"x": 1.0}),
    Attack("backslash", "x \\\n + 1", {"x": 1.0}),
    Attack("empty", "", {}, "empty"),
    Attack("only spaces", "   ", {}, "empty"),
    Attack("unclosed call", "tanh(x", {"x": 2.0}, "expected ')'"),
    Attack("stray parenthesis", "x)", {"x": 2.0}, "after a complete expression"),
    Attack("double operator", "x ++* 1", {"x": 2.0}, "expected a number"),
    Attack("blank lines", "\n\n;;\n", {}, "empty"),
    Attack("unknown name", "y", {"x": 1.0}, "unknown name 'y'"),
    Attack("function as name", "tanh + 1", {}, "is a function"),
    Attack("assign twice", "a = x; a = x; a", {"x": 1.0}, "assigned twice"),
    Attack("assign a given name", "x = 1; x", {"x": 1.0}, "also assigned"),
    Attack("assign a function", "exp = 1; exp", {}, "cannot name a step"),
    Attack("step without result", "a = 1", {}, "the last line names a step"),
    Attack("wrong arity", "tanh(x, x)", {"x": 1.0}, "takes 1 argument"),
    # valid, however odd
    Attack("windows line ends", "a = x\r\nb = a*2\r\nb", {"x": 1.0}, None),
    Attack("many spaces", " \t x \t * \f 2 \v", {"x": 1.0}, None),
    Attack("reused subexpression", "cos(w**2) * sin(w**2)", {"w": 0.5}, None),
    Attack("subnormal", "x * 1", {"x": 5e-324}, None),
    Attack("negative zero", "-x", {"x": -0.0}, None),
    Attack("largest float", "x", {"x": 1.7976931348623157e308}, None),
    Attack("deep but allowed", "(" * MAX_DEPTH + "x" + ")" * MAX_DEPTH, {"x": 1.0}, None),
)
