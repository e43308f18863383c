"""Network views in a real headless Chromium (Debian's ``chromium``, installed by
``scripts/system-deps.sh`` from ``make test``): drawn, offline, and immune to injected text.

Screenshots go to ``test-artifacts/browser/`` (git-ignored) for a person to look at.
"""

from pathlib import Path

import pytest

from cdp import launched_browser
from ringgraph import investigate as inv
from ringgraph.store import DuckDBStore
from ringgraph.viz import network_view
from viz_fixtures import hostile_frames, ring_frames

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
TITLE = "ringgraph browser test"


@pytest.fixture(scope="module")
def browser():
    with launched_browser() as b:
        yield b


def _open_view(browser, view, tmp_path, name):
    path = view.save(tmp_path / f"{name}.html")
    page = browser.open(path.as_uri())
    page.wait_for("window.ringgraphView && window.ringgraphView.stabilized", timeout=60)
    return page, path


def _drawn(page) -> dict:
    return page.evaluate("""(() => {
        const v = window.ringgraphView;
        const canvas = document.querySelector("#rg-network canvas");
        const ctx = canvas.getContext("2d");
        const img = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let complaintBlue = 0, inked = 0;
        for (let i = 0; i < img.length; i += 4) {
            const [r, g, b, a] = [img[i], img[i + 1], img[i + 2], img[i + 3]];
            if (a > 0 && (r < 235 || g < 235 || b < 235)) inked++;
            const near = (x, y) => Math.abs(x - y) < 6;
            if (near(r, 0x4e) && near(g, 0x79) && near(b, 0xa7)) complaintBlue++;
        }
        return {data: v.nodes.length, bodyNodes: v.network.body.nodeIndices.length,
                positions: Object.keys(v.network.getPositions()).length,
                edges: v.network.body.edgeIndices.length, expected: v.expectedNodes,
                stabilizedMs: v.stabilizedMs, physics: v.network.physics.options.enabled,
                inked: inked, complaintBlue: complaintBlue, title: document.title,
                pwned: window.__pwned === undefined ? null : String(window.__pwned)};
    })()""")


def _assert_offline(page, path):
    urls = page.requested_urls()
    assert urls and urls[0] == path.as_uri()
    leaked = [u for u in urls if not (u.startswith("file://") or u.startswith("data:"))]
    assert not leaked, f"requests left the page: {leaked}"
    # Only the page itself: no "x" image, no script or stylesheet fetched.
    assert [u for u in urls if u.startswith("file://")] == [path.as_uri()]


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_hostile_ring_view_draws_offline_and_nothing_runs(browser, tmp_path, csp):
    nodes, edges = hostile_frames(12)
    view = network_view(nodes, edges, title=TITLE, mask=False, csp=csp)
    page, path = _open_view(browser, view, tmp_path, f"hostile-{csp}")
    d = _drawn(page)
    assert d["data"] == d["bodyNodes"] == d["positions"] == d["expected"] == view.n_nodes == 27
    assert d["edges"] == view.n_edges
    assert d["complaintBlue"] > 500, "complaint squares were not painted on the canvas"
    assert d["physics"] is False, "physics should be off once stabilised"

    # Hover every node: tooltips are built then, so a payload in one would get its chance.
    ids = page.evaluate("window.ringgraphView.nodes.getIds()")
    for node_id in ids:
        xy = page.evaluate(f"""(() => {{ const n = window.ringgraphView.network;
            const p = n.getPositions([{node_id}])[{node_id}]; return n.canvasToDOM(p); }})()""")
        rect = page.evaluate("(() => { const r = document.getElementById('rg-network')"
                             ".getBoundingClientRect(); return [r.left, r.top]; })()")
        browser.send("Input.dispatchMouseEvent", {"type": "mouseMoved", "x": xy["x"] + rect[0],
                                                  "y": xy["y"] + rect[1]}, session=page.session)
        page.wait_for("document.querySelector('div.vis-tooltip') && "
                      "document.querySelector('div.vis-tooltip').style.visibility !== 'hidden'",
                      timeout=5)
    tip = page.evaluate("document.querySelector('div.vis-tooltip').textContent")
    markup = page.evaluate("document.querySelectorAll('div.vis-tooltip *:not(div):not(b)').length")
    assert markup == 0, "a tooltip contained elements other than our div/b"
    assert tip  # the last hovered node's text is there, as text

    d = _drawn(page)
    assert d["title"] == TITLE and d["pwned"] is None
    assert not page.dialogs(), "an injected alert() opened a dialog"
    assert not page.exceptions(), page.exceptions()[:1]
    _assert_offline(page, path)
    page.screenshot(ARTIFACTS / f"hostile-ring-{'csp' if csp else 'no-csp'}.png")


def test_tooltip_with_href_shows_text_not_a_link(browser, tmp_path):
    nodes, edges = hostile_frames(5)
    view = network_view(nodes, edges, title=TITLE, mask=False)
    page, _ = _open_view(browser, view, tmp_path, "href")
    # Complaint C0003 carries the "href" payload (pyvis would have parsed it as HTML).
    text = page.evaluate("""(() => { const v = window.ringgraphView;
        const n = v.nodes.get().find(x => x.label === "C0003");
        return [n.title.textContent, n.title.querySelectorAll("a, img, script").length]; })()""")
    assert 'href="javascript:' in text[0] and text[1] == 0


def test_500_node_ring_settles_in_seconds(browser, tmp_path):
    nodes, edges = ring_frames(complaints=200, identifiers=100)  # 500 nodes, ~800 edges
    view = network_view(nodes, edges, title="500-node ring")
    page, path = _open_view(browser, view, tmp_path, "ring500")
    d = _drawn(page)
    assert d["positions"] == d["expected"] == 500
    assert d["physics"] is False
    # Measured ~1-2 s on 2 cores; generous for a loaded CI machine.
    assert d["stabilizedMs"] < 15_000, d["stabilizedMs"]
    _assert_offline(page, path)
    page.screenshot(ARTIFACTS / "ring-500.png")


def test_oversized_view_is_summarised_with_a_message(browser, tmp_path):
    nodes, edges = ring_frames(complaints=600, identifiers=150)  # 1,350 nodes
    view = network_view(nodes, edges, title="too big", max_nodes=1000, keep_top=25)
    page, path = _open_view(browser, view, tmp_path, "summary")
    d = _drawn(page)
    assert view.summarised and d["positions"] == view.n_nodes < 40
    banner = page.evaluate("document.querySelector('.rg-message').textContent")
    assert "1,350" in banner and "collapsed by type" in banner
    _assert_offline(page, path)
    page.screenshot(ARTIFACTS / "summary.png")


def test_inline_notebook_display_draws_in_a_sandboxed_frame(browser, tmp_path):
    """What JupyterLab shows: the view's _repr_html_ (a srcdoc iframe) inside a host page."""
    view = network_view(*hostile_frames(8), title=TITLE)
    host = tmp_path / "host.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>host</title>"
                    "</head><body>" + view._repr_html_() + "</body></html>", encoding="utf-8")
    page = browser.open(host.as_uri())
    # A sandboxed (opaque-origin) frame runs in its own renderer: attach to it.
    frames = browser.child_frames(page)
    assert len(frames) == 1, "the view's iframe did not load"
    frame = frames[0]
    frame.wait_for("window.ringgraphView && window.ringgraphView.stabilized", timeout=60)
    n = frame.evaluate("Object.keys(window.ringgraphView.network.getPositions()).length")
    assert n == view.n_nodes
    assert frame.evaluate("window.__pwned === undefined")
    # The host cannot reach into the frame (sandbox without allow-same-origin).
    blocked = page.evaluate("""(() => { try { return !document.querySelector('iframe')
        .contentWindow.document; } catch (e) { return true; } })()""")
    assert blocked
    assert page.evaluate("document.title") == "host"
    assert all(u.startswith(("file://", "data:", "about:")) for u in page.requested_urls())
    page.screenshot(ARTIFACTS / "inline-notebook.png")


def test_real_ring_from_a_store(browser, tmp_path):
    """The investigator path end to end: store → neighbourhood → show, in the browser."""
    nodes, edges = hostile_frames(10)
    with DuckDBStore(tmp_path / "s.duckdb") as store:
        store.write(nodes, edges)
        sub = inv.neighbourhood(store, "Phone", "+8613900000001", hops=2)
        view = inv.show(sub, title=TITLE)
    page, path = _open_view(browser, view, tmp_path, "store")
    d = _drawn(page)
    assert d["positions"] == len(sub.nodes) and d["pwned"] is None
    _assert_offline(page, path)
    page.screenshot(ARTIFACTS / "neighbourhood.png")


def _wheel(browser, page, x, y, dy=-240, modifiers=0):
    browser.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": x, "y": y, "deltaX": 0,
                                              "deltaY": dy, "modifiers": modifiers},
                 session=page.session)


def test_wheel_scrolls_the_notebook_until_the_view_is_clicked(browser, tmp_path):
    """In a notebook the view sits in a long page: the wheel must scroll that page, not
    zoom the view, until the investigator clicks into the view (or holds Ctrl)."""
    view = network_view(*ring_frames(complaints=20, identifiers=10), title=TITLE)
    filler = "<div style='height:1200px;background:#f4f4f4'>cells above</div>"
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>host</title></head>"
                    f"<body style='margin:0'>{filler}{view._repr_html_()}{filler}</body></html>",
                    encoding="utf-8")
    page = browser.open(host.as_uri())
    frame = browser.child_frames(page)[0]
    frame.wait_for("window.ringgraphView && window.ringgraphView.stabilized", timeout=60)
    page.evaluate("window.scrollTo(0, 900)")
    rect = page.evaluate("(() => { const r = document.querySelector('iframe')"
                         ".getBoundingClientRect(); return [r.left, r.top, r.height]; })()")
    x, y = rect[0] + 300, rect[1] + rect[2] - 200   # over the drawing, below the toolbar
    scale0 = frame.evaluate("window.ringgraphView.network.getScale()")
    _wheel(browser, page, x, y, dy=240)
    page.wait_for("window.scrollY > 900", timeout=10)
    assert frame.evaluate("window.ringgraphView.network.getScale()") == scale0
    assert frame.evaluate("window.ringgraphView.active") is False

    # Ctrl + wheel zooms without a click; a click then makes the plain wheel zoom.
    rect = page.evaluate("(() => { const r = document.querySelector('iframe')"
                         ".getBoundingClientRect(); return [r.left, r.top, r.height]; })()")
    x, y = rect[0] + 300, rect[1] + rect[2] - 200
    _wheel(browser, page, x, y, dy=-240, modifiers=2)
    frame.wait_for(f"window.ringgraphView.network.getScale() > {scale0}", timeout=10)
    scale1 = frame.evaluate("window.ringgraphView.network.getScale()")
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", {"type": kind, "x": x, "y": y, "button": "left",
                                                  "clickCount": 1}, session=page.session)
    frame.wait_for("window.ringgraphView.active === true", timeout=10)
    scrolled = page.evaluate("window.scrollY")
    _wheel(browser, page, x, y, dy=-240)
    frame.wait_for(f"window.ringgraphView.network.getScale() > {scale1}", timeout=10)
    assert page.evaluate("window.scrollY") == scrolled
    page.screenshot(ARTIFACTS / "wheel-in-notebook.png")


def test_search_filter_ring_toggle_reset_and_png(browser, tmp_path):
    nodes, edges = ring_frames(complaints=20, identifiers=10)
    nodes = nodes.assign(ring_id=["RG0001" if lb == "Complaint" else "" for lb in nodes["label"]])
    view = network_view(nodes, edges, title=TITLE, mask=False)
    page, path = _open_view(browser, view, tmp_path, "tools")
    target = page.evaluate("window.ringgraphView.nodes.get().find(n => n.type === 'Complaint').label")
    page.evaluate(f"""(() => {{ const s = document.getElementById('rg-search');
        s.value = {target!r}; s.dispatchEvent(new Event('input')); }})()""")
    found = page.evaluate("window.ringgraphView.found.map(i => window.ringgraphView.nodes.get(i).label)")
    assert target in found
    assert page.evaluate("window.ringgraphView.network.getSelectedNodes().length") == len(found)
    assert "found" in page.evaluate("document.getElementById('rg-found').textContent")

    # The type filter: a legend entry hides that type, and only that type.
    types = page.evaluate("[...document.querySelectorAll('.rg-type')].map(b => b.dataset.type)")
    hide = next(t for t in types if t != "Complaint")
    page.evaluate(f"document.querySelector('.rg-type[data-type=\"{hide}\"]').click()")
    hidden = page.evaluate("window.ringgraphView.nodes.get().filter(n => n.hidden).map(n => n.type)")
    assert hidden and set(hidden) == {hide}
    assert page.evaluate("window.ringgraphView.network.body.nodeIndices.length") == \
        view.n_nodes - len(hidden)

    page.evaluate("document.getElementById('rg-rings').click()")
    faded = page.evaluate("window.ringgraphView.nodes.get().filter(n => n.opacity < 1).length")
    assert faded == view.n_nodes - 20   # everything but the 20 ringed complaints

    page.evaluate("document.getElementById('rg-reset').click()")
    assert page.evaluate("window.ringgraphView.nodes.get().filter(n => n.hidden || n.opacity < 1).length") == 0
    assert page.evaluate("window.ringgraphView.network.getSelectedNodes().length") == 0
    page.evaluate("window.ringgraphView.network.redraw()")
    assert _drawn(page)["complaintBlue"] > 200, "the toggles lost the type colours"

    page.evaluate("document.getElementById('rg-png').click()")
    assert page.evaluate("window.ringgraphView.pngBytes") > 1000
    assert not page.exceptions(), page.exceptions()[:1]
    _assert_offline(page, path)
    page.screenshot(ARTIFACTS / "view-tools.png")


def test_report_preview_links_stay_inside_the_frame(browser, tmp_path):
    """05's report preview: a contents link scrolls within the frame instead of loading the
    host page (in JupyterLab: its login page) into it."""
    sections = "".join(f"<h2 id='s{i}'>section {i}</h2><p style='height:900px'>text</p>"
                       for i in range(3))
    report = ("<!DOCTYPE html><html><head><meta charset='utf-8'>"
              '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
              "img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'\">"
              "<title>report</title></head><body><nav><a id='toc' href='#s2'>to section 2</a> "
              "<a id='file' href='network.html'>network</a></nav>" + sections + "</body></html>")
    host = tmp_path / "host.html"
    host.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>host</title></head>"
                    "<body>" + inv.page_preview(report, height=500)._repr_html_() + "</body></html>",
                    encoding="utf-8")
    page = browser.open(host.as_uri())
    frame = browser.child_frames(page)[0]
    frame.wait_for("document.getElementById('toc') !== null", timeout=30)
    frame.evaluate("document.getElementById('toc').click()")
    frame.wait_for("window.__lastFragment === '#s2'", timeout=10)
    assert frame.evaluate("document.title") == "report"
    assert frame.evaluate("window.scrollY") > 1000       # scrolled to section 2, in the frame
    frame.evaluate("document.getElementById('file').click()")
    assert frame.evaluate("document.title") == "report"  # other links do not navigate it
    assert "open the file" in frame.evaluate("document.getElementById('rg-preview-note').textContent")
    assert page.evaluate("document.title") == "host"
    assert not frame.exceptions(), frame.exceptions()[:1]
    page.screenshot(ARTIFACTS / "report-preview.png")
