"""Each nn demo at reduced size, asserting the finding it reports."""

from __future__ import annotations

import numpy as np
import pytest

from demos import (
    activation_updates,
    autoencoder_svd,
    lecture_neuron,
    moons,
    softmax_shortcut,
    two_paths,
    universal_approximation,
)


def test_moons_reaches_full_training_accuracy(tmp_path):
    found = moons.main(tmp_path, quick=True)
    assert found["training accuracy after training"] == 1.0
    assert found["final loss"] < 0.1 * found["first loss"]
    assert found["parameters"] == 337  # 2·16+16 + 16·16+16 + 16+1, micrograd's network
    for name in found["files"]:
        assert (tmp_path / name).read_bytes().startswith(b"\x89PNG")


def test_lecture_neuron_values_and_gradients(tmp_path):
    found = lecture_neuron.main(tmp_path, quick=True)
    assert found["h"] == pytest.approx(0.7071) and found["delta = dh/da"] == 0.5
    assert found["grads"] == {"w1": 1.0, "w2": 0.0, "b": 0.5, "x1": -1.5, "x2": 0.5}
    assert found["expanded neuron gives the same gradients"] and found["gradcheck ok"]
    assert found["neuron's gradients equal central differences"]
    assert "δ = ∂h/∂a = 0.5000" in (tmp_path / "lecture_neuron.txt").read_text(encoding="utf-8")


def test_softmax_shortcut_fused_and_composed_equal_o_minus_y(tmp_path):
    found = softmax_shortcut.main(tmp_path, quick=True)
    assert found["max |fused − (o − y)|"] < 1e-15
    assert found["max |composed − (o − y)|"] < 1e-14
    assert found["losses agree"]
    fused_edges, composed_edges = found["edges fused / composed"]
    assert fused_edges == found["classes"] < composed_edges


def test_activation_updates_match_the_closed_forms(tmp_path):
    found = activation_updates.main(tmp_path, quick=True)
    assert set(found) == {"identity", "sigmoid", "tanh", "relu", "hardtanh"}
    for name, row in found.items():
        assert row["max difference"] < 1e-14, name
    assert (
        found["relu"]["zero slope"] > 0 and found["hardtanh"]["zero slope"] > 0
    )  # both cases of the case-wise rule


def test_two_paths_sum_to_the_gradient(tmp_path):
    found = two_paths.main(tmp_path, quick=True)
    assert found["paths"] == 2
    assert found["sum equals backward"] and found["closed form agrees"]
    assert sum(found["path products"]) == pytest.approx(found["backward grad"], abs=2e-6)


def test_linear_autoencoder_reaches_the_svd_optimum(tmp_path):
    found = autoencoder_svd.main(tmp_path, quick=True)
    assert max(found["principal angles decoder vs SVD (deg)"]) < 0.01
    assert max(found["principal angles encoder vs SVD (deg)"]) < 1.0  # 0.53° after 2,000 epochs
    assert 1.0 - 1e-9 < found["error / SVD error"] < 1.01  # SVD is the optimum: never beaten
    assert found["reconstruction error autoencoder"] == pytest.approx(
        found["reconstruction error rank-k SVD"], rel=0.01
    )
    assert (tmp_path / "autoencoder_svd.png").read_bytes().startswith(b"\x89PNG")


def test_principal_angles_of_known_subspaces():
    plane = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    tilted = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0]])  # the second axis tipped 45° out of the plane
    assert autoencoder_svd.principal_angles(plane, plane @ [[2.0, 1.0], [0.0, 3.0]]) == pytest.approx(
        [0, 0], abs=1e-6
    )
    assert autoencoder_svd.principal_angles(plane, tilted) == pytest.approx([0.0, 45.0], abs=1e-6)


def test_universal_approximation_error_falls_with_width(tmp_path):
    errors = list(universal_approximation.main(tmp_path, quick=True)["training MSE by width"].values())
    assert all(wider < narrower for narrower, wider in zip(errors, errors[1:]))
    assert errors[-1] < errors[0] / 10
