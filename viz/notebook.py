r"""Jupyter display: every output is a picture first, and interactive where scripts may run.

A front end shows the first form of a MIME bundle it trusts, so each bundle is built
to leave a picture wherever it lands:

| where                                        | shows                                      |
|----------------------------------------------|--------------------------------------------|
| trusted JupyterLab, Notebook 7               | a step-through's script (it builds the page), a diagram's SVG |
| untrusted notebook (a downloaded one)        | the PNG (SVG and scripts are unsafe there) |
| ``nbconvert --to html``                      | the script, or the SVG                     |
| ``nbconvert --to html --sanitize-html``      | the PNG (scripts and SVG are removed)      |
| static previews that run no script           | the PNG or the SVG                         |

No bundle holds ``text/html``: a sanitizer escapes HTML it does not allow, so a page
would turn into its own markup as text. A step-through is two outputs instead: its
picture, then a script (``application/javascript``, which a sanitizer removes and an
untrusted notebook does not run) that carries the page gzip-compressed and
base64-encoded (about a tenth of its size), unpacks it into a sandboxed
``<iframe srcdoc>`` of its own and hides the picture just above it. So a stepper
displayed twice gives two pages that step independently. Until the page is clicked, a "click to control" label covers it: keys go
to the notebook while the page does not have focus, and to the page (never through it to
the notebook) while it does.

A diagram's SVG is scaled to the output's width, never wider than its natural size;
``diagram.natural_size()`` shows it unscaled (the output then scrolls).
"""

from __future__ import annotations

import base64
import gzip
import io
import json
import re

__all__ = ["image_bundle", "stepper_outputs", "rasterize", "fit_svg", "png_dpi", "quantized_png"]

NOTEBOOK_PNG_DPI = 96
"""PNG resolution for notebook outputs: one CSS pixel per SVG pixel (72 pt = 96 px)."""
PNG_MAX_WIDTH = 900
"""Widest notebook PNG, in pixels: an output area is about this wide, and a wider picture
is shown scaled down to it anyway (a bigger file, no sharper on the screen)."""
PNG_COLOURS = 32
"""Colours kept in a notebook PNG (a diagram has a few; a palette PNG is a third the size)."""
FIT_ABOVE_PX = 640
"""Diagrams wider than this (in CSS pixels) are scaled to the output's width."""
PAGE_HEIGHT = 620
"""Height of a step-through page in a notebook, in CSS pixels."""

_SLOT = re.compile(r"\b(PACKED|HEIGHT)\b")
_SVG_SIZE = re.compile(r'<svg\b([^>]*?)\swidth="([\d.]+)pt"\s+height="([\d.]+)pt"')
_SVG_WIDTH = re.compile(r'<svg\b[^>]*?\swidth="([\d.]+)(pt|px)?"')


def fit_svg(svg: str) -> str:
    """``svg`` scaled to its container's width when it is wider than ``FIT_ABOVE_PX``.

    Graphviz writes ``width="2528pt" height="950pt"`` and a viewBox; a front end shows
    that at 3371 px, cut off at the output's edge. The root then gets ``width="100%"``
    (the height follows the viewBox), so the whole picture shows; a narrower one keeps
    its natural size rather than being blown up.
    """
    width = svg_width_px(svg)
    if width is None or width <= FIT_ABOVE_PX:
        return svg
    return _SVG_SIZE.sub(lambda match: f'<svg{match.group(1)} width="100%"', svg, count=1)


def svg_width_px(svg: str) -> float | None:
    """The natural width of ``svg`` in CSS pixels (``pt`` × 4/3), if its root states one."""
    match = _SVG_WIDTH.search(svg)
    if match is None:
        return None
    return float(match.group(1)) * (4 / 3 if match.group(2) in (None, "pt") else 1)


def quantized_png(png: bytes) -> bytes:
    """``png`` as a palette image of ``PNG_COLOURS`` colours (text and boxes need no more)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        background = Image.new("RGB", image.size, "white")
        background.paste(image, mask=image.convert("RGBA").getchannel("A"))
        output = io.BytesIO()
        background.quantize(PNG_COLOURS).save(output, format="PNG", optimize=True)
    return output.getvalue()


def png_dpi(svg: str, natural: bool = False) -> float:
    """The resolution that draws ``svg`` at most ``PNG_MAX_WIDTH`` pixels wide (any width if ``natural``)."""
    width = svg_width_px(svg)
    if natural or width is None or width <= PNG_MAX_WIDTH:
        return NOTEBOOK_PNG_DPI
    return NOTEBOOK_PNG_DPI * PNG_MAX_WIDTH / width


def rasterize(svg: str) -> bytes | None:
    """``svg`` drawn as a PNG by CairoSVG, or ``None`` where Cairo cannot be loaded.

    CairoSVG needs the Cairo library (Graphviz brings it on Linux and macOS); without it
    the bundle has no PNG and a front end that does not show SVG shows the text form.
    """
    try:
        import cairosvg
    except (ImportError, OSError):
        return None
    return quantized_png(cairosvg.svg2png(bytestring=svg.encode("utf-8"), dpi=png_dpi(svg)))


def _png_metadata(png: bytes, natural: bool) -> dict:
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        width, height = image.size
    metadata: dict = {"width": width, "height": height}
    if natural:
        metadata["unconfined"] = True
    return metadata


def image_bundle(svg: str | None, png: bytes | None, text: str, natural: bool = False) -> tuple[dict, dict]:
    """``(data, metadata)`` of a static picture: SVG (scaled to fit unless ``natural``), PNG, text."""
    data: dict = {"text/plain": text}
    metadata: dict = {}
    if svg is not None:
        data["image/svg+xml"] = svg if natural else fit_svg(svg)
        if natural:
            metadata["image/svg+xml"] = {"unconfined": True}
    if png is not None:
        data["image/png"] = base64.b64encode(png).decode("ascii")
        metadata["image/png"] = _png_metadata(png, natural)
    return data, metadata


# The script that builds a step-through page where a front end runs scripts. ``element``
# is the output's own node (JupyterLab, Notebook 7, nbconvert pages); elsewhere the page
# goes at the end of the document. PACKED is a JSON string (base64 text).
_LOADER = """(function (host) {
  host = host || document.body;
  var packed = PACKED, height = HEIGHT;
  if (typeof DecompressionStream === "undefined") return;  // the picture above stays
  function hidePicture(tries) {
    // the front end may attach the output to the page after this script ran
    if (!host.isConnected) { if (tries > 0) setTimeout(function () { hidePicture(tries - 1); }, 50); return; }
    var output = host.closest(".jp-OutputArea-child");
    var above = output && output.previousElementSibling;
    if (above && above.querySelector(".jp-RenderedImage, .jp-RenderedSVG")) above.style.display = "none";
  }
  var bytes = Uint8Array.from(atob(packed), function (c) { return c.charCodeAt(0); });
  var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  new Response(stream).text().then(function (page) {
    var box = document.createElement("div");
    box.className = "pathgrad-stepper";
    box.style.cssText = "position:relative;width:100%;height:" + height + "px";
    var frame = document.createElement("iframe");
    frame.setAttribute("sandbox", "allow-scripts");
    frame.setAttribute("title", "step-through");
    frame.style.cssText = "width:100%;height:100%;border:1px solid #ccc;box-sizing:border-box";
    frame.srcdoc = page;
    var cover = document.createElement("button");
    cover.type = "button";
    cover.className = "pathgrad-cover";
    cover.style.cssText = "position:absolute;inset:0;width:100%;height:100%;border:0;margin:0;padding:0;" +
      "cursor:pointer;background:rgba(255,255,255,0.25);display:flex;align-items:center;justify-content:center";
    var label = document.createElement("span");
    label.textContent = "click to control (\u2190 \u2192 step)";
    label.style.cssText = "background:rgba(20,20,20,0.8);color:#fff;font:600 16px sans-serif;" +
      "padding:8px 16px;border-radius:18px";
    cover.appendChild(label);
    cover.addEventListener("click", function (event) {
      event.preventDefault();
      cover.style.display = "none";
      frame.focus();
      if (frame.contentWindow) frame.contentWindow.focus();
    });
    function uncover() {
      if (document.activeElement !== frame) cover.style.display = "flex";
    }
    window.addEventListener("focus", uncover);
    document.addEventListener("focusin", uncover);
    box.appendChild(frame);
    box.appendChild(cover);
    host.appendChild(box);
    hidePicture(100);
  });
})(typeof element !== "undefined" ? element : null);
"""


def stepper_outputs(page: str, svg: str, text: str, height: int = PAGE_HEIGHT) -> list[tuple[dict, dict]]:
    """The two outputs of a step-through: ``(data, metadata)`` of its picture, then of its page's script.

    The picture is the PNG drawn from ``svg`` by ``rasterize`` (the SVG itself only where
    Cairo is missing: the page holds it already, and both would double the notebook's
    size); the script's text form is empty, so where scripts do not run the picture
    shows alone.
    """
    packed = base64.b64encode(gzip.compress(page.encode("utf-8"), 9, mtime=0)).decode("ascii")
    values = {"PACKED": json.dumps(packed), "HEIGHT": str(int(height))}
    script = _SLOT.sub(lambda match: values[match.group()], _LOADER)
    png = rasterize(svg)
    picture = image_bundle(svg if png is None else None, png, text)
    return [picture, ({"application/javascript": script, "text/plain": ""}, {})]
