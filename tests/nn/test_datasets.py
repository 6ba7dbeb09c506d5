"""Toy data sets: shapes, labels, reproducibility, and the split."""

from __future__ import annotations

import numpy as np
import pytest

from pathgrad.nn import datasets


@pytest.mark.parametrize(
    "make, classes",
    [
        (datasets.moons, 2),
        (datasets.circles, 2),
        (datasets.spirals, 3),
        (datasets.xor, 2),
        (datasets.blobs, 3),
    ],
)
def test_classification_sets_are_seeded_and_balanced(make, classes):
    X, y = make(n=60, seed=3)
    assert X.shape == (60, 2) and y.shape == (60,)
    assert np.bincount(y).tolist() == [60 // classes] * classes
    again, _ = make(n=60, seed=3)
    other, _ = make(n=60, seed=4)
    assert np.array_equal(X, again) and not np.array_equal(X, other)


def test_noise_free_shapes_follow_their_formulas():
    X, y = datasets.moons(n=20, noise=0.0)
    upper = X[y == 0]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    lower = X[y == 1]
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    X, y = datasets.circles(n=20, noise=0.0, factor=0.3)
    assert np.allclose(np.hypot(*X[y == 1].T), 0.3)
    X, y = datasets.xor(n=40, noise=0.0)
    assert np.array_equal(y, (X[:, 0] * X[:, 1] < 0).astype(int))


def test_curve_and_split():
    X, y = datasets.curve(n=11, low=-1, high=1)
    assert X.shape == (11, 1) and np.allclose(y, np.sin(3 * X[:, 0]) + 0.3 * X[:, 0])
    X_train, X_test, y_train, y_test = datasets.train_test_split(X, y, test_fraction=0.3, seed=1)
    assert len(X_test) == 3 and len(X_train) == 8
    assert sorted(np.concatenate([X_train, X_test])[:, 0]) == sorted(X[:, 0])
    assert np.allclose(y_test, np.sin(3 * X_test[:, 0]) + 0.3 * X_test[:, 0])
    with pytest.raises(ValueError, match="X has 11 rows but y has 2"):
        datasets.train_test_split(X, y[:2])


@pytest.mark.parametrize("make", [datasets.spirals, datasets.blobs])
def test_a_class_count_below_two_is_named(make):
    with pytest.raises(ValueError, match=f"{make.__name__}: classes must be an int of at least 2, got 0"):
        make(classes=0)
