"""Every node of a step-through has a name a lecturer can read out, unique on its page, never ``#6``."""

from __future__ import annotations

from pathgrad.engine import Value, apply
from pathgrad.engine.ops import LINEAR
from pathgrad.nn.losses import mse
from pathgrad.viz.step import step
from pathgrad.viz.text import MINUS


def names_of(root: Value, **options) -> list[str]:
    return [node["name"] for node in step(root, **options).data["nodes"].values()]


def test_unlabelled_leaves_are_v1_v2_and_long_expressions_elide_their_operands():
    a, b = Value(1.0), Value(2.0)
    y = ((a * b).tanh() + (a + b).exp() * a).sigmoid() ** 2
    names = names_of(y)
    assert names == [
        "v1",
        "v2",
        "v1 · v2",
        "tanh(v1 · v2)",
        "v1 + v2",
        "exp(v1 + v2)",
        "(exp(v1 + v2)) · v1",
        "tanh(…) + (… · …)",
        "σ(tanh(…) + (… · …))",
        "σ(…)^2",
    ]
    assert all(len(name) <= 22 and "#" not in name for name in names)


def test_unlabelled_neurons_are_named_by_their_place_and_their_steps_say_so():
    xs = [Value(0.5, "x1"), Value(-1.0, "x2")]
    hs = [apply(LINEAR, Value(0.1 * k), Value(-0.2), *xs, Value(0.3)).tanh() for k in (1, 2)]
    out = hs[0] * hs[1]
    out.label = "o"
    page = step(out, view="neuron")
    names = [node["name"] for node in page.data["nodes"].values()]
    # a hand-built neuron is named as nn names one: layer by depth, neuron by its place
    assert [n for n in names if n.startswith("L1.")] == ["L1.N1.a", "L1.N1.h", "L1.N2.a", "L1.N2.h"]
    assert "L1.N1.h · L1.N2.h" not in names  # o has its label
    titles = [s["title"] for s in page.data["timelines"]["backward"]]
    assert titles[-2:] == ["Backward 2/3: neuron L1.N2", "Backward 3/3: neuron L1.N1"]
    assert ">L1.N1 · tanh<" in page.svg()


def test_two_nodes_that_read_the_same_are_told_apart_by_a_subscript():
    x, w = Value(3.0, "x"), Value(-0.5, "w")
    total = (x * w).tanh() + (x * w).tanh()
    total.label = "s"
    names = names_of(total)
    assert names == ["x", "w", "x · w", "tanh(x · w)", "(x · w)₂", "tanh((x · w)₂)", "s"]
    assert len(set(names)) == len(names)


def test_a_made_up_name_never_takes_a_label_of_the_page():
    v1 = Value(2.0, "v1")
    y = v1 * Value(3.0)
    assert names_of(y) == ["v1", "v2", "v1 · v2"]


def test_a_negative_constant_reads_with_a_true_minus_and_a_batch_mean_elides_its_terms():
    x = Value(0.5, "x")
    shifted = x - (-1.0)
    assert names_of(shifted) == ["x", f"{MINUS}1", f"x − ({MINUS}1)"]
    batch = mse([x.tanh(), (x * 2.0).tanh()], [1.0, 0.0])
    names = names_of(batch)
    assert names[-3:] == ["…^2 + …^2", "2", "(…^2 + …^2) / 2"]
    assert [n for n in names if n.startswith("y")] == ["y[0]", "y[1]"]
    lines = [text for s in step(batch).data["timelines"]["forward"] for _, text in s["lines"]]
    # the forward step still writes the whole expression beside the short name
    assert "…^2 + …^2 = (tanh(x) − y[0])^2 + (… − …)^2 = 0.289 + 0.580 = 0.869" in lines
