"""``warn``: a warning that points at the user's line, not at the library's insides."""

from __future__ import annotations

import sys
import warnings
from pathlib import Path

__all__ = ["warn"]

_LIBRARY = tuple(str(Path(__file__).resolve().parents[1] / package) for package in ("engine", "nn", "viz"))
"""The folders of pathgrad.engine, pathgrad.nn and pathgrad.viz (an editable or a wheel install alike)."""


def warn(message: str, category: type[Warning]) -> None:
    """``warnings.warn(message, category)`` attributed to the first caller outside pathgrad."""
    level, frame = 1, sys._getframe(0)  # level 1 is this function; count up to the first outside frame
    while frame is not None and str(Path(frame.f_code.co_filename).resolve()).startswith(_LIBRARY):
        level, frame = level + 1, frame.f_back
    warnings.warn(message, category, stacklevel=level)
