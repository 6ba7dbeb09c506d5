"""The lecture notebook runs top to bottom in a fresh kernel, so it never rots."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "demos" / "backprop_lecture.ipynb"


def test_lecture_notebook_executes_and_shows_steppers(tmp_path, monkeypatch):
    # a kernel spec for this interpreter, so the kernel has the project installed wherever pytest runs
    spec = tmp_path / "kernels" / "pathgrad-test"
    spec.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "pathgrad", "language": "python"})
    )
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, kernel_name="pathgrad-test", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html = [
        o["data"]["text/html"]
        for o in outputs
        if o.output_type == "execute_result" and "text/html" in o.get("data", {})
    ]
    assert len(html) == 4 and all('<iframe srcdoc="' in page and "pathgrad-static" in page for page in html)
    svgs = [o for o in outputs if o.output_type == "execute_result" and "image/svg+xml" in o.get("data", {})]
    assert len(svgs) == 5  # the diagram and the four steppers' static fallbacks
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "∂o/∂w1 = 1.0000" in text and "2 paths from w to o" in text
