"""Random graphs mixing every op, and micrograd's own examples, against PyTorch in float64."""

from __future__ import annotations

import random

import pytest
import torch
import torch.nn.functional as F

from pathgrad.engine import Value, apply, cross_entropy, log_softmax, logsumexp, ops, softmax

# (pathgrad, torch, into the domain): inputs are squashed by tanh, then mapped into the op's domain
UNARY = [
    (lambda a: a.exp(), torch.exp, lambda a: a.tanh()),
    (lambda a: a.log(), torch.log, lambda a: a * a + 0.5),
    (lambda a: a.sqrt(), torch.sqrt, lambda a: a * a + 0.5),
    (lambda a: a.tanh(), torch.tanh, lambda a: a),
    (lambda a: a.sigmoid(), torch.sigmoid, lambda a: a),
    (lambda a: a.relu(), torch.relu, lambda a: a),
    (lambda a: a.hardtanh(), F.hardtanh, lambda a: a),
    (lambda a: a.sin(), torch.sin, lambda a: a),
    (lambda a: a.cos(), torch.cos, lambda a: a),
    (lambda a: abs(a), torch.abs, lambda a: a),
    (lambda a: -a, torch.neg, lambda a: a),
    (lambda a: a.identity(), lambda a: a * 1.0, lambda a: a),
    (lambda a: a**2, lambda a: a**2, lambda a: a),
    (lambda a: a**-1.5, lambda a: a**-1.5, lambda a: a * a + 0.5),
]
BINARY = [
    (lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (a, b)),
    (lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (a, b)),
    (lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (a, b)),
    (lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (a, b * b + 0.5)),
    (lambda a, b: a**b, lambda a, b: a**b, lambda a, b: (a * a + 0.5, b.tanh())),
    (lambda a, b: 2.0 * a - b / 3.0, lambda a, b: 2.0 * a - b / 3.0, lambda a, b: (a, b)),
]
VECTOR = [
    (lambda vs: softmax(vs)[0], lambda vs: torch.softmax(torch.stack(vs), 0)[0]),
    (lambda vs: log_softmax(vs)[-1], lambda vs: torch.log_softmax(torch.stack(vs), 0)[-1]),
    (logsumexp, lambda vs: torch.logsumexp(torch.stack(vs), 0)),
    (lambda vs: cross_entropy(vs, 1), lambda vs: F.cross_entropy(torch.stack(vs)[None], torch.tensor([1]))),
    (lambda vs: apply(ops.SUM, *vs), lambda vs: torch.stack(vs).sum()),
    # linear needs an odd count (w_1..w_n, x_1..x_n, b): the first 2n+1 of the chosen values
    (
        lambda vs: apply(ops.LINEAR, *vs[: 2 * ((len(vs) - 1) // 2) + 1]),
        lambda vs: _torch_linear(vs[: 2 * ((len(vs) - 1) // 2) + 1]),
    ),
]


def _torch_linear(vs):
    n = len(vs) // 2
    return (torch.stack(vs[:n]) * torch.stack(vs[n : 2 * n])).sum() + vs[-1]


def build_random(rng: random.Random, leaves: list, size: int, lib: str):
    """The same random recipe, applied to pathgrad Values or to torch tensors."""
    pick = 0 if lib == "pathgrad" else 1
    nodes = list(leaves)
    for _ in range(size):
        kind = rng.random()
        if kind < 0.45:
            entry = rng.choice(UNARY)
            a = nodes[rng.randrange(len(nodes))]
            nodes.append(entry[pick](entry[2](a.tanh() * 1.5)))
        elif kind < 0.9:
            entry = rng.choice(BINARY)
            a, b = entry[2](nodes[rng.randrange(len(nodes))].tanh(), nodes[rng.randrange(len(nodes))].tanh())
            nodes.append(entry[pick](a, b))
        else:
            entry = rng.choice(VECTOR)
            chosen = [nodes[rng.randrange(len(nodes))].tanh() for _ in range(rng.randint(3, 5))]
            nodes.append(entry[pick](chosen))
    total = nodes[-1]
    for node in nodes[-6:-1]:
        total = total + node
    return total


@pytest.mark.parametrize("seed", range(30))
def test_random_dag_mixing_every_op_matches_pytorch(seed):
    start = [random.Random(seed * 7 + i).uniform(-2, 2) for i in range(4)]
    leaves = [Value(x, f"x{i}") for i, x in enumerate(start)]
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in start]
    ours = build_random(random.Random(seed), leaves, 40, "pathgrad")
    theirs = build_random(random.Random(seed), tensors, 40, "torch")
    ours.backward()
    theirs.backward()
    assert ours.data == pytest.approx(theirs.item(), rel=1e-10)
    for leaf, tensor in zip(leaves, tensors):
        expected = 0.0 if tensor.grad is None else tensor.grad.item()
        assert (leaf.grad or 0.0) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_micrograd_readme_example():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert g.data == pytest.approx(24.70408163265306, rel=1e-12)  # micrograd's README prints 24.7041
    assert a.grad == pytest.approx(138.83381924198252, rel=1e-12)  # and 138.8338
    assert b.grad == pytest.approx(645.5772594752186, rel=1e-12)  # and 645.5773


def _micrograd_sanity(lib):
    x = lib(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    return x, y


def _micrograd_more_ops(lib):
    a = lib(-4.0)
    b = lib(2.0)
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return (a, b), g


def _tensor(x):
    return torch.tensor(x, dtype=torch.float64, requires_grad=True)


def test_micrograd_test_file_sanity_check_matches_pytorch():
    x, y = _micrograd_sanity(Value)
    y.backward()
    tx, ty = _micrograd_sanity(_tensor)
    ty.backward()
    assert y.data == pytest.approx(ty.item(), rel=1e-12)
    assert x.grad == pytest.approx(tx.grad.item(), rel=1e-12)


def test_micrograd_test_file_more_ops_matches_pytorch():
    (a, b), g = _micrograd_more_ops(Value)
    g.backward()
    (ta, tb), tg = _micrograd_more_ops(_tensor)
    tg.backward()
    assert g.data == pytest.approx(tg.item(), rel=1e-12)
    assert a.grad == pytest.approx(ta.grad.item(), rel=1e-10)
    assert b.grad == pytest.approx(tb.grad.item(), rel=1e-10)
