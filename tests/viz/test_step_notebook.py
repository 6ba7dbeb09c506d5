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
    assert not [o for o in outputs if o.get("name") == "stderr"]  # no warning, no text progress bar
    bundles = [o["data"] for o in outputs if o.output_type in ("execute_result", "display_data")]
    # no HTML anywhere: a sanitizer would show it as markup
    assert not [b for b in bundles if "text/html" in b]
    pictures = [b for b in bundles if "image/png" in b]
    assert len(pictures) == 5  # the diagram and the four steppers' pictures
    assert len([b for b in bundles if "image/svg+xml" in b]) == 1  # the diagram
    scripts = [b for b in bundles if "application/javascript" in b]
    assert len(scripts) == 4 and all(b["text/plain"] == "" for b in scripts)  # the steppers' pages
    assert len(bundles) == 9
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "∂o/∂w1 = 1.0000" in text and "2 paths from w to o" in text
    executed = tmp_path / "executed.ipynb"
    nbformat.write(notebook, executed)
    # 1.3 MB when each stepper was HTML; then a gzip-packed page per stepper and PNG pictures
    # (322 KB); 295 KB since the packed page is compact (no comments, no exact values).
    assert executed.stat().st_size < 300_000
