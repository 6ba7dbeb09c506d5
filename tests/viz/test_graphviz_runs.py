"""One runner starts Graphviz: it says up front when a layout will take long, honours a time
limit with advice, and reports Graphviz's own failures with the graph's size."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest

from pathgrad.engine import Value
from pathgrad.nn import MLP
from pathgrad.viz import Diagram, GraphvizError, draw
from pathgrad.viz.diagram import GraphvizTimeoutError, SlowDrawingWarning, expected_seconds

PACKAGES = [Path(__file__).parents[2] / name for name in ("engine", "nn", "viz", "pathgrad")]


def network_loss(samples: int) -> Value:
    """A 2-4-4-1 network's loss over ``samples`` points: shared weights, many crossing edges."""
    model = MLP(2, [4, 4, 1])
    loss = Value(0.0, "L")
    for k in range(samples):
        out = model([Value(0.1 * k, f"x{k}"), Value(0.2, f"y{k}")])
        out = out[0] if isinstance(out, list) else out
        loss = loss + out * out
    loss.backward()
    return loss


def fake_dot(folder: Path, script: str) -> None:
    """A ``dot`` on PATH that runs ``script`` (bash) instead of laying anything out."""
    program = folder / "dot"
    program.write_text(f"#!/bin/bash\n{script}\n")
    program.chmod(0o755)


def test_only_one_module_starts_a_program():
    starting = sorted(
        str(path.relative_to(path.parents[1]))
        for package in PACKAGES
        for path in package.rglob("*.py")
        if re.search(r"\bsubprocess\b|os\.system|os\.popen", path.read_text(encoding="utf-8"))
    )
    assert starting == ["viz/diagram.py"]


def test_a_long_layout_is_announced_before_it_starts(monkeypatch, tmp_path: Path):
    fake_dot(tmp_path, "cat > /dev/null; echo '<svg xmlns=\"http://www.w3.org/2000/svg\"/>'")
    monkeypatch.setenv("PATH", f"{tmp_path}")
    diagram = draw(network_loss(25), max_nodes=10**5)
    with pytest.warns(SlowDrawingWarning) as caught:
        diagram.svg()
    (message,) = [str(w.message) for w in caught]
    assert re.search(r"laying out [\d,]+ nodes and 2,450 edges with dot may take about \d+ s", message)
    assert "collapse='neuron'" in message and "225 neurons" in message
    assert caught[0].filename == __file__  # points at the line that asked for the drawing


def test_a_small_layout_says_nothing():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        draw(network_loss(1)).svg()


def test_past_the_time_limit_the_error_suggests_collapse_and_no_timeout_expired_escapes(tmp_path: Path):
    diagram = draw(network_loss(25), max_nodes=10**5)
    diagram.timeout = 0.5  # this layout takes seconds
    with pytest.warns(SlowDrawingWarning), pytest.raises(GraphvizTimeoutError) as caught:
        diagram.save(tmp_path / "big.svg")
    message = str(caught.value)
    assert "within the time limit of 0.5 s" in message
    assert "collapse='neuron'" in message and "diagram.timeout = " in message
    assert caught.value.__cause__ is None and caught.value.__suppress_context__
    assert list(tmp_path.iterdir()) == []


def test_graphviz_failures_carry_its_message_and_the_size():
    with pytest.raises(
        GraphvizError, match=r"dot failed \(exit code 1\) on 0 nodes and 1 edges: .*syntax error"
    ):
        Diagram("digraph { a -> }").svg()


def test_the_expected_time_grows_with_nodes_times_edges():
    assert expected_seconds(1476, 2450) == pytest.approx(29, abs=1)  # measured: 31 s
    assert expected_seconds(84, 1046) < 1  # the digits' neuron view: no warning


def test_a_step_layout_left_running_does_not_hold_up_the_interpreters_exit(tmp_path: Path):
    """A server gives up on a page after its time limit; Ctrl+C must not then wait for dot.

    The child lays out a step page in a daemon thread with a ``dot`` that never returns,
    and exits after one second: the two layouts' threads are daemons too, so nothing
    joins them at exit. Were they joined, the child would never end (the run's timeout).
    """
    import subprocess
    import sys

    child = tmp_path / "child.py"
    child.write_text(
        "import threading, time\n"
        "import pathgrad.viz.step.layout as layout\n"
        "layout._run_dot = lambda source: threading.Event().wait() or ''\n"
        "from pathgrad import Value, step\n"
        "y = (Value(1.0, 'x') * 2).tanh()\n"
        "threading.Thread(target=lambda: step(y).html(), daemon=True).start()\n"
        "time.sleep(1.0)\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [sys.executable, str(child)], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
