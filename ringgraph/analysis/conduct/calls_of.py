"""One complaint's collection calls, each judged against the red lines: what a timeline shows.

The same linking (:data:`~ringgraph.analysis.conduct.link.LINK_SQL`) and the same per-call
flags (:data:`~ringgraph.analysis.conduct.rules.FLAGS_SQL`) triage uses, run for one
complaint, so the picture and the triage row cannot disagree.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.analysis.conduct import rules as r
from ringgraph.analysis.conduct.link import LINK_SQL, complaint_facts
from ringgraph.store.base import GraphStore

CALL_VIEW_COLUMNS = ("call_id", "called_at", "agency", "collector_id", "relation", "how",
                     "night", "to_self", "third", "in_window", "over3_day", "received_at")


def complaint_calls(store: GraphStore, complaint_id: str,
                    window_days: int = r.DEFAULT_WINDOW_DAYS) -> pd.DataFrame:
    """Every call linked to ``complaint_id``, by time, with its flags.

    Returns
    -------
    DataFrame
        ``CALL_VIEW_COLUMNS``: ``night`` (placed 22:00–07:59), ``to_self`` (to the
        debtor's own numbers), ``third`` (to someone else), ``in_window`` (within
        ``window_days`` before the complaint), ``over3_day`` (a call to the debtor on a day
        with more than 3 of them in the window). No rows when nothing links.
    """
    comp, own = complaint_facts(store)
    comp = comp[comp["complaint_id"] == complaint_id]
    if comp.empty:
        raise KeyError(f"no complaint {complaint_id!r} in the store")
    own = own[own["complaint_id"] == complaint_id]
    con = store.calls_connection()
    try:
        con.execute("SET enable_progress_bar = false")
        con.register("comp", comp.drop(columns=["text"]))
        con.register("own", own)
        con.execute(LINK_SQL)
        con.execute(r.FLAGS_SQL, [int(window_days)])
        calls = con.execute("SELECT * FROM flagged ORDER BY called_at, call_id").df()
    finally:
        con.close()
    day = pd.to_datetime(calls["called_at"]).dt.date
    per_day = calls[calls["to_self"] & calls["in_window"]].groupby(day).size()
    busy = set(per_day[per_day > r.MAX_CALLS_PER_DAY].index)
    calls["over3_day"] = calls["to_self"] & calls["in_window"] & day.isin(busy)
    return calls[list(CALL_VIEW_COLUMNS)].reset_index(drop=True)
