"""The one narrow interface every graph store implements (DuckDB and Neo4j).

Writes are idempotent upserts keyed by node ``(label, key)`` and relationship identity
``(rel, src_label, src_key, dst_label, dst_key, eid)``; the first provenance wins. Besides
the graph, a store keeps the ingest bookkeeping: quarantined rows, field-level issues,
duplicate rows and one report per ingest run.
"""

from __future__ import annotations

import abc
import contextlib
import json
from dataclasses import dataclass

import pandas as pd

from ringgraph.core.errors import IncompleteIngestError, RingGraphError
from ringgraph.core.progress import SILENT, Progress
from ringgraph.core.errors import RingGraphError

QUARANTINE_COLUMNS = ("source", "row", "reason", "field", "message", "raw")
FIELD_ISSUE_COLUMNS = ("source", "row", "field", "reason", "message")
DUPLICATE_COLUMNS = ("source", "row", "record_id", "kept_source", "kept_row")
RECORD_COLUMNS = ("kind", "record_id", "content_hash", "source", "row")
# The stored form of a collection call (etl.calls writes it): keys normalised, called_at a
# naive Asia/Shanghai timestamp, relation, outcome and direction as codes (direction
# last: it came later, and older stores gain it by ALTER TABLE at the end).
CALL_COLUMNS = ("call_id", "loan_account", "loan_key", "debtor_id", "agency", "collector_id",
                "called_at", "dialled", "dialled_kind", "relation", "duration_s", "outcome",
                "source", "row", "direction")


def check_frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    """Refuse labels and relationship triples outside the model before anything is written
    (queries are built from these names, never from input)."""
    from ringgraph.core import model as m

    for label in pd.unique(nodes["label"]):
        m.check_label(label)
    # A batch holds a handful of distinct triples among millions of rows: check those.
    triples = edges[["src_label", "rel", "dst_label"]].drop_duplicates()
    bad = set(zip(triples["src_label"], triples["rel"], triples["dst_label"])) - \
        m.ALLOWED_TRIPLES
    if bad:
        raise ValueError(f"relationships outside the model: {sorted(bad)[:3]}")


def first_of_each(frame: pd.DataFrame, identity: list[str]) -> pd.DataFrame:
    """One row per identity, the earliest provenance (source, row) first: the rule both
    stores keep, whatever order a batch arrives in."""
    if not frame.duplicated(identity).any():
        return frame
    order = frame.assign(_row=pd.to_numeric(frame["row"], errors="coerce"))
    order = order.sort_values(identity + ["source", "_row"], kind="stable", na_position="last")
    return order.drop_duplicates(identity, keep="first").drop(columns="_row")


def calls_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Calls in ``CALL_COLUMNS`` with the stored dtypes: what both stores write and return."""
    out = frame.reindex(columns=list(CALL_COLUMNS))
    data = {}
    for c in out.columns:
        col = out[c]
        if c == "called_at":
            data[c] = pd.to_datetime(col).astype("datetime64[ns]")
        elif c == "duration_s":
            data[c] = pd.to_numeric(col, errors="coerce").astype("float64")
        elif c == "row":
            data[c] = pd.to_numeric(col, errors="coerce").astype("int64")
        else:
            # A million-row read is already object text without nulls: convert only if not.
            col = col if col.dtype == object else col.astype(object)
            data[c] = col.where(col.notna(), "") if col.isna().any() else col
    return pd.DataFrame(data).reset_index(drop=True)


class StoreError(RingGraphError):
    """A store cannot be opened or used; the message is one line for the user."""


@dataclass(frozen=True)
class WriteStats:
    nodes_added: int
    edges_added: int


class GraphStore(abc.ABC):
    """Abstract graph store. Use as a context manager or call :meth:`close`."""

    name: str = "abstract"

    # -- graph -----------------------------------------------------------------
    @abc.abstractmethod
    def write(self, nodes: pd.DataFrame, edges: pd.DataFrame,
              progress: Progress = SILENT) -> WriteStats:
        """Upsert graph frames (columns of :mod:`ringgraph.model`); returns what was new."""

    @abc.abstractmethod
    def nodes(self, label: str | None = None) -> pd.DataFrame:
        """All nodes (optionally of one label), sorted by label and key."""

    @abc.abstractmethod
    def edges(self, rels: tuple[str, ...] | None = None) -> pd.DataFrame:
        """All relationships (optionally of some types), sorted by identity."""

    @abc.abstractmethod
    def node_property(self, label: str, prop: str) -> pd.Series:
        """One property of every node of ``label``, as a Series indexed by key."""

    def edge_ends(self, rels: tuple[str, ...]) -> pd.DataFrame:
        """``rel, src_label, src_key, dst_label, dst_key`` of relationships of some types
        (no provenance or properties: what a projection needs, cheaper to read)."""
        return self.edges(rels)[["rel", "src_label", "src_key", "dst_label", "dst_key"]]

    def edge_property(self, rel: str, prop: str) -> pd.DataFrame:
        """One property of every relationship of type ``rel``: the identity columns
        ``src_label, src_key, dst_label, dst_key, eid`` and ``value`` (text or None)."""
        import json

        e = self.edges((rel,))
        values = [None if not p else json.loads(p).get(prop) for p in e["props"]]
        out = e[["src_label", "src_key", "dst_label", "dst_key", "eid"]].copy()
        out["value"] = [None if v is None else str(v) for v in values]
        return out.reset_index(drop=True)

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Node counts by label and relationship counts by type."""

    @abc.abstractmethod
    def neighbourhood(self, label: str, key: str, hops: int = 1
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Nodes and relationships within ``hops`` of one node (either direction)."""

    @abc.abstractmethod
    def lookup(self, value: str) -> pd.DataFrame:
        """Nodes whose key or name equals ``value`` (already normalised by the caller)."""

    # -- ingest bookkeeping ----------------------------------------------------------
    @abc.abstractmethod
    def write_bookkeeping(self, quarantine: pd.DataFrame, field_issues: pd.DataFrame,
                          duplicates: pd.DataFrame, records: pd.DataFrame) -> None:
        """Upsert quarantine rows, field issues, duplicate rows (keyed by source, row) and
        loaded records (keyed by kind and record id, with a content hash so a later export
        of the same id can be told apart as a duplicate or a conflict)."""

    @abc.abstractmethod
    def table(self, name: str) -> pd.DataFrame:
        """One bookkeeping table: ``quarantine``, ``field_issues``, ``duplicates``,
        ``records`` or ``runs``."""

    def known_records(self, kind: str, record_ids: pd.Series) -> pd.DataFrame:
        """Loaded records of ``kind`` among ``record_ids`` (``record_id, content_hash,
        source, row``): what a new batch is checked against for duplicates. Stores that can
        look the ids up without reading every record override this."""
        t = self.table("records")
        t = t[(t["kind"] == kind) & t["record_id"].isin(record_ids)]
        return t[["record_id", "content_hash", "source", "row"]].reset_index(drop=True)

    @abc.abstractmethod
    def record_run(self, report_json: str) -> None:
        """Keep one ingest report (JSON text)."""

    def fingerprint(self) -> str:
        """Fingerprint of the graph: the data snapshot a result was computed on. Computed
        inside DuckDB over :meth:`graph_sql` (see :mod:`ringgraph.store.graph_sql`), so
        every store gives the same value for the same graph."""
        from ringgraph.store.graph_sql import graph_fingerprint

        with self.graph_sql() as con:
            return graph_fingerprint(con)

    @contextlib.contextmanager
    def graph_sql(self):
        """A DuckDB connection in which ``nodes`` and ``edges`` are this store's graph.

        This default reads the graph once into an in-memory DuckDB (what a server store
        such as Neo4j does); the DuckDB store hands out its own tables.
        """
        import duckdb

        con = duckdb.connect(":memory:")
        try:
            con.execute("SET enable_progress_bar = false")
            con.register("nodes", self.nodes())
            con.register("edges", self.edges())
            yield con
        finally:
            con.close()

    def start_run(self, run_id: str, paths: list[str]) -> None:
        """Record that an ingest run started (see :func:`require_complete`); the run's
        report replaces this record when it completes (:meth:`finish_run`)."""
        self.record_run(json.dumps({"status": RUN_STARTED, "run_id": run_id,
                                    "paths": list(paths)}, ensure_ascii=False,
                                   sort_keys=True))

    def finish_run(self, run_id: str, report_json: str) -> None:
        """Replace the start record of ``run_id`` with the run's report (which carries
        ``"status": "completed"``): one row per run, as before start records existed."""
        found = _run_number(self.table("runs"), run_id)
        if found is None:
            self.record_run(report_json)
        else:
            self.replace_run(found, report_json)

    def replace_run(self, run: int, report_json: str) -> None:
        """Replace the report of run number ``run`` (stores override this with an update;
        the fallback appends, which :func:`incomplete_run` reads the same way)."""
        self.record_run(report_json)

    # -- collection calls (a table beside the graph) ---------------------------------
    def write_calls(self, calls: pd.DataFrame, progress: Progress = SILENT) -> int:
        """Upsert calls (``CALL_COLUMNS``) by ``call_id``, first provenance wins; returns
        how many were new."""
        raise NotImplementedError(f"{self.name} store keeps no call logs")

    def calls(self) -> pd.DataFrame:
        """Every call (``CALL_COLUMNS``, ``called_at`` as ``datetime64``), by ``call_id``."""
        raise NotImplementedError(f"{self.name} store keeps no call logs")

    def call_count(self) -> int:
        """How many calls the store holds (0: no call logs ingested)."""
        try:
            return len(self.calls())
        except NotImplementedError:
            return 0

    def calls_connection(self):
        """A DuckDB connection whose view ``k`` holds every call (``CALL_COLUMNS`` plus
        ``i``, a row number): where triage's SQL runs. Default: :meth:`calls` in a fresh
        in-memory database; the DuckDB store answers in its own file, without a copy."""
        import duckdb
        import numpy as np

        con = duckdb.connect(":memory:")
        calls = self.calls()
        con.register("k", calls.assign(i=np.arange(len(calls), dtype=np.int64)))
        return con

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- investigators' bookkeeping (verdicts, ring identity) ------------------------
    # Kept apart from the ingest tables: ingest never touches them, so they survive
    # re-ingest. Concrete stores implement them at the end of their class.
    def write_verdict(self, verdict: dict) -> None:
        """Append one verdict (``VERDICT_COLUMNS`` but ``seq``; JSON text for the lists)."""
        raise NotImplementedError(f"{self.name} store keeps no verdicts")

    def verdicts(self) -> pd.DataFrame:
        """Every verdict ever recorded, oldest first (``VERDICT_COLUMNS``)."""
        raise NotImplementedError(f"{self.name} store keeps no verdicts")

    def write_ring_ids(self, rows: pd.DataFrame) -> None:
        """Upsert ring identity rows (``RING_ID_COLUMNS``) by ``ring_id``; never deletes,
        so an id once issued is never issued again."""
        raise NotImplementedError(f"{self.name} store keeps no ring ids")

    def ring_ids(self) -> pd.DataFrame:
        """Every ring id ever issued (``RING_ID_COLUMNS``), sorted by ``ring_id``."""
        raise NotImplementedError(f"{self.name} store keeps no ring ids")


VERDICT_COLUMNS = ("seq", "ring_id", "verdict", "note", "reviewer", "at", "complaint_ids",
                   "features", "points")
RING_ID_COLUMNS = ("ring_id", "members", "lineage", "active", "updated")


RUN_STARTED = "started"
RUN_COMPLETED = "completed"


@dataclass(frozen=True)
class IncompleteRun:
    """An ingest run recorded as started and never as completed."""

    run: int
    run_id: str
    paths: tuple[str, ...]

    def message(self, where: str) -> str:
        paths = " ".join(self.paths) or "<the same exports>"
        return (f"{where}: ingest run {self.run} ({self.run_id}) started but never "
                f"completed, so the store may hold only part of its data; finish it by "
                f"re-running the same ingest (`ringgraph ingest {paths}`), or pass "
                f"--allow-incomplete to use the store as it is")


def _run_record(text) -> dict:
    try:
        rec = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return rec if isinstance(rec, dict) else {}


def _run_number(runs: pd.DataFrame, run_id: str) -> int | None:
    for run, text in zip(runs["run"], runs["report"]):
        rec = _run_record(text)
        if rec.get("status") == RUN_STARTED and rec.get("run_id") == run_id:
            return int(run)
    return None


def incomplete_run(store: GraphStore) -> IncompleteRun | None:
    """The store's last ingest run if it started and never completed, else ``None``.

    Runs are appended one at a time (concurrent ingests are refused): the last run is
    complete when its start record was replaced by its report (or, in a store without
    updates, its report follows it). A later completed run (re-running the ingest) makes
    the store complete again. Reports from before start records existed carry no status
    and count as completed.
    """
    runs = store.table("runs")
    if runs.empty:
        return None
    runs = runs.sort_values("run", kind="stable")
    pending = None  # the last start record not yet followed by a completed run
    for run, text in zip(runs["run"], runs["report"]):
        rec = _run_record(text)
        pending = (int(run), rec) if rec.get("status") == RUN_STARTED else None
    if pending is None:
        return None
    run, rec = pending
    return IncompleteRun(run, str(rec.get("run_id", "")), tuple(map(str, rec.get("paths", []))))


def require_complete(store: GraphStore, allow_incomplete: bool = False) -> str | None:
    """Refuse a store whose last ingest run never completed.

    Parameters
    ----------
    store : GraphStore
        An open store.
    allow_incomplete : bool
        Use the store anyway: the message is returned (to print as a warning) instead of
        raised.

    Returns
    -------
    str or None
        The warning when ``allow_incomplete`` and the last run is incomplete, else ``None``.

    Raises
    ------
    IncompleteIngestError
        The last run started and never completed; the message names the run and how to
        finish it (re-run the same ingest).
    """
    bad = incomplete_run(store)
    if bad is None:
        return None
    msg = bad.message(str(getattr(store, "path", None) or store.name))
    if allow_incomplete:
        return msg
    raise IncompleteIngestError(msg)
