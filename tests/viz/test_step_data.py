"""The step-through's data equals the engine's own numbers, step by step."""

from __future__ import annotations

import base64
import json
import math
import re

import pytest

from demos.neuron_values import INPUTS
from demos.neuron_values import neuron as lecture_neuron
from pathgrad.engine import Value, backward_steps, count_edges, topological_order
from pathgrad.viz.model import GraphTooLargeError
from pathgrad.viz.step import step
from pathgrad.viz.step.page import script_json
from pathgrad.viz.step.pagedata import text_extents
from pathgrad.viz.text import parse_number


def neuron() -> Value:
    """The lecture neuron o = tanh(x1·w1 + x2·w2 + b), labelled as in the lecture notebook."""
    return lecture_neuron(*(Value(v, k) for k, v in INPUTS.items()))


def diamond() -> tuple[Value, Value]:
    """w feeds y and z; L = y·z: two paths from w to L."""
    w = Value(1.5, "w")
    y = w * 2.0
    y.label = "y"
    z = w.exp()
    z.label = "z"
    loss = y * z
    loss.label = "L"
    return w, loss


def shown(text: str) -> float:
    """The number at the end of a cell text such as ``grad −1.500``."""
    return parse_number(text.split()[-1])


def test_forward_steps_follow_topological_order_and_show_each_value():
    o = neuron()
    data = step(o).data
    computed = [n for n in topological_order(o) if n.parents]
    steps = data["timelines"]["forward"]
    assert len(steps) == len(computed)
    for record, node in zip(steps, computed):
        assert record["values"]["data"] == node.data
        assert record["values"]["local_grads"] == list(node.local_grads)
        (ident,) = record["focus"]
        assert shown(record["nodes"][ident]["d"]) == pytest.approx(node.data, abs=5e-4)
    assert steps[-1]["lines"][0][1] == "o = tanh(n) = tanh(0.881) = 0.707"
    assert steps[-1]["lines"][2][1] == "∂o/∂n = 1 − tanh²(n) = 0.500"


def test_backward_steps_are_the_engines_steps_and_end_on_backwards_grads():
    o = neuron()
    data = step(o).data
    reference = neuron()
    expected = list(backward_steps(reference))
    steps = data["timelines"]["backward"]
    assert [s["values"]["grad"] for s in steps] == [r.grad for r in expected if not r.node.is_leaf]
    grads = {n.label: n.grad for n in topological_order(reference) if n.label}
    assert grads["w1"] == pytest.approx(1.0) and grads["x1"] == pytest.approx(-1.5)
    final = {}
    for record in steps:
        for ident, change in record["nodes"].items():
            final[ident] = change["g"]
    names = data["nodes"]
    for ident, text in final.items():
        label = names[ident]["name"]
        if label in grads:
            assert shown(text) == pytest.approx(grads[label], abs=5e-4)


def test_backward_formula_writes_the_contribution_with_its_numbers():
    o = neuron()
    steps = step(o).data["timelines"]["backward"]
    lines = [text for s in steps for _, text in s["lines"]]
    assert "Δ(w1) += ∂(x1*w1)/∂w1 · Δ(x1*w1) = 2.000 × 0.500 = 1.000   final (a leaf)" in lines
    assert "Δ(o) = ∂o/∂o = 1.000   (the seed)" in lines


def test_a_leaf_costs_no_backward_step_and_is_final_in_its_last_childs_step():
    """2-4-4-1 network, one sample: one step per inner node; each leaf final where its last push lands."""
    from demos.steppers import mlp_loss

    loss = mlp_loss()
    data = step(loss).data
    steps = data["timelines"]["backward"]
    nodes = topological_order(loss)
    ids = dict(zip(nodes, data["nodes"]))  # the page's ids follow the topological order
    assert [data["nodes"][ids[n]]["name"] for n in nodes if n.label] == [n.label for n in nodes if n.label]
    inner = [n for n in nodes if not n.is_leaf]
    assert len(steps) == len(inner) == 20 and len(nodes) == 60
    assert not any("nothing to push" in text for s in steps for _, text in s["lines"])
    for leaf in (n for n in nodes if n.is_leaf):  # step() ran backward: each leaf holds its grad
        leaf_id = ids[leaf]
        pushing = [
            k for k, s in enumerate(steps) if any(c[0] == leaf_id for c in s["values"]["contributions"])
        ]
        finals = [k for k, s in enumerate(steps) if leaf_id in s["values"]["leaves_final"]]
        assert finals == pushing[-1:]  # final once, in the step of its last push
        change = steps[finals[0]]["nodes"][leaf_id]
        assert change["c"] == "final" and shown(change["g"]) == pytest.approx(leaf.grad, abs=5e-4)
        assert all(steps[k]["nodes"][leaf_id]["c"] == "accumulating" for k in pushing[:-1])
    x1 = next(ids[n] for n in nodes if n.label == "x1")
    x1_last = steps[next(k for k, s in enumerate(steps) if x1 in s["values"]["leaves_final"])]
    (x1_line,) = [text for _, text in x1_last["lines"] if text.startswith("Δ(x1) = ")]
    assert x1_line.count(" + ") == 3 and x1_line.endswith("final (a leaf: it pushes nothing)")  # four pushes


def test_a_graph_that_is_one_leaf_keeps_its_seed_step_and_a_squared_leaf_is_final_after_both_pushes():
    (seed,) = step(Value(2.0, "x")).data["timelines"]["backward"]
    assert [text for _, text in seed["lines"]] == [
        "Δ(x) = ∂x/∂x = 1.000   (the seed)",
        "x is a leaf: nothing to push",
    ]
    a = Value(3.0, "a")
    y = a * a
    y.label = "y"
    (square,) = step(y).data["timelines"]["backward"]
    assert square["values"]["leaves_final"] == ["n0_a"] and square["nodes"]["n0_a"] == {
        "g": "grad 6.000",
        "c": "final",
    }
    assert [text for _, text in square["lines"]][-2:] == [
        "Δ(a) += ∂y/∂a · Δ(y) = 3.000 × 1.000 = 3.000",
        "Δ(a) = 3.000 + 3.000 = 6.000   final (a leaf: it pushes nothing)",
    ]


def test_a_node_with_two_children_accumulates_then_is_final():
    w, loss = diamond()
    data = step(loss).data
    steps = data["timelines"]["backward"]
    wid = next(i for i, n in data["nodes"].items() if n["name"] == "w")
    states = [s["nodes"][wid]["c"] for s in steps if wid in s["nodes"]]
    assert states == ["accumulating", "final"]  # w, a leaf, is final in its last child's step
    last = next(s for s in steps if wid in s["values"]["leaves_final"])
    (after,) = [after for parent, _, _, after in last["values"]["contributions"] if parent == wid]
    assert after == pytest.approx(2 * math.exp(1.5) + 3.0 * math.exp(1.5))
    assert [s["values"]["node"] for s in steps if s["values"]["node"] == wid] == []
    first, second = (amount for s in steps for p, _, amount, _ in s["values"]["contributions"] if p == wid)
    assert f"Δ(w) = {first:.3f} + {second:.3f} = {after:.3f}   final (a leaf: it pushes nothing)" in [
        text for _, text in last["lines"]
    ]


def test_path_products_sum_to_the_grad_and_the_counts_are_reported():
    w, loss = diamond()
    data = step(loss).data
    wid = next(i for i, n in data["nodes"].items() if n["name"] == "w")
    walk = data["timelines"]["paths"][wid]
    products = [s["values"]["product"] for s in walk[:-1]]
    assert len(products) == 2
    assert math.fsum(products) == pytest.approx(w.grad, rel=1e-12)
    final = walk[-1]["values"]
    assert (
        final["paths"] == 2 and final["edges"] == count_edges(loss) == 5
    )  # w·2 has an edge from the constant 2
    assert walk[-1]["lines"][1][0] == "ok"


def test_a_squared_node_has_two_paths_along_two_edges():
    a = Value(3.0, "a")
    y = a * a
    y.label = "y"
    data = step(y).data
    walk = data["timelines"]["paths"]["n0_a"]
    assert [s["trail"] for s in walk[:-1]] == [["n1_y-in0"], ["n1_y-in1"]]
    assert walk[-1]["values"]["sum"] == pytest.approx(6.0)


def test_too_many_paths_are_counted_not_walked():
    x = Value(0.5, "x")
    node = x
    for _ in range(12):  # each level doubles the paths: 2^12
        node = node * 1.0 + node * 1.0
    data = step(node, max_paths=64, modes=("paths",)).data
    walk = data["timelines"]["paths"]["n0_x"]
    assert len(walk) == 1
    assert walk[0]["values"]["paths"] == 2**12
    assert "too many to step through" in walk[0]["lines"][0][1]
    five = step(node, max_paths=64, modes=("paths",), digits=5).data["timelines"]["paths"]["n0_x"]
    assert five[0]["lines"][1][1].endswith(f"Δ(x) = {x.grad:.5f}")


def test_nudge_changes_match_grad_times_h_at_the_output():
    o = neuron()
    data = step(o).data
    w1 = next(i for i, n in data["nodes"].items() if n["name"] == "w1")
    walk = data["timelines"]["nudge"][f"{w1}|0.001"]
    last = walk[-1]["values"]
    assert last["predicted"] == pytest.approx(1.0 * 0.001)
    assert last["change"] == pytest.approx(0.001, rel=2e-3)
    perturbed = neuron()
    leaves = {n.label: n for n in topological_order(perturbed) if n.is_leaf}
    leaves["w1"].data += 0.001
    assert o.data + last["change"] == pytest.approx(
        math.tanh(
            sum(leaves[x].data * leaves[w].data for x, w in (("x1", "w1"), ("x2", "w2"))) + leaves["b"].data
        )
    )


def test_quiz_hides_each_grad_and_offers_the_right_answer_among_choices():
    o = neuron()
    data = step(o).data
    for record in data["timelines"]["quiz"]:
        (ident,) = record["focus"]
        assert record["nodes"][ident]["g"] == "grad ?"
        answer = record["quiz"]["answer"]
        assert any(abs(parse_number(c) - answer) < 5e-4 for c in record["quiz"]["choices"])
        assert shown(record["reveal"]["nodes"][ident]["g"]) == pytest.approx(answer, abs=5e-4)


def test_boxes_have_room_for_every_text_of_every_step():
    o = neuron()
    stepper = step(o)
    chars, edge_chars = text_extents(stepper.data)
    assert chars["n0_x1-grad"] >= len("grad −1.500")
    widths = dict(
        re.findall(
            r'<g id="(n\d+_?\w*)" class="node[^"]*"[^>]*><title>[^<]*</title><rect [^>]*width="([\d.]+)"',
            stepper.svg(),
        )
    )
    assert set(widths) == set(stepper.data["nodes"])
    for ident, width in widths.items():
        assert float(width) >= 0.6 * 15 * max(chars[f"{ident}-data"], chars[f"{ident}-grad"])


def test_labels_are_escaped_in_svg_and_json():
    evil = Value(1.0, "<img src=x onerror=alert(1)>")
    closing = Value(2.0, "</script><script>alert(2)</script>")
    out = evil * closing
    stepper = step(out)
    page = stepper.html()
    assert "<img src=x" not in page and "</script><script>alert(2)" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in stepper.svg()
    payload = page.split('<script type="application/json" id="step-data">', 1)[1].split("</script>", 1)[0]
    names = {info["name"] for info in json.loads(payload)["nodes"].values()}
    assert {"<img src=x onerror=alert(1)>", "</script><script>alert(2)</script>"} <= names


def test_script_json_cannot_close_the_script_element():
    text = script_json({"label": "</script>&\u2028"})
    assert "<" not in text and "&" not in text and "\u2028" not in text
    assert json.loads(text) == {"label": "</script>&\u2028"}


def test_page_is_self_contained():
    page = step(neuron()).html()
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    assert "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in page


def test_save_writes_the_page_and_refuses_unknown_extensions(tmp_path):
    stepper = step(neuron())
    target = stepper.save(tmp_path / "neuron.html")
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert stepper.save(tmp_path / "neuron.svg").read_text(encoding="utf-8").startswith("<svg")
    with pytest.raises(ValueError, match=r"\.html"):
        stepper.save(tmp_path / "neuron.png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["neuron.html", "neuron.svg"]


def test_a_front_end_asking_for_one_bundle_gets_the_static_picture():
    stepper = step(neuron())
    bundle, metadata = stepper._repr_mimebundle_()
    assert set(bundle) == {"text/plain", "image/svg+xml", "image/png"}  # no HTML a sanitizer would escape
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG" and metadata["image/png"]["width"] > 100
    assert 'class="stepgraph"' in bundle["image/svg+xml"]


def test_a_graph_too_large_names_the_collapsed_view():
    x = Value(1.0, "x")
    node = x
    for _ in range(300):
        node = node * 1.01
    with pytest.raises(GraphTooLargeError, match="view='neuron'"):
        step(node)


def test_unknown_mode_is_refused():
    with pytest.raises(ValueError, match="unknown step-through mode"):
        step(neuron(), modes=("sideways",))
    with pytest.raises(ValueError, match="unknown mode 'quiz'"):
        step(neuron(), modes=("forward",), mode="quiz")


def test_neuron_view_counts_boxes_and_needs_neurons():
    from demos.steppers import mlp_loss

    stepper = step(mlp_loss(), view="neuron")
    assert stepper.data["counts"]["nodes"] == 60
    assert stepper.svg().count('class="node neuron"') == 9
    with pytest.raises(GraphTooLargeError, match="boxes in the neuron view"):
        step(mlp_loss(), view="neuron", max_nodes=5)
    with pytest.raises(ValueError, match="has no neurons"):
        step(neuron(), view="neuron")


def test_a_compound_name_is_parenthesised_whole_in_every_partial():
    """(x1·w1) + (x2·w2) opens and closes with a parenthesis but is not one group."""
    x1, w1, x2, w2 = Value(2.0, "x1"), Value(-3.0, "w1"), Value(0.0, "x2"), Value(1.0, "w2")
    total = x1 * w1 + x2 * w2
    out = total.tanh()
    out.label = "o"
    forward = step(out).data["timelines"]["forward"]
    lines = [text for s in forward for _, text in s["lines"]]
    assert "∂((x1 · w1) + (x2 · w2))/∂(x1 · w1) = 1.000" in lines
    assert "o = tanh((x1 · w1) + (x2 · w2)) = tanh(−6.000) = −1.000" in lines
    assert not any("= 1 = 1.000" in text for text in lines)


@pytest.mark.parametrize("scale", [1.0, 1e7, 1e-6])
def test_each_quiz_choice_shown_as_the_answer_is_judged_right_and_no_other(scale):
    """The page checks |typed − Δ| ≤ tolerance; the answer as shown must pass, the others fail."""
    x, w = Value(math.pi * scale, "x"), Value(-0.7, "w")
    loss = (x * w) * (x * w)
    loss.label = "L"
    for question in step(loss).data["timelines"]["quiz"]:
        quiz = question["quiz"]
        right = [c for c in quiz["choices"] if abs(parse_number(c) - quiz["answer"]) <= quiz["tolerance"]]
        assert right == [question["reveal"]["nodes"][question["values"]["node"]]["g"].removeprefix("grad ")]


def test_a_one_sample_loss_draws_its_own_term_with_the_target_named_y():
    """The loss of one sample is (h − y)², not Σ of one term over 1; every name is its node's own."""
    from demos.steppers import mlp_loss

    data = step(mlp_loss(), view="neuron").data
    names = [info["name"] for info in data["nodes"].values()]
    assert len(set(names)) == len(names)
    assert names[-3:] == ["y", "L3.N1.h − y", "L"]
    assert not any("Σ" in name or "/ 1" in name for name in names)
    constants = [info["name"] for info in data["nodes"].values() if info["kind"] == "constant"]
    assert constants == ["y"]
    pushes = [text for s in data["timelines"]["backward"] for _, text in s["lines"] if "+=" in text]
    assert not any(text.startswith(f"Δ({name}) += ∂({name})/") for name in names for text in pushes)
    assert pushes[0] == "Δ(L3.N1.h − y) += ∂L/∂(L3.N1.h − y) · Δ(L) = −1.998 × 1.000 = −1.998"


def test_each_path_step_shows_the_running_sum_of_the_products_so_far():
    x = Value(0.5, "x")
    y = x * x
    y.label = "y"
    loss = y * x.exp() + y.tanh()
    loss.label = "L"
    data = step(loss).data
    walk = data["timelines"]["paths"]["n0_x"]
    products = [s["values"]["product"] for s in walk[:-1]]
    assert len(products) == 5  # x·x twice into y, y to two children, and x → exp
    for k, record in enumerate(walk[:-1], 1):
        running = math.fsum(products[:k])
        assert record["values"]["running"] == pytest.approx(running, rel=1e-12)
        assert record["lines"][-1][1].endswith(f"so far: {running:.3f}".replace("-", "−"))
    assert walk[-1]["values"]["sum"] == pytest.approx(x.grad, rel=1e-12)


def test_every_nudged_node_shows_its_exact_change_and_its_own_derivative_times_h():
    """Each node v downstream of w1: change = v(w1 + h) − v(w1), predicted = ∂v/∂w1 · h (by backward from v)."""
    h = 0.01
    o = neuron()
    data = step(o).data
    walk = data["timelines"]["nudge"][f"n1_w1|{h:g}"]
    by_id = dict(zip(data["nodes"], topological_order(o)))
    moved = lecture_neuron(*(Value(v + (h if k == "w1" else 0.0), k) for k, v in INPUTS.items()))
    after = dict(zip(data["nodes"], (n.data for n in topological_order(moved))))
    assert len(walk) == 5  # w1, then x1·w1, the sum, n, o
    for record in walk[1:]:
        node = by_id[record["values"]["node"]]
        for n in topological_order(node):
            n.grad = None
        node.backward()
        w1 = next(n for n in topological_order(node) if n.label == "w1")
        assert record["values"]["predicted"] == pytest.approx(w1.grad * h, rel=1e-12)
        assert record["values"]["change"] == pytest.approx(
            after[record["values"]["node"]] - node.data, rel=1e-9
        )


def test_a_push_onto_a_parent_that_already_held_something_says_what_it_has_accumulated():
    w, loss = diamond()
    steps = step(loss).data["timelines"]["backward"]
    notes = [text for s in steps for kind, text in s["lines"] if text.startswith("Δ(w) is now")]
    pushes = [c for s in steps for c in s["values"]["contributions"] if c[0] == "n0_w"]
    assert len(pushes) == 2 and pushes[1][3] == pytest.approx(pushes[0][2] + pushes[1][2], rel=1e-12)
    assert notes == []  # the first push is the whole sum so far; the second makes it final, as its line says
    total = f"{pushes[0][2]:.3f} + {pushes[1][2]:.3f} = {w.grad:.3f}".replace("-", "−")
    assert f"Δ(w) = {total}   final (a leaf: it pushes nothing)" in [t for s in steps for _, t in s["lines"]]


def test_a_quiz_question_points_at_the_edges_its_answer_is_gathered_from():
    """Δ(w1) comes along the edge w1 → x1·w1; in the neuron view, along the edge that shows w_i."""
    o = neuron()
    questions = {q["values"]["node"]: q for q in step(o).data["timelines"]["quiz"]}
    assert questions["n1_w1"]["trail"] == ["n2_x1_w1-in1"]
    assert questions["n2_x1_w1"]["trail"] == ["n6-in0"]
    assert questions["n9_o"]["trail"] == []  # the seed
    from demos.steppers import mlp_loss

    stepper = step(mlp_loss(), view="neuron")
    for question in stepper.data["timelines"]["quiz"]:
        node = question["values"]["node"]
        if re.search(r"_w\d+$", node):
            assert len(question["trail"]) == 1
            (edge,) = question["trail"]
            assert f'id="{edge}"' in stepper.svg()  # drawn, carrying x_i and labelled w_i


def test_formulas_parenthesise_where_precedence_needs_it_and_nowhere_else():
    x1, w1 = Value(2.0, "x1"), Value(-3.0, "w1")
    x1w1 = x1 * w1
    x1w1.label = "x1*w1"
    q = (x1 + w1) ** 2 - x1w1
    q.label = "q"
    forward = step(q).data["timelines"]["forward"]
    lines = [text for s in forward for _, text in s["lines"]]
    assert "x1 + w1 = 2.000 + (−3.000) = −1.000" in lines
    assert "(x1 + w1)^2 = (−1.000)^2 = 1.000" in lines
    assert "q = ((x1 + w1)^2) − (x1*w1) = 1.000 − (−6.000) = 7.000" in lines
    assert "∂q/∂(x1*w1) = −1.000" in lines


def test_quiz_questions_and_the_seed_parenthesise_a_compound_name():
    x1, w1, x2, w2 = Value(2.0, "x1"), Value(-3.0, "w1"), Value(0.0, "x2"), Value(1.0, "w2")
    out = x1 * w1 + x2 * w2
    data = step(out).data
    questions = [q["lines"][0][1] for q in data["timelines"]["quiz"]]
    assert (
        questions[0]
        == "Start: what is Δ((x1 · w1) + (x2 · w2)) = ∂((x1 · w1) + (x2 · w2))/∂((x1 · w1) + (x2 · w2))?"
    )
    assert "What is Δ(x1 · w1) = ∂((x1 · w1) + (x2 · w2))/∂(x1 · w1)?" in questions
    seed = data["timelines"]["backward"][0]["lines"][0][1]
    assert seed.startswith(
        "Δ((x1 · w1) + (x2 · w2)) = ∂((x1 · w1) + (x2 · w2))/∂((x1 · w1) + (x2 · w2)) = 1.000"
    )


def test_neurons_of_a_layer_are_drawn_in_their_order():
    from demos.steppers import mlp_loss

    svg = step(mlp_loss(), view="neuron").svg()
    rects = re.findall(
        r'data-name="(L\d\.N\d)">\s*<title>[^<]*</title>\s*'
        r'<rect x="([-\d.]+)" y="([-\d.]+)" width="([\d.]+)" height="([\d.]+)"',
        svg,
    )
    centres = {name: (float(x) + float(w) / 2, float(y) + float(h) / 2) for name, x, y, w, h in rects}
    for layer in ("L1", "L2"):
        points = [centres[f"{layer}.N{k}"] for k in range(1, 5)]
        # a layer's neurons spread along one axis (across the ranks): in order along it
        axis = max((0, 1), key=lambda a: max(p[a] for p in points) - min(p[a] for p in points))
        along = [p[axis] for p in points]
        assert along == sorted(along), f"{layer}'s neurons are drawn out of order: {points}"
