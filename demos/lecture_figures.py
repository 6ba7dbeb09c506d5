"""Every figure of the lecture notes, as SVG and PNG: networks, vector units, the
autoencoder, the two-path chain rule, pre-/post-activation, the micrograd neuron.

Each figure is one call in ``pathgrad.viz.figures``; this demo saves them all and reports the
two-path chain rule's numbers (path products and their sum against backward()).
"""

from __future__ import annotations

import math
from pathlib import Path

from pathgrad.engine import paths
from pathgrad.viz.figures import FIGURES, two_paths_graph


def main(out: Path, quick: bool = False) -> dict:
    written = []
    for name, figure in FIGURES.items():
        diagram = figure()
        for extension in (".svg", ".png"):
            written.append(diagram.save(out / f"{name}{extension}").name)
    o, w = two_paths_graph()
    products = [p.product for p in paths(o, w)]
    return {
        "figures": len(FIGURES),
        "files": len(written),
        "two paths: products": [round(p, 4) for p in products],
        "two paths: sum = backward grad": f"{math.fsum(products):.6f} = {w.grad:.6f}",
    }
