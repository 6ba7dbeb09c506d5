r"""``draw_network``: the classic figure of a feed-forward network.

Neurons are circles in columns (input, hidden layers, output), every unit of one layer
joined to every unit of the next; optionally bias neurons "+1" (the lecture's Figures
(a) with and (b) without bias), the weight or its gradient on each edge (colour: sign,
width: magnitude), or the vector-unit form of Figure (d): one rectangle per layer with
the weight matrix W_r (p_{r−1} × p_r) on the edge between them. Positions are computed
here, so layers are centred and an autoencoder's constricted middle shows as such.

Units read x_i (inputs), h_rj (unit j of hidden layer r, as the vector unit h_r of
Figure (d) holds it) and o_j (outputs). Ids follow nn's parameter names: units ``x1``,
``L2_N3``, bias units ``L1_bias``, edges ``L2_N3_w1`` (the weight ``L2.N3.w1``) and
``L2_N3_b`` (the bias ``L2.N3.b``, the weight of the edge from "+1").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .diagram import Diagram
from .dot import attributes, quote
from .text import check_number_format, format_number, html_text, subscript, superscript
from .theme import Theme, get_theme

__all__ = ["draw_network", "NetworkShape", "shape_of", "layer_names"]

LAYER_GAP = 260.0
UNIT_GAP = 96.0
RADIUS_INCHES = 0.42
MAX_UNITS = 64
"""Layers wider than this are refused in the scalar form (draw them with vector=True)."""


@dataclass(frozen=True)
class NetworkShape:
    """Sizes (inputs first), whether there are biases, and the weights/grads if known.

    ``weights[r][j][i]`` is the weight from unit i of layer r to neuron j of layer r+1
    (None when drawing from sizes only); ``grads`` likewise, None before backward.
    ``biases[r][j]`` and ``bias_grads[r][j]`` are neuron j's bias and its gradient.
    """

    sizes: tuple[int, ...]
    bias: bool
    weights: tuple | None = None
    grads: tuple | None = None
    biases: tuple | None = None
    bias_grads: tuple | None = None


def shape_of(model, bias: bool | None = None) -> NetworkShape:
    """The shape of a ``pathgrad.nn.MLP`` (read through its layers and neurons) or of a list of sizes."""
    if isinstance(model, Sequence) and not isinstance(model, str):
        sizes = tuple(model)
        if len(sizes) < 2 or any(isinstance(s, bool) or not isinstance(s, int) or s < 1 for s in sizes):
            raise ValueError(
                f"draw_network: sizes must be two or more positive ints (inputs first), got {list(model)!r}"
            )
        return NetworkShape(sizes, True if bias is None else bool(bias))
    layers = getattr(model, "layers", None)
    if not layers:
        raise TypeError(f"draw_network needs an nn.MLP or a list of layer sizes, got {type(model).__name__}")
    sizes = (len(layers[0].neurons[0].w), *(len(layer.neurons) for layer in layers))
    has_bias = layers[0].neurons[0].b is not None
    weights = tuple(tuple(tuple(w.data for w in n.w) for n in layer.neurons) for layer in layers)
    grads = tuple(
        tuple(tuple(w.grad if w.grad_computed else None for w in n.w) for n in layer.neurons)
        for layer in layers
    )
    biases = tuple(tuple(None if n.b is None else n.b.data for n in layer.neurons) for layer in layers)
    bias_grads = tuple(
        tuple(n.b.grad if n.b is not None and n.b.grad_computed else None for n in layer.neurons)
        for layer in layers
    )
    if all(g is None for layer in grads for n in layer for g in n):
        grads = bias_grads = None
    return NetworkShape(
        sizes, has_bias if bias is None else bool(bias) and has_bias, weights, grads, biases, bias_grads
    )


def draw_network(
    model,
    *,
    bias: bool | None = None,
    weights: bool = False,
    grads: bool = False,
    vector: bool = False,
    captions: Sequence[str] | None = None,
    number_format: str = ".2f",
    theme: str | Theme = "projector",
) -> Diagram:
    """The network figure of ``model`` (a ``pathgrad.nn.MLP``, or layer sizes such as ``[3, 4, 4, 1]``).

    Args:
        bias: draw bias neurons "+1" (default: as the model has them; True for sizes).
        weights: write each weight on its edge, a bias on its edge from "+1" (colour: sign,
            width: |w|).
        grads: write ∂L/∂w (and ∂L/∂b) on each edge instead (after backward).
        vector: one rectangle per layer, weight matrices on the edges (Figure d).
        captions: one caption per layer (default: input layer, hidden layer r, output layer).
        number_format: format of weights and grads.
        theme: ``"projector"``, ``"light"`` or ``"print"``.
    """
    shape = shape_of(model, bias)
    theme = get_theme(theme)
    check_number_format(number_format)
    if (weights or grads) and shape.weights is None:
        raise ValueError("draw_network: weights=/grads= need an nn.MLP, not just sizes")
    if grads and shape.grads is None:
        raise ValueError("draw_network: grads=True needs a backward() pass through the model first")
    if captions is not None and len(captions) != len(shape.sizes):
        raise ValueError(f"draw_network: {len(captions)} captions for {len(shape.sizes)} layers")
    captions = list(captions) if captions is not None else _default_captions(len(shape.sizes))
    if vector:
        return Diagram(_vector_dot(shape, captions, theme), engine="neato", engine_args=("-n2",))
    widest = max(shape.sizes)
    if widest > MAX_UNITS:
        raise ValueError(f"draw_network: a layer has {widest} units (limit {MAX_UNITS}); use vector=True")
    return Diagram(
        _scalar_dot(shape, captions, theme, weights, grads, number_format),
        engine="neato",
        engine_args=("-n2",),
    )


def _default_captions(layers: int) -> list[str]:
    return ["input layer", *(f"hidden layer {r}" for r in range(1, layers - 1)), "output layer"]


def layer_names(layers: int) -> list[str]:
    """The lecture's names of the layers' vectors: x, h₁ … h_k, o (``layers`` counts the input)."""
    return ["x", *(f"h{subscript(r)}" for r in range(1, layers - 1)), "o"]


def _unit_id(layer: int, index: int) -> str:
    return f"x{index + 1}" if layer == 0 else f"L{layer}_N{index + 1}"


def _unit_text(layer: int, index: int, layers: int) -> str:
    """x_i, o_j, or h_rj: a hidden unit names its layer too, so h₁₂ and h₂₂ never read alike."""
    unit = subscript(index + 1)
    if layer == 0:
        return f"x{unit}"
    if layer == layers - 1:
        return f"o{unit}"
    comma = "," if layer > 9 or index + 1 > 9 else ""
    return f"h{subscript(layer)}{comma}{unit}"


def _header(theme: Theme) -> list[str]:
    return [
        "digraph network {",
        "  graph "
        + attributes(bgcolor=theme.background, pad="0.4", splines="line", outputorder="edgesfirst"),
        "  node "
        + attributes(
            fontname=theme.font, fontsize=theme.font_size, fontcolor=theme.foreground, color=theme.foreground
        ),
        "  edge "
        + attributes(fontname=theme.font, fontsize=theme.small_size, color=theme.foreground, arrowsize="0.9"),
    ]


def _scalar_dot(
    shape: NetworkShape, captions: list[str], theme: Theme, weights: bool, grads: bool, spec: str
) -> str:
    sizes, layers = shape.sizes, len(shape.sizes)
    tallest = max(size + (1 if shape.bias else 0) for size in sizes)
    positions: dict[str, tuple[float, float]] = {}
    lines = _header(theme)
    for layer, size in enumerate(sizes):
        x = layer * LAYER_GAP
        units = size + (1 if shape.bias and layer < layers - 1 else 0)
        top = (units - 1) * UNIT_GAP / 2
        for slot in range(units):
            y = top - slot * UNIT_GAP
            if shape.bias and layer < layers - 1 and slot == 0:
                unit, text, fill, style = f"L{layer + 1}_bias", "+1", theme.constant_fill, "filled,dashed"
            else:
                index = slot - (1 if shape.bias and layer < layers - 1 else 0)
                unit, text = _unit_id(layer, index), _unit_text(layer, index, layers)
                fill = theme.input_fill if layer == 0 else theme.result_fill
                style = "filled"
            positions[unit] = (x, y)
            lines.append(
                f"  {quote(unit)} "
                + attributes(
                    id=unit,
                    shape="circle",
                    width=RADIUS_INCHES * 2,
                    fixedsize="true",
                    style=style,
                    fillcolor=fill,
                    penwidth="2.5",
                    pos=f"{x:.1f},{y:.1f}!",
                    label=html_text(text),
                )
            )
        lines.append(
            _caption(layer, x, -(tallest - 1) * UNIT_GAP / 2 - UNIT_GAP * 0.9, captions[layer], theme)
        )
    values, bias_values = None, None  # the numbers written on the edges, if any
    if grads:
        values, bias_values = shape.grads, shape.bias_grads
    elif weights:
        values, bias_values = shape.weights, shape.biases
    largest = max(
        (
            abs(v)
            for table in (values or (), bias_values or ())
            for layer in table
            for n in layer
            for v in (n if isinstance(n, tuple) else (n,))
            if v is not None
        ),
        default=0.0,
    )
    for layer in range(1, layers):
        for j in range(sizes[layer]):
            target = _unit_id(layer, j)
            sources = [(f"L{layer}_bias", f"{target}_b", None)] if shape.bias else []
            sources += [(_unit_id(layer - 1, i), f"{target}_w{i + 1}", i) for i in range(sizes[layer - 1])]
            for source, edge, i in sources:
                if i is None:
                    value = None if bias_values is None else bias_values[layer - 1][j]
                else:
                    value = None if values is None else values[layer - 1][j][i]
                if value is not None:
                    lines.append(
                        _edge_label(
                            edge, value, positions[source], positions[target], j, sizes[layer], theme, spec
                        )
                    )
                lines.append(
                    f"  {quote(source)} -> {quote(target)} "
                    + attributes(
                        id=edge,
                        color=theme.sign_colour(value)
                        if value is not None
                        else (theme.neutral if i is None else theme.foreground),
                        penwidth=theme.pen_width(value, largest) if value is not None else "1.6",
                        style="dashed"
                        if i is None or (theme.dashed_negative and value is not None and value < 0)
                        else None,
                    )
                )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _caption(layer: int, x: float, y: float, text: str, theme: Theme) -> str:
    """The caption under a layer, a plain text node ``caption<layer>`` at (x, y)."""
    return f"  {quote(f'caption{layer}')} " + attributes(
        id=f"caption{layer}",
        shape="plaintext",
        pos=f"{x:.1f},{y:.1f}!",
        fontsize=theme.small_size,
        fontcolor=theme.neutral,
        label=html_text(text),
    )


def _edge_label(edge: str, value: float, start, end, j: int, targets: int, theme: Theme, spec: str) -> str:
    """A weight written on its edge, at a fraction of the way that differs per target neuron.

    Edges leaving one unit fan out, so staggering the labels along them (closer to the
    source for the first neuron, further for the last) keeps neighbouring labels apart.
    """
    t = 0.28 + 0.3 * (j / (targets - 1) if targets > 1 else 0.5)
    x, y = start[0] + t * (end[0] - start[0]), start[1] + t * (end[1] - start[1])
    return f"  {quote(edge + '-label')} " + attributes(
        id=f"{edge}-label",
        shape="plaintext",
        style="filled",
        fillcolor=theme.background,
        margin="0.02",
        width="0",
        height="0",
        fontsize=theme.small_size,
        fontcolor=theme.sign_colour(value),
        pos=f"{x:.1f},{y:.1f}!",
        label=html_text(format_number(value, spec)),
    )


def _vector_dot(shape: NetworkShape, captions: list[str], theme: Theme) -> str:
    sizes = shape.sizes
    lines = _header(theme)
    names = layer_names(len(sizes))
    for layer, size in enumerate(sizes):
        height = 0.7 + 0.09 * min(size, 16)
        lines.append(
            f"  {quote(f'v{layer}')} "
            + attributes(
                id=f"v{layer}",
                shape="box",
                style="rounded,filled",
                penwidth="2.5",
                width="1.3",
                height=f"{height:.2f}",
                fixedsize="true",
                fillcolor=theme.input_fill if layer == 0 else theme.result_fill,
                pos=f"{layer * LAYER_GAP:.1f},0!",
                label=f'{html_text(names[layer])}<br/><font point-size="{theme.small_size}">∈ ℝ{superscript(size)}</font>',
            )
        )
        lines.append(_caption(layer, layer * LAYER_GAP, -UNIT_GAP * 0.9, captions[layer], theme))
    for layer in range(1, len(sizes)):
        lines.append(
            f"  {quote(f'v{layer - 1}')} -> {quote(f'v{layer}')} "
            + attributes(
                id=f"W{layer}",
                penwidth="3",
                label=f'W{subscript(layer)}<br/><font point-size="{theme.small_size}">{sizes[layer - 1]} × {sizes[layer]}</font>',
            )
        )
    lines.append("}")
    return "\n".join(lines) + "\n"
