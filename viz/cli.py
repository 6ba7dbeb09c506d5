"""The ``pathgrad`` command line (also ``python -m pathgrad.viz``): draw an expression, list its paths.

Each subcommand is one row of ``COMMANDS``: a ``Command`` (see ``viz/commands.py``) with
its name, a one-line help, examples, a ``configure(parser)`` that adds its arguments and
a ``run(args)`` that returns the exit code. ``draw`` and ``paths`` are written here,
``step`` in ``viz/step/cli.py`` and ``serve`` in ``viz/serve.py``; adding a subcommand is
writing its two functions and one row in the table. A ``UsageError`` (bad input) prints
``pathgrad <cmd>: error: ...`` and exits with 2, like argparse's own errors; nothing is written then. A file that
cannot be written, a missing Graphviz or a layout past its time limit prints one line
and exits with 1. Warnings (a slow layout, a character no file can hold) are one line
each on stderr. The command line never prints a traceback: an unexpected exception is
reported in one line as a bug, with exit code 1.
"""

from __future__ import annotations

import argparse
import itertools
import math
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

from pathgrad.engine import Value, count_edges, count_paths, paths

from .commands import (
    Command,
    UsageError,
    add_expression_arguments,
    build_graph,
    checked_output,
    write_output,
)
from .serve import SERVE_COMMAND
from .step.cli import STEP_COMMAND

__all__ = [
    "main",
    "Command",
    "COMMANDS",
    "UsageError",
    "add_expression_arguments",
    "build_graph",
    "checked_output",
    "write_output",
]


PATH_SUM_LIMIT = 100_000
"""``paths`` adds up at most this many path products (backprop needs none)."""


# ------------------------------------------------------------------ draw


def configure_draw(parser: argparse.ArgumentParser) -> None:
    from .diagram import TIMEOUT_SECONDS
    from .options import COLLAPSE_MODES, DIRECTIONS, FIELD_NAMES
    from .theme import THEMES

    add_expression_arguments(parser)
    parser.add_argument(
        "-o", "--output", type=Path, help="file to write: .svg, .png, .pdf or .dot (default: DOT on stdout)"
    )
    parser.add_argument("--rankdir", default="LR", choices=DIRECTIONS, help="layout direction (default LR)")
    parser.add_argument(
        "--theme", default="projector", choices=sorted(THEMES), help="looks (default projector)"
    )
    parser.add_argument("--number-format", default=".4f", help="float format spec (default .4f)")
    parser.add_argument(
        "--fields", nargs="+", choices=FIELD_NAMES, help="what to show (default: label data grad local)"
    )
    parser.add_argument("--formulas", action="store_true", help="also show each local derivative's formula")
    parser.add_argument("--collapse", choices=[m for m in COLLAPSE_MODES if m], help="neuron or layer view")
    parser.add_argument("--highlight", metavar="NAME", help="highlight every chain-rule path from this input")
    parser.add_argument(
        "--no-backward", action="store_true", help="draw before backward (grads: not computed)"
    )
    parser.add_argument(
        "--max-nodes", type=int, default=250, help="refuse graphs larger than this (default 250)"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=TIMEOUT_SECONDS,
        metavar="SECONDS",
        help=f"give up on a layout after this long (default {TIMEOUT_SECONDS:g})",
    )


def run_draw(args: argparse.Namespace) -> int:
    from .diagram import FORMATS, GraphvizTimeoutError
    from .draw import draw
    from .model import GraphTooLargeError

    if args.output is not None:
        advice = f"unknown extension {args.output.suffix!r}; use one of {', '.join(FORMATS)}"
        checked_output(args.output, tuple(FORMATS), advice)
    if args.max_nodes < 1:
        raise UsageError(f"--max-nodes {args.max_nodes}: needs 1 or more")
    if not 0 < args.timeout <= 24 * 3600:
        raise UsageError(f"--timeout {args.timeout:g}: needs a number of seconds above 0 (at most a day)")
    root, leaves = build_graph(args)
    root.label = root.label or "out"
    if not args.no_backward:
        root.backward()
    fields = list(args.fields or ("label", "data", "grad", "local"))
    if args.formulas and "formula" not in fields:
        fields.append("formula")
    highlight = None
    if args.highlight:
        if args.highlight not in leaves:
            raise UsageError(
                f"--highlight {args.highlight!r}: not a name in EXPR; names: {', '.join(leaves)}"
            )
        highlight = list(paths(root, leaves[args.highlight]))
    try:
        diagram = draw(
            root,
            fields=fields,
            rankdir=args.rankdir,
            number_format=args.number_format,
            theme=args.theme,
            collapse=args.collapse,
            highlight=highlight,
            max_nodes=args.max_nodes,
        )
    except (GraphTooLargeError, ValueError) as error:
        raise UsageError(str(error)) from None
    if args.output is None:
        sys.stdout.write(diagram.source)
        return 0
    diagram.timeout = args.timeout
    try:
        write_output(args.output, diagram.save)
    except GraphvizTimeoutError as error:
        raise GraphvizTimeoutError(
            f"{error}; here: --collapse neuron, or --timeout {2 * args.timeout:g}"
        ) from None
    print(f"wrote {args.output}")
    return 0


# ------------------------------------------------------------------ paths


def configure_paths(parser: argparse.ArgumentParser) -> None:
    add_expression_arguments(parser)
    parser.add_argument(
        "--wrt", required=True, metavar="NAME", help="the input whose gradient the paths add up to"
    )
    parser.add_argument("--number-format", default=".4f", help="float format spec (default .4f)")
    parser.add_argument(
        "--max-paths", type=int, default=50, help="print at most this many paths (default 50)"
    )


def _name(node: Value) -> str:
    return node.label or node._op or f"{node.data:g}"


def _route(path) -> str:
    """The path's nodes joined by arrows; an edge into a node that uses the same operand twice
    (``x*x``) names which operand it is, so the two paths of ``x*x`` read differently."""
    parts = [_name(path.nodes[0])]
    for node, child, edge in zip(path.nodes, path.nodes[1:], path.edges):
        twice = child.parents.count(node) > 1
        parts.append(f"{_name(child)} (operand {edge + 1})" if twice else _name(child))
    return " → ".join(parts)


def _print_path(index: int, path, number: Callable[[float], str]) -> None:
    route = _route(path)
    factors = " × ".join(number(f) for f in path.factors) or "1"
    print(f"  {index:>3}. {route}\n       {factors} = {number(path.product)}")


def run_paths(args: argparse.Namespace) -> int:
    from .text import check_number_format, format_number

    root, leaves = build_graph(args)
    if args.wrt not in leaves:
        raise UsageError(f"--wrt {args.wrt!r}: not a name in EXPR; names: {', '.join(leaves) or 'none'}")
    try:
        check_number_format(args.number_format)
    except ValueError as error:
        raise UsageError(f"--number-format: {error}") from None
    if args.max_paths < 0:
        raise UsageError("--max-paths must be 0 or more")

    def number(value: float) -> str:
        return format_number(value, args.number_format)

    wrt = leaves[args.wrt]
    gradient_name = f"backprop gradient ∂out/∂{args.wrt}"
    width = max(len("sum of path products"), len(gradient_name))
    root.backward()
    total = count_paths(root, wrt)
    print(f"output = {number(root.data)};  paths from {args.wrt} to the output: {total}")
    if total > PATH_SUM_LIMIT:
        shown = min(args.max_paths, PATH_SUM_LIMIT)
        for index, path in enumerate(itertools.islice(paths(root, wrt), shown), start=1):
            _print_path(index, path, number)
        print(f"  … {total - shown} more paths; too many to add up here ({total} > {PATH_SUM_LIMIT})")
    else:
        products = []
        for index, path in enumerate(paths(root, wrt), start=1):
            products.append(path.product)
            if index <= args.max_paths:
                _print_path(index, path, number)
        if total > args.max_paths:
            print(f"  … {total - args.max_paths} more paths (--max-paths)")
        print(f"{'sum of path products':<{width}}  {number(math.fsum(products))}")
    print(f"{gradient_name:<{width}}  {number(wrt.grad)}")
    print(
        f"backprop visits {count_edges(root)} edges once each; the path sum multiplies along {total} path(s)"
    )
    return 0


# ------------------------------------------------------------------ the table and main

DRAW_EXAMPLES = """examples:
  pathgrad draw "tanh(x1*w1 + x2*w2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 -o neuron.svg
  pathgrad draw "cos(w**2) * sin(w**2)" --at w=0.5 --highlight w -o two_paths.png
  pathgrad draw "x*y + exp(x)" --at x=1 y=2 --formulas --theme print -o graph.pdf
  pathgrad draw "n = x1*w1 + x2*w2 + b; o = tanh(n); o" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 -o named.svg
"""

PATHS_EXAMPLES = """examples:
  pathgrad paths "tanh(x1*w1 + x2*w2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 --wrt w1
  pathgrad paths "cos(w**2) * sin(w**2)" --at w=0.5 --wrt w
"""

DRAW_COMMAND = Command(
    "draw", "forward, backward, then draw the graph of EXPR", DRAW_EXAMPLES, configure_draw, run_draw
)
PATHS_COMMAND = Command(
    "paths",
    "list every chain-rule path to an input, and their sum",
    PATHS_EXAMPLES,
    configure_paths,
    run_paths,
)

COMMANDS: dict[str, Command] = {
    command.name: command for command in (DRAW_COMMAND, PATHS_COMMAND, STEP_COMMAND, SERVE_COMMAND)
}
"""The subcommands of ``pathgrad``, in the order ``--help`` lists them."""


def build_parser() -> argparse.ArgumentParser:
    examples = "\n".join(command.examples.split("\n", 1)[1] for command in COMMANDS.values())
    parser = argparse.ArgumentParser(
        prog="pathgrad",
        description="Draw computational graphs with every value, gradient and local derivative.",
        epilog=f"examples:\n{examples}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    from pathgrad import __version__

    parser.add_argument("--version", action="version", version=f"pathgrad {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS.values():
        sub = commands.add_parser(
            command.name,
            help=command.help,
            description=command.help,
            epilog=command.examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        command.configure(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code (0 ok, 1 failure, 2 bad input)."""
    for stream in (sys.stdout, sys.stderr):  # a file name that is not UTF-8 is printed, not fatal
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="backslashreplace")
    parser = build_parser()
    args = parser.parse_args(argv)
    command = COMMANDS[args.command]
    prefix = f"pathgrad {command.name}:"
    with warnings.catch_warnings():
        warnings.simplefilter("default")
        warnings.showwarning = lambda message, category, *_, **__: print(
            f"{prefix} note: {message}", file=sys.stderr
        )
        try:
            return command.run(args)
        except UsageError as error:
            print(f"{prefix} error: {error}", file=sys.stderr)
            return 2
        except (RuntimeError, OSError) as error:  # Graphviz missing, failed or too slow; a file not written
            print(f"{prefix} {error}", file=sys.stderr)
            return 1
        except KeyboardInterrupt:
            print(f"{prefix} interrupted; nothing was written", file=sys.stderr)
            return 130
        except Exception as error:  # a bug: one line, never a traceback
            print(
                f"{prefix} internal error, please report it: {type(error).__name__}: {error}", file=sys.stderr
            )
            return 1
