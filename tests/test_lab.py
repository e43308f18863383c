"""The workbench in a real JupyterLab, driven in headless Chromium (tests/cdp.py): an
investigator's first hour with their own exports.

After the demo ran, ``ringgraph.toml`` names a folder of new exports; notebooks 01-04 run
and show them; 02 stays open (its kernel holding the store) while 05 runs; a contents link
of 05's report preview stays in the report; the wheel over a view scrolls the notebook;
a click on a row of the ring browser opens that ring, and 04's verdict form stores a
verdict on it. Screenshots go to ``test-artifacts/lab/`` (README shows
them). Skipped when JupyterLab is not installed (``pip install -e '.[lab]'``).
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytest.importorskip("jupyterlab")

from cdp import launched_browser  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts" / "lab"
pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A project root of its own: the notebooks, a demo that already ran, new exports."""
    root = tmp_path_factory.mktemp("lab")
    shutil.copytree(ROOT / "notebooks", root / "notebooks",
                    ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
    env = {**os.environ, "RINGGRAPH_HOME": str(root)}
    env.pop("RINGGRAPH_DB", None)
    # JupyterLab's own settings for this run only: no "official news?" question over the
    # screenshots.
    settings = root / ".lab-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}',
                                                               encoding="utf-8")
    env["JUPYTERLAB_SETTINGS_DIR"] = str(root / ".lab-settings")
    # The demo ran first (its own store, data/demo) ...
    subprocess.run([sys.executable, "-c", "import _workspace; _workspace.prepare(None, 1500, 11)"],
                   cwd=root / "notebooks", env=env, check=True, capture_output=True)
    # ... then the investigator points the workspace at their exports.
    subprocess.run([sys.executable, "-c", "import ringgraph as rg; rg.simulate("
                    "rg.ScenarioConfig(complaints=900, seed=23), 'exports')"],
                   cwd=root, env=env, check=True, capture_output=True)
    (root / "ringgraph.toml").write_text('[workspace]\nexports = "exports"\n', encoding="utf-8")
    return root, env


@pytest.fixture(scope="module")
def lab(project):
    root, env = project
    port, token = _free_port(), secrets.token_hex(16)
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", f"--port={port}", "--ip=127.0.0.1",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root}",
         "--LabApp.expose_app_in_browser=True", "--ServerApp.open_browser=False",
         "--allow-root", "--LabApp.news_url=", "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                pytest.fail("JupyterLab did not start")
            time.sleep(0.5)
    try:
        with launched_browser(width=1400, height=1000, local_server=True) as browser:
            page = browser.open(f"{base}/lab?token={token}", timeout=120)
            # Headless, the page never has focus: without it JupyterLab's "current notebook"
            # (what notebook:run-all-cells acts on) never follows activateById.
            browser.send("Emulation.setFocusEmulationEnabled", {"enabled": True},
                         session=page.session)
            page.wait_for("window.jupyterapp && window.jupyterapp.shell && "
                          "document.querySelector('.jp-LabShell') !== null", timeout=120)
            yield browser, page, root
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


def _run_notebook(page, name: str, timeout: float = 600) -> dict:
    """Open ``notebooks/<name>`` in JupyterLab, run all cells, wait until done; returns
    ``{"errors": [...], "text": all text outputs}``."""
    page.evaluate(f"""(async () => {{
        const app = window.jupyterapp;
        const w = await app.commands.execute('docmanager:open',
            {{path: 'notebooks/{name}', factory: 'Notebook', kernel: {{name: 'python3'}}}});
        await w.context.ready; await w.sessionContext.ready;
        window.__nb = window.__nb || {{}}; window.__nb[{name!r}] = w;
        return true; }})()""")
    page.wait_for(f"!!(window.__nb[{name!r}].sessionContext.session && "
                  f"window.__nb[{name!r}].sessionContext.session.kernel)", timeout=120)
    page.evaluate(f"""(async () => {{ const w = window.__nb[{name!r}];
        window.jupyterapp.shell.activateById(w.id); w.content.node.focus();
        window.jupyterapp.commands.execute('notebook:run-all-cells');  // runs on; polled below
        return true; }})()""")
    page.wait_for(f"""(() => {{ const w = window.__nb[{name!r}];
        const cells = w.content.widgets.filter(c => c.model.type === 'code');
        return cells.every(c => c.model.executionCount !== null) &&
               w.sessionContext.session.kernel.status === 'idle'; }})()""", timeout=timeout)
    return page.evaluate(f"""(() => {{ const w = window.__nb[{name!r}];
        const outs = w.content.widgets.filter(c => c.model.type === 'code')
            .flatMap(c => c.model.outputs.toJSON());
        return {{errors: outs.filter(o => o.output_type === 'error')
                               .map(o => o.ename + ': ' + o.evalue),
                text: outs.map(o => [].concat(o.text || [], (o.data || {{}})['text/plain'] || [],
                                              (o.data || {{}})['text/html'] || []).join('')).join('\\n')}};
    }})()""")


def _frame_of(browser, page, predicate: str):
    for frame in browser.child_frames(page):
        try:
            if frame.evaluate(predicate):
                return frame
        except Exception:  # a frame that is not ours (or gone)
            continue
    return None


def test_own_exports_in_jupyterlab(lab):
    browser, page, root = lab
    first = _run_notebook(page, "01_ingest_and_quality.ipynb")
    assert not first["errors"], first["errors"]
    assert "your data 你的数据" in first["text"] and "new records 新记录" in first["text"]
    assert (root / "data" / "ringgraph.duckdb").is_file()          # the workspace store
    for name in ("02_explore_graph.ipynb", "03_detect_and_rank.ipynb"):
        out = _run_notebook(page, name)
        assert not out["errors"], (name, out["errors"])
        assert "your data 你的数据" in out["text"], name

    # The wheel over a view in 02 scrolls the notebook and leaves the view's zoom alone.
    page.evaluate("window.jupyterapp.shell.activateById(window.__nb['02_explore_graph.ipynb'].id)")
    view = _frame_of(browser, page, "!!(window.ringgraphView && window.ringgraphView.stabilized)")
    assert view is not None, "no network view rendered in notebook 02"
    scroller = ("window.__nb['02_explore_graph.ipynb'].content.node.querySelector("
                "'.jp-WindowedPanel-outer') || window.__nb['02_explore_graph.ipynb'].content.node")
    page.evaluate(f"""(() => {{ const f = [...document.querySelectorAll('.jp-Notebook iframe')]
        .find(x => x.getBoundingClientRect().height > 300 && x.offsetParent);
        f.scrollIntoView({{block: 'center'}}); return true; }})()""")
    time.sleep(0.5)
    rect = page.evaluate("""(() => { const f = [...document.querySelectorAll('.jp-Notebook iframe')]
        .find(x => x.getBoundingClientRect().height > 300 && x.offsetParent);
        const r = f.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height - 120]; })()""")
    top0 = page.evaluate(f"({scroller}).scrollTop")
    scale0 = view.evaluate("window.ringgraphView.network.getScale()")
    browser.send("Input.dispatchMouseEvent", {"type": "mouseWheel", "x": rect[0], "y": rect[1],
                                              "deltaX": 0, "deltaY": 300}, session=page.session)
    page.wait_for(f"({scroller}).scrollTop > {top0}", timeout=10)
    assert view.evaluate("window.ringgraphView.network.getScale()") == scale0
    page.screenshot(ARTIFACTS / "02-view-in-notebook.png")

    # 02 stays open (its kernel holds the store read-only) while 05 runs.
    assert page.evaluate("window.__nb['02_explore_graph.ipynb'].sessionContext.session.kernel"
                         ".status") == "idle"
    out = _run_notebook(page, "05_export_evidence.ipynb")
    assert not out["errors"], out["errors"]
    assert "Conflicting lock" not in out["text"] and "UserWarning" not in out["text"]
    page.evaluate("window.jupyterapp.shell.activateById(window.__nb['05_export_evidence.ipynb'].id)")
    report = _frame_of(browser, page, "!!document.querySelector('a[href^=\"#\"]') && "
                                      "!window.ringgraphView")
    assert report is not None, "no report preview in notebook 05"
    title = report.evaluate("document.title")
    report.evaluate("document.querySelector('a[href^=\"#\"]').click()")
    report.wait_for("!!window.__lastFragment", timeout=10)
    assert report.evaluate("document.title") == title and "login" not in title.lower()
    page.screenshot(ARTIFACTS / "05-report-preview.png")

    # The ring browser in 04: a real click on a ring row opens that ring (reasons,
    # members, network) through the widget's comm to the kernel.
    out = _run_notebook(page, "04_investigate_ring.ipynb")
    assert not out["errors"], out["errors"]
    page.evaluate("window.jupyterapp.shell.activateById(window.__nb['04_investigate_ring.ipynb'].id)")
    nb = "window.__nb['04_investigate_ring.ipynb'].content.node"
    page.wait_for(f"!!{nb}.querySelector('.widget-select select')", timeout=60)
    picked = page.evaluate(f"""(() => {{ const sel = {nb}.querySelector('.widget-select select');
        sel.scrollIntoView({{block: 'center'}});
        const i = Math.min(1, sel.options.length - 1);   // not the ring opened from code
        // ipywidgets writes the option labels with no-break spaces
        return [sel.options.length, i, sel.options[i].textContent.split(/\\s/)[0]]; }})()""")
    rows, index, ring_id = picked
    assert rows > 0, "the ring browser did not render in JupyterLab"
    time.sleep(1)
    page.screenshot(ARTIFACTS / "ring-browser.png")
    xy = page.evaluate(f"""(() => {{ const sel = {nb}.querySelector('.widget-select select');
        const r = sel.options[{index}].getBoundingClientRect();
        return [r.left + Math.min(40, r.width / 2), r.top + r.height / 2]; }})()""")
    _click(browser, page, xy)
    opened = (f"(() => {{ const t = {nb}.querySelector('.rg-browser-status');"
              f" return !!t && t.textContent.includes('opened {ring_id}'); }})()")
    try:
        page.wait_for(opened, timeout=120)
    except Exception:
        page.screenshot(ARTIFACTS / "ring-browser-click-failed.png")
        logs = [e["params"] for e in browser.events_of("Runtime.consoleAPICalled", page.session)]
        status = page.evaluate(f"({nb}.querySelector('.rg-browser-status') || {{}}).textContent")
        raise AssertionError(f"clicking {ring_id} did not open it; status: {status!r}; "
                             f"console: {logs[-10:]}")
    shown = page.evaluate(f"""(() => {{ const b = {nb}.querySelector('.rg-browser');
        return {{reasons: b.querySelector('.rg-browser-reasons').textContent,
                members: b.querySelector('.rg-browser-members').textContent,
                network: !!b.querySelector('.rg-browser-network iframe')}}; }})()""")
    assert ring_id in shown["reasons"] and "原因 reasons" in shown["reasons"], shown
    assert "成员 members" in shown["members"] and "借款人" in shown["members"], shown
    assert shown["network"], "no network view in the opened ring"
    _dismiss_toasts(page)
    page.evaluate(f"{nb}.querySelector('.rg-browser-status').scrollIntoView({{block: 'start'}})")
    time.sleep(2)
    page.screenshot(ARTIFACTS / "ring-opened.png")

    # The verdict form follows the clicked ring; a click on "dismissed" and on "record"
    # stores the verdict. The write lock needs the other notebooks' kernels gone (02 and 05
    # hold the store read-only), as the form says when they are not.
    for other in ("02_explore_graph.ipynb", "05_export_evidence.ipynb"):
        page.evaluate(f"window.__nb[{other!r}].sessionContext.shutdown()")
    page.wait_for(f"(() => {{ const w = window.__nb['04_investigate_ring.ipynb'];"
                  f" const n = w.content.widgets.length - 1; w.content.activeCellIndex = n;"
                  f" w.content.scrollToItem(n); return !!{nb}.querySelector('.rg-verdict-form'); }})()",
                  timeout=30)
    form = f"{nb}.querySelector('.rg-verdict-form')"
    page.evaluate(f"{form}.scrollIntoView({{block: 'center'}})")
    time.sleep(1)
    assert page.evaluate(f"{form}.querySelector('select').value") == ring_id
    for label in ("dismissed", "record"):
        xy = page.evaluate(f"""(() => {{ const b = [...{form}.querySelectorAll('button')]
            .find(x => x.textContent.includes({label!r}));
            const r = b.getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; }})()""")
        _click(browser, page, xy)
        time.sleep(0.5)
    recorded = f"({form}.querySelector('.rg-verdict-message') || {{}}).textContent || ''"
    page.wait_for(f"({recorded}).includes('recorded')", timeout=120)
    message = page.evaluate(recorded)
    assert message.startswith("已记录 recorded") and ring_id in message and "dismissed" in message, message
    page.screenshot(ARTIFACTS / "verdict-form.png")


def _click(browser, page, xy) -> None:
    for kind in ("mousePressed", "mouseReleased"):
        browser.send("Input.dispatchMouseEvent", {"type": kind, "x": xy[0], "y": xy[1],
                                                  "button": "left", "clickCount": 1},
                     session=page.session)


def _dismiss_toasts(page) -> None:
    """Close JupyterLab's notifications (the news question) so screenshots show the page."""
    page.evaluate("""(() => { document.querySelectorAll('.Toastify__close-button, '
        + '.jp-toast-button.jp-mod-reject, button[title="Dismiss notification"]')
        .forEach(b => b.click()); return true; })()""")
