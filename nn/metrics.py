"""Accuracy of a batch of outputs, each loss's natural reading of its outputs.

The functions take plain numbers (a 1-D array of scores or a 2-D array of logits), so
any engine computing the outputs can report accuracy the same way.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from . import losses

__all__ = ["sign_accuracy", "threshold_accuracy", "argmax_accuracy", "accuracy_for"]

Accuracy = Callable[[np.ndarray, np.ndarray], float]


def _fraction(hits: np.ndarray) -> float:
    """The fraction of True entries (NaN for none), without numpy's slower ``mean``."""
    return np.count_nonzero(hits) / hits.size if hits.size else float("nan")


def sign_accuracy(scores: np.ndarray, targets: np.ndarray) -> float:
    """Fraction of samples with sign(s) = y, for targets ±1 (the hinge and perceptron losses)."""
    scores, targets = np.asarray(scores, float).reshape(-1), np.asarray(targets, float).reshape(-1)
    return _fraction((scores > 0) == (targets > 0))


def threshold_accuracy(scores: np.ndarray, targets: np.ndarray) -> float:
    """Fraction with [s > 0] = t, for targets 0/1 and scores that are logits (σ(s) > ½)."""
    scores, targets = np.asarray(scores, float).reshape(-1), np.asarray(targets, float).reshape(-1)
    return _fraction((scores > 0) == (targets > 0.5))


def argmax_accuracy(logits: np.ndarray, targets: np.ndarray) -> float:
    """Fraction with argmax_i v_i = the target class (targets: class indices or one-hot rows)."""
    logits, targets = np.asarray(logits, float), np.asarray(targets)
    classes = np.argmax(targets, axis=1) if targets.ndim == 2 else targets.reshape(-1)
    return _fraction(np.argmax(logits, axis=1) == classes)


_DEFAULTS: dict[Callable, Accuracy] = {
    losses.hinge: sign_accuracy,
    losses.perceptron: sign_accuracy,
    losses.binary_cross_entropy_with_logits: threshold_accuracy,
    losses.softmax_cross_entropy: argmax_accuracy,
}


def accuracy_for(loss: Callable) -> Accuracy | None:
    """The accuracy that goes with a classification loss, or ``None`` (regression)."""
    return _DEFAULTS.get(loss)
