"""``report.html``: the self-contained offline case report."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.report_html import write_html
from ringgraph.evidence.writers import register
from ringgraph.evidence.writers.report import case_report

NAME = "report.html"


@register("html", order=90, files={NAME: "案件报告（离线网页） case report, offline web page"})
def write_report_html(ctx, folder: Path) -> list[str]:
    write_html(case_report(ctx), folder / NAME)
    return [NAME]
