"""Triage: each complaint's allegations against what the lender's own call log shows.

One row per complaint (:func:`triage`), and a compliance table per collection agency and
collector (:func:`agency_compliance`); :func:`conduct` computes both at once.

Status of a complaint (``status`` column)
-----------------------------------------
``no_logs``
    No call in the log links to the complaint (by loan account or debtor ID): nothing to
    check against. Says nothing about the complaint either way.
``no_allegation``
    Calls link to it, but its text alleges none of the three kinds of misconduct. The
    ``violations`` column may still list red lines the calls crossed.
``supported``
    Every kind of misconduct the text alleges (night calls, excessive calls, calls to third
    parties) is backed by at least one matching violation in the window.
``partly``
    Some alleged kinds are backed, some are not.
``unsupported``
    The text alleges misconduct, calls link to the complaint, and none of the alleged kinds
    shows in the calls of the window: the log contradicts the complaint.

Allegation ↔ violation: ``ALLEGE_NIGHT_CALL`` ↔ ``NIGHT_CALL``, ``ALLEGE_EXCESSIVE_CALLS``
↔ ``OVER_3_CALLS_PER_DAY``, ``ALLEGE_THIRD_PARTY`` ↔ ``THIRD_PARTY_CONTACT``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ringgraph.analysis.conduct import allegations as al
from ringgraph.analysis.conduct import rules as r
from ringgraph.analysis.conduct.codes import MIRROR, STATUSES  # noqa: F401
from ringgraph.analysis.conduct.link import LINK_SQL, complaint_facts
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import GraphStore

_COUNT_OF = {r.NIGHT_CALL: "night_calls", r.OVER_3_CALLS_PER_DAY: "over3_days",
             r.THIRD_PARTY_CONTACT: "third_party_calls"}
TRIAGE_COLUMNS = ("complaint_id", "alleged", "violations", "status", "link", "calls_linked",
                  "calls_in_window", "night_calls", "over3_days", "third_party_calls",
                  "first_violation_at", "last_violation_at", "agency", "collector")
AGENCY_COLUMNS = ("agency", "collector", "calls", "night_calls", "over3_calls",
                  "third_party_calls", "night_per_1000", "over3_per_1000",
                  "third_party_per_1000", "violations_per_1000")
ALL_COLLECTORS = "(all)"


@dataclass(frozen=True)
class Conduct:
    """The triage table (``TRIAGE_COLUMNS``) and the agency table (``AGENCY_COLUMNS``)."""

    triage: pd.DataFrame
    agencies: pd.DataFrame
    window_days: int


def conduct(store: GraphStore, window_days: int = r.DEFAULT_WINDOW_DAYS,
            progress: Progress = SILENT) -> Conduct:
    """Triage every complaint of ``store`` and tabulate agency compliance.

    Parameters
    ----------
    store : GraphStore
        Complaints ingested as a graph, calls as the store's call table.
    window_days : int
        Calls placed this many days before a complaint's receipt count for it.
    progress : Progress
        Progress reporter.
    """
    with progress.task("reading complaints and calls", total=2) as task:
        comp, own = complaint_facts(store)
        task.advance()
        con = store.calls_connection()
        task.advance()
    try:
        return _evaluate(con, comp, own, window_days, progress)
    finally:
        con.close()


def triage(store: GraphStore, window_days: int = r.DEFAULT_WINDOW_DAYS,
           progress: Progress = SILENT) -> pd.DataFrame:
    """One row per complaint: allegations, violations, status (see the module docstring)."""
    return conduct(store, window_days, progress).triage


def agency_compliance(store: GraphStore, window_days: int = r.DEFAULT_WINDOW_DAYS,
                      progress: Progress = SILENT) -> pd.DataFrame:
    """Calls, violation counts and rates per 1,000 calls per agency and collector (every
    call of the log once; an ``(all)`` row per agency)."""
    return conduct(store, window_days, progress).agencies


def evaluate(comp: pd.DataFrame, own: pd.DataFrame, calls: pd.DataFrame, window_days: int,
             progress: Progress = SILENT) -> Conduct:
    """:func:`conduct` on frames (``complaint_facts`` output and calls in
    ``CALL_COLUMNS``)."""
    import duckdb

    con = duckdb.connect(":memory:")
    try:
        con.register("k", calls.reset_index(drop=True).assign(
            i=np.arange(len(calls), dtype=np.int64)))
        return _evaluate(con, comp, own, window_days, progress)
    finally:
        con.close()


def _evaluate(con, comp: pd.DataFrame, own: pd.DataFrame, window_days: int,
              progress: Progress) -> Conduct:
    """The SQL steps in ``con``, whose view ``k`` holds the calls."""
    window_days = int(window_days)
    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, not {window_days}")
    # Our progress bars speak for the work; DuckDB's own would garble them.
    con.execute("SET enable_progress_bar = false")
    con.register("comp", comp.drop(columns=["text"]))
    con.register("own", own)
    with progress.task("linking calls and checking red lines", total=3) as task:
        con.execute(LINK_SQL)
        task.advance()
        con.execute(r.FLAGS_SQL, [window_days])
        found = con.execute(r.VIOLATIONS_SQL).df()
        linked = con.execute("SELECT complaint_id, count(*) AS calls_linked, min(how) "
                             "AS link FROM links GROUP BY ALL").df()
        task.advance()
        agencies = _agency_table(con.execute(r.AGENCY_SQL).df())
        task.advance()
    with progress.task("reading allegations", total=len(comp)) as task:
        alleged = al.alleged_codes(comp.set_index("complaint_id")["text"])
        task.advance(len(comp))
    return Conduct(_triage_table(comp, alleged, found, linked), agencies, window_days)


def _triage_table(comp: pd.DataFrame, alleged: pd.Series, found: pd.DataFrame,
                  linked: pd.DataFrame) -> pd.DataFrame:
    out = comp[["complaint_id"]].merge(linked, on="complaint_id", how="left")
    out = out.merge(found, on="complaint_id", how="left")
    for c in ("calls_linked", "calls_in_window", "night_calls", "over3_days",
              "third_party_calls"):
        out[c] = out[c].fillna(0).astype("int64")
    for c in ("link", "agency", "collector"):
        out[c] = out[c].fillna("").astype(object)
    out["alleged"] = out["complaint_id"].map(alleged).fillna("").astype(object)
    violated = {code: out[col] > 0 for code, col in _COUNT_OF.items()}
    out["violations"] = _joined(violated, r.RULE_CODES)
    has = {a: out["alleged"].str.contains(a, regex=False) for a in al.ALLEGATION_CODES}
    n_alleged = sum(h.astype(int) for h in has.values())
    n_backed = sum((has[a] & violated[MIRROR[a]]).astype(int) for a in al.ALLEGATION_CODES)
    out["status"] = np.select(
        [out["calls_linked"] == 0, n_alleged == 0, n_backed == n_alleged, n_backed > 0],
        ["no_logs", "no_allegation", "supported", "partly"], "unsupported").astype(object)
    for c in ("first_violation_at", "last_violation_at"):
        out[c] = pd.to_datetime(out[c]).astype("datetime64[ns]")
    return out[list(TRIAGE_COLUMNS)].sort_values("complaint_id").reset_index(drop=True)


def _joined(flags: dict[str, pd.Series], order) -> pd.Series:
    """Codes whose flag is set, joined by ``;`` in ``order`` (vectorised)."""
    text = pd.Series("", index=next(iter(flags.values())).index, dtype=object)
    for c in order:
        text = text + np.where(flags[c].to_numpy(), c + ";", "")
    return text.str.rstrip(";")


def _agency_table(df: pd.DataFrame) -> pd.DataFrame:
    df = df.copy()
    df["collector"] = df["collector"].where(df["collector"].notna(), ALL_COLLECTORS)
    df["agency"] = df["agency"].fillna("")
    for c in ("calls", "night_calls", "over3_calls", "third_party_calls"):
        df[c] = df[c].astype("int64")
    per = 1000.0 / df["calls"].where(df["calls"] > 0)
    df["night_per_1000"] = (df["night_calls"] * per).round(2)
    df["over3_per_1000"] = (df["over3_calls"] * per).round(2)
    df["third_party_per_1000"] = (df["third_party_calls"] * per).round(2)
    # A call at 23:00 to the debtor's mother is two violations.
    total = df[["night_calls", "over3_calls", "third_party_calls"]].sum(axis=1)
    df["violations_per_1000"] = (total * per).round(2)
    # "(all)" sorts first within its agency: the agency's total above its collectors.
    df["_total"] = df["collector"] != ALL_COLLECTORS
    df = df.sort_values(["agency", "_total", "collector"], kind="stable")
    return df[list(AGENCY_COLUMNS)].reset_index(drop=True)
