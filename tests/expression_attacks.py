"""Hostile inputs for the expression grammar (``engine.expression``), in one place for every test.

Each is text a user might paste or a web page might send: code the grammar must refuse
without ever reaching ``eval``, input at or past the size bounds, and characters that
break naive parsers. Every one must give a clear error, never a crash or a hang.
"""

from __future__ import annotations

from pathgrad.engine.expression import MAX_DEPTH, MAX_LENGTH

EXPRESSION_ATTACKS: dict[str, str] = {
    "python import": "__import__('os').system('touch pwned')",
    "attribute access": "x.__class__.__mro__",
    "dunder call": "x.__init__.__globals__",
    "subscript": "x[0]",
    "lambda": "lambda: 1",
    "semicolon statement": "x; import os",
    "assignment to a function": "tanh = x; tanh(x)",
    "eval call": "eval('1')",
    "exec call": "exec('x=1')",
    "string literal": "'x' * 3",
    "f-string": "f'{x}'",
    "comparison": "x == x",
    "walrus": "(y := x)",
    "backtick": "`x`",
    "html": "<script>alert(1)</script>",
    "closing script tag": "x + </script>",
    "nul byte": "x\x00 + 1",
    "unicode lookalike minus": "x \u2212 1",
    "right-to-left override": "x\u202e + 1",
    "only spaces": "   ",
    "empty": "",
    "unclosed parenthesis": "tanh(x",
    "stray parenthesis": "x)",
    "double operator": "x ++* 1",
    "unknown function": "open(x)",
    "wrong arity": "tanh(x, x)",
    "number too large": "1e999 * x",
    "huge power": "x ** 1e308",
    "deep nesting": "(" * (MAX_DEPTH + 1) + "x" + ")" * (MAX_DEPTH + 1),
    "deep unary": "-" * (MAX_DEPTH + 1) + "x",
    "too long": "x" + " + x" * (MAX_LENGTH // 4 + 1),
    "domain: log of a negative": "log(x - 5)",
    "domain: divide by zero": "x / (x - 2)",
    "unknown name": "x + y_not_given",
}
"""Name → hostile expression; every name in them is ``x`` (given the value 2) unless the attack is about names."""
