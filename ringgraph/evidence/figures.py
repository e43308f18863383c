"""The pack's plots as PNG: timeline, provinces and fee accounts (matplotlib, CJK font).

Drawn with :mod:`ringgraph.viz.plots` from the pack's display tables, so the plots show
personal data exactly as the PII mode allows. PNGs are written with fixed metadata, so the
same data gives the same bytes.
"""

from __future__ import annotations

import io

import pandas as pd

from ringgraph.viz.plots import fees_plot, provinces_plot, timeline_plot

DPI = 110
# No "Software" text chunk with the matplotlib version (its own reproducibility is the
# manifest's job; a different patch release must not change the picture's bytes).
_META = {"Software": None}


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata=_META)
    return buf.getvalue()


def make_figures(ring_id: str, complaints: pd.DataFrame, fees: pd.DataFrame
                 ) -> dict[str, bytes]:
    """PNG bytes by file name: ``timeline.png``, ``provinces.png`` and, when ring members
    paid fees into a shared account, ``fees.png``.

    Parameters
    ----------
    ring_id : str
    complaints : DataFrame
        The pack's complaints table (``received_at``, ``channel``, ``province``).
    fees : DataFrame
        Fee transfers with display values: ``at, amount, account, payer, shared_payers``.
    """
    out: dict[str, bytes] = {}
    f = fees.copy()
    if len(f):
        f["amount"] = pd.to_numeric(f["amount"], errors="coerce")
    out["timeline.png"] = _png(timeline_plot(
        complaints, f if len(f) else None, title=f"{ring_id} 时间线 Timeline"))
    provinces = complaints["province"].replace("", pd.NA).dropna().value_counts()
    out["provinces.png"] = _png(provinces_plot(
        provinces.sort_index(), title=f"{ring_id} 省份分布 Provinces"))
    shared = f[f["shared_payers"] > 1] if len(f) else f
    if len(shared):
        out["fees.png"] = _png(fees_plot(shared, title=f"{ring_id} 共用收款账户 Shared fee "
                                                       "accounts"))
    return out
