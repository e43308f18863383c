"""``report.pdf``: the case report with its CJK font embedded."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.report_pdf import write_pdf
from ringgraph.evidence.writers import register
from ringgraph.evidence.writers.report import case_report

NAME = "report.pdf"


@register("pdf", order=91, files={NAME: "案件报告 PDF（内嵌中文字体） case report, CJK font embedded"})
def write_report_pdf(ctx, folder: Path) -> list[str]:
    write_pdf(case_report(ctx), folder / NAME)
    return [NAME]
