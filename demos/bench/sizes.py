"""How big each workload is and how often it runs, for a full and a quick bench."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Sizes", "SIZES"]


@dataclass(frozen=True)
class Sizes:
    """Workload sizes and run counts (every timed number is a median of ``*_runs`` runs)."""

    name: str
    warmups: int
    moons_samples: int
    moons_runs: int
    dag_nodes: int
    dag_runs: int
    chain_depth: int
    chain_runs: int
    memory_nodes: int
    diamonds: tuple[int, ...]
    diamond_runs: int
    viz_runs: int
    training_runs: int  # the 100-step runs and the epochs: milliseconds each, so more runs


SIZES = {
    "full": Sizes(
        "full", 1, 100, 3, 100_000, 3, 1_000_000, 2, 100_000, (250, 500, 1000, 2000, 4000), 3, 3, 11
    ),
    "quick": Sizes("quick", 0, 20, 1, 5_000, 1, 10_000, 1, 5_000, (50, 100, 200), 1, 1, 1),
}
