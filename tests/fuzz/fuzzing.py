"""The fuzz suite's shared pieces: the input budget and the tally of inputs tried."""

from __future__ import annotations

import os
from collections import Counter

TRIED: Counter[str] = Counter()
"""Inputs tried, by test."""
SECONDS: Counter[str] = Counter()


def scaled(examples: int) -> int:
    """``examples`` under the ci profile, ten times as many under deep."""
    return examples * 10 if os.environ.get("HYPOTHESIS_PROFILE") == "deep" else examples
