"""Every loss against PyTorch in float64: value and gradient with respect to each output."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from pathgrad.engine import Constant, Value, topological_order
from pathgrad.nn import losses

RNG = np.random.default_rng(7)
SCORES = RNG.normal(scale=2.0, size=6)
SIGNS = np.array([1, -1, 1, 1, -1, -1])


def compare(our_loss, torch_loss, outputs: np.ndarray) -> None:
    """Our loss of Value outputs and torch's of a float64 tensor agree in value and gradient."""
    values = [Value(v) for v in outputs.reshape(-1)]
    shaped = (
        values
        if outputs.ndim == 1
        else [values[i : i + outputs.shape[1]] for i in range(0, len(values), outputs.shape[1])]
    )
    ours = our_loss(shaped)
    ours.backward()
    tensor = torch.tensor(outputs, dtype=torch.float64, requires_grad=True)
    theirs = torch_loss(tensor)
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-13, abs=1e-15)
    np.testing.assert_allclose(
        [v.grad for v in values], tensor.grad.numpy().reshape(-1), rtol=1e-12, atol=1e-15
    )


def test_mse_single_and_multi_output():
    targets = RNG.normal(size=6)
    compare(lambda o: losses.mse(o, targets), lambda t: torch.nn.MSELoss()(t, torch.tensor(targets)), SCORES)
    table = RNG.normal(size=(3, 2))
    wanted = RNG.normal(size=(3, 2))
    compare(lambda o: losses.mse(o, wanted), lambda t: torch.nn.MSELoss()(t, torch.tensor(wanted)), table)


def test_softmax_cross_entropy_uses_the_fused_node():
    logits, classes = RNG.normal(scale=3.0, size=(4, 3)), np.array([0, 2, 1, 2])
    compare(
        lambda o: losses.softmax_cross_entropy(o, classes),
        lambda t: torch.nn.CrossEntropyLoss()(t, torch.tensor(classes)),
        logits,
    )
    loss = losses.softmax_cross_entropy([[Value(1.0), Value(2.0)]], [1])
    assert loss.op == "cross_entropy"  # one sample: the fused node is the loss
    batch = losses.softmax_cross_entropy([[Value(1.0), Value(2.0)], [Value(0.5), Value(0.0)]], [1, 0])
    assert [p.op for p in batch.parents[0].parents] == ["cross_entropy", "cross_entropy"]


def test_binary_cross_entropy_with_logits_even_for_large_scores():
    scores = np.array([-800.0, -3.0, 0.0, 0.5, 40.0, 800.0])
    targets = np.array([0, 1, 1, 0, 1, 0])
    compare(
        lambda o: losses.binary_cross_entropy_with_logits(o, targets),
        lambda t: torch.nn.BCEWithLogitsLoss()(t, torch.tensor(targets, dtype=torch.float64)),
        scores,
    )


def test_hinge_and_perceptron():
    y = torch.tensor(SIGNS, dtype=torch.float64)
    compare(lambda o: losses.hinge(o, SIGNS), lambda t: torch.relu(1 - y * t).mean(), SCORES)
    compare(lambda o: losses.perceptron(o, SIGNS), lambda t: torch.relu(-y * t).mean(), SCORES)


def test_l2_regularization_gradient_is_two_alpha_p():
    params = [Value(v) for v in (0.5, -2.0, 3.0)]
    total = losses.l2_regularization(params, 1e-4)
    total.backward()
    assert total.data == pytest.approx(1e-4 * (0.25 + 4 + 9), rel=1e-14)
    assert [p.grad for p in params] == pytest.approx([2e-4 * p.data for p in params], rel=1e-14)


def test_bad_targets_are_named():
    with pytest.raises(ValueError, match="hinge: targets must be −1 or \\+1, sample 1 has 0"):
        losses.hinge([Value(1.0), Value(2.0)], [1, 0])
    with pytest.raises(ValueError, match="mse: 2 outputs but 3 targets"):
        losses.mse([Value(1.0), Value(2.0)], [1, 0, 1])
    with pytest.raises(ValueError, match="sample 0 has 2 outputs"):
        losses.perceptron([[Value(1.0), Value(2.0)]], [1])
    with pytest.raises(ValueError, match="out of range"):
        losses.softmax_cross_entropy([[Value(1.0), Value(2.0)]], [2])


@pytest.mark.parametrize(
    ("loss", "target", "op", "constants"),
    [
        (losses.mse, 0.5, "power", ["y"]),
        (losses.binary_cross_entropy_with_logits, 1, "sub", ["0", "t"]),
        (losses.hinge, -1, "relu", ["1", "y"]),
        (losses.perceptron, -1, "relu", ["−y"]),
    ],
)
def test_one_samples_loss_is_its_own_term_and_its_target_is_named(loss, target, op, constants):
    """No Σ of one term, no division by 1: the graph ends on the sample's loss; y is called y."""
    s = Value(0.3, "s")
    single = loss([s], [target])
    assert single.op == op
    nodes = topological_order(single)
    assert not any(n.op in ("sum", "div") for n in nodes)
    assert sorted(n.label for n in nodes if isinstance(n, Constant)) == constants
    batch = loss([Value(0.3), Value(-0.2)], [target, target])
    assert batch.op == "div" and batch.parents[0].op == "sum" and batch.parents[1].data == 2
    targets = sorted(n.label for n in topological_order(batch) if isinstance(n, Constant) and "[" in n.label)
    assert targets == [f"{constants[-1]}[0]", f"{constants[-1]}[1]"]  # each sample's target by its row


def test_mse_names_each_outputs_target_of_each_sample():
    one = losses.mse([[Value(0.1), Value(0.2)]], [[1.0, 0.0]])
    assert one.op == "div" and one.parents[1].data == 2  # two outputs: their mean
    assert sorted(n.label for n in topological_order(one) if isinstance(n, Constant)) == ["2", "y1", "y2"]
    two = losses.mse([[Value(0.1), Value(0.2)], [Value(0.3), Value(0.4)]], [[1.0, 0.0], [0.0, 1.0]])
    labels = sorted(n.label for n in topological_order(two) if isinstance(n, Constant))
    assert labels == ["4", "y1[0]", "y1[1]", "y2[0]", "y2[1]"]
