"""The demos' gallery in Chromium: a network drawn one box per neuron is shown wide, not as a sliver."""

from __future__ import annotations

from demos.gallery import write_gallery


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
