"""Random labels through ``step``: the page opened in Chromium shows each label as written, no
script but the page's own ran, and nothing was requested.

Labels carry markup meant to run (``<script>``, ``onerror=``, ``javascript:``), TeX,
right-to-left text, marks and characters no file can carry. The page's data keeps each
label as written (U+FFFD for what cannot be stored); its graph shows the same text,
shortened past the page's width.
"""

from __future__ import annotations

import warnings

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_label_fuzz import PIECES, UNREPRESENTABLE
from test_parse_fuzz import SPECIAL

from fuzzing import scaled
from pathgrad.engine import Value
from pathgrad.viz import step
from pathgrad.viz.text import UnrepresentableTextWarning

PAYLOADS = st.sampled_from(
    ["<script>window.pwned=1</script>", "<img src=x onerror=window.pwned=1>", "</script><script>window.pwned=1</script>",
     "<svg onload=window.pwned=1>", "javascript:window.pwned=1", '"><iframe src=https://example.com>',
     "<meta http-equiv=refresh content='0;url=https://example.com'>", "<form action=https://example.com><button>",
     "</text></g></svg><b>x</b>", "\u2028\u2029", "{{TITLE}}", "&lt;b&gt;"]
)  # fmt: skip
LABELS = st.lists(
    st.one_of(
        PAYLOADS,
        PIECES,
        st.text(st.one_of(st.characters(exclude_categories=()), st.sampled_from(SPECIAL)), max_size=4),
    ),
    min_size=1,
    max_size=5,
).map("".join)

PAGE_TEXTS = """() => {
  const data = JSON.parse(document.getElementById("step-data").textContent);
  const shown = {};
  for (const [id, node] of Object.entries(data.nodes)) {
    const cell = document.getElementById(id + "-label");
    shown[id] = { name: node.name, label: node.label, drawn: cell ? cell.textContent : null };
  }
  return { shown: shown, pwned: window.pwned === undefined ? null : window.pwned, title: document.title };
}"""


@pytest.mark.browser
@settings(max_examples=scaled(12))
@given(st.lists(LABELS, min_size=1, max_size=4))
def test_random_labels_show_as_written_in_a_step_page_and_run_nothing(
    tried, browser, tmp_path_factory, labels
):
    tried(len(labels))
    leaves = [Value(float(k + 1), label) for k, label in enumerate(labels)]
    out = sum(leaves[1:], leaves[0] * 1.0)
    out.label = "out"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnrepresentableTextWarning)
        target = step(out, modes=("forward",)).save(tmp_path_factory.mktemp("page") / "page.html")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    requests, violations, errors = [], [], []
    context.route(
        "**/*",
        lambda route: (
            (requests.append(route.request.url), route.abort())
            if not route.request.url.startswith("file://")
            else route.continue_()
        ),
    )
    context.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => (window.__violations = (window.__violations || []).concat([e.violatedDirective])))"
    )
    try:
        page = context.new_page()
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(target.as_uri())
        page.wait_for_selector("#counter:not(:empty)")
        found = page.evaluate(PAGE_TEXTS)
        violations = page.evaluate("window.__violations || []")
    finally:
        context.close()
    assert found["pwned"] is None and violations == [] and errors == [], (violations, errors)
    assert requests == []
    assert found["title"].startswith("Backprop step by step")
    names = {info["name"]: info for info in found["shown"].values()}
    for label in filter(None, labels):  # an unlabelled leaf is named by the page itself
        info = names[UNREPRESENTABLE.sub("\ufffd", label)]  # the data holds the label as written
        assert info["drawn"] == info["label"]
        assert info["label"] == info["name"] or (
            info["label"].endswith("…") and info["name"].startswith(info["label"][:-1])
        )
