"""draw_network: circles per unit, bias neurons, weights on edges, vector units, and the lecture figures."""

from __future__ import annotations

import random

import pytest

from pathgrad.nn import MLP
from pathgrad.viz import draw_network
from pathgrad.viz.figures import FIGURES, LECTURE_SIZES, two_paths_graph
from pathgrad.viz.text import format_number
from svgtext import ids, parse, texts


def units(svg) -> set[str]:
    return {i for i in ids(svg) if i.startswith(("x", "L")) and "_w" not in i and "-" not in i}


def test_with_and_without_bias_neurons():
    with_bias = parse(draw_network([3, 4, 2]).svg())
    without = parse(draw_network([3, 4, 2], bias=False).svg())
    assert {"L1_bias", "L2_bias"} <= ids(with_bias)
    assert not any("bias" in i for i in ids(without))
    assert {"x1", "x3", "L1_N4", "L2_N2"} <= units(without)
    assert "L2_N1_w4" in ids(without) and "L2_N1_b" in ids(with_bias)


def test_weights_and_grads_of_an_mlp_on_the_edges():
    random.seed(1)
    model = MLP(2, [2, 1], activation="tanh")
    for k, p in enumerate(model.parameters()):
        if p.label.endswith(".b"):
            p.data = 0.25 * k - 1.0  # biases that differ from the weights and from each other
    out = model([1.0, -1.0])
    out.backward()
    svg = parse(draw_network(model, weights=True).svg())
    for j, neuron in enumerate(model.layers[0].neurons, start=1):
        for i, w in enumerate(neuron.w, start=1):
            assert texts(svg, f"L1_N{j}_w{i}-label") == [format_number(w.data, ".2f")]
    for j, neuron in enumerate(model.layers[1].neurons, start=1):
        assert texts(svg, f"L2_N{j}_b-label") == [format_number(neuron.b.data, ".2f")]
    svg = parse(draw_network(model, grads=True).svg())
    w = model.layers[1].neurons[0].w[0]
    assert texts(svg, "L2_N1_w1-label") == [format_number(w.grad, ".2f")]
    assert texts(svg, "L1_N2_b-label") == [format_number(model.layers[0].neurons[1].b.grad, ".2f")]
    plain = parse(draw_network(model).svg())
    assert not [i for i in ids(plain) if i.endswith("-label")]  # numbers only when asked for


def test_grads_before_backward_and_bad_sizes_are_clear_errors():
    random.seed(1)
    with pytest.raises(ValueError, match="backward"):
        draw_network(MLP(2, [1]), grads=True)
    with pytest.raises(ValueError, match="sizes"):
        draw_network([3])
    with pytest.raises(ValueError, match="need an nn.MLP"):
        draw_network([2, 1], weights=True)
    with pytest.raises(ValueError, match="vector=True"):
        draw_network([100, 2])


def test_vector_units_carry_matrix_shapes():
    svg = parse(draw_network([4, 3, 3, 1], vector=True).svg())
    assert texts(svg, "W1") == ["W₁", "4 × 3"]
    assert texts(svg, "v2")[0] == "h₂"


# ------------------------------------------------------------------ one test per lecture figure


def render(name: str):
    return parse(FIGURES[name]().svg())


def test_figure_a_network_with_bias():
    svg = render("figure_a_network_with_bias")
    assert {"L1_bias", "L2_bias", "L3_bias"} <= ids(svg)
    assert (
        len([i for i in ids(svg) if i.startswith("L1_N") and "_w" not in i and "_b" not in i])
        == LECTURE_SIZES[1]
    )


def test_figure_b_network_without_bias():
    svg = render("figure_b_network_without_bias")
    assert not any("bias" in i for i in ids(svg))
    assert texts(svg, "caption3") == ["output layer"]


def test_figure_c_scalar_units():
    svg = render("figure_c_scalar_units")
    assert [texts(svg, f"caption{k}")[0] for k in range(4)] == [
        "x: 4 units",
        "h₁: 3 units",
        "h₂: 3 units",
        "o: 1 unit",
    ]
    units_read = [texts(svg, unit)[0] for unit in ("x1", "L1_N1", "L1_N3", "L2_N1", "L2_N3", "L3_N1")]
    assert units_read == ["x₁", "h₁₁", "h₁₃", "h₂₁", "h₂₃", "o₁"]  # a hidden unit names its layer


def test_figure_d_vector_units():
    svg = render("figure_d_vector_units")
    assert texts(svg, "W3") == ["W₃", "3 × 1"]


def test_figure_autoencoder_is_constricted_in_the_middle():
    svg = render("figure_autoencoder")
    widths = [len([i for i in ids(svg) if i.startswith(f"L{k}_N") and "_w" not in i]) for k in range(1, 5)]
    assert widths == [4, 2, 4, 6]


def test_figure_two_paths_highlights_both_paths_whose_products_sum_to_the_grad():
    import math

    from pathgrad.engine import paths

    o, w = two_paths_graph()
    found = list(paths(o, w))
    assert len(found) == 2
    assert math.fsum(p.product for p in found) == pytest.approx(w.grad, rel=1e-12)
    source = FIGURES["figure_two_paths"]().source
    assert "#009E73:#CC79A7" in source  # the shared edge w → y carries both paths' colours
    assert "#C8C8C8" not in source  # nothing is dimmed: every node is on a path
    first = FIGURES["figure_two_paths_first"]().source
    assert "#C8C8C8" in first and "#CC79A7" not in first


def test_figure_two_paths_names_its_operands_by_their_labels():
    """The lecture's a and b are pre-activation and bias: the chain-rule figure never uses them."""
    svg = parse(FIGURES["figure_two_paths"]().svg())
    written = [t for edge in svg.iter() if edge.get("class") == "edge" for t in texts(svg, edge.get("id"))]
    formulas = [t for t in written if not t.lstrip("−-").replace(".", "").isdigit()]
    assert formulas == ["2·w", "exp(y)", "cos(y)", "∂o/∂p = q", "∂o/∂q = p"]


def test_figure_1_1_pre_post_activation():
    from pathgrad.viz import build_model
    from pathgrad.viz.figures import pre_post_activation_graph
    from pathgrad.viz.ids import field_id

    loss = pre_post_activation_graph()
    display = build_model(loss)
    (group,) = display.groups
    svg = render("figure_1_1_neuron_box")
    a, h = display.node(group.a).value, display.node(group.h).value
    assert texts(svg, field_id(group.a, "grad"))[0] == format_number(a.grad)
    assert a.grad == pytest.approx((1 - h.data**2) * h.grad)  # δ = Φ'(a)·Δ
    assert texts(render("figure_1_1_pre_post_activation"), field_id(group.h, "label")) == [
        "h (post-activation)"
    ]


def test_micrograd_neuron_matches_the_lecture_numbers():
    from pathgrad.viz import build_model
    from pathgrad.viz.figures import micrograd_neuron_graph
    from pathgrad.viz.ids import field_id

    o = micrograd_neuron_graph()
    display = build_model(o)
    svg = render("micrograd_neuron")
    by_label = {n.label: n for n in display.nodes}
    assert texts(svg, field_id(by_label["o"].id, "data")) == ["0.7071"]
    assert texts(svg, field_id(by_label["x1"].id, "grad")) == [format_number(-1.5)]
    assert texts(svg, field_id(by_label["w1"].id, "grad")) == ["1.0000"]


def test_mlp_collapsed_views_show_layers_and_neurons():
    from pathgrad.viz import build_model
    from pathgrad.viz.figures import small_mlp_loss
    from pathgrad.viz.ids import field_id

    display = build_model(small_mlp_loss())
    layer_svg, neuron_svg = render("mlp_layer_view"), render("mlp_neuron_view")
    assert {"layer_L1", "layer_L2", "layer_L3"} <= ids(layer_svg)
    for group in display.groups:
        a = display.node(group.a).value
        for svg in (layer_svg, neuron_svg):
            assert texts(svg, field_id(group.a, "grad")) == [format_number(a.grad)]
