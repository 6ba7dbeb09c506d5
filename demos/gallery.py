"""``index.html``: a gallery of every SVG, PNG and HTML file in the output folder.

Generic: whatever any demo wrote appears, images inline (SVG preferred over a PNG of
the same name, which is linked), pages as links. File names are escaped.
"""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import quote

from viz.diagram import write_atomically

__all__ = ["write_gallery", "main"]

SHOWN = (".svg", ".png", ".html")


def _entry(stem: str, files: dict[str, Path]) -> str:
    title = html.escape(stem)
    links = " · ".join(
        f'<a href="{quote(path.name)}">{html.escape(path.suffix[1:].upper())}</a>'
        for _, path in sorted(files.items())
    )
    image = files.get(".svg") or files.get(".png")
    body = (
        f'<a href="{quote(image.name)}"><img src="{quote(image.name)}" alt="{title}" loading="lazy"></a>'
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
    entries = "\n".join(_entry(stem, files) for stem, files in groups.items())
    page = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>pathgrad demos</title>
<style>
body {{ font-family: sans-serif; margin: 2em; background: #fff; color: #000; }}
figure {{ margin: 0 0 3em 0; border-bottom: 1px solid #ccc; padding-bottom: 1em; }}
img {{ max-width: 100%; max-height: 80vh; }}
figcaption {{ font-size: 1.2em; margin-top: .5em; }}
</style></head>
<body><h1>pathgrad demos</h1>
<p>{len(groups)} outputs in this folder.</p>
{entries}
</body></html>
"""
    target = out / "index.html"
    write_atomically(target, page.encode("utf-8"))
    return target


def main(out: Path, quick: bool = False) -> dict:
    return {"gallery": str(write_gallery(out))}
