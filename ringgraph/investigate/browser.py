"""A ring browser for JupyterLab (ipywidgets, offline): a table of rings to sort and filter,
one click to open a ring's reasons, network, timeline and members side by side, and a search
box that opens the neighbourhood of a phone, ID, name or organisation.

Everything shown is widget state (HTML strings and a PNG), so the browser works without
network access and can be driven from code (``browser.open("RG-2026-0001")``,
``browser.search("岳阳聚和")``) as well as by clicking.

A click reaches the kernel through the widget's comm and runs :meth:`RingBrowser.open`
there, long after the cell that made the browser finished: the browser therefore opens the
store for each action (give it an opener such as ``ws.open``) instead of keeping a
connection the notebook may have closed (or that would block another notebook's write).
A failure in a click is shown in the browser's status line, in one line.
"""

from __future__ import annotations

import html
import io
from contextlib import contextmanager
from typing import Callable

import pandas as pd

from ringgraph.analysis.result import RingResult
from ringgraph.core.errors import RingGraphError
from ringgraph.investigate.lookup import lookup
from ringgraph.investigate.ring_case import RingCase, ring
from ringgraph.investigate.subgraph import neighbourhood
from ringgraph.investigate.table_style import table_html
from ringgraph.investigate.words import EVIDENCE_TEXT, HEADERS, evidence_text
from ringgraph.store.base import GraphStore

SORTS = {"score 得分": "score", "complaints 投诉数": "complaints",
         "borrowers 借款人数": "borrowers", "provinces 省份数": "provinces"}


def rings_frame(result: RingResult, flagged_only: bool = True) -> pd.DataFrame:
    """One row per ring: ``ring_id, score, complaints, borrowers, provinces, evidence,
    top_reason, verdict`` (``verdict``: the latest investigator's verdict, if any)."""
    rings = result.flagged() if flagged_only else result.rings
    return pd.DataFrame([{
        "ring_id": r.ring_id, "score": round(float(r.score), 2), "complaints": r.size,
        "borrowers": r.borrowers,
        "provinces": int(r.features.get("provinces", 0)),
        "evidence": evidence_text(r.features.get("evidence_kinds", [])),
        "top_reason": r.reasons[0]["zh"] if r.reasons else "",
        "verdict": (r.verdict or {}).get("verdict", "")}
        for r in rings], columns=["ring_id", "score", "complaints", "borrowers", "provinces",
                                  "evidence", "top_reason", "verdict"])


class RingBrowser:
    """The ring browser widget; leave it as a cell's last expression to display it.

    Parameters
    ----------
    result : RingResult
    store : GraphStore or callable
        The store the result was computed on (read-only is enough), or better a function
        opening it read-only (``ws.open``), called for each ring opened or value searched.
    mask : bool
        Mask personal data everywhere in the browser.
    flagged_only : bool
        List flagged rings only (else every community).
    """

    def __init__(self, result: RingResult, store: "GraphStore | Callable[[], GraphStore]",
                 mask: bool = True, flagged_only: bool = True) -> None:
        import ipywidgets as w

        self.result, self.store, self.mask = result, store, mask
        self.current: str | None = None
        self._listeners: list[Callable[[str], None]] = []
        self.rings = rings_frame(result, flagged_only)
        self.cases: dict[str, RingCase] = {}
        self.filter = w.Text(placeholder="筛选 filter: 编号 id / 证据 evidence / 原因 reason",
                             description="筛选 filter", layout=w.Layout(width="360px"))
        self.min_score = w.FloatSlider(value=0.0, min=0.0, max=1.0, step=0.05,
                                       description="最低得分 min score", readout_format=".2f",
                                       style={"description_width": "initial"})
        self.sort = w.Dropdown(options=list(SORTS), value="score 得分", description="排序 sort")
        self.table = w.HTML()
        self.picker = w.Select(rows=8, layout=w.Layout(width="100%"),
                               description="团伙 ring", style={"description_width": "initial"})
        self.reasons, self.members = w.HTML(), w.HTML()
        self.network, self.timeline = w.HTML(), w.Image(format="png",
                                                         layout=w.Layout(max_width="100%"))
        self.query = w.Text(placeholder="电话/身份证/姓名/机构 phone, ID, name, org (部分名称也可)",
                            description="查找 search", layout=w.Layout(width="460px"))
        self.search_button = w.Button(description="查找 search", icon="search")
        self.found = w.HTML()
        self.status = w.HTML()
        for part, name in ((self.status, "status"), (self.reasons, "reasons"),
                           (self.members, "members"), (self.network, "network"),
                           (self.picker, "picker"), (self.table, "table")):
            part.add_class(f"rg-browser-{name}")  # stable handles for tests and styling
        for ctl in (self.filter, self.min_score, self.sort):
            ctl.observe(lambda _change: self.refresh(), names="value")
        self.picker.observe(self._picked, names="value")
        self.search_button.on_click(lambda _b: self.search(self.query.value))
        self.query.continuous_update = False
        self.query.observe(lambda ch: self.search(ch["new"]) if ch["new"] else None,
                           names="value")
        left = w.VBox([self.reasons, self.members], layout=w.Layout(width="44%"))
        right = w.VBox([self.network, self.timeline], layout=w.Layout(width="56%"))
        self.widget = w.VBox([
            w.HBox([self.filter, self.min_score, self.sort]), self.table, self.picker,
            self.status, w.HBox([left, right]),
            w.HTML("<hr><b>查找 search</b>"), w.HBox([self.query, self.search_button]),
            self.found])
        self.widget.add_class("rg-browser")
        self.refresh()

    # ------------------------------------------------------------------ the table
    def shown_rings(self) -> pd.DataFrame:
        """The rings as filtered and sorted now."""
        df = self.rings[self.rings["score"] >= self.min_score.value]
        q = self.filter.value.strip().lower()
        if q:
            text = (df["ring_id"] + " " + df["evidence"] + " " + df["top_reason"]).str.lower()
            df = df[text.str.contains(q, regex=False)]
        key = SORTS[self.sort.value]
        return df.sort_values([key, "ring_id"], ascending=[False, True]).reset_index(drop=True)

    def refresh(self) -> None:
        df = self.shown_rings()
        self.table.value = table_html(df.rename(columns=HEADERS))
        self.picker.options = [(f"{r.ring_id} · {r.score:.2f} · {r.complaints} 投诉 · "
                                f"{r.borrowers} 借款人 · {r.provinces} 省 · {r.evidence}",
                                r.ring_id) for r in df.itertuples()]
        self.status.value = (f"{len(df)} / {len(self.rings)} 个团伙 rings shown · "
                             "选择一行打开 pick one to open it")

    def _picked(self, change) -> None:
        if not change["new"]:
            return
        try:
            self.open(change["new"])
        except Exception as exc:  # a click has no cell to show a traceback in
            self.status.value = (f"<b>无法打开 could not open {html.escape(change['new'])}</b>: "
                                 f"{html.escape(type(exc).__name__)}: "
                                 f"{html.escape(str(exc).splitlines()[0] if str(exc) else '')}")

    def on_open(self, callback: Callable[[str], None]) -> None:
        """Call ``callback(ring_id)`` whenever a ring is opened (a verdict form follows)."""
        self._listeners.append(callback)

    def set_verdict(self, ring_id: str, verdict: str) -> None:
        """Show ``verdict`` in the ring's row (after it was recorded)."""
        self.rings.loc[self.rings["ring_id"] == ring_id, "verdict"] = verdict
        self.refresh()

    @contextmanager
    def _reading(self):
        if isinstance(self.store, GraphStore):
            yield self.store
        else:
            with self.store() as s:
                yield s

    # ------------------------------------------------------------------ one ring
    def open(self, ring_id: str) -> RingCase:
        """Show one ring: reasons and members on the left, network and timeline right."""
        self.status.value = f"正在打开 opening {html.escape(ring_id)} …"
        if ring_id not in self.cases:
            with self._reading() as store:
                self.cases[ring_id] = ring(self.result, store, ring_id, mask=self.mask)
        case = self.cases[ring_id]
        self.reasons.value = (f"<h4>{html.escape(ring_id)} 原因 reasons</h4>"
                              + table_html(case.reasons().rename(columns=HEADERS)))
        members = case.members()
        self.members.value = (f"<h4>成员 members ({case.borrowers} 借款人 borrowers)</h4>"
                              + table_html(members.rename(columns=HEADERS), max_rows=30))
        self.network.value = case.show(height="420px")._repr_html_()
        self.timeline.value = _png(case.timeline())
        self.current = ring_id
        self.status.value = f"已打开 opened {html.escape(ring_id)}"
        for callback in self._listeners:
            callback(ring_id)
        return case

    # ------------------------------------------------------------------ search
    def search(self, value: str):
        """Look a value up and show the neighbourhood of its first hit (2 hops)."""
        with self._reading() as store:
            hits = lookup(store, value, mask=self.mask)
            if not len(hits):
                self.found.value = hits._repr_html_()
                return hits
            try:
                sub = neighbourhood(store, hits, hops=2, result=self.result, mask=self.mask)
            except RingGraphError as exc:
                self.found.value = f"<p>{html.escape(str(exc))}</p>"
                return hits
        self.found.value = hits._repr_html_() + sub.show(height="420px")._repr_html_()
        return hits

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _png(fig) -> bytes:
    import matplotlib.pyplot as plt

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=90, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def ring_browser(result: RingResult, store: GraphStore, mask: bool = True,
                 flagged_only: bool = True) -> RingBrowser:
    """A :class:`RingBrowser` over ``result`` (see there)."""
    return RingBrowser(result, store, mask=mask, flagged_only=flagged_only)


__all__ = ["RingBrowser", "ring_browser", "rings_frame", "EVIDENCE_TEXT"]
