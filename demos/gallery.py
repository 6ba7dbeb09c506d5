"""``index.html``: a gallery of every SVG, PNG and HTML file in the output folder.

Generic: whatever any demo wrote appears, images inline (SVG preferred over a PNG of
the same name, which is linked), pages as links. Outputs are grouped the way a
lecture uses them: interactive step-through pages first (their picture opens the
page), then the lecture notes' figures, other diagrams, and plots. File names are
escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from pathgrad.engine.files import write_atomically

__all__ = ["write_gallery", "main"]

SHOWN = (".svg", ".png", ".html")


SECTIONS = (
    ("pages", "Step through backprop (interactive pages)"),
    ("figures", "Figures of the lecture notes"),
    ("diagrams", "Diagrams"),
    ("plots", "Plots"),
)


def _section(stem: str, files: dict[str, Path]) -> str:
    """Which section an output belongs to, from its files and name."""
    if ".html" in files:
        return "pages"
    if stem.startswith("figure_"):
        return "figures"
    return "diagrams" if ".svg" in files else "plots"


def _entry(stem: str, files: dict[str, Path]) -> str:
    title = html.escape(stem)
    links = " · ".join(
        f'<a href="{quote(path.name)}">{html.escape(path.suffix[1:].upper())}</a>'
        for _, path in sorted(files.items())
    )
    image = files.get(".svg") or files.get(".png")
    opens = files.get(".html") or image
    body = (
        f'<a href="{quote(opens.name)}"><img src="{quote(image.name)}" alt="{title}" loading="lazy"></a>'
        if image
        else ""
    )
    return f"<figure>{body}<figcaption><b>{title}</b> — {links}</figcaption></figure>"


def write_gallery(out: Path) -> Path:
    """Write ``out/index.html`` listing every SVG/PNG/HTML file in ``out`` (not itself)."""
    groups: dict[str, dict[str, Path]] = {}
    for path in sorted(out.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in SHOWN
            and path.name != "index.html"
            and not path.name.startswith(".")
        ):
            groups.setdefault(path.stem, {})[path.suffix.lower()] = path
    sections = []
    for key, heading in SECTIONS:
        entries = [_entry(stem, files) for stem, files in groups.items() if _section(stem, files) == key]
        if entries:
            sections.append(f'<h2 id="{key}">{heading}</h2>\n' + "\n".join(entries))
    contents = " · ".join(
        f'<a href="#{key}">{heading}</a>'
        for key, heading in SECTIONS
        if any(_section(stem, files) == key for stem, files in groups.items())
    )
    entries = "\n".join(sections)
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pathgrad demos</title>
<style>
body {{ font-family: sans-serif; margin: 2em; background: #fff; color: #000; }}
figure {{ margin: 0 0 3em 0; border-bottom: 1px solid #ccc; padding-bottom: 1em; }}
img {{ max-width: 100%; max-height: 80vh; }}
figcaption {{ font-size: 1.2em; margin-top: .5em; }}
</style></head>
<body><h1>pathgrad demos</h1>
<p>{len(groups)} outputs in this folder: {contents}</p>
{entries}
</body></html>
"""
    target = out / "index.html"
    write_atomically(target, page.encode("utf-8"))
    return target


def main(out: Path, quick: bool = False) -> dict:
    return {"gallery": str(write_gallery(out))}
