"""Collection calls in Neo4j: aggregated relationships, one per debtor, agency, loan and day.

Millions of calls as nodes would swamp the graph, so the Neo4j store keeps them as

    (:_Debtor {key})-[:COLLECTION_CALLS {day, loan_key, calls, night, self_calls,
                                         third_party, first, last, <per-call lists>}]->(:_Agency {key})

one relationship per debtor (the resident ID, or ``loan:`` + the loan account when the log
gives no ID), collection agency, loan account and calendar day in Asia/Shanghai. The
counts answer investigators' Cypher directly (outbound ``night`` calls placed 22:00–07:59,
outbound ``self_calls`` and ``third_party`` by the log's relation column, ``first``/``last`` call
of the day); parallel lists (``call_id``, ``called_at``, ``dialled``, ``relation`` …) keep
every call, so :meth:`calls` returns exactly the frame the DuckDB store returns and triage
gives the same answer on both stores.

``_Debtor`` and ``_Agency`` are bookkeeping labels (leading ``_``, namespaced like the
rest): no model query (projection, detection, fingerprint) ever sees them, so ingesting
call logs leaves ring detection unchanged. They join the graph in Cypher through
``_Debtor.key = Person.key``.

Writes are idempotent: a call already in its day's relationship (by ``call_id``) is not
added again.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import CALL_COLUMNS, calls_frame

CALLS_REL = "COLLECTION_CALLS"
# Per-call lists kept on the relationship (Neo4j lists hold no nulls: "" for missing).
_LISTS = ("call_id", "loan_account", "collector_id", "called_at", "dialled", "dialled_kind",
          "relation", "duration_s", "outcome", "source", "row", "direction")
_HOUR = "toInteger(substring(e.called_at[i], 11, 2))"
# Inbound calls (direction "in") break no red line: the counts are of outbound calls.
_OUT = "range(0, size(e.call_id) - 1) WHERE e.direction[i] <> 'in'"


def calls_cypher(cypher) -> tuple[str, str, str]:
    """(write, read, count) queries of one namespace's :class:`~ringgraph.store.neo4j_cypher.Cypher`."""
    debtor, agency, ns = cypher.key("_Debtor"), cypher.key("_Agency"), cypher.ns
    new = "[i IN range(0, size(r.call_id) - 1) WHERE NOT r.call_id[i] IN e.call_id]"
    appends = ", ".join(f"e.{c} = e.{c} + [i IN new | r.{c}[i]]" for c in _LISTS)
    write = (
        f"UNWIND $rows AS r "
        f"MERGE (d:`{debtor}` {{key: r.debtor}}) ON CREATE SET d:`_Debtor`:`{ns}`, "
        f"d.debtor_id = r.debtor_id "
        f"MERGE (a:`{agency}` {{key: r.agency}}) ON CREATE SET a:`_Agency`:`{ns}` "
        f"MERGE (d)-[e:`{CALLS_REL}` {{day: r.day, loan_key: r.loan_key}}]->(a) "
        "ON CREATE SET " + ", ".join(f"e.{c} = []" for c in _LISTS) + " "
        f"WITH e, r, {new} AS new "
        f"SET {appends} "
        "WITH e SET e.calls = size(e.call_id), "
        f"e.night = size([i IN {_OUT} AND ({_HOUR} >= 22 OR {_HOUR} < 8)]), "
        f"e.self_calls = size([i IN {_OUT} AND e.relation[i] = 'self']), "
        f"e.third_party = size([i IN {_OUT} AND e.relation[i] <> '' "
        "AND e.relation[i] <> 'self']), "
        "e.first = reduce(m = e.called_at[0], x IN e.called_at | CASE WHEN x < m THEN x "
        "ELSE m END), "
        "e.last = reduce(m = e.called_at[0], x IN e.called_at | CASE WHEN x > m THEN x "
        "ELSE m END)")
    match = f"MATCH (d:`{debtor}`)-[e:`{CALLS_REL}`]->(a:`{agency}`) "
    read = match + "RETURN d.debtor_id, a.key, e.loan_key, " + ", ".join(
        f"e.{c}" for c in _LISTS)
    return write, read, match + "RETURN coalesce(sum(e.calls), 0)"


def call_groups(calls: pd.DataFrame) -> list[dict]:
    """Calls → one row per (debtor, agency, loan, day) with the per-call lists."""
    if not len(calls):
        return []
    df = calls.reindex(columns=list(CALL_COLUMNS)).copy()
    df["called_at"] = pd.to_datetime(df["called_at"]).dt.strftime("%Y-%m-%d %H:%M:%S")
    df["duration_s"] = df["duration_s"].map(lambda v: "" if pd.isna(v) else repr(float(v)))
    df["row"] = pd.to_numeric(df["row"]).astype("int64")
    for c in df.columns:
        if c not in ("row",):
            df[c] = df[c].fillna("").astype(str)
    df["debtor"] = np.where(df["debtor_id"] != "", df["debtor_id"], "loan:" + df["loan_key"])
    df["day"] = df["called_at"].str.slice(0, 10)
    df = df.sort_values(["debtor", "agency", "loan_key", "day", "call_id"], kind="stable")
    groups = df.groupby(["debtor", "agency", "loan_key", "day", "debtor_id"], sort=False)
    agg = groups[list(_LISTS)].agg(list).reset_index()
    agg["row"] = agg["row"].map(lambda rs: [int(x) for x in rs])
    return agg.to_dict("records")


def calls_from_rows(rows: list[list]) -> pd.DataFrame:
    """Rows of the read query → the calls frame (``CALL_COLUMNS``, unsorted)."""
    cols = ["debtor_id", "agency", "loan_key", *_LISTS]
    if not rows:
        return pd.DataFrame(columns=list(CALL_COLUMNS))
    wide = pd.DataFrame(rows, columns=cols)
    long = wide.explode(list(_LISTS), ignore_index=True)
    long["duration_s"] = pd.to_numeric(long["duration_s"].replace("", np.nan))
    long["called_at"] = pd.to_datetime(long["called_at"])
    return long


class CallLogMixin:
    """``write_calls`` and ``calls`` for :class:`~ringgraph.store.neo4j_store.Neo4jStore`."""

    def write_calls(self, calls: pd.DataFrame, progress: Progress = SILENT) -> int:
        write = calls_cypher(self.cypher)[0]
        before = self._call_count()
        groups = call_groups(calls)
        with progress.task("writing calls", total=len(groups)) as task:
            self._write_batches(write, groups, task)
        return self._call_count() - before

    def calls(self) -> pd.DataFrame:
        read = calls_cypher(self.cypher)[1]
        frame = calls_frame(calls_from_rows(self._read(read)))
        return frame.sort_values("call_id", kind="stable").reset_index(drop=True)

    def call_count(self) -> int:
        return self._call_count()

    def _call_count(self) -> int:
        return int(self._read(calls_cypher(self.cypher)[2])[0][0])
