"""The pack's pages in a real headless Chromium (Debian's ``chromium``, installed by
``scripts/system-deps.sh`` from ``make test``): the complaint texts of the planted ring carry
script-injection payloads; in report.html and network.html no dialog fires, no injected
script runs, nothing is fetched, and the payloads show as text.

Screenshots go to ``test-artifacts/evidence/`` (git-ignored) for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cdp import launched_browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "evidence"

_STATE = """(() => ({
    title: document.title,
    pwned: window.__pwned === undefined ? null : String(window.__pwned),
    scripts: document.querySelectorAll("script").length,
    injected: document.querySelectorAll("img[src='x'], svg[onload], [onerror], [onload]").length,
    text: document.body.textContent}))()"""


@pytest.fixture(scope="module")
def browser():
    with launched_browser(height=1200) as b:
        yield b


def _assert_inert(page, path: Path) -> dict:
    state = page.evaluate(_STATE)
    assert state["pwned"] is None, f"an injected script ran: {state['pwned']}"
    assert "pwned" not in state["title"]
    assert state["injected"] == 0, "payload markup became elements"
    assert not page.dialogs(), "an injected alert() opened a dialog"
    assert not page.exceptions(), page.exceptions()[:1]
    urls = page.requested_urls()
    assert urls and urls[0] == path.as_uri()
    others = [u for u in urls[1:] if not u.startswith("data:")]
    assert not others, f"the page fetched something: {others}"
    return state


@pytest.mark.parametrize("mode", ["full", "masked"])
def test_report_page_keeps_payloads_inert(browser, packs, mode):
    path = packs[mode] / "report.html"
    page = browser.open(path.as_uri())
    # Open every folded complaint text, so the payloads are rendered, not just parsed.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    state = _assert_inert(page, path)
    assert state["scripts"] == 0 and state["title"].startswith("证据报告")
    assert '<script>document.title="pwned-script"' in state["text"]
    assert "<img src=x onerror=" in state["text"]
    imgs = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    assert imgs and all(ok and w > 0 for ok, w in imgs), "an inline plot did not render"
    page.screenshot(ARTIFACTS / f"report-{mode}.png")


@pytest.mark.parametrize("mode", ["full", "masked"])
def test_network_page_keeps_payloads_inert(browser, packs, mode):
    path = packs[mode] / "network.html"
    page = browser.open(path.as_uri())
    page.wait_for("window.ringgraphView && window.ringgraphView.stabilized", timeout=60)
    # Hover the complaints whose tooltips hold a payload: tooltips are built then.
    ids = page.evaluate("""window.ringgraphView.nodes.get()
        .filter(n => n.title && /pwned|onerror|onload/.test(n.title.textContent))
        .map(n => n.id)""")
    assert ids, "no complaint tooltip carries a payload"
    rect = page.evaluate("(() => { const r = document.getElementById('rg-network')"
                         ".getBoundingClientRect(); return [r.left, r.top]; })()")
    for node_id in ids[:12]:
        xy = page.evaluate(f"""(() => {{ const n = window.ringgraphView.network;
            n.focus({node_id}, {{scale: 1.0}});
            return n.canvasToDOM(n.getPositions([{node_id}])[{node_id}]); }})()""")
        browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": xy["x"] + rect[0],
                                                  "y": xy["y"] + rect[1]},
                     session=page.session)
    page.wait_for("document.querySelector('div.vis-tooltip') !== null", timeout=10)
    _assert_inert(page, path)
    markup = page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(div):not(b)')"
                           ".length")
    assert markup == 0, "a tooltip contained elements other than our div/b"
    page.screenshot(ARTIFACTS / f"network-{mode}.png")
