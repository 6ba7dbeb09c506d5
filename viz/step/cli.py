"""``pathgrad step EXPR --at ... -o page.html [--mode ...]``: the step-through as an offline page.

The subcommand is one ``Command``, a row of ``pathgrad.viz.cli.COMMANDS`` (the command line's
table of subcommands); ``python -m pathgrad.viz.step.cli step ...`` runs the command line.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..commands import (
    Command,
    UsageError,
    add_expression_arguments,
    build_graph,
    checked_output,
    write_output,
)

__all__ = ["STEP_COMMAND", "main"]

STEP_EXAMPLES = """examples:
  pathgrad step "tanh(x1*w1 + x2*w2 + b)" --at x1=2 x2=0 w1=-3 w2=1 b=6.8814 -o neuron.html
  pathgrad step "cos(w**2) * sin(w**2)" --at w=0.5 --mode paths -o two_paths.html
"""


def configure_step(parser: argparse.ArgumentParser) -> None:
    from .modes import default_modes

    add_expression_arguments(parser)
    parser.add_argument("-o", "--output", type=Path, required=True, help="the page to write (.html)")
    parser.add_argument(
        "--mode", choices=default_modes("expanded"), default="forward", help="the mode the page opens in"
    )
    parser.add_argument("--digits", type=int, default=3, help="decimals shown (default 3)")
    parser.add_argument("--theme", choices=("projector", "notebook"), default="projector")
    parser.add_argument("--title", default="", help="the page title")
    parser.add_argument("--max-nodes", type=int, default=250, help="refuse graphs larger than this")


def run_step(args: argparse.Namespace) -> int:
    from ..model import GraphTooLargeError
    from .stepper import step

    checked_output(args.output, (".html", ".htm"), "the step-through is a web page; name it with .html")
    if args.max_nodes < 1:
        raise UsageError(f"--max-nodes {args.max_nodes}: needs 1 or more")
    root, _ = build_graph(args)
    root.label = root.label or "out"
    try:
        stepper = step(
            root,
            mode=args.mode,
            digits=args.digits,
            theme=args.theme,
            title=args.title or f"Backprop step by step: {args.expression}",
            max_nodes=args.max_nodes,
        )
    except (GraphTooLargeError, ValueError) as error:
        raise UsageError(str(error)) from None
    write_output(args.output, stepper.save)
    print(f"wrote {args.output} ({stepper.data['counts']['nodes']} nodes; open it in a browser, press →)")
    return 0


STEP_COMMAND = Command(
    "step",
    "write an offline page that steps through forward, backward and paths",
    STEP_EXAMPLES,
    configure_step,
    run_step,
)


def main(argv: Sequence[str] | None = None) -> int:
    """The ``pathgrad`` command line (``step`` is one of its subcommands)."""
    from ..cli import main as cli_main  # the table imports this module

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
