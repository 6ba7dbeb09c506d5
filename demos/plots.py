"""Shared output of the demos: matplotlib without a display, figures and reports written whole."""

from __future__ import annotations

import io
from pathlib import Path

import matplotlib

from pathgrad.engine.files import write_atomically

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["plt", "save_figure", "save_report"]

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


def save_report(lines: list[str], path: Path) -> Path:
    """Print a demo's report and write it to ``path`` (atomically: a failure leaves no partial file)."""
    text = "\n".join(lines) + "\n"
    write_atomically(path, text.encode("utf-8"))
    print(text, end="")
    return path
