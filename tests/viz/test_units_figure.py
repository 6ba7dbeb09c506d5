"""The figure of the compiled mode's vector units: the lecture's Figure (c) → (d), found from code."""

from __future__ import annotations

import random

from pathgrad.engine import Value, apply, ops
from pathgrad.engine.compiled import CompiledGraph, Trace
from pathgrad.nn import MLP
from pathgrad.viz import draw_units


def _mlp_graph(sizes=(2, 4, 4, 1)) -> CompiledGraph:
    model = MLP(sizes[0], list(sizes[1:]), rng=random.Random(0))
    inputs = [Value(0.5, f"x{i}") for i in range(1, sizes[0] + 1)]
    out = model(inputs)
    root = out if isinstance(out, Value) else apply(ops.SUM, *out)
    return CompiledGraph([Trace(inputs, [root * 2.0])])


def test_each_unit_is_one_box_and_the_data_flows_between_them():
    source = draw_units(_mlp_graph()).source
    assert "A = W X + b,  W: 4×2" in source and "A = W X + b,  W: 1×4" in source
    assert "relu on 4 nodes" in source and "L1.N1.h, L1.N2.h … L1.N4.h" in source
    assert "inputs x1, x2" in source
    for edge in ("inputs -> unit1", "unit1 -> unit2", "unit2 -> unit3", "unit3 -> unit4", "unit4 -> unit5"):
        assert edge in source
    assert source.count("-> unit3") == 1  # a matrix unit reads one layer, however many nodes it has


def test_labels_show_as_written():
    x = Value(1.0, "<x & y>")
    w = Value(0.5, "w")
    graph = CompiledGraph([Trace([x], [(w * x).tanh()])])
    source = draw_units(graph).source
    assert "&lt;x &amp; y&gt;" in source and "<x & y>" not in source


def test_the_figure_renders(tmp_path):
    diagram = draw_units(_mlp_graph((3, 8, 8, 2)))
    svg = diagram.svg()
    assert "unit 1 · depth 1" in svg and "W: 8×3" in svg
    diagram.save(tmp_path / "units.png")
    assert (tmp_path / "units.png").read_bytes().startswith(b"\x89PNG")
