"""What every subcommand of the ``pathgrad`` command line shares.

A ``Command`` (name, help, examples, ``configure(parser)``, ``run(args)``), the errors
that set the exit code (``UsageError``: 2, ``OutputError``: 1), the expression with its
``--at`` values and the graph they build, and the checks an output file passes before
any work is done. The table of subcommands is ``pathgrad.viz.cli.COMMANDS``.
"""

from __future__ import annotations

import argparse
import math
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from pathgrad.engine import Value, topological_order
from pathgrad.engine.expression import ExpressionError, names_in, parse

__all__ = [
    "Command",
    "UsageError",
    "OutputError",
    "add_expression_arguments",
    "build_graph",
    "checked_output",
    "write_output",
]


class UsageError(ValueError):
    """Bad input on the command line: reported with exit code 2."""


class OutputError(RuntimeError):
    """The output file could not be written: reported with exit code 1."""


def checked_output(path: Path, suffixes: Sequence[str], advice: str) -> Path:
    """``path`` if it can name the file to write (one of ``suffixes``), else ``UsageError``."""
    if path.suffix.lower() not in suffixes:
        raise UsageError(f"-o {path}: {advice}")
    if "\0" in str(path):
        raise UsageError(f"-o {str(path)!r}: a file name cannot hold a NUL character")
    try:
        os.fsencode(path)
    except UnicodeEncodeError as error:
        raise UsageError(
            f"-o {str(path)!r}: the file system cannot store {error.object[error.start]!r} in a file name"
        ) from None
    if path.is_dir():
        raise UsageError(f"-o {path}: is a folder; name the file to write in it")
    for folder in path.parents:
        if folder.exists() and not folder.is_dir():
            raise UsageError(f"-o {path}: {folder} is a file, not a folder")
    return path


def write_output(path: Path, save: Callable[[Path], object]) -> None:
    """``save(path)``; an operating-system failure becomes ``OutputError`` naming the file."""
    try:
        save(path)
    except OSError as error:
        raise OutputError(f"cannot write {path}: {error.strerror or error}") from None


@dataclass(frozen=True)
class Command:
    """One subcommand: ``configure`` adds its arguments, ``run`` does it and returns the exit code."""

    name: str
    help: str
    examples: str
    configure: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]


def add_expression_arguments(parser: argparse.ArgumentParser) -> None:
    """EXPR and ``--at NAME=VALUE ...``, shared by every subcommand that reads an expression."""
    parser.add_argument(
        "expression",
        metavar="EXPR",
        help="e.g. 'tanh(x1*w1 + x2*w2 + b)'; steps such as 'n = x1*w1 + b; tanh(n)' name inner nodes",
    )
    parser.add_argument(
        "--at",
        nargs="+",
        default=[],
        metavar="NAME=VALUE",
        help="a value for every name in EXPR, e.g. x1=2 w1=-3",
    )


def _values(pairs: Sequence[str]) -> dict[str, float]:
    values: dict[str, float] = {}
    for pair in pairs:
        name, equals, text = pair.partition("=")
        name = name.strip()
        if not equals or not name.isidentifier():
            raise UsageError(f"--at {pair!r}: write NAME=VALUE, e.g. x1=2.5")
        if name in values:
            raise UsageError(f"--at gives {name!r} twice")
        try:
            number = float(text)
        except ValueError:
            raise UsageError(f"--at {pair!r}: {text!r} is not a number") from None
        if not math.isfinite(number):
            raise UsageError(f"--at {pair!r}: the value must be a finite number")
        values[name] = number
    return values


def build_graph(args: argparse.Namespace) -> tuple[Value, dict[str, Value]]:
    """The graph of ``args.expression`` at ``args.at``, and its named leaves."""
    values = _values(args.at)
    try:
        used = names_in(args.expression)
        missing = [name for name in used if name not in values]
        if missing:
            given = " ".join(f"{name}=…" for name in missing)
            raise UsageError(f"no value for {', '.join(map(repr, missing))}: add --at {given}")
        unused = [name for name in values if name not in used]
        if unused:
            raise UsageError(f"--at gives {', '.join(map(repr, unused))}, which EXPR does not use")
        root = parse(args.expression, values)
    except ExpressionError as error:
        raise UsageError(f"in EXPR, {error}") from None
    leaves = {
        node.label: node for node in topological_order(root) if not node.parents and node.label in values
    }
    return root, leaves
