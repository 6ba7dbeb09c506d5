"""``pathgrad step``: an expression on the command line becomes an offline step-through page."""

from __future__ import annotations

import json

from pathgrad.viz.step.cli import main

NEURON = ["tanh(x1*w1 + x2*w2 + b)", "--at", "x1=2", "x2=0", "w1=-3", "w2=1", "b=6.881373587019543"]


def page_data(path) -> dict:
    page = path.read_text(encoding="utf-8")
    return json.loads(page.split('id="step-data">', 1)[1].split("</script>", 1)[0])


def test_step_writes_a_page_with_the_engines_grads(tmp_path, capsys):
    target = tmp_path / "neuron.html"
    assert main(["step", *NEURON, "-o", str(target), "--mode", "backward"]) == 0
    data = page_data(target)
    assert data["start"] == "backward"
    grads = {}  # a node's own step, and each leaf's last push (a leaf has no step of its own)
    for s in data["timelines"]["backward"]:
        grads[data["nodes"][s["values"]["node"]]["name"]] = s["values"]["grad"]
        for parent, _, _, after in s["values"]["contributions"]:
            grads[data["nodes"][parent]["name"]] = after
    assert round(grads["w1"], 6) == 1.0 and round(grads["x1"], 6) == -1.5
    assert "wrote" in capsys.readouterr().out


def test_bad_input_exits_2_and_writes_nothing(tmp_path, capsys):
    target = tmp_path / "page.html"
    assert main(["step", "tanh(x1*w1)", "--at", "x1=2", "-o", str(target)]) == 2
    assert "no value for 'w1'" in capsys.readouterr().err
    assert main(["step", "x*2", "--at", "x=1", "-o", str(tmp_path / "page.png")]) == 2
    assert ".html" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []
