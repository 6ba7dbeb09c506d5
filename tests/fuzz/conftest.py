"""The fuzz suite's budget and its report: how many inputs each test tried, and how long it took.

Hypothesis draws the inputs. The ``ci`` profile (the default) keeps the whole suite under
a minute and draws the same inputs on every run, so the suite's verdict on a commit never
changes by chance; ``HYPOTHESIS_PROFILE=deep`` draws ten times as many, afresh each run,
to search for new failures. No example database is kept; a failure prints the input that
reproduces it, which then becomes a named test in ``test_regressions.py``.
"""

from __future__ import annotations

import os
import time

import pytest
from hypothesis import HealthCheck, settings

from fuzzing import SECONDS, TRIED

for profile, examples, fixed in (("ci", 100, True), ("deep", 1000, False)):
    settings.register_profile(
        profile,
        max_examples=examples,
        derandomize=fixed,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture
def tried(request):
    """Call ``tried()`` once per input (``tried(n)`` for n inputs at once); the summary adds them up."""
    name = request.node.name.split("[")[0]
    start = time.perf_counter()

    def count(inputs: int = 1) -> None:
        TRIED[name] += inputs

    yield count
    SECONDS[name] += time.perf_counter() - start


def pytest_terminal_summary(terminalreporter):
    if not TRIED:
        return
    terminalreporter.section("fuzz: inputs tried")
    for name, count in sorted(TRIED.items()):
        terminalreporter.write_line(f"{count:>7,}  {SECONDS[name]:6.1f} s  {name}")
    total, seconds = sum(TRIED.values()), sum(SECONDS.values())
    terminalreporter.write_line(f"{total:>7,}  {seconds:6.1f} s  in all")
