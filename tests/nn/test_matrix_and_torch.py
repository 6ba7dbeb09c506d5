"""The vector form and the PyTorch bridge give the scalar engine's numbers."""

from __future__ import annotations

import random
import subprocess
import sys

import numpy as np
import pytest
import torch

from pathgrad.engine import ops
from pathgrad.nn import ACTIVATIONS, MLP, Activation, losses
from pathgrad.nn.matrix import MatrixMLP, mse_gradient, softmax_cross_entropy_gradient

X = np.random.default_rng(3).normal(size=(5, 3))


def scalar_gradients(model: MLP, loss) -> dict[str, float]:
    model.zero_grad()
    loss([model(row) for row in X]).backward()
    return {name: p.grad for name, p in model.named_parameters()}


@pytest.mark.parametrize("activation", ["identity", "sigmoid", "tanh", "relu", "hardtanh"])
@pytest.mark.parametrize("bias", [True, False])
def test_matrix_gradients_equal_the_scalar_engine(activation, bias):
    model = MLP(3, [4, 4, 2], activation=activation, bias=bias, rng=random.Random(11))
    for p in model.parameters():
        p.data *= 2.0  # push hard tanh and sigmoid outside their middle range
    targets = np.random.default_rng(4).normal(size=(5, 2))
    expected = scalar_gradients(model, lambda out: losses.mse(out, targets))
    matrix = MatrixMLP.from_mlp(model)
    forward = matrix.forward(X)
    np.testing.assert_allclose(
        forward.result, [[v.data for v in model(row)] for row in X], rtol=0, atol=1e-13
    )
    got = matrix.named_gradients(matrix.backward(forward, mse_gradient(forward.result, targets)))
    assert got.keys() == expected.keys()
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-12


def test_matrix_softmax_shortcut_and_deltas():
    model = MLP(3, [4, 3], activation="tanh", rng=random.Random(2))
    classes = np.array([0, 2, 1, 1, 0])
    expected = scalar_gradients(model, lambda out: losses.softmax_cross_entropy(out, classes))
    matrix = MatrixMLP.from_mlp(model)
    forward = matrix.forward(X)
    gradients = matrix.backward(forward, softmax_cross_entropy_gradient(forward.result, classes))
    got = matrix.named_gradients(gradients)
    assert max(abs(got[k] - expected[k]) for k in got) < 1e-12
    # δ of the hidden layer for the last row equals the scalar graph's ∂L/∂a of each neuron
    assert [n.a.grad for n in model.layers[0].neurons] == pytest.approx(
        list(gradients.deltas[0][-1]), abs=1e-12
    )


@pytest.mark.parametrize("bias", [True, False])
def test_to_torch_same_function_same_gradients(bias):
    model = MLP(
        3,
        [5, 4, 1],
        activation=["tanh", "hardtanh"],
        output_activation="sigmoid",
        bias=bias,
        rng=random.Random(9),
    )
    targets = np.random.default_rng(1).normal(size=5)
    expected = scalar_gradients(model, lambda out: losses.mse(out, targets))
    net = model.to_torch()
    out = net(torch.tensor(X)).reshape(-1)
    loss = torch.nn.MSELoss()(out, torch.tensor(targets))
    loss.backward()
    assert loss.item() == pytest.approx(losses.mse([model(r) for r in X], targets).data, rel=1e-12)
    linears = [m for m in net if isinstance(m, torch.nn.Linear)]
    for r, linear in enumerate(linears, start=1):
        for j in range(linear.out_features):
            for i in range(linear.in_features):
                assert linear.weight.grad[j, i].item() == pytest.approx(
                    expected[f"L{r}.N{j + 1}.w{i + 1}"], abs=1e-10
                )
            if bias:
                assert linear.bias.grad[j].item() == pytest.approx(expected[f"L{r}.N{j + 1}.b"], abs=1e-10)


def test_from_torch_round_trip():
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.ReLU(), torch.nn.Linear(4, 2)).double()
    model = MLP.from_torch(net)
    assert model.sizes == [3, 4, 2] and [a.name for a in model.activations] == ["relu", "identity"]
    ours = np.array([[v.data for v in model(row)] for row in X])
    np.testing.assert_allclose(ours, net(torch.tensor(X)).detach().numpy(), rtol=1e-12, atol=1e-14)
    assert MLP.from_torch(model.to_torch()).state_dict() == model.state_dict()


def test_from_torch_refuses_what_it_cannot_represent():
    with pytest.raises(ValueError, match="module 1 is a Dropout"):
        MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(), torch.nn.Linear(2, 1)))
    with pytest.raises(ValueError, match="module 2 \\(Tanh\\) does not follow a Linear"):
        MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.ReLU(), torch.nn.Tanh()))
    with pytest.raises(ValueError, match="module 1 takes 3 inputs but the previous Linear gives 2"):
        MLP.from_torch(torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Linear(3, 1)))


def test_import_nn_does_not_import_torch(tmp_path):
    code = (
        "import sys, pathgrad.nn, pathgrad.nn.matrix, pathgrad.nn.torch_bridge; print('torch' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=tmp_path
    )
    assert result.stdout.strip() == "False"


@pytest.mark.parametrize("name", list(ACTIVATIONS))
def test_activation_numpy_forms_are_the_op_table_entries(name):
    activation = ACTIVATIONS[name]
    a = np.array([[-2.5, -1.0, -0.3], [0.0, 0.4, 3.0]])
    h, slope = activation.forward(a), activation.derivative(a)
    assert h.shape == slope.shape == a.shape
    for value, out, local in zip(a.ravel(), h.ravel(), slope.ravel()):
        assert (out, local) == pytest.approx(
            (activation.op.evaluate(value)[0], activation.op.evaluate(value)[1][0]), rel=1e-15
        )


def test_an_activation_computes_with_its_op_and_keeps_no_copy_of_its_own():
    doubled = ops.Op(
        name="double",
        symbol="2a",
        arity=1,
        evaluate=lambda a: (2 * a, (2.0,)),
        formulas=("2",),
        expression="2a",
        evaluate_batch=lambda xs: (2 * xs[0], np.full((1, 1), 2.0)),
    )
    activation = Activation("double", doubled, "2", "none")
    assert activation.forward(np.array([1.5, -1.0])).tolist() == [3.0, -2.0]
    assert activation.derivative(np.array([1.5, -1.0])).tolist() == [2.0, 2.0]
