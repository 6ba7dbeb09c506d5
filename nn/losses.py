r"""Loss functions of a batch of network outputs, each built from ``Value`` nodes.

Every loss takes ``outputs`` (one per sample: a ``Value``, or a list of ``Value``s for a
network with several outputs) and ``targets`` (numbers, one per sample), and returns
the mean over the batch as one ``Value``; the mean is one Σ node divided by n, so the
graph stays readable, and a single term is its own mean (one sample's graph ends on its
loss, with no Σ of one term and no division by 1). A target enters the graph as a
constant named by its role: ``y`` (``y1``, ``y2`` for several outputs, ``y[3]`` for
sample 3 of a batch). Gradients equal PyTorch's (float64) for the same formulas.

| loss                               | per sample                         | targets        |
|------------------------------------|------------------------------------|----------------|
| ``mse``                            | Σ_j (o_j − y_j)² / k               | real numbers   |
| ``softmax_cross_entropy``          | −log softmax(v)_y  (one fused node) | class index    |
| ``binary_cross_entropy_with_logits``| log(1 + e^s) − t·s                | 0 or 1         |
| ``hinge`` (SVM max-margin)         | max(0, 1 − y·s)                    | −1 or +1       |
| ``perceptron``                     | max(0, −y·s)                       | −1 or +1       |

``l2_regularization(parameters, alpha)`` = α·Σ p² is added to any of them.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Real

import numpy as np

from pathgrad.engine import Constant, Value, apply, cross_entropy
from pathgrad.engine.ops import LOGSUMEXP, SUM

__all__ = [
    "mse",
    "softmax_cross_entropy",
    "binary_cross_entropy_with_logits",
    "hinge",
    "perceptron",
    "l2_regularization",
    "LOSSES",
]

Output = Value | Sequence[Value]


def _mean(terms: list[Value]) -> Value:
    """(Σ terms) / n as one Σ node and one division; one term is its own mean."""
    return terms[0] if len(terms) == 1 else apply(SUM, *terms) / len(terms)


def _target(value: float, letter: str, row: int, samples: int, output: int = 0, outputs: int = 1) -> Constant:
    """The target as a constant named by its role: ``y``, ``y2`` (output 2), ``y[3]`` (sample 3 of a batch)."""
    constant = Constant(value)
    of_output = str(output + 1) if outputs > 1 else ""
    of_sample = f"[{row}]" if samples > 1 else ""
    constant.label = f"{letter}{of_output}{of_sample}"
    return constant


def _batch(outputs: Output | Sequence[Output], targets, name: str) -> tuple[list, list]:
    """Outputs and targets as two equally long lists (a single sample is wrapped)."""
    if isinstance(outputs, Value):
        outputs = [outputs]
    targets = targets.tolist() if isinstance(targets, np.ndarray) else targets
    if isinstance(targets, Real):
        targets = [targets]
    outputs, targets = list(outputs), list(targets)
    if not outputs:
        raise ValueError(f"{name}: needs at least one sample")
    if len(outputs) != len(targets):
        raise ValueError(f"{name}: {len(outputs)} outputs but {len(targets)} targets")
    return outputs, targets


def _score(output: Output, name: str, row: int) -> Value:
    """The single output of a one-output network (a one-element list is accepted)."""
    if isinstance(output, Value):
        return output
    if len(output) == 1 and isinstance(output[0], Value):
        return output[0]
    raise ValueError(f"{name}: sample {row} has {len(output)} outputs; this loss needs one score per sample")


def _signed_targets(targets: list, name: str) -> list[float]:
    for row, y in enumerate(targets):
        if y not in (-1, 1):
            raise ValueError(f"{name}: targets must be −1 or +1, sample {row} has {y!r}")
    return [float(y) for y in targets]


def mse(outputs: Output | Sequence[Output], targets) -> Value:
    """Mean squared error, (1/nk) Σ_samples Σ_j (o_j − y_j)²; PyTorch's ``MSELoss()``."""
    outputs, targets = _batch(outputs, targets, "mse")
    terms = []
    for row, (output, target) in enumerate(zip(outputs, targets)):
        outs = [output] if isinstance(output, Value) else list(output)
        wanted = [target] if isinstance(target, Real) else list(target)
        if len(outs) != len(wanted):
            raise ValueError(f"mse: sample {row} has {len(outs)} outputs but {len(wanted)} targets")
        terms.extend(
            (o - _target(float(t), "y", row, len(outputs), j, len(outs))) ** 2
            for j, (o, t) in enumerate(zip(outs, wanted))
        )
    return _mean(terms)


def softmax_cross_entropy(outputs: Sequence[Sequence[Value]], targets) -> Value:
    r"""Mean of −log softmax(v)_y, each sample one fused node with ∂L/∂v_i = o_i − y_i.

    Targets are class indices (or one-hot rows). PyTorch's ``CrossEntropyLoss()``.
    """
    outputs, targets = _batch(outputs, targets, "softmax_cross_entropy")
    terms = []
    for row, (logits, target) in enumerate(zip(outputs, targets)):
        if isinstance(logits, Value):
            raise ValueError(
                f"softmax_cross_entropy: sample {row} has one output; it needs one logit per class"
            )
        terms.append(cross_entropy(list(logits), target))
    return _mean(terms)


def binary_cross_entropy_with_logits(outputs: Output | Sequence[Output], targets) -> Value:
    r"""Mean of −[t log σ(s) + (1 − t) log(1 − σ(s))] = log(1 + e^s) − t·s; ∂/∂s = σ(s) − t.

    log(1 + e^s) is the engine's logsumexp of (0, s), so no exp overflows.
    PyTorch's ``BCEWithLogitsLoss()``; targets are 0 or 1.
    """
    outputs, targets = _batch(outputs, targets, "binary_cross_entropy_with_logits")
    terms = []
    for row, (output, t) in enumerate(zip(outputs, targets)):
        if t not in (0, 1):
            raise ValueError(
                f"binary_cross_entropy_with_logits: targets must be 0 or 1, sample {row} has {t!r}"
            )
        s = _score(output, "binary_cross_entropy_with_logits", row)
        terms.append(apply(LOGSUMEXP, 0.0, s) - _target(float(t), "t", row, len(outputs)) * s)
    return _mean(terms)


def hinge(outputs: Output | Sequence[Output], targets) -> Value:
    """The SVM max-margin loss, mean of max(0, 1 − y·s), targets ±1 (micrograd's moons loss)."""
    outputs, targets = _batch(outputs, targets, "hinge")
    signs = _signed_targets(targets, "hinge")
    n = len(outputs)
    return _mean(
        [
            (1 - _target(y, "y", row, n) * _score(o, "hinge", row)).relu()
            for row, (o, y) in enumerate(zip(outputs, signs))
        ]
    )


def perceptron(outputs: Output | Sequence[Output], targets) -> Value:
    """The perceptron criterion, mean of max(0, −y·s), targets ±1."""
    outputs, targets = _batch(outputs, targets, "perceptron")
    signs = _signed_targets(targets, "perceptron")
    n = len(outputs)
    return _mean(
        [
            (_target(-y, "−y", row, n) * _score(o, "perceptron", row)).relu()
            for row, (o, y) in enumerate(zip(outputs, signs))
        ]
    )


def l2_regularization(parameters: Sequence[Value], alpha: float) -> Value:
    """α · Σ p², whose gradient is 2α·p (micrograd's ``alpha * sum(p*p ...)``)."""
    parameters = list(parameters)
    if not parameters:
        raise ValueError("l2_regularization: no parameters given")
    return alpha * apply(SUM, *(p * p for p in parameters))


LOSSES = {
    "mse": mse,
    "softmax_cross_entropy": softmax_cross_entropy,
    "binary_cross_entropy_with_logits": binary_cross_entropy_with_logits,
    "hinge": hinge,
    "perceptron": perceptron,
}
"""The batch losses by name, so ``fit(..., loss="hinge")`` works."""
