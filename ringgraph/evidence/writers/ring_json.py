"""``ring.json``: the detection record of the ring under the PII mode."""

from __future__ import annotations

from pathlib import Path

from ringgraph.core.atomic import write_json
from ringgraph.evidence.writers import register

NAME = "ring.json"


@register("ring.json", order=30, files={NAME: "检测记录 detection record of the ring"})
def write_ring(ctx, folder: Path) -> list[str]:
    write_json(folder / NAME, ctx.record)
    return [NAME]
