"""``pathgrad.viz.step`` is the step-through package and, called, the ``step`` function.

A lecture writes any of these; each must give a page, whichever is imported first.
"""

from __future__ import annotations

import inspect
import json
import subprocess
import sys
from pathlib import Path

import pytest

FIRST_IMPORTS = {
    "import pathgrad.viz.step": "import pathgrad.viz.step\nmake = pathgrad.viz.step",
    "import pathgrad.viz.step as st": "import pathgrad.viz.step as st\nmake = st",
    "from pathgrad.viz import step": "from pathgrad.viz import step\nmake = step",
    "import pathgrad": "import pathgrad\nmake = pathgrad.step",
    "from pathgrad.viz.step import step": "from pathgrad.viz.step import step\nmake = step",
}

PROBE = """
{first}
import json
from pathgrad.engine import Value
import pathgrad.viz.step as package
x = Value(2.0, "x"); y = (x * x).tanh(); y.label = "y"
page = make(y, mode="backward")
print(json.dumps({{
    "page": type(page).__name__,
    "start": page.data["start"],
    "same": [make in (package, package.step), package.Stepper is type(page), callable(package.training_stepper)],
}}))
"""


@pytest.mark.parametrize("first", FIRST_IMPORTS)
def test_every_spelling_a_lecture_uses_makes_a_page(first: str, tmp_path: Path):
    result = subprocess.run(
        [sys.executable, "-c", PROBE.format(first=FIRST_IMPORTS[first])],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"page": "Stepper", "start": "backward", "same": [True, True, True]}


def test_the_package_called_has_the_functions_signature():
    import pathgrad
    import pathgrad.viz.step
    from pathgrad.viz.step.stepper import step

    assert inspect.signature(pathgrad.viz.step) == inspect.signature(step)
    assert pathgrad.step is pathgrad.viz.step
    with pytest.raises(TypeError, match="pathgrad.engine.Value"):
        pathgrad.viz.step(1.0)
