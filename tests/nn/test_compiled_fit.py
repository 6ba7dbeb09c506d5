"""fit(..., engine="compiled") against the scalar engine: same losses, same gradients, same weights."""

from __future__ import annotations

import random

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathgrad.engine import DomainError, Value, apply
from pathgrad.engine.ops import SUM
from pathgrad.nn import MLP, SGD, Adam, Neuron, datasets, fit
from pathgrad.nn.compiled import compiled_step, write_back
from pathgrad.nn.losses import LOSSES
from pathgrad.nn.steps import Objective, scalar_step

RTOL = 1e-9


def _moons():
    X, y = datasets.moons(40, noise=0.1, seed=1)
    return X, 2 * y - 1


def _blobs():
    return datasets.blobs(30, classes=3, dim=3, seed=2)


def _curve():
    X, y = datasets.curve(25, seed=3)
    return X.reshape(len(X), -1), y


def _two_targets():
    X, y = _curve()
    return X, np.stack([y, -0.5 * y], axis=1)


def _binary():
    return datasets.xor(24, seed=4)


# (name, sizes, model options, loss, data, l2)
SETUPS = [
    ("moons 2-16-16-1 hinge", 2, [16, 16, 1], {}, "hinge", _moons, 1e-4),
    ("moons 2-4-1 expanded perceptron", 2, [4, 1], {"expanded": True}, "perceptron", _moons, 0.0),
    (
        "blobs 3-8-3 tanh cross-entropy",
        3,
        [8, 3],
        {"activation": "tanh"},
        "softmax_cross_entropy",
        _blobs,
        1e-3,
    ),
    ("curve 1-6-6-1 sigmoid mse", 1, [6, 6, 1], {"activation": "sigmoid"}, "mse", _curve, 0.0),
    ("curve 1-5-2 no bias mse, two outputs", 1, [5, 2], {"bias": False}, "mse", _two_targets, 0.0),
    (
        "xor 2-5-1 hardtanh bce",
        2,
        [5, 1],
        {"activation": "hardtanh"},
        "binary_cross_entropy_with_logits",
        _binary,
        0.0,
    ),
]


def _model(nin, sizes, options):
    return MLP(nin, sizes, rng=random.Random(7), **options)


@pytest.mark.parametrize("setup", SETUPS, ids=[s[0] for s in SETUPS])
@pytest.mark.parametrize("batch", [None, 7, 1])
def test_one_step_gives_the_scalar_loss_outputs_and_every_gradient(setup, batch):
    _, nin, sizes, options, loss, data, l2 = setup
    X, y = data()
    rows = slice(None) if batch is None else slice(3, 3 + batch)
    X, y = X[rows], y[rows]
    results = []
    for step in (scalar_step, compiled_step):
        model = _model(nin, sizes, options)
        objective = Objective(LOSSES[loss], l2)
        optimizer = SGD(model.parameters(), lr=1e-9)  # records the grads, barely moves
        result = step(model, objective, X, y, optimizer)
        results.append((result, [p.grad for p in model.parameters()]))
    (scalar, scalar_grads), (compiled, compiled_grads) = results
    assert compiled.loss == pytest.approx(scalar.loss, rel=RTOL)
    assert compiled.outputs.shape == scalar.outputs.shape
    assert compiled.outputs.ravel().tolist() == pytest.approx(scalar.outputs.ravel().tolist(), rel=RTOL)
    assert compiled_grads == pytest.approx(scalar_grads, rel=RTOL, abs=1e-15)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_training_runs_give_the_same_loss_curve_and_weights(optimizer):
    X, y = _blobs()
    trained = []
    for engine in ("scalar", "compiled"):
        model = _model(3, [6, 3], {})
        opt = (
            SGD(model.parameters(), lr=0.2, momentum=0.5)
            if optimizer == "sgd"
            else Adam(model.parameters(), 0.05)
        )
        history = fit(
            model,
            X,
            y,
            "softmax_cross_entropy",
            opt,
            epochs=3,
            batch_size=8,
            l2=1e-3,
            engine=engine,
            progress=False,
        )
        trained.append(
            ([s.loss for s in history.steps], [p.data for p in model.parameters()], history.accuracy)
        )
    (losses, weights, accuracy), (compiled_losses, compiled_weights, compiled_accuracy) = trained
    assert compiled_losses == pytest.approx(losses, rel=RTOL)
    assert compiled_weights == pytest.approx(weights, rel=RTOL)
    assert compiled_accuracy == accuracy


def test_gradients_land_on_the_model_own_parameter_values():
    X, y = _moons()
    model = _model(2, [3, 1], {})
    before = model.parameters()
    fit(model, X, y, "hinge", SGD(before, lr=0.1), engine="compiled", progress=False)
    assert model.parameters() == before
    assert all(isinstance(p.grad, float) for p in before) and any(p.grad != 0.0 for p in before)


def test_a_loss_that_is_not_a_mean_over_samples_is_refused():
    def summed(outputs, targets):
        return sum(((o - float(t)) ** 2 for o, t in zip(outputs, targets)), Value(0.0))

    X, y = _curve()
    model = _model(1, [3, 1], {})
    with pytest.raises(ValueError, match="is not the mean of its samples' losses"):
        fit(model, X, y, summed, SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)


def test_a_model_whose_graph_branches_on_its_inputs_is_refused():
    """A leaky ReLU written as a Python branch on a.data: sample 0 traces one branch only."""

    class Branching(MLP):
        def __call__(self, x):
            a = super().__call__(x)
            return a if a.data > 0 else a * 0.01

    X = np.array([[1.0], [-1.0], [0.5]])
    model = Branching(1, [1], nonlin=False, rng=random.Random(0))
    neuron = model.layers[0].neurons[0]
    neuron.w[0].data, neuron.b.data = 1.0, 0.0  # a = x: positive on sample 0, negative on sample 1
    with pytest.raises(ValueError, match="the model's graph depends on its inputs' values: on sample 1"):
        fit(model, X, np.zeros(3), "mse", SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)
    history = fit(model, X, np.zeros(3), "mse", SGD(model.parameters(), lr=0.1), progress=False)
    assert history.loss[0] == pytest.approx(((0.01 * -1.0) ** 2 + 1.0 + 0.25) / 3)


def test_only_a_model_or_loss_of_the_users_is_checked_on_a_second_sample(monkeypatch):
    """An MLP under a table loss is traced once; a subclass of it, or a loss of the user's, is run again on sample 1."""

    class Subclass(MLP):
        pass

    def own_mse(outputs, targets):
        return LOSSES["mse"](outputs, targets)

    calls = []
    forward = Neuron.forward
    monkeypatch.setattr(Neuron, "forward", lambda neuron, xs: calls.append(neuron) or forward(neuron, xs))
    X, y = _curve()
    for kind, loss, runs in [(MLP, LOSSES["mse"], 1), (Subclass, LOSSES["mse"], 2), (MLP, own_mse, 2)]:
        model = kind(1, [3, 1], rng=random.Random(0))
        first = model.layers[0].neurons[0]
        calls.clear()
        compiled_step(model, Objective(loss, 0.0), X, y, SGD(model.parameters()))
        assert calls.count(first) == runs, (kind.__name__, loss.__name__)


def test_an_own_module_with_a_method_of_the_users_is_checked_on_a_second_sample():
    """``neuron.forward = ...`` on an MLP's neuron may branch on x.data: the MLP is checked like a model of the user's."""
    model = MLP(1, [3, 1], rng=random.Random(0))
    neuron = model.layers[1].neurons[0]
    forward = neuron.forward
    neuron.forward = lambda xs: forward(xs) if xs[0].data > 0 else forward(xs) * 0.0
    X, y = np.array([[-1.0], [0.5], [1.0], [2.0]]), np.array([0.3, -0.2, 0.8, 1.1])
    with pytest.raises(ValueError, match="the model's graph depends on its inputs' values"):
        fit(model, X, y, "mse", SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)


def test_a_loss_that_mixes_the_samples_is_refused():
    """A per-sample loss is 0 here, the batch's is the outputs' spread: the check tells them apart."""

    def spread(outputs, targets):
        outputs = [o if isinstance(o, Value) else o[0] for o in outputs]
        centre = sum(outputs, Value(0.0)) / len(outputs)
        return sum(((o - centre) ** 2 for o in outputs), Value(0.0)) / len(outputs)

    X, y = _curve()
    model = _model(1, [3, 1], {})
    with pytest.raises(ValueError, match="is not the mean of its samples' losses"):
        fit(model, X, y, spread, SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)


def _targets(loss: str, outputs: int, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Targets each loss takes; regression targets are all distinct (one variant per sample)."""
    if loss == "mse":
        y = rng.normal(size=(samples, outputs))
        return y[:, 0] if outputs == 1 else y
    if loss == "softmax_cross_entropy":
        return rng.integers(0, outputs, size=samples)
    if loss == "binary_cross_entropy_with_logits":
        return rng.integers(0, 2, size=samples)
    return rng.choice([-1, 1], size=samples)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    widths=st.lists(st.integers(1, 64), min_size=0, max_size=3),
    activation=st.sampled_from(["identity", "sigmoid", "tanh", "relu", "hardtanh"]),
    loss=st.sampled_from(list(LOSSES)),
    classes=st.integers(2, 10),
    samples=st.integers(1, 1000),
    seed=st.integers(0, 2**16),
    options=st.sampled_from([{}, {"bias": False}, {"expanded": True}]),
)
def test_every_architecture_loss_and_batch_gives_the_scalar_loss_and_gradients(
    widths, activation, loss, classes, samples, seed, options
):
    """Depths 1–4, widths 1–64, every activation and loss, 1–1000 samples (fewer for big nets)."""
    rng = np.random.default_rng(seed)
    outputs = classes if loss == "softmax_cross_entropy" else (1 if loss != "mse" else 1 + seed % 3)
    nin = 1 + seed % 5
    sizes = [nin, *widths, outputs]
    weights = sum(a * b for a, b in zip(sizes, sizes[1:])) * (4 if options.get("expanded") else 1)
    samples = max(1, min(samples, 60_000 // weights))  # the scalar reference stays within seconds
    X = rng.normal(size=(samples, nin))
    y = _targets(loss, outputs, samples, rng)
    results = []
    for step in (scalar_step, compiled_step):
        model = MLP(nin, sizes[1:], activation=activation, rng=random.Random(seed), **options)
        result = step(model, Objective(LOSSES[loss], 1e-3), X, y, SGD(model.parameters(), lr=1e-9))
        results.append((result, [p.grad for p in model.parameters()]))
    (scalar, scalar_grads), (compiled, compiled_grads) = results
    assert compiled.loss == pytest.approx(scalar.loss, rel=RTOL)
    assert compiled.outputs.ravel().tolist() == pytest.approx(
        scalar.outputs.ravel().tolist(), rel=RTOL, abs=1e-12
    )
    assert compiled_grads == pytest.approx(scalar_grads, rel=RTOL, abs=1e-12)


def test_a_domain_error_in_a_batch_names_the_sample_and_the_node():
    def log_loss(outputs, targets):
        return apply(SUM, *[(o + 1.0).log() * float(t) for o, t in zip(outputs, targets)]) / len(outputs)

    model = MLP(1, [1], rng=random.Random(0))
    model.layers[0].neurons[0].w[0].data = 1.0
    X, y = np.array([[0.5], [2.0], [1.0], [-3.0], [1.0]]), np.ones(5)  # one variant, traced from sample 0
    with pytest.raises(DomainError, match=r"log: log needs a positive input, got -2.0 \[sample 3, node \d+"):
        fit(model, X, y, log_loss, SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)


@pytest.mark.parametrize("which", ["first layer only", "model and an extra leaf"])
def test_an_optimizer_of_other_parameters_gets_the_grads_the_scalar_step_gives(which):
    X, y = _curve()
    X, y = X[:9], y[:9]
    results = []
    for step in (scalar_step, compiled_step):
        model = _model(1, [4, 1], {})
        scale = Value(1.5, "scale")  # a leaf of the loss that is not a model parameter

        def scaled_mse(outputs, targets, scale=scale):
            return LOSSES["mse"](outputs, targets) * scale

        chosen = model.layers[0].parameters() if which == "first layer only" else [*model.parameters(), scale]
        optimizer = SGD(chosen, lr=0.05, momentum=0.5)
        result = step(model, Objective(scaled_mse, 1e-3), X, y, optimizer)
        results.append(
            (
                result.loss,
                [p.data for p in model.parameters()],
                [p.grad for p in model.parameters()],
                scale.grad,
                scale.data,
            )
        )
    (loss, data, grads, scale_grad, scale_data), (c_loss, c_data, c_grads, c_scale_grad, c_scale_data) = (
        results
    )
    assert c_loss == pytest.approx(loss, rel=RTOL)
    assert c_data == pytest.approx(data, rel=RTOL)
    assert c_grads == pytest.approx(grads, rel=RTOL, abs=1e-15)
    assert (c_scale_grad, c_scale_data) == pytest.approx((scale_grad, scale_data), rel=RTOL)


def _parameters(model) -> list[tuple[float, float]]:
    return [(p.data, p.grad) for p in model.parameters()]


def test_a_callback_sees_the_data_and_batch_grads_the_scalar_engine_gives_at_every_step():
    X, y = _blobs()
    seen = {}
    for engine in ("scalar", "compiled"):
        model = _model(3, [6, 3], {})
        watched = seen[engine] = []
        fit(
            model,
            X,
            y,
            "softmax_cross_entropy",
            Adam(model.parameters(), 0.05),
            epochs=2,
            batch_size=8,
            l2=1e-3,
            engine=engine,
            callback=lambda record, model=model, watched=watched: watched.append(_parameters(model)),
            progress=False,
        )
        watched.append(_parameters(model))  # after fit returns
    assert len(seen["compiled"]) == 2 * 4 + 1
    for compiled, scalar in zip(seen["compiled"], seen["scalar"], strict=True):
        assert np.array(compiled) == pytest.approx(np.array(scalar), rel=RTOL, abs=1e-15)


def test_a_fit_that_raises_leaves_the_parameters_of_its_last_finished_step():
    def rate(step: int) -> float:
        return 0.1 if step < 3 else float("nan")  # the fourth step refuses its learning rate

    X, y = _moons()
    ends = []
    for engine in ("scalar", "compiled"):
        model = _model(2, [4, 1], {})
        with pytest.raises(DomainError, match="schedule gave nan at step 3"):
            fit(
                model,
                X,
                y,
                "hinge",
                SGD(model.parameters(), lr=rate),
                epochs=5,
                engine=engine,
                progress=False,
            )
        ends.append(_parameters(model))
    assert np.array(ends[1]) == pytest.approx(np.array(ends[0]), rel=RTOL, abs=1e-15)


def test_steps_that_keep_their_arrays_end_where_steps_that_write_back_do():
    X, y = _moons()
    ends = []
    for keep in (False, True):
        model = _model(2, [4, 1], {})
        objective, optimizer = Objective(LOSSES["hinge"], 1e-3), SGD(model.parameters(), lr=0.1, momentum=0.5)
        first = _parameters(model)
        for _ in range(3):
            compiled_step(model, objective, X, y, optimizer, write_back=not keep)
        if keep:
            assert _parameters(model) == first  # the Values wait for write_back
            write_back(model)
        ends.append(_parameters(model))
        compiled_step(model, objective, X, y, optimizer)  # a step that writes back after kept ones
        ends.append(_parameters(model))
    assert ends[2:] == ends[:2]


def test_the_model_is_traced_once_whatever_the_number_of_target_values():
    """Ten digits are ten variants of one loss on one traced model graph."""

    class Counted(MLP):
        calls = 0

        def __call__(self, x):
            self.calls += 1
            return super().__call__(x)

    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(50, 4)), np.arange(50) % 10
    model = Counted(4, [5, 10], rng=random.Random(0))
    fit(
        model,
        X,
        y,
        "softmax_cross_entropy",
        SGD(model.parameters(), lr=0.1),
        engine="compiled",
        progress=False,
    )
    assert model.calls == 1 + 1  # the trace, and one more sample for the checks of the first step


def test_a_step_that_makes_the_weights_infinite_stops_the_next_one_with_the_scalar_message():
    """The compiled step keeps the new weights in arrays; the error still names the parameter."""

    def rate(step: int) -> float:
        return 0.1 if step == 0 else 1.7e308  # with a large L2 gradient the second update overflows

    X, y = _moons()
    messages = []
    for engine in ("scalar", "compiled"):
        model = _model(2, [4, 1], {})
        with pytest.raises(DomainError) as raised, np.errstate(over="ignore"):
            fit(
                model,
                X,
                y,
                "hinge",
                SGD(model.parameters(), lr=rate),
                epochs=4,
                l2=10.0,
                engine=engine,
                progress=False,
            )
        messages.append(str(raised.value))
    assert messages[0].startswith("linear: operand 'L1.N1.w1' is ") and messages[1] == messages[0]


def test_a_model_trained_in_compiled_mode_is_freed_with_its_traces():
    import gc
    import weakref

    X, y = _moons()
    model = _model(2, [3, 1], {})
    fit(model, X, y, "hinge", SGD(model.parameters(), lr=0.1), engine="compiled", progress=False)
    gone = weakref.ref(model)
    del model
    gc.collect()
    assert gone() is None
