r"""The figures of the lecture notes on multilayer networks and backpropagation, one call each.

=========================  ====================================================
``network_with_bias()``    Figure (a): two hidden layers and an output, bias neurons "+1"
``network_without_bias()`` Figure (b): the same network without bias neurons
``scalar_units()``         Figure (c): every unit a scalar circle
``vector_units()``         Figure (d): one vector unit per layer, matrices on the edges
``autoencoder()``          the autoencoder with its constricted middle layer
``two_paths()``            the chain rule on a graph with two paths from w to o, highlighted
``pre_post_activation()``  Figure 1.1: a = Σ w·x + b and h = Φ(a) within one neuron
``micrograd_neuron()``     the micrograd lecture's neuron o = tanh(x1·w1 + x2·w2 + b)
``collapsed_view(mode)``   a pathgrad.nn.MLP's graph as neuron boxes or as layers of vector units
=========================  ====================================================

Each returns a ``pathgrad.viz.Diagram``; ``demos.lecture_figures`` saves them all as SVG and PNG.
"""

from __future__ import annotations

from pathgrad.engine import Value, apply, paths
from pathgrad.engine.ops import LINEAR

from .diagram import Diagram
from .draw import draw
from .network import draw_network, layer_names

__all__ = [
    "LECTURE_SIZES",
    "AUTOENCODER_SIZES",
    "network_with_bias",
    "network_without_bias",
    "scalar_units",
    "vector_units",
    "autoencoder",
    "two_paths_graph",
    "two_paths",
    "pre_post_activation_graph",
    "pre_post_activation",
    "micrograd_neuron_graph",
    "micrograd_neuron",
    "small_mlp_loss",
    "collapsed_view",
    "FIGURES",
]

LECTURE_SIZES = (4, 3, 3, 1)
"""Inputs, two hidden layers and one output, as in the lecture's Figures (a)–(d)."""

AUTOENCODER_SIZES = (6, 4, 2, 4, 6)
"""As many outputs as inputs, constricted to 2 units in the middle."""


def network_with_bias() -> Diagram:
    """Figure (a): a feed-forward network with two hidden layers, with bias neurons."""
    return draw_network(list(LECTURE_SIZES), bias=True)


def network_without_bias() -> Diagram:
    """Figure (b): the same network without bias neurons."""
    return draw_network(list(LECTURE_SIZES), bias=False)


def scalar_units() -> Diagram:
    """Figure (c): scalar units x, h₁, h₂, o, one circle each, captioned with their counts (pair of (d))."""
    names = layer_names(len(LECTURE_SIZES))
    captions = [f"{name}: {size} unit{'s' if size > 1 else ''}" for name, size in zip(names, LECTURE_SIZES)]
    return draw_network(list(LECTURE_SIZES), bias=False, captions=captions)


def vector_units() -> Diagram:
    """Figure (d): the same network with vector units and the matrices W₁, W₂, W₃ between them."""
    return draw_network(list(LECTURE_SIZES), vector=True)


def autoencoder() -> Diagram:
    """The autoencoder: outputs reconstruct the inputs through a constricted middle layer."""
    return draw_network(
        list(AUTOENCODER_SIZES), bias=False, captions=["input x", "encoder", "code", "decoder", "output x̂"]
    )


def two_paths_graph(w: float = 0.8) -> tuple[Value, Value]:
    r"""o = K(p, q) = p·q with p = g(y) = exp(y), q = h(z) = sin(z), y = z = f(w) = w².

    ∂o/∂w = ∂K/∂p·g'(y)·f'(w) + ∂K/∂q·h'(z)·f'(w): one term per path. Returns (o, w).
    """
    weight = Value(w, "w")
    y = weight**2
    y.label = "y = z = f(w)"
    p = y.exp()
    p.label = "p = g(y)"
    q = y.sin()
    q.label = "q = h(z)"
    o = p * q
    o.label = "o = K(p, q)"
    o.backward()
    return o, weight


def two_paths(w: float = 0.8, which: int | None = None) -> Diagram:
    """The two-path graph with both paths highlighted (``which=0`` or ``1``: one of them)."""
    o, weight = two_paths_graph(w)
    found = list(paths(o, weight))
    chosen = found if which is None else [found[which]]
    return draw(o, highlight=chosen, fields=("label", "data", "grad", "local", "formula"))


def pre_post_activation_graph() -> Value:
    r"""One tanh neuron and a squared error: L = (h − y)², h = tanh(a_h), a_h = w1·x1 + w2·x2 + b, y = 1.

    After backward: Δ = ∂L/∂h = 2(h − y), δ = ∂L/∂a_h = Φ'(a_h)·Δ, ∂L/∂w_i = δ·x_i.
    Every node is named, the target and the error included. Returns L.
    """
    x1, x2 = Value(1.0, "x1"), Value(-2.0, "x2")
    w1, w2, b = Value(0.5, "w1"), Value(0.25, "w2"), Value(0.4, "b")
    a = apply(LINEAR, w1, w2, x1, x2, b)
    a.label = "a_h (pre-activation)"
    h = a.tanh()
    h.label = "h (post-activation)"
    error = h - Value(1.0, "y (target)")
    error.label = "h − y"
    loss = error**2
    loss.label = "L"
    loss.backward()
    return loss


def pre_post_activation(collapse: str | None = None) -> Diagram:
    """Figure 1.1: a_h = Σ w_i·x_i + b and h = Φ(a_h) within a neuron (``collapse="neuron"``: one box)."""
    return draw(pre_post_activation_graph(), collapse=collapse)


def micrograd_neuron_graph() -> Value:
    """The micrograd lecture's neuron, with its labels; returns o after backward()."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2, b = Value(-3.0, "w1"), Value(1.0, "w2"), Value(6.8813735870195432, "b")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    x2w2 = x2 * w2
    x2w2.label = "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.label = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()
    return o


def micrograd_neuron() -> Diagram:
    """The micrograd lecture's neuron with every value, gradient and local derivative."""
    return draw(micrograd_neuron_graph())


def small_mlp_loss() -> Value:
    """L = (o − 1)² for a pathgrad.nn.MLP 2-3-2-1 with tanh hidden layers (fixed seed), after backward()."""
    import random

    from pathgrad.nn import MLP

    model = MLP(2, [3, 2, 1], activation="tanh", rng=random.Random(0))
    loss = (model([0.5, -1.5]) - 1.0) ** 2
    loss.label = "L"
    loss.backward()
    return loss


def collapsed_view(collapse: str = "neuron", rankdir: str = "LR") -> Diagram:
    """A small MLP's graph collapsed into neurons (a, h, Φ'(a), δ, Δ) or layers (vectors, W and ∂L/∂W)."""
    return draw(small_mlp_loss(), collapse=collapse, rankdir=rankdir)


FIGURES = {
    "figure_a_network_with_bias": network_with_bias,
    "figure_b_network_without_bias": network_without_bias,
    "figure_c_scalar_units": scalar_units,
    "figure_d_vector_units": vector_units,
    "figure_autoencoder": autoencoder,
    "figure_two_paths": two_paths,
    "figure_two_paths_first": lambda: two_paths(which=0),
    "figure_two_paths_second": lambda: two_paths(which=1),
    "figure_1_1_pre_post_activation": pre_post_activation,
    "figure_1_1_neuron_box": lambda: pre_post_activation("neuron"),
    "micrograd_neuron": micrograd_neuron,
    "mlp_neuron_view": collapsed_view,
    "mlp_layer_view": lambda: collapsed_view("layer", rankdir="TB"),
}
"""Every lecture figure by file name."""
