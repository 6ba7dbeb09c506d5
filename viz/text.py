"""Text as diagrams show it: numbers with a real minus sign, escaped labels, padding.

Every piece of user text (labels, names) goes through ``html_text`` before it enters a
DOT file: DOT's HTML-like labels then carry it literally, so ``< > & " { } |``, quotes,
newlines and non-ASCII show as written and cannot change the DOT or the SVG markup.
"""

from __future__ import annotations

import html
import re

__all__ = [
    "NOT_COMPUTED",
    "format_number",
    "html_text",
    "attribute_text",
    "pad",
    "parse_number",
    "FIGURE_SPACE",
    "subscript",
    "superscript",
]

NOT_COMPUTED = "not computed"
"""What a grad reads before any backward pass reached its node (never a misleading 0)."""

MINUS = "\u2212"
FIGURE_SPACE = "\u2007"  # as wide as a digit, and SVG does not collapse it
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


_FIXED_POINT = re.compile(r"\.(\d+)f")


def format_number(value: float | None, spec: str = ".4f") -> str:
    """``value`` formatted with ``spec`` (``".4f"``, ``".3g"`` ...), minus as U+2212; None → "not computed".

    Negative zero reads ``0.0000``. With a fixed-point spec ``.Nf``, a non-zero number that
    would show as zero (|x| < 10⁻ᴺ, a vanishing gradient) or that is 10⁶ or more is written
    in scientific notation with N decimals instead (``.4f``: ``2.4580e−05``), so neither a
    diagram nor a step page ever shows a real gradient as 0.
    """
    if value is None:
        return NOT_COMPUTED
    fixed = _FIXED_POINT.fullmatch(spec)
    if fixed and value != 0 and not (10.0 ** -int(fixed.group(1)) <= abs(value) < 1e6):
        spec = f".{fixed.group(1)}e"
    try:
        text = format(value + 0.0, spec)
    except (ValueError, TypeError) as error:
        raise ValueError(f"number format {spec!r} is not a valid format spec for a float: {error}") from None
    if text.startswith("-") and float(text) == 0.0:
        text = text[1:]
    return text.replace("-", MINUS)


_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
_SUPERSCRIPTS = str.maketrans("0123456789", "⁰¹²³⁴⁵⁶⁷⁸⁹")


def subscript(number: int) -> str:
    """``number`` in subscript digits: 12 → "₁₂" (W₁, h₂₃)."""
    return str(number).translate(_SUBSCRIPTS)


def superscript(number: int) -> str:
    """``number`` in superscript digits: 3 → "³" (ℝ³)."""
    return str(number).translate(_SUPERSCRIPTS)


def parse_number(text: str) -> float:
    """Inverse of ``format_number`` for tests and pages: U+2212 and figure spaces are accepted."""
    return float(text.replace(MINUS, "-").replace(FIGURE_SPACE, "").strip())


def pad(text: str, width: int | None) -> str:
    """``text`` centred in ``width`` figure spaces, so later texts of that width fit the same box."""
    if not width or len(text) >= width:
        return text
    missing = width - len(text)
    return FIGURE_SPACE * (missing // 2) + text + FIGURE_SPACE * (missing - missing // 2)


def html_text(text: str) -> str:
    """``text`` for a DOT HTML-like label: markup characters escaped, newlines as line breaks."""
    cleaned = _CONTROL.sub("\ufffd", str(text))
    lines = cleaned.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br/>".join(html.escape(line, quote=True) for line in lines)


def attribute_text(text: str) -> str:
    """``text`` for a double-quoted attribute inside an HTML-like label (one line, escaped)."""
    cleaned = _CONTROL.sub("\ufffd", str(text)).replace("\r", " ").replace("\n", " ")
    return html.escape(cleaned, quote=True)
