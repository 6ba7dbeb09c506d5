"""Shared figure set-up for the demos: matplotlib without a display, files written whole."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["plt", "save_figure"]

plt.rcParams.update({"font.size": 13, "axes.titlesize": 15, "axes.labelsize": 14, "figure.dpi": 110})


def save_figure(figure, path: Path) -> Path:
    """Write ``figure`` as a PNG to ``path`` (atomically: a failure leaves no partial file) and close it."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".png")
    os.close(handle)
    try:
        figure.savefig(temporary, bbox_inches="tight")
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise
    finally:
        plt.close(figure)
    return path
