"""A verdict form for JupyterLab (ipywidgets): record confirmed / dismissed / unsure on a
ring, with a note and the reviewer, as ``ringgraph review`` does.

The form stores the verdict through :func:`ringgraph.analysis.verdicts.record_verdict` (the
function behind ``ringgraph review``), opening the store for writing only for that moment:
DuckDB admits many readers or one writer, so a notebook must not keep the write lock. The
ring is preselected from a :class:`~ringgraph.investigate.browser.RingBrowser` and follows
the ring opened there. The next detection honours the verdict.
"""

from __future__ import annotations

import getpass
import html
from typing import Callable

import pandas as pd

from ringgraph.analysis.result import RingResult
from ringgraph.analysis.verdicts import VERDICT_ZH, VERDICTS, record_verdict, verdict_list
from ringgraph.core.errors import InputError, RingGraphError
from ringgraph.investigate.table_style import table_html
from ringgraph.store.base import GraphStore

LIST_HEADERS = {"at": "时间 at", "ring_id": "团伙 ring", "verdict": "结论 verdict",
                "reviewer": "审核人 reviewer", "complaints": "投诉数 complaints",
                "note": "备注 note"}


class VerdictForm:
    """The verdict form; leave it as a cell's last expression to display it.

    Parameters
    ----------
    result : RingResult
        Rings with stable ids (``RG-2026-0001``), as ``ringgraph detect`` or the notebooks'
        workspace give them; rank numbers (``RG0001``) are refused, as by the CLI.
    opener : callable
        ``opener(read_only=...)`` opens the store (``ws.open`` in a notebook).
    browser : RingBrowser, optional
        Preselect the ring open there, and follow it; its table shows recorded verdicts.
    ring_id : str, optional
        The ring to preselect otherwise (default: the top flagged ring).
    reviewer : str, optional
        Default: the login name.
    """

    def __init__(self, result: RingResult, opener: Callable[..., GraphStore], browser=None,
                 ring_id: str | None = None, reviewer: str | None = None) -> None:
        import ipywidgets as w

        self.result, self.opener, self.browser = result, opener, browser
        ids = [r.ring_id for r in result.flagged()] + \
              [r.ring_id for r in result.rings if not r.flagged]
        first = ring_id or (browser.current if browser is not None else None) or \
            (ids[0] if ids else None)
        self.ring = w.Dropdown(options=ids, value=first if first in ids else None,
                               description="团伙 ring")
        self.verdict = w.ToggleButtons(
            options=[(f"{VERDICT_ZH[v]} {v}", v) for v in VERDICTS], value="unsure",
            description="结论 verdict", style={"description_width": "initial"})
        self.note = w.Textarea(placeholder="为什么 why (kept with the verdict)",
                               description="备注 note", layout=w.Layout(width="520px"))
        self.reviewer = w.Text(value=_login() if reviewer is None else reviewer,
                               description="审核人 by")
        self.button = w.Button(description="记录结论 record", icon="check",
                               button_style="primary")
        self.message, self.table = w.HTML(), w.HTML()
        self.button.on_click(lambda _b: self.record())
        if browser is not None:
            browser.on_open(self._follow)
        self.widget = w.VBox([w.HTML("<b>结论 Verdict</b>"), self.ring, self.verdict,
                              self.note, self.reviewer, self.button, self.message, self.table])
        self.widget.add_class("rg-verdict-form")
        self.message.add_class("rg-verdict-message")

    def _follow(self, ring_id: str) -> None:
        if ring_id in self.ring.options:
            self.ring.value = ring_id

    def record(self) -> dict | None:
        """Store the verdict as the form says (what the button does); returns the stored
        record, or None when it could not be stored (the form says why, in one line)."""
        ring_id, verdict = self.ring.value, self.verdict.value
        try:
            if not ring_id:
                raise InputError("pick a ring first 请先选择团伙")
            lineage = self.result.ring(ring_id).lineage
            if lineage is None:
                raise InputError(f"{ring_id} is a rank number, not a stable ring id: verdicts "
                                 "need the ids of `ringgraph detect` (RG-2026-0001 …)")
            if lineage.get("provisional"):
                raise InputError(f"{ring_id} is a provisional id (the store was busy when the "
                                 "rings were numbered): rerun the rings cell when it is free")
            with self.opener(read_only=False) as store:
                rec = record_verdict(store, self.result, ring_id, verdict,
                                     note=self.note.value.strip(),
                                     by=self.reviewer.value.strip())
        except (RingGraphError, KeyError, ValueError) as exc:
            text = str(exc.args[0]) if isinstance(exc, KeyError) and exc.args else str(exc)
            self.message.value = (f"<b>未记录 not recorded</b>: "
                                  f"{html.escape(text.splitlines()[0] if text else '')}")
            return None
        self.message.value = html.escape(
            f"已记录 recorded: {ring_id} {VERDICT_ZH[verdict]} {verdict} · "
            f"{rec['reviewer'] or '?'} · {rec['at']}")
        if self.browser is not None:
            self.browser.set_verdict(ring_id, verdict)
        self.show_list()
        return rec

    def verdicts(self) -> pd.DataFrame:
        """Every recorded verdict (``ringgraph review --list``), read-only."""
        with self.opener(read_only=True) as store:
            return verdict_list(store.verdicts())

    def show_list(self) -> pd.DataFrame:
        """Refresh the form's list of verdicts and return it (headers in words)."""
        df = self.verdicts().rename(columns=LIST_HEADERS)
        self.table.value = table_html(df)
        return df

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)


def _login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def verdict_form(result: RingResult, opener: Callable[..., GraphStore], browser=None,
                 ring_id: str | None = None, reviewer: str | None = None) -> VerdictForm:
    """A :class:`VerdictForm` (see there)."""
    return VerdictForm(result, opener, browser=browser, ring_id=ring_id, reviewer=reviewer)


__all__ = ["VerdictForm", "verdict_form"]
