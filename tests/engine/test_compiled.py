"""The compiled batch mode: every op's batch version, and replays against the scalar engine."""

from __future__ import annotations

import numpy as np
import pytest

from pathgrad.engine import DomainError, Value, apply, cross_entropy, ops
from pathgrad.engine.compiled import CompiledGraph, Trace
from tests.engine.op_cases import cases
from tests.engine.replay_check import replay_against_scalar

CASES = cases()
RTOL = 1e-12


def _columns(case, samples: int, rng: np.random.Generator) -> np.ndarray:
    """Operand columns inside the case's domain, away from its kinks."""
    columns = []
    while len(columns) < samples:
        xs = rng.uniform(case.low, case.high, size=case.arity)
        if case.valid(*xs) and all(abs(x - kink) > 0.05 for x in xs for kink in case.kinks):
            columns.append(xs)
    return np.array(columns).T


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_batch_version_equals_the_scalar_op_on_every_column(case):
    xs = _columns(case, 6, np.random.default_rng(len(case.id)))
    op = case.op
    assert op.evaluate_batch is not None, f"op {op.name!r} needs an evaluate_batch in the op table"
    out, local = op.evaluate_batch(xs) if op.param is None else op.evaluate_batch(xs, op.param)
    local = np.broadcast_to(local, xs.shape)
    for sample in range(xs.shape[1]):
        want_out, want_local = op.evaluate(*xs[:, sample].tolist())
        assert out[sample] == pytest.approx(want_out, rel=RTOL, abs=1e-15)
        assert local[:, sample].tolist() == pytest.approx(list(want_local), rel=RTOL, abs=1e-15)


@pytest.mark.parametrize("terms", [(1.0, 1e-300, -1.0), (1e16, 1.0, -1e16), (0.1, 0.2, 0.3)])
def test_batch_sum_adds_in_the_scalar_order_so_cancellation_agrees(terms):
    out, _ = ops.SUM.evaluate_batch(np.array(terms)[:, np.newaxis])
    assert out[0] == ops.SUM.evaluate(*terms)[0]


@pytest.mark.parametrize(
    "family",
    [ops.softmax_output, ops.log_softmax_output, ops.cross_entropy_loss],
    ids=["softmax", "log_softmax", "cross_entropy"],
)
def test_a_family_parameter_may_differ_per_sample(family):
    xs = np.random.default_rng(1).normal(size=(4, 9))
    per_sample = np.arange(9) % 4
    out, local = family(0).evaluate_batch(xs, per_sample)
    for sample, index in enumerate(per_sample):
        want_out, want_local = family(int(index)).evaluate(*xs[:, sample].tolist())
        assert out[sample] == pytest.approx(want_out, rel=RTOL)
        assert local[:, sample].tolist() == pytest.approx(list(want_local), rel=RTOL, abs=1e-15)


def test_diamond_repeated_operand_and_constants_replay_like_the_scalar_engine():
    w, b = Value(0.7, "w"), Value(-0.2, "b")

    def build(x):
        a = w * x[0] + b
        square = a * a  # one parent, two edges
        diamond = a.tanh() + a.sigmoid()  # two paths from a
        return (square + diamond * 3.0 - x[1] / 2.0).relu() + (w**2).exp()

    X = np.random.default_rng(2).normal(size=(11, 2))
    replay_against_scalar(build, X, [w, b])


def test_every_activation_and_n_ary_op_in_one_graph():
    w = [Value(v, f"w{i}") for i, v in enumerate((0.3, -0.5, 0.8))]

    def build(x):
        a = apply(ops.LINEAR, *w[:2], *x, w[2])
        parts = [
            a.tanh(),
            a.sigmoid(),
            a.hardtanh(),
            abs(a),
            a.sin(),
            a.cos(),
            (a * a + 1).log(),
            (a * a + 1).sqrt(),
        ]
        return apply(ops.SUM, *parts) + apply(ops.LOGSUMEXP, *parts[:3]) + cross_entropy(parts[:4], 2)

    X = np.random.default_rng(3).uniform(-2, 2, size=(13, 2))
    replay_against_scalar(build, X, w)


def test_variants_carry_per_sample_targets_as_numbers_and_as_op_parameters():
    w = [Value(v) for v in (0.5, -1.0, 0.25, 2.0)]

    def sample_graph(x, target):
        logits = [w[0] * x[0] + w[1], w[2] * x[0] - w[3]]
        return cross_entropy(logits, target) + (logits[0] - float(target)) ** 2

    X = np.array([[0.3], [-1.2], [2.0], [0.7], [-0.1]])
    y = np.array([1, 0, 1, 1, 0])
    traces = []
    for target in (0, 1):
        inputs = [Value(0.1)]
        traces.append(Trace(inputs, [sample_graph(inputs, target)]))
    graph = CompiledGraph(traces)
    replay = graph.forward(X, y)
    for p in w:
        p.grad = None
    replay.backward()
    compiled = [p.grad for p in w]
    want, want_grads = [], np.zeros(len(w))
    for x, target in zip(X, y):
        for p in w:
            p.grad = None
        out = sample_graph([Value(float(x[0]))], int(target))
        out.backward()
        want.append(out.data)
        want_grads += [p.grad for p in w]
    assert replay.output().tolist() == pytest.approx(want, rel=1e-12)
    assert compiled == pytest.approx(want_grads.tolist(), rel=1e-12)


def test_shared_leaf_grads_accumulate_like_backward():
    w = Value(2.0, "w")
    w.grad = 10.0
    x = Value(1.0, "x")
    CompiledGraph([Trace([x], [w * x])]).forward(np.array([[1.0], [2.0], [3.0]])).backward()
    assert w.grad == 10.0 + 6.0


def test_variants_of_different_shape_are_refused_naming_the_node():
    x0, x1 = Value(1.0, "x"), Value(1.0, "x")
    w = Value(0.5, "w")
    with pytest.raises(ValueError, match="variant 1 differs from variant 0 at node .*tanh instead of relu"):
        CompiledGraph([Trace([x0], [(w * x0).relu()]), Trace([x1], [(w * x1).tanh()])])


def test_a_sample_outside_an_op_domain_is_named_with_the_scalar_message():
    x = Value(1.0, "x")
    w = Value(1.0, "w")
    graph = CompiledGraph([Trace([x], [(w * x).log()])])
    with pytest.raises(DomainError, match=r"log: log needs a positive input, got -2.0 \[sample 2, node"):
        graph.forward(np.array([[1.0], [3.0], [-2.0], [4.0]]))


def test_an_overflow_in_a_sample_says_so_in_words_as_the_scalar_engine_does():
    x, w = Value(1.0, "x"), Value(2.0, "w")
    graph = CompiledGraph([Trace([x], [(w * x) ** 3])])
    with pytest.raises(DomainError) as refused:
        graph.forward(np.array([[1.0], [1e200]]))
    message = str(refused.value)
    assert message.startswith("power: the result is too large for a float") and "[sample 1, node" in message
    with pytest.raises(DomainError) as scalar:
        (w * Value(1e200)) ** 3
    assert str(scalar.value).startswith("power: the result is too large for a float")


def test_bad_batch_shapes_are_refused():
    x = Value(1.0, "x")
    graph = CompiledGraph([Trace([x], [x.tanh()])])
    with pytest.raises(ValueError, match=r"X must have shape \(samples, 1\)"):
        graph.forward(np.zeros((3, 2)))
    with pytest.raises(ValueError, match="variants must be 3 integers in"):
        graph.forward(np.zeros((3, 1)), np.array([0, 1, 0]))


def test_a_deep_chain_replays_without_recursion():
    x = Value(0.5, "x")
    w = Value(1.0, "w")
    node = x
    for _ in range(20_000):
        node = node * w + 1e-5
    replay = CompiledGraph([Trace([x], [node])]).forward(np.array([[0.5], [1.5]]))
    assert replay.output().tolist() == pytest.approx([0.5 + 0.2, 1.5 + 0.2])
    replay.backward()
    assert w.grad == pytest.approx(20_000 * (0.5 + 1.5) + 2 * 1e-5 * 20_000 * 19_999 / 2, rel=1e-9)


def _three_class_traces(w: list[Value]) -> list[Trace]:
    """One trace per class of a 3-class cross-entropy plus a target-valued number."""
    traces = []
    for target in (0, 1, 2):
        x = Value(0.1, "x")
        logits = [w[0] * x + w[1], w[2] * x, (w[3] * x).tanh()]
        traces.append(Trace([x], [cross_entropy(logits, target) + (logits[0] - float(target)) ** 2]))
    return traces


def _loss_and_grads(graph: CompiledGraph, w: list[Value], X: np.ndarray, y: np.ndarray):
    for p in w:
        p.grad = None
    replay = graph.forward(X, y)
    replay.backward()
    return replay.output().tolist(), [p.grad for p in w]


def test_variants_added_one_by_one_replay_like_all_traced_at_once():
    w = [Value(v) for v in (0.5, -1.0, 0.25, 2.0)]
    traces = _three_class_traces(w)
    X, y = np.array([[0.3], [-1.2], [2.0], [0.7], [-0.1]]), np.array([2, 0, 1, 2, 0])
    grown = CompiledGraph(traces[:1])
    grown.add(traces[1])
    grown.add(traces[2])
    assert grown.variants == 3
    whole = _loss_and_grads(CompiledGraph(traces), w, X, y)
    assert _loss_and_grads(grown, w, X, y) == whole


def test_a_leaf_that_only_looked_shared_becomes_a_traced_number_when_a_variant_is_added():
    """With one variant every leaf looks shared; a second trace with a target leaf of its own unshares it."""
    w = Value(0.5, "w")
    traces = []
    for target in (1.0, -1.0, 3.0):
        x = Value(0.1, "x")
        traces.append(Trace([x], [(w * x - Value(target, "t")) ** 2]))  # t: a new Value per trace
    grown = CompiledGraph(traces[:1])
    assert len(grown.shared) == 2  # w and t, as far as one trace can tell
    grown.add(traces[1])
    grown.add(traces[2])
    assert grown.shared == [w]
    X, y = np.array([[0.3], [-1.2], [2.0], [0.7]]), np.array([2, 0, 1, 0])
    results = []
    for graph in (grown, CompiledGraph(traces)):
        w.grad = None
        replay = graph.forward(X, y)
        replay.backward()
        results.append((replay.output().tolist(), w.grad))
    assert results[0] == results[1]
    assert results[0][0] == pytest.approx(
        [(0.5 * x - t) ** 2 for x, t in zip(X[:, 0], [3.0, 1.0, -1.0, 1.0])]
    )


def test_an_added_variant_of_another_shape_is_refused_naming_the_node():
    x0, x1, w = Value(1.0, "x"), Value(1.0, "x"), Value(0.5, "w")
    graph = CompiledGraph([Trace([x0], [(w * x0).relu()])])
    with pytest.raises(ValueError, match="variant 1 differs from variant 0 at node .*tanh instead of relu"):
        graph.add(Trace([x1], [(w * x1).tanh()]))


def test_variants_built_on_one_model_graph_replay_like_variants_traced_whole():
    """Only the loss is traced again per target: the variants hold variant 0's model nodes."""
    w = [Value(v) for v in (0.5, -1.0, 0.25, 2.0)]
    x = Value(0.1, "x")
    logits = [w[0] * x + w[1], w[2] * x, (w[3] * x).tanh()]
    on_one_model = CompiledGraph(
        [Trace([x], [cross_entropy(logits, t) + (logits[0] - float(t)) ** 2]) for t in (0, 1, 2)]
    )
    X, y = np.array([[0.3], [-1.2], [2.0], [0.7], [-0.1]]), np.array([2, 0, 1, 2, 0])
    whole = _loss_and_grads(CompiledGraph(_three_class_traces(w)), w, X, y)
    assert _loss_and_grads(on_one_model, w, X, y) == whole


def test_a_variant_whose_node_variant_0_reads_elsewhere_is_refused():
    """Variant 1 replaces w·x by a node of its own where variant 0 reads w·x twice: one more node."""
    w, x = Value(0.5, "w"), Value(1.0, "x")
    product = w * x
    squashed = product.tanh()
    squashed.label = "squashed"
    graph = CompiledGraph([Trace([x], [squashed + product.relu()])])
    with pytest.raises(
        ValueError, match="variant 1 differs from variant 0 at node .*'squashed'.*other nodes"
    ):
        graph.add(Trace([x], [squashed + (w * x).relu()]))


def test_a_variant_with_its_inputs_in_another_order_is_refused():
    x1, x2, w = Value(1.0, "x1"), Value(2.0, "x2"), Value(0.5, "w")
    graph = CompiledGraph([Trace([x1, x2], [w * x1 - x2])])
    with pytest.raises(ValueError, match="variant 1 differs from variant 0 at node .*'x1'.*not input 0"):
        graph.add(Trace([x2, x1], [w * x1 - x2]))


def test_a_parameter_listed_twice_gets_its_gradient_once():
    """``parameters=[w, b, w]`` (tied weights gathered from two places): w is one shared leaf,
    its gradient Σ_samples ∂L/∂w once, as the scalar engine gives it."""
    w, b = Value(0.5, "w"), Value(0.1, "b")

    def build(x):
        return (w * x[0] + b).tanh() * w

    X = np.random.default_rng(4).normal(size=(5, 1))
    graph = replay_against_scalar(build, X, [w, b], parameters=[w, b, w])
    assert graph.shared == [w, b]


def test_a_variant_whose_inputs_are_not_those_of_variant_0_with_a_repeated_input_is_refused():
    """Variant 0 lists x as column 0 and again as column 1 (the replay reads x from column 1);
    variant 1 lists x, then z: its x is column 0. A replay of variant 1 would give
    (0.5·X₁ + 1)² where its scalar graph gives (0.5·X₀ + 1)², so it is refused."""
    x, z, w = Value(1.0, "x"), Value(2.0, "z"), Value(0.5, "w")
    product = w * x  # the model's part, traced once
    graph = CompiledGraph([Trace([x, x], [(product - 1.0) ** 2])])
    with pytest.raises(ValueError, match="variant 1 differs from variant 0 at node .*'x'.*not input 1"):
        graph.add(Trace([x, z], [(product - -1.0) ** 2]))


def test_a_graph_with_no_op_nodes_takes_a_variant_and_replays_its_leaf():
    x, w = Value(2.0, "x"), Value(-3.0, "w")
    graph = CompiledGraph([Trace([x], [w])], parameters=[w])
    graph.add(Trace([x], [w]))
    replay = graph.forward(np.array([[1.0], [5.0]]), np.array([0, 1]))
    assert replay.output().tolist() == [-3.0, -3.0]
    assert replay.leaf_gradients().tolist() == [2.0]
