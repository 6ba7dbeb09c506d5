"""The pathgrad command line, run as a subprocess: outputs, exit codes, and no file on bad input."""

from __future__ import annotations

import math
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pathgrad.viz.text import parse_number
from svgtext import parse, text

ROOT = Path(__file__).parents[2]
NEURON = ["tanh(x1*w1 + x2*w2 + b)", "--at", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.8813735870195432"]


def pathgrad(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pathgrad.viz", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=60,
    )


def test_draw_writes_the_neuron_with_its_gradients(tmp_path: Path):
    target = tmp_path / "neuron.svg"
    result = pathgrad("draw", *NEURON, "-o", str(target))
    assert result.returncode == 0, result.stderr
    svg = parse(target.read_text(encoding="utf-8"))
    # leaves keep their topological positions: x1 first, w1 second
    assert parse_number(text(svg, "n1_w1-grad")) == pytest.approx(1.0, abs=1e-4)
    assert parse_number(text(svg, "n0_x1-grad")) == pytest.approx(-1.5, abs=1e-4)
    assert parse_number(text(svg, "n9_out-data")) == pytest.approx(math.sqrt(0.5), abs=1e-4)


def test_draw_without_output_prints_dot_and_no_backward_shows_not_computed():
    result = pathgrad("draw", "x*y", "--at", "x=2", "y=3", "--no-backward")
    assert result.returncode == 0
    assert result.stdout.startswith("digraph pathgrad {")
    assert "not computed" in result.stdout


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["draw", "x + y", "--at", "x=1"], "no value for 'y'"),
        (["draw", "x + 1", "--at", "x=1", "z=2"], "'z', which EXPR does not use"),
        (["draw", "x +* 1", "--at", "x=1"], "column 4"),
        (["draw", "foo(x)", "--at", "x=1"], "unknown function 'foo'"),
        (["draw", "log(x)", "--at", "x=0"], "log needs a positive input"),
        (["draw", "x", "--at", "x=abc"], "'abc' is not a number"),
        (["draw", "x", "--at", "x"], "write NAME=VALUE"),
        (["draw", "x", "--at", "x=1", "--theme", "dark"], "invalid choice: 'dark'"),
        (["draw", "x", "--at", "x=1", "--number-format", "%q"], "not a valid format spec"),
        (["draw", "x*2", "--at", "x=1", "--highlight", "y"], "--highlight 'y'"),
        (["paths", "x*2", "--at", "x=1", "--wrt", "y"], "--wrt 'y'"),
    ],
)
def test_bad_input_exits_2_with_a_message_and_writes_nothing(tmp_path: Path, args, message):
    target = tmp_path / "out.svg"
    result = pathgrad(*args, "-o", str(target)) if args[0] == "draw" else pathgrad(*args)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_extension_exits_2_before_any_work(tmp_path: Path):
    result = pathgrad("draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.jpeg"))
    assert result.returncode == 2 and "unknown extension" in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_paths_lists_each_path_and_the_sum_equals_backprop():
    result = pathgrad("paths", "cos(w**2) * sin(w**2)", "--at", "w=0.5", "--wrt", "w")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "paths from w to the output: 2" in lines[0]
    assert sum("w → **2 →" in line for line in lines) == 2
    total = parse_number(next(line for line in lines if line.startswith("sum of path products")).split()[-1])
    grad = parse_number(next(line for line in lines if line.startswith("backprop gradient")).split()[-1])
    exact = 2 * 0.5 * math.cos(2 * 0.25)  # d/dw ½ sin(2w²) = 2w cos(2w²)
    assert total == grad == pytest.approx(exact, abs=5e-5)


def test_paths_of_a_reused_operand_name_which_operand_they_enter():
    result = pathgrad("paths", "x*x + x", "--at", "x=3", "--wrt", "x")
    assert result.returncode == 0, result.stderr
    routes = [line.split(". ", 1)[1] for line in result.stdout.splitlines() if " → " in line]
    assert routes == ["x → × (operand 1) → +", "x → × (operand 2) → +", "x → +"]
    sums = [line for line in result.stdout.splitlines() if line.startswith(("sum of", "backprop gradient"))]
    assert [line.rindex("7.0000") for line in sums] == [len(sums[1]) - 6] * 2  # the two numbers line up


def test_paths_respects_max_paths():
    result = pathgrad("paths", "x*x*x", "--at", "x=2", "--wrt", "x", "--max-paths", "1")
    assert result.returncode == 0
    assert "… 2 more paths" in result.stdout
    assert "12.0000" in result.stdout  # 3x² at 2, both as the path sum and the backprop grad


def test_help_has_examples():
    result = pathgrad("--help")
    assert result.returncode == 0
    assert "pathgrad draw" in result.stdout and "pathgrad paths" in result.stdout
    draw_help = pathgrad("draw", "--help").stdout
    assert "--at" in draw_help and "examples:" in draw_help


def test_console_script_is_declared():
    import tomllib

    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["pathgrad"] == "pathgrad.viz.cli:main"


def test_main_returns_exit_codes_in_process(capsys):
    from pathgrad.viz.cli import main

    assert main(["paths", "x*3", "--at", "x=1", "--wrt", "x"]) == 0
    assert "3.0000" in capsys.readouterr().out
    assert main(["paths", "x*3", "--at", "x=1", "--wrt", "q"]) == 2


def test_step_subcommand_registered_from_its_module_is_listed():
    result = pathgrad("--help")
    assert "step" in result.stdout


def test_draw_collapses_a_neuron_written_with_linear(tmp_path: Path):
    target = tmp_path / "neuron.svg"
    result = pathgrad(
        "draw", "tanh(linear(w1, w2, x1, x2, b))", "--at", "x1=2", "x2=0", "w1=-3", "w2=1",
        "b=6.8813735870195432", "--collapse", "neuron", "-o", str(target),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    shown = target.read_text(encoding="utf-8")
    assert "δ = ∂L/∂a" in shown and "Δ = ∂L/∂h" in shown
    assert "0.7071" in shown and "0.5000" in shown  # h and δ = 1 − h²


def test_named_steps_name_the_inner_nodes_on_every_path():
    result = pathgrad("paths", "n = x1*w1 + x2*w2 + b; o = tanh(n); o", *NEURON[1:], "--wrt", "w1")
    assert result.returncode == 0, result.stderr
    assert "w1 → × → + → n → o" in result.stdout


def test_an_error_on_the_second_line_names_the_line_and_writes_nothing(tmp_path: Path):
    target = tmp_path / "named.svg"
    result = pathgrad("draw", "n = x1*w1 + x2*w2 + b\no = tanh(n +)\no", *NEURON[1:], "-o", str(target))
    assert result.returncode == 2
    assert "line 2, column 13: expected a number" in result.stderr
    assert not target.exists()


# ------------------------------------------------------------------ inputs that once crashed it


@pytest.mark.parametrize("spec", ["%", "<<9.2f", ".2%", ",.2f", ""])
def test_any_float_format_spec_works_for_negative_numbers(spec: str):
    # these crashed with "ValueError: could not convert string to float: '-600.000000%'"
    result = pathgrad("paths", "x*y", "--at", "x=2", "y=-3", "--wrt", "x", "--number-format", spec)
    assert result.returncode == 0, result.stderr
    assert format(-3.0, spec).replace("-", "−") in result.stdout


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        (".100000000f", "a precision of at most 40"),
        ("1000000f", "a width of at most 40"),
        ("d", "not a valid format spec for a float"),
    ],
)
def test_a_format_spec_that_is_no_float_format_or_too_wide_exits_2(spec: str, message: str):
    for command in (["paths", "x*2", "--at", "x=1", "--wrt", "x"], ["draw", "x*2", "--at", "x=1"]):
        result = pathgrad(*command, "--number-format", spec)
        assert result.returncode == 2 and message in result.stderr, result.stderr
        assert "Traceback" not in result.stderr


def test_a_folder_or_a_file_in_the_way_exits_2_and_an_unwritable_place_exits_1(tmp_path: Path):
    folder = pathgrad("draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "dir.svg"))
    assert folder.returncode == 0  # a new file
    (tmp_path / "a.svg").mkdir()
    result = pathgrad("draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "a.svg"))
    assert result.returncode == 2 and "is a folder" in result.stderr
    not_a_folder = tmp_path / "notes.txt"
    not_a_folder.write_text("a file where a folder would be")
    result = pathgrad("draw", "x*2", "--at", "x=1", "-o", str(not_a_folder / "g.svg"))
    assert result.returncode == 2 and f"{not_a_folder} is a file, not a folder" in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.svg", "dir.svg", "notes.txt"]
    result = pathgrad(
        "draw", "x*2", "--at", "x=1", "-o", "/proc/pathgrad-test/g.svg"
    )  # no folder can be made
    assert result.returncode == 1, result.stderr
    assert result.stderr.startswith("pathgrad draw: cannot write /proc/pathgrad-test/g.svg: ")


def test_a_file_name_and_title_that_are_not_utf8_are_written_and_printed(tmp_path: Path):
    target = Path(os.fsdecode(bytes(tmp_path) + b"/\xff.html"))
    result = subprocess.run(
        [sys.executable, "-m", "pathgrad.viz", "step", "x*2", "--at", "x=1", "-o", target, "--title", b"\xfe"],
        capture_output=True, cwd=ROOT, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert target.exists() and "\ufffd" in target.read_text(encoding="utf-8")
    assert b"wrote " in result.stdout and b"\\udcff.html" in result.stdout
    (note,) = result.stderr.decode().splitlines()
    assert note.startswith("pathgrad step: note: the text '\\udcfe' holds U+DCFE (a lone surrogate)")


def test_numbers_the_float_cannot_hold_exit_2():
    for value in ("x=1e400", "x=-inf", "x=nan"):
        result = pathgrad("draw", "x*2", "--at", value)
        assert result.returncode == 2 and "finite number" in result.stderr
    result = pathgrad("draw", "x*10**400", "--at", "x=1")
    assert result.returncode == 2 and "10 ** 400 is too large for a float" in result.stderr


@pytest.mark.parametrize("option", [["--max-nodes", "0"], ["--timeout", "0"], ["--timeout", "nan"]])
def test_limits_must_be_positive(option: list[str]):
    result = pathgrad("draw", "x*2", "--at", "x=1", *option)
    assert result.returncode == 2 and option[0] in result.stderr


def fake_dot(folder: Path, script: str) -> dict[str, str]:
    (folder / "dot").write_text(f"#!/bin/bash\n{script}\n")
    (folder / "dot").chmod(0o755)
    return {**os.environ, "PATH": f"{folder}:{os.environ['PATH']}"}


def test_a_layout_past_the_time_limit_exits_1_suggesting_collapse(tmp_path: Path):
    env = fake_dot(tmp_path, "cat > /dev/null; sleep 20")
    result = subprocess.run(
        [sys.executable, "-m", "pathgrad.viz", "draw", "x*2", "--at", "x=1", "--timeout", "0.3",
         "-o", str(tmp_path / "g.svg")],
        capture_output=True, text=True, cwd=ROOT, env=env, check=False, timeout=60,
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()
    assert "within the time limit of 0.3 s" in line and "--collapse neuron, or --timeout 0.6" in line
    assert not (tmp_path / "g.svg").exists()


def test_a_slow_layout_is_announced_in_one_line(monkeypatch, capsys, tmp_path: Path):
    from pathgrad.viz.cli import main

    monkeypatch.setattr("pathgrad.viz.diagram.SLOW_SECONDS", -1.0)  # every layout counts as slow
    assert main(["draw", "x*2", "--at", "x=1", "-o", str(tmp_path / "g.svg")]) == 0
    (note,) = capsys.readouterr().err.splitlines()
    assert note.startswith("pathgrad draw: note: laying out 3 nodes and 3 edges with dot may take about 0 s")


def test_a_bug_is_one_line_and_exit_1_never_a_traceback(monkeypatch, capsys):
    from pathgrad.viz import cli

    def broken(args):
        raise TypeError("something deep inside")

    monkeypatch.setitem(cli.COMMANDS, "paths", cli.Command("paths", "", "x\n", cli.configure_paths, broken))
    assert cli.main(["paths", "x", "--at", "x=1", "--wrt", "x"]) == 1
    err = capsys.readouterr().err
    assert err == "pathgrad paths: internal error, please report it: TypeError: something deep inside\n"

    def interrupted(args):
        raise KeyboardInterrupt

    monkeypatch.setitem(
        cli.COMMANDS, "paths", cli.Command("paths", "", "x\n", cli.configure_paths, interrupted)
    )
    assert cli.main(["paths", "x", "--at", "x=1", "--wrt", "x"]) == 130


def test_the_subcommands_are_one_table_with_no_registration_step():
    """Importing the command line is enough: every subcommand is a row of COMMANDS, none added later."""
    import pathgrad.viz.serve
    import pathgrad.viz.step.cli
    from pathgrad.viz.cli import COMMANDS

    assert list(COMMANDS) == ["draw", "paths", "step", "serve"]
    assert COMMANDS["step"] is pathgrad.viz.step.cli.STEP_COMMAND
    assert COMMANDS["serve"] is pathgrad.viz.serve.SERVE_COMMAND
    for module in (pathgrad.viz.step.cli, pathgrad.viz.serve):
        assert not hasattr(module, "register")
