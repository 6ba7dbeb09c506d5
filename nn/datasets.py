r"""Small seeded toy data sets for classification and regression (numpy only).

Every generator returns ``(X, y)``: ``X`` a float array of shape (n, d), ``y`` an
int array of class labels 0 … k−1 (or floats for ``curve``). The same ``seed`` gives
the same data on every machine. For the ±1 labels of the hinge loss use ``2*y - 1``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = ["moons", "circles", "spirals", "xor", "blobs", "curve", "default_curve", "train_test_split"]


def _check_size(n: int, minimum: int, name: str) -> None:
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < minimum:
        raise ValueError(f"{name}: n must be an int of at least {minimum}, got {n!r}")


def _check_classes(classes: int, name: str) -> None:
    if isinstance(classes, bool) or not isinstance(classes, (int, np.integer)) or classes < 2:
        raise ValueError(f"{name}: classes must be an int of at least 2, got {classes!r}")


def _shuffled(X: np.ndarray, y: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    order = rng.permutation(len(X))
    return X[order], y[order]


def _two_classes(
    first: np.ndarray, second: np.ndarray, noise: float, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Points ``first`` labelled 0 and ``second`` labelled 1, Gaussian noise added, shuffled."""
    X = np.concatenate([first, second])
    y = np.concatenate([np.zeros(len(first), int), np.ones(len(second), int)])
    return _shuffled(X + rng.normal(scale=noise, size=X.shape), y, rng)


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: (cos t, sin t) labelled 0 and (1 − cos t, ½ − sin t) labelled 1.

    t runs evenly over [0, π]; Gaussian noise of standard deviation ``noise`` is added
    to both coordinates (the construction of scikit-learn's ``make_moons``).
    """
    _check_size(n, 2, "moons")
    rng = np.random.default_rng(seed)
    outer, inner = n // 2, n - n // 2
    t_outer, t_inner = np.linspace(0, np.pi, outer), np.linspace(0, np.pi, inner)
    upper = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    lower = np.column_stack([1 - np.cos(t_inner), 0.5 - np.sin(t_inner)])
    return _two_classes(upper, lower, noise, rng)


def circles(
    n: int = 100, noise: float = 0.05, factor: float = 0.5, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius 1 (label 0) around one of radius ``factor`` (label 1), plus noise."""
    _check_size(n, 2, "circles")
    if not 0 < factor < 1:
        raise ValueError(f"circles: factor must be between 0 and 1, got {factor!r}")
    rng = np.random.default_rng(seed)
    outer, inner = n // 2, n - n // 2
    t_outer = np.linspace(0, 2 * np.pi, outer, endpoint=False)
    t_inner = np.linspace(0, 2 * np.pi, inner, endpoint=False)
    outside = np.column_stack([np.cos(t_outer), np.sin(t_outer)])
    inside = factor * np.column_stack([np.cos(t_inner), np.sin(t_inner)])
    return _two_classes(outside, inside, noise, rng)


def spirals(
    n: int = 150, classes: int = 3, noise: float = 0.2, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` interleaved spiral arms: radius r ∈ [0, 1], angle 4r + 2πc/classes + noise."""
    _check_classes(classes, "spirals")
    _check_size(n, classes, "spirals")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    r = np.linspace(0.0, 1.0, n)
    angle = 4.0 * r + 2 * np.pi * y / classes + rng.normal(scale=noise, size=n)
    X = np.column_stack([r * np.sin(angle), r * np.cos(angle)])
    return _shuffled(X, y, rng)


def xor(n: int = 100, noise: float = 0.15, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Points around the four corners (±1, ±1); label 1 where the signs differ (x₁·x₂ < 0)."""
    _check_size(n, 4, "xor")
    rng = np.random.default_rng(seed)
    corners = np.array([[1, 1], [-1, -1], [1, -1], [-1, 1]], float)
    which = np.arange(n) % 4
    X = corners[which] + rng.normal(scale=noise, size=(n, 2))
    y = (which >= 2).astype(int)
    return _shuffled(X, y, rng)


def blobs(
    n: int = 100, classes: int = 3, dim: int = 2, spread: float = 0.3, seed: int = 0
) -> tuple[np.ndarray, np.ndarray]:
    """``classes`` Gaussian clusters of standard deviation ``spread`` around centres evenly on a unit circle.

    In more than two dimensions the centres lie on the circle in the first two
    coordinates; the others are pure noise.
    """
    _check_classes(classes, "blobs")
    _check_size(n, classes, "blobs")
    if dim < 2:
        raise ValueError(f"blobs: dim must be at least 2, got {dim!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % classes
    centres = np.zeros((classes, dim))
    angles = 2 * np.pi * np.arange(classes) / classes
    centres[:, 0], centres[:, 1] = np.cos(angles), np.sin(angles)
    X = centres[y] + rng.normal(scale=spread, size=(n, dim))
    return _shuffled(X, y, rng)


def default_curve(x: np.ndarray) -> np.ndarray:
    """f(x) = sin(3x) + 0.3·x, the regression target of ``curve``."""
    return np.sin(3 * x) + 0.3 * x


def curve(
    n: int = 50,
    noise: float = 0.0,
    low: float = -2.0,
    high: float = 2.0,
    function: Callable[[np.ndarray], np.ndarray] = default_curve,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray]:
    """A 1-D regression set: x evenly spaced on [low, high] (shape (n, 1)), y = f(x) + noise."""
    _check_size(n, 1, "curve")
    rng = np.random.default_rng(seed)
    x = np.linspace(low, high, n)
    y = function(x) + rng.normal(scale=noise, size=n) if noise else function(x)
    return x.reshape(-1, 1), np.asarray(y, float)


def train_test_split(
    X: np.ndarray, y: np.ndarray, test_fraction: float = 0.25, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Shuffle and split into ``X_train, X_test, y_train, y_test`` (scikit-learn's order)."""
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):
        raise ValueError(f"train_test_split: X has {len(X)} rows but y has {len(y)}")
    if not 0 < test_fraction < 1:
        raise ValueError(f"train_test_split: test_fraction must be between 0 and 1, got {test_fraction!r}")
    test = int(round(len(X) * test_fraction))
    if not 0 < test < len(X):
        raise ValueError(f"train_test_split: {len(X)} samples cannot give a test share of {test_fraction}")
    order = np.random.default_rng(seed).permutation(len(X))
    return X[order[test:]], X[order[:test]], y[order[test:]], y[order[:test]]
