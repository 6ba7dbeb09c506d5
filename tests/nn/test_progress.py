"""fit's progress bar: a widget in a notebook with ipywidgets, nothing in one without, text elsewhere."""

from __future__ import annotations

import warnings

from tqdm.notebook import tqdm as notebook_tqdm

from pathgrad.nn import progress


def test_outside_a_kernel_the_bar_is_text_and_follows_disable():
    bar = progress.progress_bar(total=3, disable=True)
    assert not isinstance(bar, notebook_tqdm) and bar.disable
    bar.close()


def test_in_a_kernel_without_ipywidgets_the_bar_is_silent(monkeypatch):
    monkeypatch.setattr(progress, "in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(progress, "has_widgets", lambda: False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # tqdm.auto would warn: IProgress not found
        bar = progress.progress_bar(total=3)
    assert bar.disable and not isinstance(bar, notebook_tqdm)
    bar.close()


def test_in_a_kernel_with_ipywidgets_the_bar_is_a_widget(monkeypatch):
    monkeypatch.setattr(progress, "in_jupyter_kernel", lambda: True)
    monkeypatch.setattr(progress, "has_widgets", lambda: True)
    bar = progress.progress_bar(total=3, display=False)
    assert isinstance(bar, notebook_tqdm) and not bar.disable
    bar.close()
