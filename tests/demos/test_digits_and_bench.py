"""The digits demo (compiled training on scikit-learn's 8×8 digits) and the quick benchmark."""

from __future__ import annotations

import re
import sys

import numpy as np
import pytest

from demos import digits
from demos.bench.__main__ import main as bench_main
from demos.svg_crop import node_boxes


def test_digits_train_in_compiled_mode_and_match_the_scalar_step(tmp_path):
    found = digits.main(tmp_path, quick=True)
    scalar_loss, compiled_loss = found["first step loss, scalar and compiled"]
    assert compiled_loss == pytest.approx(scalar_loss, rel=1e-9)
    assert found["network"] == "MLP 64-32-10, 2410 parameters"
    assert found["test accuracy"] > 0.6  # 6 epochs on 400 images; the full demo reaches about 96 %
    # the sample shown is an uncertain mistake, whose gradients reach the first layer
    said, truth = (
        int(d)
        for d in re.fullmatch(r"test image \d+ is a (\d); the network says (\d)", found["sample"]).groups()[
            ::-1
        ]
    )
    probabilities = found["sample probabilities (top 3)"]
    assert said != truth and probabilities[said] < 0.9 and probabilities[said] == max(probabilities.values())
    assert found["sample loss"] > 0.1
    largest, mean = found["sample first-layer |∂L/∂p|, largest and mean"]
    assert largest > 0.05 and mean > 1e-3  # a sample predicted at 100 % has them all ~1e-5
    assert (tmp_path / "digits_sample.png").read_bytes().startswith(b"\x89PNG")
    assert (tmp_path / "digits_sample_layers.png").read_bytes().startswith(b"\x89PNG")
    whole = (tmp_path / "digits_sample_neurons.full.svg").read_text(encoding="utf-8")
    band = (tmp_path / "digits_sample_neurons.svg").read_text(encoding="utf-8")
    assert "L1.N1" in whole
    # the band is the same drawing in a smaller view box: every element as it was
    assert band.split("<g id=", 1)[1] == whole.split("<g id=", 1)[1]
    (bx, by, bw, bh), (_, _, ww, wh) = (
        [float(v) for v in re.search(r'viewBox="([^"]+)"', svg)[1].split()] for svg in (band, whole)
    )
    assert bw > 0.8 * ww and bh < 0.2 * wh  # nearly every column, a few rows
    loss = node_boxes(whole)[next(i for i in node_boxes(whole) if i.endswith("_L"))]
    assert bx <= loss[0] and loss[2] <= bx + bw and by <= loss[1] and loss[3] <= by + bh


def test_digits_without_scikit_learn_says_how_to_install_it(tmp_path, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "sklearn.datasets", None)  # makes the import fail
    found = digits.main(tmp_path)
    assert "pip install 'pathgrad[demo]'" in found["skipped"]
    assert "scikit-learn" in capsys.readouterr().out
    assert not any(tmp_path.iterdir())


def test_quick_bench_prints_every_row(tmp_path, capsys):
    table = bench_main(["--quick", "--out", str(tmp_path / "bench.md")])
    rows = [
        line for line in table.splitlines() if line.startswith("| ") and not line.startswith("| workload")
    ]
    workloads = " ".join(rows)
    for expected in (
        "moons training step",
        "expanded neurons",
        "100-step moons training, pathgrad compiled",
        "numpy matrices",
        "compiled step (100 points, after tracing): backward",
        "moons step in fit, scalar engine, expanded neurons: collector on (before)",
        "collector paused during the step",
        "digits 64-32-10 epoch",
        "a second epoch of the compiled model",
        "compiled step (64 images, after tracing): update",
        "random DAG",
        "memory",
        "stacked diamonds",
        "deep chain",
        "free",
        "diagram of the lecture neuron",
        "step page of one moons sample",
    ):
        assert expected in workloads, expected
    assert "RecursionError" in table  # micrograd's recursive sort on the chain
    assert "Machine: " in table and (tmp_path / "bench.md").read_text(encoding="utf-8") == table + "\n"


def test_the_bench_measures_only_the_parts_asked_for(capsys):
    table = bench_main(["--quick", "--only", "compiled"])
    assert "quick run, only compiled" in table
    for expected in (
        "100-step moons training, pathgrad compiled",
        "compiled ÷ numpy = ",
        "digits 64-32-10 epoch",
    ):
        assert expected in table, expected
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    for left_out in ("moons training step", "random DAG", "-deep chain", "stacked diamonds", "diagram of"):
        assert not any(left_out in row for row in rows), left_out
    with pytest.raises(SystemExit):
        bench_main(["--only", "gpu"])
    assert "invalid choice: 'gpu'" in capsys.readouterr().err


def test_uncertain_sample_is_the_least_sure_mistake_or_else_the_least_sure_row():
    probabilities = np.array([[0.9, 0.1], [0.4, 0.6], [0.45, 0.55], [0.2, 0.8]])
    assert (
        digits.uncertain_sample(probabilities, np.array([0, 0, 0, 0])) == 2
    )  # rows 1-3 wrong; 0.55 < 0.6, 0.8
    assert digits.uncertain_sample(probabilities, np.array([0, 1, 1, 1])) == 2  # none wrong: the least sure
