"""One self-contained HTML page: SVG, CSS, JavaScript and JSON inline, no network access.

The template, style and script are real files in ``viz/step/static``; ``build_page`` puts
them together. Every piece of user text is escaped for where it lands:

* the title through ``html.escape``;
* the step data as JSON inside ``<script type="application/json">``, with ``<``, ``>``,
  ``&`` and the line separators written as ``\\uXXXX`` escapes, so a label holding
  ``</script>`` cannot end the script element (the page reads it with ``JSON.parse``);
* the SVG was escaped when it was drawn; the page sets texts with ``textContent`` only;
* characters no file can carry (a lone surrogate, a noncharacter) read U+FFFD, with one
  warning (``pathgrad.viz.text.shown_text``), so writing the page never fails half-way.

And should any of that ever fail, the page's Content-Security-Policy runs only the one
script whose SHA-256 it names (``script-src 'sha256-…'``), loads nothing from anywhere, sends
no form (``form-action 'none'``) and takes no ``<base>``; the script stops any refresh it finds.

A page that travels inside a notebook is built ``compact``: its script and style without
comments or indentation (``compacted``), about a fifth smaller gzipped.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources

from ..text import shown_text

__all__ = ["build_page", "fill_template", "script_json", "compacted"]

_SLOT = re.compile(r"\{\{([A-Z]+)\}\}")
_COMMENTS = {
    "js": re.compile(r"^[ \t]*//.*$", re.M),  # whole lines only: a // after code may be in a string
    "css": re.compile(r"/\*.*?\*/", re.S),
}
_JSON_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def _static(name: str, package: str = "pathgrad.viz.step") -> str:
    return resources.files(package).joinpath("static", name).read_text(encoding="utf-8")


def script_json(data: object) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element."""
    text = json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group()], text)


def compacted(code: str, language: str) -> str:
    """``code`` (``language`` ``"js"`` or ``"css"``) without comments, indentation or blank lines.

    The same program for the browser: the page's script has no literal that spans lines,
    so no string loses a character; a comment after code on its line stays.
    """
    if language not in _COMMENTS:
        raise ValueError(f"compacted: language must be one of {', '.join(_COMMENTS)}, got {language!r}")
    lines = (line.strip() for line in _COMMENTS[language].sub("", code).splitlines())
    return "\n".join(line for line in lines if line)


def fill_template(
    template: str,
    script: str,
    slots: dict[str, str],
    package: str = "pathgrad.viz.step",
    *,
    compact: bool = False,
) -> str:
    """``static/template`` of ``package`` with its ``{{SLOT}}``s filled in one pass (filled text is never re-read).

    ``{{SCRIPT}}`` gets ``static/script`` (``compacted`` if ``compact``) and ``{{SCRIPTHASH}}``
    its SHA-256, which the page's Content-Security-Policy names as the one script allowed to run.
    """
    code = _static(script, package)
    if compact:
        code = compacted(code, "js")
    filled = {
        **slots,
        "SCRIPT": code,
        "SCRIPTHASH": base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii"),
    }
    return _SLOT.sub(lambda m: filled[m.group(1)], _static(template, package))


def build_page(
    *,
    title: str,
    svg: str,
    data: object,
    theme: str = "projector",
    script: str = "step.js",
    compact: bool = False,
) -> str:
    """The page: ``step.html`` with its slots filled; ``compact``: its script and style ``compacted``."""
    style = _static("step.css")
    slots = {
        "TITLE": html.escape(shown_text(title)),
        "THEME": theme if theme in ("projector", "notebook") else "projector",
        "STYLE": compacted(style, "css") if compact else style,
        "SVG": shown_text(svg),
        "DATA": shown_text(script_json(data)),
    }
    return fill_template("step.html", script, slots, compact=compact)
