"""``index.html``: the demos' outputs in the order of the lecture notes, each with a caption.

``LECTURE`` is one table: its sections follow the notes (networks, the autoencoder,
graphs, paths, pre- and post-activation, activations, softmax, training), and each
known output has its caption there. Whatever else any demo wrote still appears, under
"Other outputs". An output is every file of one name: images inline (SVG preferred
over a PNG of the same name, which is linked), a step-through page opened from its
picture, a text finding shown as written. A picture much taller than wide is shown at
the page's width in a frame that scrolls, rather than shrunk to a sliver. A picture too
big to read whole (the digits network, one box per neuron) comes as ``<name>.full.svg``
beside a legible crop ``<name>.svg``: the crop is shown, and opens the whole picture.
File names and texts are escaped.
"""

from __future__ import annotations

import html
import re
import struct
from pathlib import Path
from urllib.parse import quote

from pathgrad.engine.files import write_atomically

__all__ = ["LECTURE", "write_gallery", "main"]

SHOWN = (".svg", ".png", ".html", ".txt")
TALL = 2.5
"""A picture whose height is more than this many widths scrolls in a frame at full width."""
WHOLE = ".full"
"""``<name>.full.svg`` is the whole picture of which ``<name>.svg`` shows a crop."""
TEXT_SHOWN = 8_000
"""Text findings up to this many characters are shown inline; longer ones only linked."""

LECTURE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    (
        "networks",
        "Multilayer networks",
        (
            (
                "figure_a_network_with_bias",
                "Figure (a): two hidden layers and an output, with bias neurons +1.",
            ),
            ("figure_b_network_without_bias", "Figure (b): the same network without bias neurons."),
            ("figure_c_scalar_units", "Figure (c): every unit a scalar; h₁, h₂ and o with their sizes."),
            ("figure_d_vector_units", "Figure (d): one vector unit per layer, weight matrices on the edges."),
        ),
    ),
    (
        "autoencoder",
        "The autoencoder and the SVD",
        (
            (
                "figure_autoencoder",
                "The autoencoder: as many outputs as inputs, through a constricted code (deep: 6-4-2-4-6).",
            ),
            (
                "autoencoder_svd",
                "Its shallow linear variant, 6-2-6, trained by backprop, reaches the rank-2 SVD: its error meets "
                "the SVD's, and decoder and encoder turn into the top singular subspace (principal angles).",
            ),
        ),
    ),
    (
        "graphs",
        "The network as a computational graph",
        (
            (
                "micrograd_neuron",
                "The micrograd lecture's neuron o = tanh(x1·w1 + x2·w2 + b): every value, gradient "
                "and local derivative.",
            ),
            ("step_neuron", "Step through that neuron: the forward pass, then backward one edge at a time."),
            ("neuron_values", "Its values and gradients, node by node."),
            ("lecture_neuron", "The same neuron as an nn.Neuron: a, h, δ = 1 − h² and each ∂h/∂w."),
        ),
    ),
    (
        "paths",
        "The chain rule over paths",
        (
            ("figure_two_paths", "∂o/∂w is the sum over both paths of the products of local derivatives."),
            ("figure_two_paths_first", "The first path, through p = g(y)."),
            ("figure_two_paths_second", "The second path, through q = h(z)."),
            ("step_two_paths", "Step through the two paths and their sum, which backward() computes once."),
            ("two_paths", "The path products, their sum, backward()'s ∂o/∂w and the closed form."),
        ),
    ),
    (
        "activations",
        "Pre- and post-activation: the δ and Δ recursions",
        (
            ("figure_1_1_pre_post_activation", "Figure 1.1: a = Σ w·x + b and h = Φ(a) within one neuron."),
            ("figure_1_1_neuron_box", "The same neuron as one box: a, h, Φ′(a), δ and Δ."),
            ("mlp_neuron_view", "A 2-3-2-1 network, one box per neuron, ∂L/∂w on the edges."),
            ("mlp_layer_view", "The same network as vector units: a, h, δ, Δ and b per layer, W and ∂L/∂W."),
            ("step_mlp", "Step through a 2-4-4-1 network, one box per neuron."),
            ("step_mlp_layers", "The same network, one box per layer: vectors, W and ∂L/∂W = h δᵀ."),
            ("step_mlp_nodes", "The same network node by node."),
        ),
    ),
    (
        "updates",
        "Updates for various activations",
        (
            (
                "activation_updates",
                "δ from backprop against the closed forms Φ′: 1, h(1 − h), 1 − h², and case by case "
                "for ReLU and hard tanh.",
            ),
        ),
    ),
    (
        "softmax",
        "The special case of softmax",
        (
            (
                "softmax_shortcut",
                "With cross-entropy, ∂L/∂v_i = o_i − y_i, fused or composed of exp, Σ, ÷ and log.",
            ),
        ),
    ),
    (
        "training",
        "Training",
        (
            (
                "step_training",
                "Step through training on XOR: the graph of x = (1, 1), iteration by iteration.",
            ),
            ("moons_loss", "micrograd's moons: loss and accuracy over 100 steps."),
            ("moons_boundary", "The decision boundary after training."),
            ("universal_approximation", "One hidden layer fits a curve better and better as it widens."),
            ("digits_sample", "Handwritten digits: the test image the network is least sure of."),
            ("digits_sample_layers", "That image's loss graph, one vector unit per layer."),
            (
                "digits_sample_neurons",
                "The same graph, one box per neuron, cropped to the loss and the neurons level with it "
                "(hidden, then output) so it reads from the back of the hall; click it for the whole "
                "graph, all 42 neurons and 2,368 edges, to zoom into.",
            ),
        ),
    ),
)
"""Sections in the order of the lecture notes: (key, heading, ((output name, caption), ...))."""

OTHER = ("other", "Other outputs")


def _size(path: Path) -> tuple[float, float] | None:
    """(width, height) of an SVG or PNG, from its header; ``None`` when it cannot be read."""
    try:
        with path.open("rb") as file:
            head = file.read(4096)
    except OSError:
        return None
    if head.startswith(b"\x89PNG\r\n\x1a\n") and len(head) >= 24:
        return struct.unpack(">II", head[16:24])
    svg = re.search(rb"<svg\b[^>]*?\swidth=\"([\d.]+)[a-z]*\"[^>]*?\sheight=\"([\d.]+)[a-z]*\"", head)
    return (float(svg[1]), float(svg[2])) if svg else None


def _picture(image: Path, opens: Path, title: str) -> str:
    img = f'<img src="{quote(image.name)}" alt="{title}" loading="lazy">'
    size = _size(image)
    link = f'<a href="{quote(opens.name)}">{img}</a>'
    if size and size[0] > 0 and size[1] > TALL * size[0]:
        return f'<div class="tall">{link}</div>'
    return link


def _text(path: Path) -> str:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    return f"<pre>{html.escape(text)}</pre>" if len(text) <= TEXT_SHOWN else ""


def _entry(stem: str, files: dict[str, Path], caption: str = "") -> str:
    title = html.escape(stem)
    links = " · ".join(
        f'<a href="{quote(path.name)}">{html.escape(kind[1:].replace(".", " ").upper())}</a>'
        for kind, path in sorted(files.items())
    )
    image = files.get(".svg") or files.get(".png")
    opens = files.get(".html") or files.get(WHOLE + ".svg") or image
    body = _picture(image, opens, title) if image else ""
    if ".txt" in files and not image:
        body = _text(files[".txt"])
    interactive = " Interactive: open it and press →." if ".html" in files else ""
    words = f"<br>{html.escape(caption)}{interactive}" if caption or interactive else ""
    return f"<figure><figcaption><b>{title}</b> — {links}{words}</figcaption>{body}</figure>"


def _outputs(out: Path) -> dict[str, dict[str, Path]]:
    groups: dict[str, dict[str, Path]] = {}
    for path in sorted(out.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in SHOWN
            and path.name != "index.html"
            and not path.name.startswith(".")
        ):
            stem, kind = path.stem, path.suffix.lower()
            if stem.endswith(WHOLE):
                stem, kind = stem[: -len(WHOLE)], WHOLE + kind
            groups.setdefault(stem, {})[kind] = path
    return groups


def write_gallery(out: Path) -> Path:
    """Write ``out/index.html`` showing every SVG/PNG/HTML/TXT file in ``out`` (not itself), in lecture order."""
    groups = _outputs(out)
    sections, contents, placed = [], [], set()
    for key, heading, known in (*LECTURE, (*OTHER, ())):
        if key == OTHER[0]:
            entries = [_entry(stem, files) for stem, files in groups.items() if stem not in placed]
        else:
            present = [(stem, caption) for stem, caption in known if stem in groups]
            placed.update(stem for stem, _ in present)
            entries = [_entry(stem, groups[stem], caption) for stem, caption in present]
        if entries:
            sections.append(f'<h2 id="{key}">{html.escape(heading)}</h2>\n' + "\n".join(entries))
            contents.append(f'<a href="#{key}">{html.escape(heading)}</a>')
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pathgrad demos</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: sans-serif; font-size: clamp(16px, 1.25vw, 24px); margin: 1.5em 2em; max-width: 80em;
  background: #fff; color: #000; line-height: 1.4; }}
h2 {{ margin-top: 1.5em; border-bottom: 2px solid #1f4e9c; }}
figure {{ margin: 0 0 2.5em 0; border-bottom: 1px solid #ccc; padding-bottom: 1em; }}
img {{ max-width: 100%; max-height: 80vh; }}
.tall {{ max-height: 80vh; overflow: auto; border: 1px solid #ccc; }}
.tall img {{ width: 100%; max-height: none; }}
pre {{ font-size: 0.9em; overflow-x: auto; background: #f4f6f8; padding: 0.8em; }}
figcaption {{ margin-bottom: .5em; }}
</style></head>
<body><h1>pathgrad demos</h1>
<p>{len(groups)} outputs, in the order of the lecture notes: {" · ".join(contents)}</p>
{chr(10).join(sections)}
</body></html>
"""
    target = out / "index.html"
    write_atomically(target, page.encode("utf-8"))
    return target


def main(out: Path, quick: bool = False) -> dict:
    return {"gallery": str(write_gallery(out))}
