"""Shared figure set-up for the demos: matplotlib without a display, files written whole."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from viz.diagram import write_atomically

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["plt", "save_figure"]

plt.rcParams.update({"font.size": 13, "axes.titlesize": 15, "axes.labelsize": 14, "figure.dpi": 110})


def save_figure(figure, path: Path) -> Path:
    """Write ``figure`` as a PNG to ``path`` (atomically: a failure leaves no partial file) and close it."""
    buffer = io.BytesIO()
    try:
        figure.savefig(buffer, format="png", bbox_inches="tight")
    finally:
        plt.close(figure)
    write_atomically(path, buffer.getvalue())
    return path
