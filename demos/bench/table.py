"""The results as a Markdown table: one row per workload, a column per engine, the ratio."""

from __future__ import annotations

from collections.abc import Sequence

from demos.bench.measure import Failure, seconds
from demos.bench.runs import Row
from demos.bench.sizes import Sizes

__all__ = ["render"]

ENGINE_COLUMNS = ("pathgrad", "micrograd", "torch")


def _cell(row: Row, value: float | Failure | None) -> str:
    if value is None:
        return "n/a"
    if isinstance(value, Failure):
        return str(value).split(":")[0]  # "RecursionError", "not available": the notes say more
    if row.kind == "bytes":
        return f"{value:.0f} B"
    if row.kind == "per node":
        return f"{value * 1e9:,.0f} ns"
    return seconds(value)


def _ratio(row: Row) -> str:
    ours, theirs = row.values.get("pathgrad"), row.values.get("micrograd")
    if row.kind == "info" or not isinstance(ours, float) or not isinstance(theirs, float):
        return ""
    if row.kind == "time":
        return f"{theirs / ours:,.1f}× faster"
    return f"{ours / theirs:.2f}×"


def render(rows: list[Row], sizes: Sizes, machine: str, elapsed: float, only: Sequence[str] = ()) -> str:
    """The table, the notes under it and the machine it ran on (``only``: the parts measured, if not all)."""
    parts = f", only {', '.join(only)}" if only else ""
    lines = [
        f"pathgrad vs micrograd 0.1.0 vs PyTorch (scalar 0-dim float64 tensors) — {sizes.name} run{parts}",
        "",
        "| workload | pathgrad | micrograd | torch | pathgrad vs micrograd | target |",
        "|---|---:|---:|---:|---:|---|",
    ]
    notes = []
    for row in rows:
        cells = [_cell(row, row.values.get(name)) if name in row.values else "" for name in ENGINE_COLUMNS]
        lines.append(f"| {row.workload} | {' | '.join(cells)} | {_ratio(row)} | {row.target} |")
        if row.note:
            notes.append(f"- {row.workload.strip()}: {row.note}")
    lines += ["", *notes, ""]
    lines.append(
        f"Medians of {sizes.moons_runs} runs after {sizes.warmups} warm-up run(s) ({sizes.chain_runs} for pathgrad's "
        f"deep chain, 1 for micrograd's and torch's, {max(3, sizes.training_runs)} for the 100-step runs and the "
        "epochs); garbage collector on and default recursion limit for every engine."
    )
    lines.append(f"Machine: {machine}. Bench time {elapsed:.0f} s.")
    return "\n".join(lines)
