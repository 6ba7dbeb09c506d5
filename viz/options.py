"""The options every ``pathgrad.viz.draw`` view understands, checked once with clear errors."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from .text import check_number_format, format_number
from .theme import Theme, get_theme

__all__ = ["Options", "FIELD_NAMES", "DIRECTIONS", "COLLAPSE_MODES"]

FIELD_NAMES = ("label", "data", "grad", "local", "formula")
"""label/data/grad: cells of a node; local: the local derivative on each edge; formula: its formula."""

DIRECTIONS = ("LR", "TB", "RL", "BT")
COLLAPSE_MODES = (None, "neuron", "layer")
DEFAULT_FIELDS = ("label", "data", "grad", "local")


@dataclass(frozen=True)
class Options:
    """Checked drawing options.

    Attributes:
        fields: what to show, from ``FIELD_NAMES``.
        rankdir: layout direction, one of ``DIRECTIONS``.
        number_format: a float format spec such as ``".4f"`` or ``".3g"``.
        theme: the ``Theme``.
        pad: texts of data and grad are padded to this many characters (one layout, many states).
        groups: draw a box around each neuron's nodes in the expanded graph.
    """

    fields: tuple[str, ...] = DEFAULT_FIELDS
    rankdir: str = "LR"
    number_format: str = ".4f"
    theme: Theme = get_theme("projector")
    pad: int | None = None
    groups: bool = True

    @classmethod
    def make(
        cls,
        fields=DEFAULT_FIELDS,
        rankdir: str = "LR",
        number_format: str = ".4f",
        theme: str | Theme = "projector",
        pad: int | None = None,
        groups: bool = True,
    ) -> Options:
        """Options from user values; any unknown value raises ``ValueError`` naming the option."""
        if isinstance(fields, str):
            fields = (fields,)
        if not isinstance(fields, Iterable):
            raise TypeError(f"fields: needs field names such as ('label', 'data'), got {fields!r:.40}")
        fields = tuple(fields)
        unknown = [f for f in fields if f not in FIELD_NAMES]
        if unknown:
            raise ValueError(
                f"fields: unknown {', '.join(map(repr, unknown))}; fields are {', '.join(FIELD_NAMES)}"
            )
        if rankdir not in DIRECTIONS:
            raise ValueError(
                f"rankdir: unknown direction {rankdir!r}; directions are {', '.join(DIRECTIONS)}"
            )
        try:
            check_number_format(number_format)
        except ValueError as error:
            raise ValueError(f"number_format: {error}") from None
        if pad is not None and (isinstance(pad, bool) or not isinstance(pad, int) or not 0 <= pad <= 40):
            raise ValueError(f"pad: needs a whole number of characters from 0 to 40, got {pad!r}")
        return cls(fields, rankdir, number_format, get_theme(theme), pad, bool(groups))

    def number(self, value: float | None) -> str:
        """A number as this diagram shows it."""
        return format_number(value, self.number_format)
