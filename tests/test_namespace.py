"""pathgrad installs under one name: pathgrad.engine, pathgrad.nn, pathgrad.viz and the pathgrad package.

A student's own engine.py, nn.py and viz.py (what a micrograd lecture has them write) sit
beside the notebook that imports pathgrad; nothing of ours may answer to those bare names.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import zipfile
from importlib.metadata import version
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]

PROBE = """
import json, sys
import engine, nn, viz                      # the student's own files
from pathgrad.engine import Value
from pathgrad.nn import MLP
from pathgrad.viz import draw, step
import pathgrad
x = pathgrad.Value(2.0, "x"); y = (x * x).tanh(); y.backward()
print(json.dumps({
    "student": [engine.WHO, nn.WHO, viz.WHO],
    "same_value": pathgrad.Value is Value,
    "grad": x.grad,
    "version": pathgrad.__version__,
    "engine_file": sys.modules["pathgrad.engine"].__file__,
    "mlp": type(MLP(2, [1])).__module__,
    "everyday": sorted(n for n in pathgrad.__all__),
}))
"""


def run_probe(folder: Path, extra_path: Path | None = None) -> dict:
    for name in ("engine", "nn", "viz"):
        (folder / f"{name}.py").write_text(f"WHO = 'student {name}'\n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    if extra_path is not None:
        env["PYTHONPATH"] = str(extra_path)
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=folder, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_students_engine_nn_and_viz_files_do_not_disturb_pathgrad(tmp_path: Path):
    found = run_probe(tmp_path)
    assert found["student"] == ["student engine", "student nn", "student viz"]
    assert found["same_value"] is True
    assert found["grad"] == pytest.approx(2 * 2.0 * (1 - math.tanh(4.0) ** 2), rel=1e-12)
    assert found["mlp"] == "pathgrad.nn.mlp"
    assert found["everyday"] == sorted(
        ["Value", "MLP", "SGD", "Adam", "fit", "draw", "draw_dot", "step", "paths", "count_paths"]
        + ["path_sum", "gradcheck", "__version__"]
    )


def test_no_module_answers_to_two_names(tmp_path: Path):
    """Outside the repository the bare names are absent; inside it, each module has one name only."""
    probe = (
        "import importlib.util, json\n"
        "print(json.dumps([importlib.util.find_spec(n) is None for n in ('engine', 'nn', 'viz', 'demos')]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=60, check=True
    )
    assert json.loads(result.stdout) == [True, True, True, True]
    import pathgrad.engine.value

    loaded = [name for name in sys.modules if name.split(".")[0] in ("engine", "nn", "viz")]
    assert loaded == [], f"modules loaded under a bare name as well as under pathgrad: {loaded}"
    assert pathgrad.engine.value.__name__ == "pathgrad.engine.value"


@pytest.mark.slow
def test_the_wheel_installs_pathgrad_only_and_works_from_anywhere(tmp_path: Path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("pathgrad-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (top_level,) = [n for n in names if n.endswith("top_level.txt")]
        assert archive.read(top_level).decode().split() == ["pathgrad"]
    assert {n.split("/")[0] for n in names if ".dist-info/" not in n} == {"pathgrad"}
    assert any(n == "pathgrad/viz/step/static/step.js" for n in names)
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    found = run_probe(elsewhere, extra_path=site)
    assert Path(found["engine_file"]).is_relative_to(site)
    assert found["version"] == version("pathgrad")
    assert found["student"] == ["student engine", "student nn", "student viz"]
