r"""Text as diagrams show it: numbers with a real minus sign, escaped labels, padding.

Every piece of user text (labels, names, captions) goes through ``html_text`` (or, for a
tooltip, ``attribute_text``) before it enters a DOT file, whichever view draws it. DOT's
HTML-like labels then carry it literally: ``< > & " { } |``, quotes, newlines, TeX such as
``\Gamma_1``, Windows paths, right-to-left text and emoji show as written and cannot change
the DOT or the SVG markup. Three rules make that hold for any string:

* **Backslashes are doubled.** Graphviz expands ``\G \N \E \T \H \L`` (graph, node and
  edge names) and ``\n \l \r`` in every label and tooltip, HTML-like ones included, and
  reads ``\\`` as one backslash; doubling each one leaves nothing for it to expand.
* **Characters no file can carry read U+FFFD**, with one ``UnrepresentableTextWarning``
  naming the text: lone surrogates (no UTF-8 form), the 66 Unicode noncharacters
  (U+FDD0–U+FDEF, U+FFFE, U+FFFF and their kin in every plane; Graphviz's XML parser
  refuses U+FFFE/U+FFFF) and the control characters XML forbids. A tab reads as a space.
* **Long text is shortened for display**: at most ``LABEL_WIDTH`` characters a line and
  ``LABEL_LINES`` lines, ending in "…"; the tooltip keeps up to ``TOOLTIP_WIDTH``
  characters and the graph (``Value.label``, the step page's data) keeps all of it. So no
  label comes near Graphviz's 16,384-character limit on one HTML-like label.

``shown_text`` applies the second rule alone, for pages and anything else that is not DOT.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections import deque
from functools import lru_cache

from .warn import warn

__all__ = [
    "NOT_COMPUTED",
    "LABEL_WIDTH",
    "LABEL_LINES",
    "TOOLTIP_WIDTH",
    "UnrepresentableTextWarning",
    "shown_text",
    "new_drawing",
    "shorten",
    "format_number",
    "check_number_format",
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

LABEL_WIDTH = 60
"""Characters a diagram shows on one line of a label before it shortens it with "…"."""

LABEL_LINES = 6
"""Lines a diagram shows of a label before it shortens it."""

TOOLTIP_WIDTH = 400
"""Characters a tooltip keeps of a text: a box's few tooltips, escaped, stay far below the 16,384
characters Graphviz accepts in one HTML-like label."""

_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in range(17)
)
_UNREPRESENTABLE = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff{_NONCHARACTERS}]")
_JOINS_PREVIOUS = re.compile("[\u200d\ufe00-\ufe0f\U000e0100-\U000e01ef\U0001f3fb-\U0001f3ff]")


class UnrepresentableTextWarning(UserWarning):
    """A text held characters no SVG, PDF or page can carry; they read U+FFFD instead."""


def _describe(character: str) -> str:
    code = ord(character)
    if 0xD800 <= code <= 0xDFFF:
        kind = "a lone surrogate"
    elif code < 0x20 or code == 0x7F:
        kind = "a control character"
    else:
        kind = "a noncharacter"
    return f"U+{code:04X} ({kind})"


_WARNED: deque[str] = deque(maxlen=64)
"""Texts warned about in this drawing: a text quoting one (a tooltip "data of <label>") is not warned again."""


def new_drawing() -> None:
    """Start a new drawing: a text warned about in an earlier one warns again (``build_model`` calls it)."""
    _WARNED.clear()


def shown_text(text: object) -> str:
    """``text`` with every character that no file can carry replaced by U+FFFD (warning once).

    Lone surrogates, noncharacters and the control characters XML forbids (all but tab,
    line feed and carriage return) become U+FFFD, and an ``UnrepresentableTextWarning``
    names the text and the characters, once per drawing: not again for a text that
    contains one already warned about, as every tooltip and page line quoting a label does.
    """
    text = str(text)
    found = _UNREPRESENTABLE.findall(text)
    if not found:
        return text
    shown = _UNREPRESENTABLE.sub("\ufffd", text)
    if any(warned in text for warned in _WARNED):
        return shown
    _WARNED.append(text)
    names = ", ".join(dict.fromkeys(_describe(c) for c in found))
    first = _UNREPRESENTABLE.search(text).start()
    start, end = max(first - 20, 0), first + 20
    excerpt = ("…" if start else "") + text[start:end] + ("…" if end < len(text) else "")
    warn(
        f"the text {excerpt!r} holds {names}, which cannot be shown; it reads U+FFFD (\ufffd) instead",
        UnrepresentableTextWarning,
    )
    return shown


def _cut(line: str, width: int) -> str:
    """The first ``width`` characters of ``line`` and "…", never parting a mark from its letter."""
    end = width - 1
    while end > 0 and (
        unicodedata.combining(line[end]) or _JOINS_PREVIOUS.match(line[end]) or line[end - 1] == "\u200d"
    ):
        end -= 1
    return line[:end] + "…"


def shorten(text: str, width: int = LABEL_WIDTH, lines: int = LABEL_LINES) -> str:
    """``text`` cut to ``lines`` lines of at most ``width`` characters, each cut marked by "…"."""
    rows = text.split("\n")
    shortened = [row if len(row) <= width else _cut(row, width) for row in rows[:lines]]
    if len(rows) > lines and not shortened[-1].endswith("…"):
        shortened[-1] += " …"
    return "\n".join(shortened)


_FIXED_POINT = re.compile(r"\.(\d+)f")
_NONZERO_DIGIT = re.compile("[1-9]")
_FLOAT_SPEC = re.compile(
    r"(?:.?[<>=^])?[-+ ]?z?#?0?(?P<width>\d*)[,_]?(?:\.(?P<precision>\d+))?[eEfFgGn%]?", re.DOTALL | re.ASCII
)
MAX_WIDTH = 40
"""Widest field and most decimals a number format may ask for (a float has 17 significant digits)."""


def check_number_format(spec: str) -> str:
    """``spec`` if it is a float format spec (``".4f"``, ``".3g"``, ``"+.2e"``), else ``ValueError``.

    Width and precision are at most ``MAX_WIDTH``: ``".100000000f"`` would write a
    hundred million digits per number.
    """
    if not isinstance(spec, str):
        raise ValueError(
            f"number format {spec!r:.40}: needs a format spec str such as '.4f', got {type(spec).__name__}"
        )
    return _checked_spec(spec)


@lru_cache(maxsize=64)
def _checked_spec(spec: str) -> str:
    """``check_number_format`` for a str, once per spec (``format_number`` asks for every number)."""
    shape = _FLOAT_SPEC.fullmatch(spec)
    if shape is None:
        raise ValueError(
            f"number format {spec!r:.40} is not a valid format spec for a float; try '.4f', '.3g' or '.2e'"
        )
    for part in ("width", "precision"):
        if shape.group(part) and int(shape.group(part)) > MAX_WIDTH:
            raise ValueError(f"number format {spec!r:.40}: a {part} of at most {MAX_WIDTH}, please")
    try:
        format(-1.5, spec)
    except (ValueError, TypeError) as error:
        raise ValueError(
            f"number format {spec!r:.40} is not a valid format spec for a float: {error}"
        ) from None
    return spec


def format_number(value: float | None, spec: str = ".4f") -> str:
    """``value`` formatted with ``spec`` (``".4f"``, ``".3g"`` ...), minus as U+2212; None → "not computed".

    Negative zero reads ``0.0000``. With a fixed-point spec ``.Nf``, a non-zero number that
    would show as zero (|x| < 10⁻ᴺ, a vanishing gradient) or that is 10⁶ or more is written
    in scientific notation with N decimals instead (``.4f``: ``2.4580e−05``), so neither a
    diagram nor a step page ever shows a real gradient as 0.
    """
    if value is None:
        return NOT_COMPUTED
    check_number_format(spec)
    fixed = _FIXED_POINT.fullmatch(spec)
    if fixed and value != 0 and not (10.0 ** -int(fixed.group(1)) <= abs(value) < 1e6):
        spec = f".{fixed.group(1)}e"
    text = format(value + 0.0, spec)
    if text.startswith("-") and not _NONZERO_DIGIT.search(text):  # -0.0000 reads 0.0000
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


def _escaped(text: str) -> str:
    """Markup escaped for HTML-like labels; backslashes doubled so Graphviz expands none.

    ``]`` is written ``&#93;``: Graphviz's HTML-label scanner fails on a text that is only ``]``.
    """
    return html.escape(text, quote=True).replace("\\", "\\\\").replace("]", "&#93;")


def html_text(text: object) -> str:
    r"""``text`` for a DOT HTML-like label: shown as written, shortened, newlines as line breaks.

    ``html_text('a<b')`` is ``'a&lt;b'``; ``html_text(r'\Gamma')`` is ``r'\\Gamma'``, which
    Graphviz shows as ``\Gamma``.
    """
    cleaned = shown_text(text).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "<br/>".join(_escaped(line) for line in shorten(cleaned).split("\n"))


def attribute_text(text: object) -> str:
    """``text`` for a double-quoted attribute inside an HTML-like label (a tooltip): one line.

    Up to ``TOOLTIP_WIDTH`` characters are kept; a longer text ends with its full length.
    """
    cleaned = re.sub(r"\r\n|[\r\n\t]", " ", shown_text(text))
    if len(cleaned) > TOOLTIP_WIDTH:
        cleaned = f"{_cut(cleaned, TOOLTIP_WIDTH)} ({len(cleaned):,} characters in all)"
    return _escaped(cleaned)
