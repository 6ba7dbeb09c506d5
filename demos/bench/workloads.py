r"""Graph-building workloads, the same recipe for every engine.

* a layered random DAG: ``width`` nodes per layer, each made from the node in its own
  column and (for + and ×) one other node of the layer before, chosen at random; layer
  d is + or × when d mod 4 ∈ {0, 1}, relu when 2, tanh when 3 (so values stay bounded);
  the last layer is summed pairwise into one root. Its depth stays well under the
  default recursion limit, so micrograd's recursive sort can run it;
* the 10⁶-deep chain n ← n·1.0000001 + 0.0;
* L stacked diamonds n ← n·0.5 + n·0.5: 2^L paths from the input to the output, 4L nodes.

The random choices are drawn once, before any timing, from a fixed seed.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from demos.bench.peers import Engine

__all__ = ["DagRecipe", "dag_recipe", "build_dag", "build_chain", "build_diamonds"]

ADD, MUL, RELU, TANH = range(4)


@dataclass(frozen=True)
class DagRecipe:
    """The leaves' values and, node by node, its kind and the column of its second operand."""

    width: int
    leaves: tuple[float, ...]
    steps: tuple[tuple[int, int], ...]

    @property
    def op_nodes(self) -> int:
        """Nodes that an op makes: the layers and the pairwise sum at the end."""
        return len(self.steps) + self.width - 1


def dag_recipe(nodes: int = 100_000, width: int = 200, seed: int = 0) -> DagRecipe:
    """About ``nodes`` op nodes in layers of ``width``."""
    rng = random.Random(seed)
    leaves = tuple(rng.uniform(-1.0, 1.0) for _ in range(width))
    steps = []
    for depth in range(max(1, (nodes - width + 1) // width)):
        for _ in range(width):
            kind = rng.randrange(2) if depth % 4 < 2 else (RELU if depth % 4 == 2 else TANH)
            steps.append((kind, rng.randrange(width)))
    return DagRecipe(width, leaves, tuple(steps))


def build_dag(engine: Engine, recipe: DagRecipe):
    """The recipe's DAG in ``engine``; returns its root."""
    tanh, relu, width = engine.tanh, engine.relu, recipe.width
    layer = [engine.leaf(x) for x in recipe.leaves]
    made: list = []
    for kind, other in recipe.steps:
        a = layer[len(made)]
        if kind == ADD:
            made.append(a + layer[other])
        elif kind == MUL:
            made.append(a * layer[other])
        elif kind == RELU:
            made.append(relu(a))
        else:
            made.append(tanh(a))
        if len(made) == width:
            layer, made = made, []
    while len(layer) > 1:
        pairs = [layer[i] + layer[i + 1] for i in range(0, len(layer) - 1, 2)]
        layer = pairs + layer[len(pairs) * 2 :]
    return layer[0]


def build_chain(engine: Engine, depth: int):
    """(x, n) with n = x·1.0000001 + 0.0, repeated ``depth`` times."""
    x = engine.leaf(1.0)
    n = x
    for _ in range(depth):
        n = n * 1.0000001 + 0.0
    return x, n


def build_diamonds(engine: Engine, count: int):
    """(x, n) with n = n·0.5 + n·0.5, repeated ``count`` times (2^count paths)."""
    x = engine.leaf(1.0)
    n = x
    for _ in range(count):
        n = n * 0.5 + n * 0.5
    return x, n
