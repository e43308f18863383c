"""The team store: a Neo4j 5 database over Bolt.

Graph
    One node per ``(label, key)`` with the model label, the namespace marker and the
    namespace's key label (``:Person:RingGraph:RingGraph_Person``, see
    :mod:`ringgraph.store.neo4j_cypher`: other applications' nodes in the same database are
    never read nor touched) and properties ``key, name, props, source, row, at`` (``props``
    is the JSON text of the graph frame, kept verbatim so both
    stores read back identical frames). One relationship per ``(type, start, end, eid)``
    with ``eid, props, source, row, at``. A uniqueness constraint on ``key`` per key label
    (which also indexes it) and an index on ``name`` are created before anything loads. A
    missing value is stored as no property (Cypher ``IS NULL``), never as NaN.
Bookkeeping
    Nodes whose labels start with ``_`` so no model query ever sees them: ``_Quarantine``,
    ``_FieldIssue``, ``_Duplicate``, ``_Record`` (each keyed like the DuckDB table's primary
    key, with a uniqueness constraint), ``_Run`` (one per ingest report) and ``_Meta``
    (``schema_version``), in the namespace like the graph.

Writes are ``UNWIND $rows`` batches with ``MERGE`` on keys, one managed transaction per batch
(``session.execute_write``: retried by the driver on transient errors and lost connections,
which is safe because ``MERGE`` makes a batch idempotent). Provenance is set only ``ON
CREATE``, so the first load of a fact wins. Relationship batches run one after another on
one session: parallel MERGEs of relationships on shared nodes deadlock. A load cut short
(server killed, network lost) leaves whole batches; running it again completes it.

Every query is a constant string of :class:`~ringgraph.store.neo4j_cypher.Cypher`: labels
and types come from :mod:`ringgraph.core.model` and the checked namespace; values always
travel as parameters.

Reading back goes through an in-memory DuckDB relation with the DuckDB store's column types
and ``ORDER BY``, so ``nodes()``, ``edges()``, ``neighbourhood()``, ``lookup()`` and
``table()`` return frames equal to the DuckDB store's for the same data (same dtypes, same
sort order, same fingerprint).

Connection (environment, read by :func:`connection_from_env`): ``NEO4J_URI`` (default: the
local server, ``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD``
(required unless the URI is the local default, which falls back to the local-development
password), ``NEO4J_DATABASE`` (``neo4j``), ``RINGGRAPH_NEO4J_NAMESPACE`` (``RingGraph``).
Driver errors become one-line :class:`StoreError` s (:mod:`ringgraph.store.neo4j_errors`);
no credential reaches a message or the driver's log (:mod:`ringgraph.store.neo4j_connect`).
"""

from __future__ import annotations

from typing import Callable

import duckdb
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import (DUPLICATE_COLUMNS, FIELD_ISSUE_COLUMNS, QUARANTINE_COLUMNS,
                   RECORD_COLUMNS, GraphStore, StoreError, WriteStats, check_frames,
                   first_of_each)
from ringgraph.store.neo4j_connect import (Connection, connection_from_env, open_driver,
                                           retry_seconds)
from ringgraph.store.neo4j_calls import CallLogMixin
from ringgraph.store.neo4j_cypher import cypher_for
from ringgraph.store.base import RING_ID_COLUMNS, VERDICT_COLUMNS
from ringgraph.store.neo4j_errors import classify
from ringgraph.store.neo4j_frames import (EDGE_SQL, NODE_SQL, PROPERTY_SQL, TABLE_COLUMNS,
                                          TABLE_SQL, typed_frame)
from ringgraph.store.neo4j_frames import plain as _plain
from ringgraph.store.neo4j_frames import rows as _rows

__all__ = ["Connection", "Neo4jStore", "connection_from_env"]

DEFAULT_BATCH = 10_000
READ_FETCH = 20_000
_SPEC = {(s.src, s.rel, s.dst): s for s in m.RELATIONSHIPS}


class Neo4jStore(CallLogMixin, GraphStore):
    """Graph store in a Neo4j 5 database.

    Parameters
    ----------
    connection : Connection, optional
        Where to connect; default :func:`connection_from_env`.
    read_only : bool
        Open for reading: no schema is created and the store must already exist.
    batch_size : int
        Rows per ``UNWIND`` transaction.
    max_retry_time : float
        Seconds the driver keeps retrying a transaction after transient errors or a lost
        server before the write fails.
    node_workers : int
        Sessions loading node labels in parallel (relationships are always serial).

    Raises
    ------
    StoreError
        One line naming the URI when the server cannot be reached, the login fails, the
        database is missing, or the store's schema version differs.
    """

    name = "neo4j"

    def __init__(self, connection: Connection | None = None, read_only: bool = False,
                 batch_size: int = DEFAULT_BATCH, max_retry_time: float | None = None,
                 node_workers: int = 2) -> None:
        from neo4j.exceptions import DriverError, Neo4jError

        self.conn = connection or connection_from_env()
        self.cypher = cypher_for(self.conn.namespace)
        self.path = self.conn.where
        self.read_only = read_only
        self.batch_size = int(batch_size)
        self.node_workers = max(1, int(node_workers))
        self.driver = None
        self._duck = None
        self._connected = False
        try:
            try:
                # Built inside the handler: a bad URI or setting is one line too.
                self.driver = open_driver(self.conn, retry_seconds() if max_retry_time is None
                                          else max_retry_time)
                self.driver.verify_connectivity()
            except (Neo4jError, DriverError, OSError, ValueError) as exc:
                raise self._fail(exc) from None
            self._check_database()
            self._connected = True
            if not read_only:
                self._execute_write(lambda tx: [tx.run(q).consume() for q in self.cypher.schema],
                                    schema=True)
                self._run_write(self.cypher.meta_write, v=str(m.SCHEMA_VERSION))
            self._check_version()
        except BaseException:
            self.close()
            raise

    def label(self, label: str) -> str:
        """The namespace's key label of a model label, for queries of other modules (GDS)."""
        return self.cypher.key(label)

    # -- plumbing ---------------------------------------------------------------------
    def _fail(self, exc: BaseException) -> StoreError:
        """The one-line StoreError for a driver error (never the password)."""
        return classify(exc, self.conn, connected=self._connected)

    def _session(self, write: bool):
        from neo4j import READ_ACCESS, WRITE_ACCESS

        return self.driver.session(database=self.conn.database, fetch_size=READ_FETCH,
                                   default_access_mode=WRITE_ACCESS if write else READ_ACCESS)

    def _execute_write(self, work: Callable, schema: bool = False):
        from neo4j.exceptions import DriverError, Neo4jError

        if self.read_only and not schema:
            raise StoreError(f"Neo4j store {self.conn.where} is open read-only")
        try:
            with self._session(True) as s:
                return s.execute_write(work)
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._fail(exc) from None

    def _run_write(self, query: str, **params):
        return self._execute_write(lambda tx: tx.run(query, **params).consume())

    def _read(self, query: str, **params) -> list[list]:
        from neo4j.exceptions import DriverError, Neo4jError

        try:
            with self._session(False) as s:
                return s.execute_read(lambda tx: tx.run(query, **params).values())
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._fail(exc) from None

    def _check_database(self) -> None:
        self._read("RETURN 1")

    def _check_version(self) -> None:
        rows = self._read(self.cypher.meta_read)
        if not rows:
            raise StoreError(f"no ringgraph store in Neo4j at {self.conn.where}: "
                             "run `ringgraph ingest --store neo4j` first")
        if str(rows[0][0]) != str(m.SCHEMA_VERSION):
            raise StoreError(f"Neo4j at {self.conn.where} has store schema {rows[0][0]}, "
                             f"this ringgraph expects {m.SCHEMA_VERSION}")

    def _write_batches(self, query: str, rows: list[list], task=None,
                       on_result: Callable | None = None) -> tuple[int, int, int]:
        """Run ``query`` over ``rows`` in batches; returns (nodes, rels created, matched)."""
        nodes = rels = matched = 0
        for start in range(0, len(rows), self.batch_size):
            chunk = rows[start:start + self.batch_size]

            def work(tx, chunk=chunk):
                result = tx.run(query, rows=chunk)
                record = result.single() if "RETURN" in query else None
                counters = result.consume().counters
                return counters.nodes_created, counters.relationships_created, (
                    record[0] if record is not None else len(chunk))

            n, r, k = self._execute_write(work)
            nodes, rels, matched = nodes + n, rels + r, matched + k
            if task is not None:
                task.advance(len(chunk))
        return nodes, rels, matched

    # -- writing ----------------------------------------------------------------------
    def write(self, nodes: pd.DataFrame, edges: pd.DataFrame,
              progress: Progress = SILENT) -> WriteStats:
        check_frames(nodes, edges)
        nodes = first_of_each(_plain(nodes, m.NODE_COLUMNS), ["label", "key"])
        edges = first_of_each(_plain(edges, m.EDGE_COLUMNS), list(m.EDGE_COLUMNS[:6]))
        n_added = e_added = missing = 0
        with progress.task("writing nodes (neo4j)", total=len(nodes)) as t:
            # Labels never share a node, so their batches cannot conflict: load them on
            # `node_workers` sessions at once (the server is CPU-bound per transaction).
            jobs = sorted(nodes.groupby("label", sort=True), key=lambda j: -len(j[1]))

            def load(job):
                # Rows are built per label inside the worker: one label's lists in memory.
                label, part = job
                rows = _rows(part.sort_values("key", kind="stable"),
                             ("key", "name", "props", "source", "row", "at"))
                return self._write_batches(self.cypher.node_merge[m.check_label(label)], rows, t)

            if self.node_workers > 1 and len(jobs) > 1:
                from concurrent.futures import ThreadPoolExecutor

                with ThreadPoolExecutor(self.node_workers) as pool:
                    done = list(pool.map(load, jobs))
            else:
                done = [load(job) for job in jobs]
            n_added = sum(d[0] for d in done)
        # Relationship batches run one after another: MERGE locks both end nodes, and
        # parallel batches sharing hubs (an institution, an org) would deadlock.
        with progress.task("writing relationships (neo4j)", total=len(edges)) as t:
            for triple, part in edges.groupby(["src_label", "rel", "dst_label"], sort=True):
                # Sorted by end keys: neighbouring index pages, fewer page-cache misses.
                part = part.sort_values(["src_key", "dst_key"], kind="stable")
                rows = _rows(part, ("src_key", "dst_key", "eid", "props", "source", "row", "at"))
                _, r, k = self._write_batches(self.cypher.rel_merge[_SPEC[triple]], rows, t)
                e_added += r
                missing += len(rows) - k
        if missing:
            raise StoreError(f"{missing} relationship(s) name a node that is not in Neo4j at "
                             f"{self.conn.where}; they were not written")
        return WriteStats(nodes_added=n_added, edges_added=e_added)

    def write_bookkeeping(self, quarantine: pd.DataFrame, field_issues: pd.DataFrame,
                          duplicates: pd.DataFrame, records: pd.DataFrame) -> None:
        for name, frame, cols in (("quarantine", quarantine, QUARANTINE_COLUMNS),
                                  ("field_issues", field_issues, FIELD_ISSUE_COLUMNS),
                                  ("duplicates", duplicates, DUPLICATE_COLUMNS),
                                  ("records", records, RECORD_COLUMNS)):
            self._write_batches(self.cypher.bookkeeping_merge[name],
                                _rows(_plain(frame, cols), cols))

    def record_run(self, report_json: str) -> None:
        self._run_write(self.cypher.run_write, report=report_json)

    def replace_run(self, run: int, report_json: str) -> None:
        # An update in place: one `_Run` per ingest, as in DuckDB (the base class appends).
        self._run_write(self.cypher.run_replace, run=int(run), report=report_json)

    def delete_all(self) -> None:
        """Delete every node of this store's namespace (constraints stay); nodes without
        the namespace's marker label (other applications', other namespaces') stay.

        For tests and benchmarks; nothing in the CLI calls it.
        """
        self._auto_write(self.cypher.delete_all)
        self._run_write(self.cypher.meta_write, v=str(m.SCHEMA_VERSION))

    def drop_namespace(self) -> None:
        """Delete this namespace's nodes and its constraints and indexes (tests' teardown)."""
        self._auto_write(self.cypher.delete_all)
        for kind, name in self.cypher.schema_names:
            self._auto_write(f"DROP {kind} `{name}` IF EXISTS")

    def _auto_write(self, query: str) -> None:
        """``query`` in an auto-commit transaction (``CALL {} IN TRANSACTIONS``, schema)."""
        from neo4j.exceptions import DriverError, Neo4jError

        if self.read_only:
            raise StoreError(f"Neo4j store {self.conn.where} is open read-only")
        try:
            with self._session(True) as s:
                s.run(query).consume()
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._fail(exc) from None

    # -- reading ----------------------------------------------------------------------
    def nodes(self, label: str | None = None) -> pd.DataFrame:
        c = self.cypher
        query = c.all_nodes_read if label is None else c.node_read[m.check_label(label)]
        return self._frame(self._read(query), m.NODE_COLUMNS, NODE_SQL)

    def edges(self, rels: tuple[str, ...] | None = None) -> pd.DataFrame:
        wanted = set(m.REL_TYPES if rels is None else (m.check_rel(r) for r in rels))
        # One round trip: the union of the constant per-triple queries asked for.
        query = " UNION ALL ".join(self.cypher.rel_read[spec] for spec in m.RELATIONSHIPS
                                   if spec.rel in wanted)
        return self._frame(self._read(query), m.EDGE_COLUMNS, EDGE_SQL)

    def node_property(self, label: str, prop: str) -> pd.Series:
        rows = self._read(self.cypher.node_read[m.check_label(label)])
        # The DuckDB store's own expression, so both stores read JSON values alike.
        df = self._frame(rows, m.NODE_COLUMNS, PROPERTY_SQL, [prop])
        return pd.Series(df["v"].to_numpy(), index=df["key"].to_numpy(), name=prop)

    def counts(self) -> dict[str, int]:
        got: dict[str, int] = {}
        for what, n in self._read(self.cypher.counts):  # relationship types: per triple
            got[what] = got.get(what, 0) + int(n)
        return {k: int(got[k]) for k in sorted(m.NODE_LABELS) + sorted(m.REL_TYPES)
                if got.get(k)}

    def neighbourhood(self, label: str, key: str, hops: int = 1
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
        m.check_label(label)
        frontier = {(label, key)}
        seen = set(frontier)
        found: dict[tuple, list] = {}
        for _ in range(max(0, int(hops))):
            if not frontier:
                break
            new_ends = set()
            by_label: dict[str, list[str]] = {}
            for lab, k in sorted(frontier):
                by_label.setdefault(lab, []).append(k)
            for lab, keys in by_label.items():
                for row in self._read(self.cypher.around[lab], keys=keys):
                    rel, a_labels, a_key, b_labels, b_key = row[:5]
                    a_lab, b_lab = (self.cypher.model_label(a_labels),
                                    self.cypher.model_label(b_labels))
                    if (a_lab, rel, b_lab) not in m.ALLOWED_TRIPLES:
                        continue
                    ident = (rel, a_lab, a_key, b_lab, b_key, row[5])
                    found.setdefault(ident, [*ident, *row[6:]])
                    new_ends |= {(a_lab, a_key), (b_lab, b_key)}
            frontier = new_ends - seen
            seen |= new_ends
        keys = sorted(seen)
        node_rows = []
        by_label = {}
        for lab, k in keys:
            by_label.setdefault(lab, []).append(k)
        for lab, ks in by_label.items():
            node_rows += self._read(self.cypher.node_read_keys[lab], keys=ks)
        nodes = self._frame(node_rows, m.NODE_COLUMNS, NODE_SQL)
        if not found:
            cols = list(m.EDGE_COLUMNS)
            return nodes, pd.DataFrame(columns=cols).sort_values(cols[:6]).reset_index(drop=True)
        return nodes, self._frame(list(found.values()), m.EDGE_COLUMNS, EDGE_SQL)

    def lookup(self, value: str) -> pd.DataFrame:
        return self._frame(self._read(self.cypher.lookup, v=value), m.NODE_COLUMNS, NODE_SQL)

    def table(self, name: str) -> pd.DataFrame:
        if name not in TABLE_SQL:
            raise ValueError(f"unknown table {name!r}; expected one of {sorted(TABLE_SQL)}")
        return self._frame(self._read(self.cypher.bookkeeping_read[name]), TABLE_COLUMNS[name],
                           TABLE_SQL[name])

    def _frame(self, rows: list[list], columns, sql: str, params=None) -> pd.DataFrame:
        """Rows → the frame the DuckDB store would return (its casts, dtypes and order)."""
        if self._duck is None:
            self._duck = duckdb.connect(":memory:")
        return typed_frame(self._duck, rows, columns, sql, params)

    def close(self) -> None:
        if getattr(self, "driver", None) is not None:
            self.driver.close()
            self.driver = None
        if getattr(self, "_duck", None) is not None:
            self._duck.close()
            self._duck = None

    # -- investigators' bookkeeping (verdicts, ring identity) ------------------------
    # `_Verdict` and `_RingId` nodes like `_Run`: in the namespace, untouched by ingest.
    def write_verdict(self, verdict: dict) -> None:
        self._run_write(self.cypher.verdict_write,
                        v={c: verdict.get(c) for c in VERDICT_COLUMNS[1:]})

    def verdicts(self) -> pd.DataFrame:
        return pd.DataFrame(self._read(self.cypher.verdict_read), columns=list(VERDICT_COLUMNS))

    def write_ring_ids(self, rows: pd.DataFrame) -> None:
        cols = [c for c in RING_ID_COLUMNS if c != "active"]
        data = _plain(rows.drop(columns="active"), cols)
        data["active"] = rows["active"].astype(bool).to_numpy()
        self._write_batches(self.cypher.ring_id_merge, _rows(data, RING_ID_COLUMNS))

    def ring_ids(self) -> pd.DataFrame:
        frame = pd.DataFrame(self._read(self.cypher.ring_id_read), columns=list(RING_ID_COLUMNS))
        frame["active"] = frame["active"].astype(bool)
        return frame
