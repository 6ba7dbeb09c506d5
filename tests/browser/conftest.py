"""Each test gets a fresh page that may not touch the network (the browser is in tests/conftest.py)."""

from __future__ import annotations

from pathlib import Path

import pytest


class PageUnderTest:
    """A page with its network requests and dialogs recorded."""

    def __init__(self, page) -> None:
        self.page = page
        self.blocked: list[str] = []
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []

    def open(self, path: Path, hash: str = "") -> PageUnderTest:
        self.page.goto(path.resolve().as_uri() + hash)
        self.page.wait_for_selector("#counter:not(:empty)")
        return self

    def text(self, selector: str) -> str:
        return self.page.locator(selector).first.text_content() or ""

    def press(self, key: str, times: int = 1) -> None:
        for _ in range(times):
            self.page.keyboard.press(key)

    def counter(self) -> tuple[int, int]:
        step, total = self.text("#counter").removeprefix("step ").split(" / ")
        return int(step), int(total)

    def panel(self) -> list[str]:
        return self.page.locator("#lines .line").all_text_contents()


@pytest.fixture
def page(browser):
    """A fresh page at 1280×720; every request that is not a file:// read is aborted and recorded."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.set_default_timeout(5000)
    page = context.new_page()
    under_test = PageUnderTest(page)

    def route(route):
        url = route.request.url
        under_test.requests.append(url)
        if url.startswith("file://"):
            route.continue_()
        else:
            under_test.blocked.append(url)
            route.abort()

    context.route("**/*", route)
    page.on("dialog", lambda dialog: (under_test.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: under_test.errors.append(str(error)))
    yield under_test
    context.close()
    assert under_test.errors == [], f"JavaScript errors: {under_test.errors}"
