"""``grievances.csv``: the ring's members whose grievance the call logs support (only when
the store holds call logs; :mod:`ringgraph.evidence.grievances`)."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.tables import write_csv
from ringgraph.evidence.writers import register

NAME = "grievances.csv"


@register("grievances", order=11,
          files={NAME: "团伙内的真实诉求（通话记录印证） genuine grievances inside the ring, "
                       "supported by the call logs"})
def write_grievances(ctx, folder: Path) -> list[str]:
    table = ctx.grievances
    if table is None:
        return []
    write_csv(table, folder / NAME)
    return [NAME]
