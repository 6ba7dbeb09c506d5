"""``progress_bar``: tqdm's bar as a notebook widget, as text in a terminal, and quiet otherwise.

``tqdm.auto`` warns (``TqdmWarning: IProgress not found``, red in a notebook) the moment
it is imported in a Jupyter kernel without ipywidgets, and its text bar then lands in the
notebook as red stderr output. So the bar is chosen when one is made:

| where                              | the bar                       |
|------------------------------------|-------------------------------|
| Jupyter kernel with ipywidgets     | ``tqdm.notebook`` (a widget)  |
| Jupyter kernel without ipywidgets  | none (the bar is disabled)    |
| anywhere else                      | ``tqdm``'s text bar           |
"""

from __future__ import annotations

import importlib.util
import sys

from tqdm.std import tqdm

__all__ = ["progress_bar", "in_jupyter_kernel", "has_widgets"]


def in_jupyter_kernel() -> bool:
    """True inside a Jupyter (IPython) kernel, whose output goes to a notebook, not a terminal."""
    shell = sys.modules.get("IPython")
    get_ipython = getattr(shell, "get_ipython", None)
    return get_ipython is not None and getattr(get_ipython(), "kernel", None) is not None


def has_widgets() -> bool:
    """True where ipywidgets can be imported (tqdm's notebook bar needs it)."""
    return importlib.util.find_spec("ipywidgets") is not None


def progress_bar(*, disable: bool | None = None, **options) -> tqdm:
    """A tqdm bar for where the code runs; ``disable=None`` shows it only where it can be seen."""
    if not in_jupyter_kernel():
        return tqdm(disable=disable, **options)
    if not has_widgets():
        return tqdm(disable=True, **options)
    from tqdm.notebook import tqdm as notebook_tqdm

    return notebook_tqdm(disable=bool(disable), **options)
