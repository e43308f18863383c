"""The case report as one self-contained HTML page: no script, nothing fetched.

Rendered from ``templates/report.html.j2`` with Jinja autoescaping, so every piece of input
text is HTML-escaped; the figures are inlined as ``data:`` PNGs. A Content-Security-Policy
forbids scripts and any network access, as a second line of defence.
"""

from __future__ import annotations

import base64
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ringgraph.core.atomic import write_text
from ringgraph.evidence.report_model import Report


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ringgraph.evidence", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template("report.html.j2")


def render_html(report: Report) -> str:
    """The report page as text.

    >>> from ringgraph.evidence.report_model import Paragraph, Report, Section
    >>> body = [Section("a", "甲", "A", [Paragraph("<script>x</script>")])]
    >>> r = Report("t", "s", "masked", body, "f")
    >>> page = render_html(r)
    >>> "<script>x" in page, "&lt;script&gt;x" in page
    (False, True)
    """
    images = {}
    for s in report.sections:
        for b in s.blocks:
            if b.__class__.__name__ == "Figure":
                images[b.name] = base64.b64encode(b.png).decode("ascii")
    try:
        version = metadata.version("ringgraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        version = "dev"
    return _template().render(report=report, images=images, version=version)


def write_html(report: Report, path: Path) -> Path:
    """Write the report page (UTF-8)."""
    write_text(path, render_html(report))
    return path
