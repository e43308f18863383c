"""The plots: timeline, provinces and (when members paid shared accounts) fees."""

from __future__ import annotations

from pathlib import Path

from ringgraph.core.atomic import write_bytes
from ringgraph.evidence.writers import register


@register("figures", order=40, files={"timeline.png": "时间线图 timeline plot",
                                      "provinces.png": "省份图 provinces plot",
                                      "fees.png": "收款账户图 fee accounts plot"})
def write_figures(ctx, folder: Path) -> list[str]:
    for name, png in ctx.figures.items():
        write_bytes(folder / name, png)
    return list(ctx.figures)
