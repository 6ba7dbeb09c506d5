"""Random command lines into ``pathgrad``: exit 0, 1 or 2, one-line messages, never a traceback.

Each input is a whole argv: a subcommand, an expression (valid, near-valid or random
text), ``--at`` pairs with odd numbers, and any of the options with odd values,
including file names and titles that hold surrogates and right-to-left text. A failed
run leaves no file behind; the command line runs in this process, as the console
script does.
"""

from __future__ import annotations

import contextlib
import io
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from test_parse_fuzz import EXPRESSIONS, SPECIAL, near_valid

from fuzzing import scaled
from pathgrad.viz.cli import main

TEXT = st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)), max_size=12)
NUMBER_TEXT = st.one_of(
    st.floats().map(repr),
    st.sampled_from(
        ["1e400", "-1e400", "nan", "inf", "0x10", "1_0", " 2 ", "٣", "", "-0", "5e-324", "1e-400", "+.5"]
    ),
    st.integers(-(10**30), 10**30).map(str),
    TEXT,
)
NAMES = st.sampled_from(["x", "w1", "b", "q", "é", "x=1", ""])
SPECS = st.sampled_from([".4f", ".3g", "%", "<<9.2f", ".100000000f", "d", "{}", "", "+.2e", "=^20.3f"]) | TEXT
OUTPUT_NAMES = st.one_of(
    st.sampled_from(["g.dot", "g.gv", "g.svg", "g.html", "g", "sub/g.dot", "g.DOT", ".dot", "g.jpeg"]),
    st.tuples(TEXT, st.sampled_from([".dot", ".html"])).map("".join),
)


@st.composite
def argvs(draw) -> tuple[list[str], str | None]:
    command = draw(st.sampled_from(["draw", "paths", "step"]))
    valid = draw(st.booleans())  # half the inputs get past the expression, to reach what follows
    expression = draw(EXPRESSIONS if valid else st.one_of(near_valid(), TEXT))
    argv = [command, expression]
    if valid:
        pairs = [f"{name}={draw(st.floats(-3, 3))!r}" for name in ("x", "w1", "b") if name in expression]
    else:
        pairs = draw(st.lists(st.tuples(NAMES, NUMBER_TEXT).map("=".join), max_size=4))
    if pairs or draw(st.booleans()):
        argv += ["--at", *pairs]
    output = None
    if command == "draw" and draw(st.booleans()) or command == "step":
        output = draw(OUTPUT_NAMES)
        argv += ["-o", output]
    options = {
        "draw": [("--number-format", SPECS), ("--max-nodes", NUMBER_TEXT), ("--collapse", TEXT),
                 ("--highlight", NAMES), ("--fields", TEXT), ("--timeout", NUMBER_TEXT), ("--rankdir", TEXT)],
        "paths": [("--wrt", NAMES), ("--number-format", SPECS), ("--max-paths", NUMBER_TEXT)],
        "step": [("--title", TEXT), ("--digits", NUMBER_TEXT), ("--mode", TEXT), ("--max-nodes", NUMBER_TEXT)],
    }[command]  # fmt: skip
    for option, values in draw(st.lists(st.sampled_from(options), max_size=3, unique=True)):
        argv += [option, draw(values)]
    if command == "paths" and "--wrt" not in argv:
        argv += ["--wrt", "x"]
    return argv, output


def run(argv: list[str]) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as stop:  # argparse's own usage errors
            code = stop.code
    return code, err.getvalue()


@settings(max_examples=scaled(150))
@given(argvs())
def test_any_command_line_exits_0_1_or_2_without_a_traceback(tried, case):
    tried()
    argv, output = case
    with tempfile.TemporaryDirectory() as folder:
        if output is not None:
            argv[argv.index("-o") + 1] = str(Path(folder) / output)
        code, err = run(argv)
        assert code in (0, 1, 2), (code, err)
        assert "Traceback" not in err and "internal error" not in err, err
        if code != 0:
            assert err.strip(), "a failure must say why"
            assert list(Path(folder).rglob("*")) == [], "a failed run left a file"
        else:
            assert all(not p.name.endswith(".tmp") for p in Path(folder).rglob("*"))
