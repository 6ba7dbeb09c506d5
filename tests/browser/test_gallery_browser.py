"""The demos' gallery in Chromium: a network drawn one box per neuron is shown wide, not as a sliver,
and the digits network's picture is a crop whose words are 14 px or more at 1280×720."""

from __future__ import annotations

import re

from demos import digits
from demos.gallery import write_gallery
from demos.svg_crop import smallest_font


def test_a_tall_network_picture_fills_the_gallery_width(tmp_path, page):
    # the digits network's per-neuron picture has this shape (2,703 × 7,559 pt); shrunk to fit
    # 80 % of a 720 px screen it was a strip a few pixels wide
    (tmp_path / "digits_sample_neurons.svg").write_text(
        '<svg width="2703pt" height="7559pt" viewBox="0 0 2703 7559" xmlns="http://www.w3.org/2000/svg">'
        '<rect width="2703" height="7559" fill="#1f4e9c"/></svg>'
    )
    page.page.goto(write_gallery(tmp_path).resolve().as_uri())
    image = page.page.locator('img[src="digits_sample_neurons.svg"]')
    image.scroll_into_view_if_needed()
    page.page.wait_for_function("document.images[0].complete && document.images[0].naturalWidth > 0")
    box = image.bounding_box()
    frame = page.page.locator(".tall").bounding_box()
    assert box["width"] > 0.9 * frame["width"] > 1000  # the page's width at 1280 × 720
    assert box["height"] > 2.5 * box["width"]  # its own shape, scrolled in the frame
    assert frame["height"] <= 0.8 * 720 + 2


def test_the_digits_networks_picture_reads_at_14_px_in_the_gallery(tmp_path, browser):
    """The smallest word of the shown crop, in CSS px: its font size × shown width / view-box width."""
    digits.main(tmp_path, quick=True)
    gallery = write_gallery(tmp_path)
    band = (tmp_path / "digits_sample_neurons.svg").read_text(encoding="utf-8")
    whole = (tmp_path / "digits_sample_neurons.full.svg").read_text(encoding="utf-8")
    smallest = smallest_font(band)

    def view_width(svg: str) -> float:
        return float(re.search(r'viewBox="([^"]+)"', svg)[1].split()[2])

    for width, height in ((1280, 720), (1920, 1080)):
        context = browser.new_context(viewport={"width": width, "height": height})
        try:
            tab = context.new_page()
            tab.goto(gallery.resolve().as_uri())
            image = tab.locator('img[src="digits_sample_neurons.svg"]')
            image.scroll_into_view_if_needed()
            tab.wait_for_function(
                "[...document.images].every((i) => !i.src.endsWith('digits_sample_neurons.svg') || i.naturalWidth > 0)"
            )
            shown = image.bounding_box()
            assert smallest * shown["width"] / view_width(band) >= 14.0, (width, shown)
            assert shown["y"] + shown["height"] <= tab.evaluate("document.documentElement.scrollHeight")
            if width == 1280:  # the whole picture, shown at that width, has smaller words
                assert smallest_font(whole) * shown["width"] / view_width(whole) < 14.0
            assert tab.locator('a[href="digits_sample_neurons.full.svg"] img').count() == 1
        finally:
            context.close()
