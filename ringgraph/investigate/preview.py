"""An HTML page (an evidence report) shown inside a notebook, with its links kept inside it.

A ``srcdoc`` iframe takes the notebook's address as its base, so a contents link
``href="#members"`` would navigate the frame to JupyterLab itself (its login page). The
preview adds a small script that scrolls to the fragment instead, and stops other links
(files of the pack) from navigating the frame, saying to open the pack's files directly.
The page's own Content-Security-Policy stays in force except that it admits this one
script (by nonce); the frame is sandboxed without ``allow-same-origin``, so the page cannot
reach the notebook.
"""

from __future__ import annotations

import html
import re
import secrets
from dataclasses import dataclass
from pathlib import Path

_CSP = re.compile(r'(<meta\s+http-equiv="Content-Security-Policy"\s+content=")([^"]*)(")', re.I)
_SCRIPT = """
document.addEventListener("click", function (ev) {
  var a = ev.target.closest ? ev.target.closest("a[href]") : null;
  if (!a) { return; }
  ev.preventDefault();
  var href = a.getAttribute("href");
  if (href.charAt(0) === "#") {
    var el = document.getElementById(decodeURIComponent(href.slice(1)));
    if (el) { el.scrollIntoView(); }
    window.__lastFragment = href;
    return;
  }
  var note = document.getElementById("rg-preview-note");
  if (!note) {
    note = document.createElement("div");
    note.id = "rg-preview-note";
    note.style.cssText = "position:fixed;bottom:8px;left:8px;right:8px;padding:6px 8px;" +
      "background:#fff4d6;border:1px solid #e6c36a;font-size:13px";
    document.body.appendChild(note);
  }
  note.textContent = "预览中不打开链接 links do not open in the preview: " + href +
    " — 请打开证据包中的文件 open the file in the pack";
});
"""


@dataclass
class PagePreview:
    """A page to display in a notebook cell (leave it as the cell's last expression).

    Attributes
    ----------
    page : str
        The page with the link script added.
    height : int
        Frame height in pixels.
    title : str
    """

    page: str
    height: int = 600
    title: str = ""

    def _repr_html_(self) -> str:
        # A <div> around the frame: IPython warns about a bare <iframe> in HTML().
        return (f'<div class="rg-preview"><iframe sandbox="allow-scripts" '
                f'title="{html.escape(self.title)}" style="width:100%;height:{self.height}px;'
                f'border:1px solid #ddd" srcdoc="{html.escape(self.page, quote=True)}">'
                "</iframe></div>")


def page_preview(path_or_html: str | Path, height: int = 600, title: str = "") -> PagePreview:
    """A notebook preview of an HTML page (a file or its text) whose links stay inside it.

    Examples
    --------
    >>> p = page_preview('<html><head><meta http-equiv="Content-Security-Policy" '
    ...                  'content="default-src \\'none\\'"></head><body>'
    ...                  '<a href="#x">x</a><h2 id="x">x</h2></body></html>')
    >>> "script-src 'nonce-" in p.page, "<iframe" in p._repr_html_()
    (True, True)
    """
    text = str(path_or_html)
    if not text.lstrip().startswith("<"):
        p = Path(path_or_html)
        title = title or p.name
        text = p.read_text(encoding="utf-8")
    nonce = secrets.token_urlsafe(12)
    text, n = _CSP.subn(lambda mt: mt.group(1) + mt.group(2).rstrip("; ")
                        + f"; script-src 'nonce-{nonce}'" + mt.group(3), text, count=1)
    script = f'<script nonce="{nonce}">{_SCRIPT}</script>'
    text = text.replace("</body>", script + "</body>", 1) if "</body>" in text else text + script
    return PagePreview(page=text, height=height, title=title)
