"""Without Graphviz's dot: one clear message with the install lines, no traceback; the rest works."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
from nbclient import NotebookClient

from pathgrad.engine import Value
from pathgrad.nn import MLP, fit
from pathgrad.viz import GraphvizNotFoundError, draw, step

LECTURE = Path(__file__).resolve().parents[2] / "demos" / "backprop_lecture.ipynb"
INSTALL_LINES = (
    "sudo apt-get install graphviz",
    "sudo dnf install graphviz",
    "brew install graphviz",
    "winget install graphviz",
    "conda install -c conda-forge graphviz",
)


@pytest.fixture
def no_dot(monkeypatch, tmp_path):
    """PATH holds only an empty folder, so no Graphviz program can be found."""
    empty = tmp_path / "empty-path"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    return os.environ["PATH"]


def neuron() -> Value:
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    o = (x * w).tanh()
    o.label = "o"
    o.backward()
    return o


def test_the_library_works_and_drawing_says_how_to_install_dot(no_dot):
    o = neuron()
    assert "digraph" in draw(o).source
    data, _ = draw(o)._repr_mimebundle_()
    assert all(line in data["text/plain"] for line in INSTALL_LINES)
    with pytest.raises(GraphvizNotFoundError) as caught:
        step(o)
    assert all(line in str(caught.value) for line in INSTALL_LINES)
    # in a notebook the error is its message alone, not a traceback through pathgrad
    assert caught.value._render_traceback_() == [f"GraphvizNotFoundError: {caught.value}"]
    model = MLP(2, [3, 1])
    history = fit(model, np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1.0, -1.0]), epochs=3, progress=False)
    assert len(history.steps) == 3


@pytest.mark.parametrize("command", ["draw", "step"])
def test_the_command_line_prints_one_message_and_exits_1(no_dot, tmp_path, command):
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pathgrad.viz",
            command,
            "tanh(x*w)",
            "--at",
            "x=2",
            "w=-3",
            "-o",
            str(tmp_path / "out.svg" if command == "draw" else tmp_path / "out.html"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert all(line in result.stderr for line in INSTALL_LINES)
    assert not list(tmp_path.glob("out.*"))


def test_the_lecture_notebook_without_dot_fails_only_where_it_draws_with_the_message_alone(no_dot, tmp_path):
    notebook = nbformat.read(LECTURE, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=300, allow_errors=True).execute()
    code = [cell for cell in notebook.cells if cell.cell_type == "code"]
    errors = [output for cell in code for output in cell.outputs if output.output_type == "error"]
    assert errors, "the steppers need dot"
    for error in errors:
        assert error.ename == "GraphvizNotFoundError"
        assert error.traceback == [f"GraphvizNotFoundError: {error.evalue}"]
        assert all(line in error.evalue for line in INSTALL_LINES)
    assert not [o for o in code[0].outputs if o.output_type == "error"]  # the engine's cell runs
    shown = [
        o["data"]["text/plain"] for cell in code for o in cell.outputs if o.output_type == "execute_result"
    ]
    assert any("winget install graphviz" in text for text in shown)  # draw(o) shows the install lines


def test_version_on_both_entry_points():
    from pathgrad import __version__

    for command in (["pathgrad", "--version"], [sys.executable, "-m", "pathgrad.viz", "--version"]):
        if command[0] == "pathgrad":
            command[0] = str(Path(sys.executable).with_name("pathgrad"))
        result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=True)
        assert result.stdout.strip() == f"pathgrad {__version__}" and __version__ != "0+unknown"
