"""Timing, memory and the machine: medians of runs after a warm-up, and what ran them."""

from __future__ import annotations

import gc
import importlib.metadata
import os
import platform
import statistics
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = [
    "Failure",
    "Phases",
    "median_phases",
    "medians",
    "Rounds",
    "side_by_side",
    "median_ratio",
    "traced_bytes",
    "machine",
    "seconds",
]


@dataclass(frozen=True)
class Failure:
    """A run that raised: the table shows the exception's name instead of a time."""

    error: str

    def __str__(self) -> str:
        return self.error


@dataclass
class Phases:
    """The seconds of each named phase of one run (build, backward, free ...)."""

    seconds: dict[str, float | Failure] = field(default_factory=dict)

    def timed(self, name: str, action: Callable[[], object]) -> object:
        """Run ``action``, keep its duration under ``name``, return its result."""
        started = time.perf_counter()
        result = action()
        self.seconds[name] = time.perf_counter() - started
        return result

    def failed(self, name: str, error: BaseException) -> None:
        """Record that phase ``name`` raised ``error`` (micrograd's RecursionError, say)."""
        self.seconds[name] = Failure(type(error).__name__)


def median_phases(run: Callable[[Phases], object], runs: int, warmups: int = 1) -> dict[str, float | Failure]:
    """Each phase's median over ``runs`` runs of ``run`` after ``warmups`` untimed ones.

    A phase that failed in any run (``Phases.failed``) reports its failure instead.
    """
    results: list[dict[str, float | Failure]] = []
    for index in range(warmups + runs):
        phases = Phases()
        run(phases)
        if index >= warmups:
            results.append(phases.seconds)
    return medians(results)


def medians(results: list[dict[str, float | Failure]]) -> dict[str, float | Failure]:
    """Each phase's median over the runs' ``Phases.seconds``, or the first failure of a phase that failed."""
    summary: dict[str, float | Failure] = {}
    for name in results[0]:
        values = [r[name] for r in results]
        failures = [v for v in values if isinstance(v, Failure)]
        summary[name] = failures[0] if failures else statistics.median(values)
    return summary


Rounds = dict[str, list[dict[str, float]]]


def side_by_side(forms: dict[str, Callable[[Phases], object]], rounds: int, warmups: int = 1) -> Rounds:
    """Each form's phases, round by round: every form runs once a round, all in this process.

    The order rotates from round to round, so no form always runs first or always right
    after the same other; ``warmups`` untimed rounds come first. Two forms measured so
    share the machine's moment, which a ratio between separate processes does not.
    """
    names = list(forms)
    runs: Rounds = {name: [] for name in names}
    for index in range(warmups + rounds):
        turn = index % len(names)
        for name in names[turn:] + names[:turn]:
            phases = Phases()
            forms[name](phases)
            if index >= warmups:
                runs[name].append(phases.seconds)
    return runs


def median_ratio(runs: Rounds, numerator: tuple[str, str], denominator: tuple[str, str]) -> float:
    """The median over rounds of one (form, phase)'s seconds over another's in the same round."""
    (top, top_phase), (bottom, bottom_phase) = numerator, denominator
    return statistics.median(
        a[top_phase] / b[bottom_phase] for a, b in zip(runs[top], runs[bottom], strict=True)
    )


def traced_bytes(build: Callable[[], object]) -> int:
    """Bytes that Python's allocator holds for what ``build`` returns (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        kept = build()
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    del kept
    gc.collect()
    return after - before


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    """One line: CPU, cores, OS, Python and the versions of the compared packages."""
    return (
        f"{_cpu_model()}, {os.cpu_count()} cores, {platform.system()} {platform.release()}; "
        f"Python {platform.python_version()}, numpy {_version('numpy')}, torch {_version('torch')}, "
        f"micrograd {_version('micrograd')}"
    )


def seconds(value: float) -> str:
    """A duration with a unit that keeps three significant digits."""
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("µs", 1e-6)):
        if value >= scale:
            return f"{value / scale:.3g} {unit}"
    return f"{value * 1e9:.3g} ns"
