"""Reading a step page's data back: every cell's text once a timeline has been applied."""

from __future__ import annotations


def final_state(page, mode: str = "backward") -> dict[str, dict[str, str]]:
    """Each node's cell texts (``d``, ``g``, ``c``) after the whole ``mode`` timeline, as the page shows them."""
    state = {ident: dict(change) for ident, change in page.data["initial"][mode]["nodes"].items()}
    for record in page.data["timelines"][mode]:
        for ident, change in record["nodes"].items():
            state.setdefault(ident, {}).update(change)
    return state
