"""Themes: type sizes and colours for the projector (default), the screen and print.

Colours are from the Okabe–Ito palette, which colour-blind viewers tell apart:
positive gradients blue (#0072B2), negative vermillion (#D55E00). The print theme is
greyscale and tells signs apart by line style (solid positive, dashed negative).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

__all__ = ["Theme", "THEMES", "get_theme", "OKABE_ITO"]

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky blue": "#56B4E9",
    "bluish green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish purple": "#CC79A7",
}


@dataclass(frozen=True)
class Theme:
    """Everything a renderer needs to know about looks.

    ``highlights`` are the colours of highlighted paths, in order; ``dashed_negative``
    draws negative contributions dashed (for greyscale print).
    """

    name: str
    font: str
    font_size: int
    small_size: int
    edge_font_size: int
    background: str
    foreground: str
    positive: str
    negative: str
    neutral: str
    dim: str
    input_fill: str
    parameter_fill: str
    constant_fill: str
    result_fill: str
    op_fill: str
    group_fill: str
    highlights: tuple[str, ...]
    min_pen: float
    max_pen: float
    dashed_negative: bool = False

    def sign_colour(self, value: float | None) -> str:
        """Colour for a number's sign: positive, negative, or neutral for 0 and "not computed"."""
        if value is None or value == 0:
            return self.neutral
        return self.positive if value > 0 else self.negative

    def pen_width(self, magnitude: float | None, largest: float) -> float:
        """Edge width ∝ |contribution|: min_pen + (max_pen − min_pen)·|c|/max|c|."""
        if magnitude is None or largest <= 0:
            return self.min_pen
        return round(self.min_pen + (self.max_pen - self.min_pen) * min(abs(magnitude) / largest, 1.0), 2)


PROJECTOR = Theme(
    name="projector",
    font="DejaVu Sans,Helvetica,Arial,sans-serif",
    font_size=26,
    small_size=20,
    edge_font_size=22,
    background="#FFFFFF",
    foreground="#000000",
    positive=OKABE_ITO["blue"],
    negative=OKABE_ITO["vermillion"],
    neutral="#555555",
    dim="#C8C8C8",
    input_fill="#FFF3C4",
    parameter_fill="#D6ECFA",
    constant_fill="#EEEEEE",
    result_fill="#FFFFFF",
    op_fill="#F2F2F2",
    group_fill="#F7F7F7",
    highlights=(
        OKABE_ITO["bluish green"],
        OKABE_ITO["reddish purple"],
        OKABE_ITO["orange"],
        OKABE_ITO["sky blue"],
    ),
    min_pen=2.0,
    max_pen=9.0,
)

LIGHT = replace(
    PROJECTOR,
    name="light",
    font_size=14,
    small_size=11,
    edge_font_size=12,
    foreground="#222222",
    neutral="#777777",
    dim="#D4D4D4",
    input_fill="#FFF8DC",
    parameter_fill="#E8F4FB",
    constant_fill="#F2F2F2",
    op_fill="#F6F6F6",
    group_fill="#FAFAFA",
    min_pen=1.0,
    max_pen=5.0,
)

PRINT = replace(
    LIGHT,
    name="print",
    font="DejaVu Serif,Times,serif",
    foreground="#000000",
    positive="#000000",
    negative="#000000",
    neutral="#666666",
    dim="#BBBBBB",
    input_fill="#FFFFFF",
    parameter_fill="#E6E6E6",
    constant_fill="#F4F4F4",
    op_fill="#FFFFFF",
    group_fill="#F8F8F8",
    highlights=("#000000", "#555555", "#888888"),
    min_pen=0.8,
    max_pen=4.0,
    dashed_negative=True,
)

THEMES = {theme.name: theme for theme in (PROJECTOR, LIGHT, PRINT)}


def get_theme(theme: str | Theme) -> Theme:
    """The theme named ``theme`` (or ``theme`` itself); unknown names list the known ones."""
    if isinstance(theme, Theme):
        return theme
    try:
        return THEMES[theme]
    except (KeyError, TypeError):
        raise ValueError(f"unknown theme {theme!r}; themes: {', '.join(THEMES)}") from None
