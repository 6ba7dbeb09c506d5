r"""The lecture's two-path chain rule: o = K(p, q), p = g(y), q = h(z), y = z = f(w).

With f(w) = w², g = exp, h = sin and K(p, q) = p·q, the single node y = z = f(w) feeds
both p and q, so two paths lead from w to o and the multivariable chain rule adds them:

    ∂o/∂w = ∂K/∂p · g'(y) · f'(w)  +  ∂K/∂q · h'(z) · f'(w)
          =   q   ·  e^y  ·  2w    +    p   · cos z · 2w          (first path + second path)

The demo lists both paths with their local derivatives (read from the graph's edges),
and checks that their sum equals what ``backward()`` computes by dynamic programming
and the closed form above.
"""

from __future__ import annotations

import math
from pathlib import Path

from demos.plots import save_report
from pathgrad.engine import count_paths, paths
from pathgrad.viz.figures import two_paths_graph


def main(out: Path, quick: bool = False) -> dict:
    o, w = two_paths_graph(0.8)  # the same graph the lecture figure draws
    found = list(paths(o, w))
    lines = [f"w = {w.data}, o = {o.data:.6f}; {count_paths(o, w)} paths from w to o"]
    for number, path in enumerate(found, start=1):
        names = " → ".join(node.label for node in path.nodes)
        factors = " · ".join(f"{factor:.6f}" for factor in path.factors)
        lines.append(f"path {number}: {names}\n        {factors} = {path.product:.6f}")
    total = math.fsum(path.product for path in found)
    y = w.data**2
    closed = math.sin(y) * math.exp(y) * 2 * w.data + math.exp(y) * math.cos(y) * 2 * w.data
    lines.append(f"sum of path products = {total:.12f}")
    lines.append(f"backward()'s ∂o/∂w    = {w.grad:.12f}")
    lines.append(f"closed form           = {closed:.12f}")
    save_report(lines, out / "two_paths.txt")
    return {
        "paths": len(found),
        "path products": [round(path.product, 6) for path in found],
        "sum of paths": round(total, 10),
        "backward grad": round(w.grad, 10),
        "sum equals backward": math.isclose(total, w.grad, rel_tol=1e-14),
        "closed form agrees": math.isclose(closed, w.grad, rel_tol=1e-12),
    }


if __name__ == "__main__":
    import sys

    from demos.__main__ import main as run_demos

    run_demos(["two_paths", *sys.argv[1:]])
