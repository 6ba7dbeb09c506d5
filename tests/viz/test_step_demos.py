"""``demos.steppers`` writes the gallery's step-through pages, and their data agrees with the engine."""

from __future__ import annotations

from demos.steppers import main


def test_stepper_demo_writes_every_page_with_its_picture(tmp_path):
    findings = main(tmp_path, quick=True)
    assert findings["neuron: path sum = grad for w1"] and findings["two paths: path sum = grad for w"]
    assert findings["neuron steps (forward, backward)"] == (5, 5)  # a leaf has no backward step
    first, last = findings["training loss first → last"]
    assert float(last) < float(first)
    for name in ("step_neuron", "step_two_paths", "step_mlp", "step_mlp_nodes", "step_training"):
        assert (tmp_path / f"{name}.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
        assert (tmp_path / f"{name}.svg").read_text(encoding="utf-8").startswith("<svg")


def test_training_page_shows_a_sample_whose_first_layer_weights_have_gradients(tmp_path):
    findings = main(tmp_path, quick=True)
    x, grads = findings["training sample x, first-layer ∂L/∂w at iteration 1"]
    assert x == (1.0, 1.0) and len(grads) == 6
    assert min(abs(g) for g in grads) > 0.1  # at x = (0, 0) every one of them is δ · 0 = 0
    assert "x = (1, 1)" in (tmp_path / "step_training.html").read_text(encoding="utf-8")
