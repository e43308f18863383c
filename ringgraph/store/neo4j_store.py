"""The team store: a Neo4j 5 database over Bolt.

Graph
    One node per ``(label, key)`` with the model label and properties ``key, name, props,
    source, row, at`` (``props`` is the JSON text of the graph frame, kept verbatim so both
    stores read back identical frames). One relationship per ``(type, start, end, eid)``
    with ``eid, props, source, row, at``. A uniqueness constraint on ``key`` per label (which
    also indexes it) and an index on ``name`` per label are created before anything loads.
Bookkeeping
    Nodes whose labels start with ``_`` so no model query ever sees them: ``_Quarantine``,
    ``_FieldIssue``, ``_Duplicate``, ``_Record`` (each keyed like the DuckDB table's primary
    key, with a uniqueness constraint), ``_Run`` (one per ingest report) and ``_Meta``
    (``schema_version``).

Writes are ``UNWIND $rows`` batches with ``MERGE`` on keys, one managed transaction per batch
(``session.execute_write``: retried by the driver on transient errors and lost connections,
which is safe because ``MERGE`` makes a batch idempotent). Provenance is set only ``ON
CREATE``, so the first load of a fact wins. Relationship batches run one after another on
one session: parallel MERGEs of relationships on shared nodes deadlock. A load cut short
(server killed, network lost) leaves whole batches; running it again completes it.

Every query is a constant string: labels and relationship types are interpolated once, at
import, from :mod:`ringgraph.model` constants that passed ``check_label``/``check_rel``;
values always travel as parameters.

Reading back goes through an in-memory DuckDB relation with the DuckDB store's column types
and ``ORDER BY``, so ``nodes()``, ``edges()``, ``neighbourhood()``, ``lookup()`` and
``table()`` return frames equal to the DuckDB store's for the same data (same dtypes, same
sort order, same fingerprint).

Connection (environment, read by :func:`connection_from_env`): ``NEO4J_URI`` (default: the
local server, ``bolt://127.0.0.1:7687``), ``NEO4J_USER`` (``neo4j``), ``NEO4J_PASSWORD``
(required unless the URI is the local default, which falls back to the local-development
password), ``NEO4J_DATABASE`` (``neo4j``).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from typing import Callable

import duckdb
import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import (DUPLICATE_COLUMNS, FIELD_ISSUE_COLUMNS, QUARANTINE_COLUMNS,
                   RECORD_COLUMNS, GraphStore, StoreError, WriteStats, check_frames,
                   first_of_each)
from ringgraph.store.base import RING_ID_COLUMNS, VERDICT_COLUMNS

DEFAULT_BATCH = 10_000
READ_FETCH = 20_000

# -- constant Cypher ---------------------------------------------------------------------
# Labels and types below come only from ringgraph.model, checked at import.


def _node_merge(label: str) -> str:
    label = m.check_label(label)
    return (f"UNWIND $rows AS r MERGE (n:`{label}` {{key: r[0]}}) "
            "ON CREATE SET n.name = r[1], n.props = r[2], n.source = r[3], n.row = r[4], "
            "n.at = r[5]")


def _rel_merge(spec: m.RelSpec) -> str:
    rel, src, dst = m.check_rel(spec.rel), m.check_label(spec.src), m.check_label(spec.dst)
    return (f"UNWIND $rows AS r MATCH (a:`{src}` {{key: r[0]}}) MATCH (b:`{dst}` {{key: r[1]}}) "
            f"MERGE (a)-[e:`{rel}` {{eid: r[2]}}]->(b) "
            "ON CREATE SET e.props = r[3], e.source = r[4], e.row = r[5], e.at = r[6] "
            "RETURN count(*) AS matched")


def _node_read(label: str) -> str:
    label = m.check_label(label)
    return (f"MATCH (n:`{label}`) RETURN '{label}' AS label, n.key AS key, n.name AS name, "
            "n.props AS props, n.source AS source, n.row AS row, n.at AS at")


def _rel_read(spec: m.RelSpec) -> str:
    rel, src, dst = m.check_rel(spec.rel), m.check_label(spec.src), m.check_label(spec.dst)
    return (f"MATCH (a:`{src}`)-[e:`{rel}`]->(b:`{dst}`) RETURN '{rel}' AS rel, "
            f"'{src}' AS src_label, a.key AS src_key, '{dst}' AS dst_label, b.key AS dst_key, "
            "e.eid AS eid, e.props AS props, e.source AS source, e.row AS row, e.at AS at")


def _node_read_keys(label: str) -> str:
    label = m.check_label(label)
    return (f"UNWIND $keys AS k MATCH (n:`{label}` {{key: k}}) RETURN '{label}' AS label, "
            "n.key AS key, n.name AS name, n.props AS props, n.source AS source, n.row AS row, "
            "n.at AS at")


def _around(label: str) -> str:
    label = m.check_label(label)
    return (f"UNWIND $keys AS k MATCH (x:`{label}` {{key: k}})-[e]-() "
            "WITH DISTINCT e, startNode(e) AS a, endNode(e) AS b "
            "RETURN type(e), labels(a), a.key, labels(b), b.key, e.eid, e.props, e.source, "
            "e.row, e.at")


def _lookup() -> str:
    parts = []
    for label in m.NODE_LABELS:
        label = m.check_label(label)
        for prop in ("key", "name"):
            parts.append(f"MATCH (n:`{label}`) WHERE n.{prop} = $v RETURN '{label}' AS label, "
                         "n.key AS key, n.name AS name, n.props AS props, n.source AS source, "
                         "n.row AS row, n.at AS at")
    # UNION (not ALL): a node whose key and name both equal the value comes once.
    return " UNION ".join(parts)


def _counts() -> str:
    parts = [f"MATCH (n:`{m.check_label(label)}`) RETURN '{label}' AS what, count(n) AS n"
             for label in m.NODE_LABELS]
    parts += [f"MATCH ()-[e:`{m.check_rel(rel)}`]->() RETURN '{rel}' AS what, count(e) AS n"
              for rel in m.REL_TYPES]
    return " UNION ALL ".join(parts)


def _schema() -> tuple[str, ...]:
    out = []
    for label in m.NODE_LABELS:
        low = m.check_label(label).lower()
        out.append(f"CREATE CONSTRAINT ringgraph_{low}_key IF NOT EXISTS "
                   f"FOR (n:`{label}`) REQUIRE n.key IS UNIQUE")
        out.append(f"CREATE INDEX ringgraph_{low}_name IF NOT EXISTS FOR (n:`{label}`) ON (n.name)")
    out += [
        "CREATE CONSTRAINT ringgraph_meta_key IF NOT EXISTS FOR (n:`_Meta`) "
        "REQUIRE n.key IS UNIQUE",
        "CREATE CONSTRAINT ringgraph_quarantine_id IF NOT EXISTS FOR (n:`_Quarantine`) "
        "REQUIRE (n.source, n.row) IS UNIQUE",
        "CREATE CONSTRAINT ringgraph_field_issue_id IF NOT EXISTS FOR (n:`_FieldIssue`) "
        "REQUIRE (n.source, n.row, n.field) IS UNIQUE",
        "CREATE CONSTRAINT ringgraph_duplicate_id IF NOT EXISTS FOR (n:`_Duplicate`) "
        "REQUIRE (n.source, n.row) IS UNIQUE",
        "CREATE CONSTRAINT ringgraph_record_id IF NOT EXISTS FOR (n:`_Record`) "
        "REQUIRE (n.kind, n.record_id) IS UNIQUE",
        "CREATE CONSTRAINT ringgraph_run_id IF NOT EXISTS FOR (n:`_Run`) REQUIRE n.run IS UNIQUE",
    ]
    return tuple(out)


SCHEMA = _schema()
NODE_MERGE = {label: _node_merge(label) for label in m.NODE_LABELS}
REL_MERGE = {spec: _rel_merge(spec) for spec in m.RELATIONSHIPS}
NODE_READ = {label: _node_read(label) for label in m.NODE_LABELS}
NODE_READ_KEYS = {label: _node_read_keys(label) for label in m.NODE_LABELS}
REL_READ = {spec: _rel_read(spec) for spec in m.RELATIONSHIPS}
ALL_NODES_READ = " UNION ALL ".join(NODE_READ[label] for label in m.NODE_LABELS)
AROUND = {label: _around(label) for label in m.NODE_LABELS}
LOOKUP = _lookup()
COUNTS = _counts()
_SPEC = {(s.src, s.rel, s.dst): s for s in m.RELATIONSHIPS}

META_READ = "MATCH (n:`_Meta` {key: 'schema_version'}) RETURN n.value"
META_WRITE = "MERGE (n:`_Meta` {key: 'schema_version'}) ON CREATE SET n.value = $v RETURN n.value"
BOOKKEEPING_MERGE = {
    "quarantine": "UNWIND $rows AS r MERGE (n:`_Quarantine` {source: r[0], row: r[1]}) "
                  "ON CREATE SET n.reason = r[2], n.field = r[3], n.message = r[4], n.raw = r[5]",
    "field_issues": "UNWIND $rows AS r MERGE (n:`_FieldIssue` {source: r[0], row: r[1], "
                    "field: r[2]}) ON CREATE SET n.reason = r[3], n.message = r[4]",
    "duplicates": "UNWIND $rows AS r MERGE (n:`_Duplicate` {source: r[0], row: r[1]}) "
                  "ON CREATE SET n.record_id = r[2], n.kept_source = r[3], n.kept_row = r[4]",
    "records": "UNWIND $rows AS r MERGE (n:`_Record` {kind: r[0], record_id: r[1]}) "
               "ON CREATE SET n.content_hash = r[2], n.source = r[3], n.row = r[4]",
}
BOOKKEEPING_READ = {
    "quarantine": "MATCH (n:`_Quarantine`) RETURN n.source, n.row, n.reason, n.field, "
                  "n.message, n.raw",
    "field_issues": "MATCH (n:`_FieldIssue`) RETURN n.source, n.row, n.field, n.reason, "
                    "n.message",
    "duplicates": "MATCH (n:`_Duplicate`) RETURN n.source, n.row, n.record_id, n.kept_source, "
                  "n.kept_row",
    "records": "MATCH (n:`_Record`) RETURN n.kind, n.record_id, n.content_hash, n.source, n.row",
    "runs": "MATCH (n:`_Run`) RETURN n.run, n.report",
}
RUN_WRITE = ("OPTIONAL MATCH (n:`_Run`) WITH coalesce(max(n.run), 0) + 1 AS next "
             "CREATE (:`_Run` {run: next, report: $report})")
VERDICT_WRITE = ("OPTIONAL MATCH (n:`_Verdict`) WITH coalesce(max(n.seq), 0) + 1 AS next "
                 "CREATE (x:`_Verdict` {seq: next}) SET x += $v")
VERDICT_READ = ("MATCH (n:`_Verdict`) RETURN n.seq, n.ring_id, n.verdict, n.note, n.reviewer, "
                "n.at, n.complaint_ids, n.features, n.points ORDER BY n.seq")
RING_ID_MERGE = ("UNWIND $rows AS r MERGE (n:`_RingId` {ring_id: r[0]}) "
                 "SET n.members = r[1], n.lineage = r[2], n.active = r[3], n.updated = r[4]")
RING_ID_READ = ("MATCH (n:`_RingId`) RETURN n.ring_id, n.members, n.lineage, n.active, "
                "n.updated ORDER BY n.ring_id")
DELETE_ALL = "MATCH (n) CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS"

# DuckDB casts and orders that make read-back frames equal to the DuckDB store's.
_NODE_SQL = ('SELECT CAST(label AS VARCHAR) AS label, CAST(key AS VARCHAR) AS key, '
             'CAST(name AS VARCHAR) AS name, CAST(props AS VARCHAR) AS props, '
             'CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
             'CAST("at" AS VARCHAR) AS "at" FROM incoming ORDER BY label, key')
_EDGE_SQL = ('SELECT CAST(rel AS VARCHAR) AS rel, CAST(src_label AS VARCHAR) AS src_label, '
             'CAST(src_key AS VARCHAR) AS src_key, CAST(dst_label AS VARCHAR) AS dst_label, '
             'CAST(dst_key AS VARCHAR) AS dst_key, CAST(eid AS VARCHAR) AS eid, '
             'CAST(props AS VARCHAR) AS props, CAST(source AS VARCHAR) AS source, '
             'CAST("row" AS BIGINT) AS "row", CAST("at" AS VARCHAR) AS "at" FROM incoming '
             'ORDER BY rel, src_label, src_key, dst_label, dst_key, eid')
_PROPERTY_SQL = ("SELECT key, json_extract_string(props, '$.' || ?) AS v FROM incoming "
                 "ORDER BY key")
_TABLE_SQL = {
    "quarantine": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                   'CAST(reason AS VARCHAR) AS reason, CAST(field AS VARCHAR) AS field, '
                   'CAST(message AS VARCHAR) AS message, CAST(raw AS VARCHAR) AS raw '
                   'FROM incoming ORDER BY source, "row"'),
    "field_issues": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                     'CAST(field AS VARCHAR) AS field, CAST(reason AS VARCHAR) AS reason, '
                     'CAST(message AS VARCHAR) AS message FROM incoming '
                     'ORDER BY source, "row", field'),
    "duplicates": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                   'CAST(record_id AS VARCHAR) AS record_id, '
                   'CAST(kept_source AS VARCHAR) AS kept_source, '
                   'CAST(kept_row AS BIGINT) AS kept_row FROM incoming ORDER BY source, "row"'),
    "records": ('SELECT CAST(kind AS VARCHAR) AS kind, CAST(record_id AS VARCHAR) AS record_id, '
                'CAST(content_hash AS VARCHAR) AS content_hash, '
                'CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row" '
                'FROM incoming ORDER BY kind, record_id'),
    "runs": ('SELECT CAST(run AS INTEGER) AS run, CAST(report AS VARCHAR) AS report '
             'FROM incoming ORDER BY run'),
}
_TABLE_COLUMNS = {"quarantine": QUARANTINE_COLUMNS, "field_issues": FIELD_ISSUE_COLUMNS,
                  "duplicates": DUPLICATE_COLUMNS, "records": RECORD_COLUMNS,
                  "runs": ("run", "report")}
_INT_COLUMNS = {"row", "kept_row", "run"}


@dataclass(frozen=True)
class Connection:
    """Where a Neo4j store lives; ``repr`` never shows the password."""

    uri: str
    user: str
    password: str
    database: str

    def __repr__(self) -> str:
        return f"Connection(uri={self.uri!r}, user={self.user!r}, database={self.database!r})"

    @property
    def where(self) -> str:
        """URI and database for messages (user info in the URI is dropped)."""
        return f"{_safe_uri(self.uri)} (database {self.database})"


def local_uri() -> str:
    """Bolt URI of the local development server (``ringgraph neo4j start``)."""
    from ringgraph.store.neo4j_local import DEFAULT_PORT

    return f"bolt://127.0.0.1:{int(os.environ.get('RINGGRAPH_NEO4J_PORT', DEFAULT_PORT))}"


def connection_from_env() -> Connection:
    """Connection settings from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``,
    ``NEO4J_DATABASE``; the password is taken only from the environment."""
    uri = os.environ.get("NEO4J_URI") or local_uri()
    password = os.environ.get("NEO4J_PASSWORD")
    if not password:
        if os.environ.get("NEO4J_URI"):
            raise StoreError(f"NEO4J_PASSWORD is not set for Neo4j at {_safe_uri(uri)}")
        from ringgraph.store.neo4j_local import LOCAL_DEV_PASSWORD

        password = LOCAL_DEV_PASSWORD
    return Connection(uri=uri, user=os.environ.get("NEO4J_USER") or "neo4j",
                      password=password, database=os.environ.get("NEO4J_DATABASE") or "neo4j")


def _safe_uri(uri: str) -> str:
    return re.sub(r"//[^/@]*@", "//", uri)


class Neo4jStore(GraphStore):
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
                 batch_size: int = DEFAULT_BATCH, max_retry_time: float = 30.0,
                 node_workers: int = 2) -> None:
        from neo4j import GraphDatabase
        from neo4j.exceptions import DriverError, Neo4jError

        self.conn = connection or connection_from_env()
        self.path = self.conn.where
        self.read_only = read_only
        self.batch_size = int(batch_size)
        self.node_workers = max(1, int(node_workers))
        self.driver = None
        self._duck = None
        try:
            self.driver = GraphDatabase.driver(
                self.conn.uri, auth=(self.conn.user, self.conn.password),
                connection_timeout=10, max_transaction_retry_time=max_retry_time,
                notifications_min_severity="OFF", user_agent="ringgraph")
            try:
                self.driver.verify_connectivity()
            except (Neo4jError, DriverError, OSError) as exc:
                raise self._fail(exc) from None
            self._check_database()
            if not read_only:
                self._execute_write(lambda tx: [tx.run(q).consume() for q in SCHEMA],
                                    schema=True)
                self._run_write(META_WRITE, v=str(m.SCHEMA_VERSION))
            self._check_version()
        except BaseException:
            self.close()
            raise

    # -- plumbing ---------------------------------------------------------------------
    def _fail(self, exc: BaseException) -> StoreError:
        """The one-line StoreError for a driver error (never the password)."""
        from neo4j.exceptions import (AuthError, ClientError, ConfigurationError,
                                      ServiceUnavailable, SessionExpired)

        where = self.conn.where
        if isinstance(exc, AuthError):
            return StoreError(f"Neo4j at {where} refused the login of user {self.conn.user!r}: "
                              "check NEO4J_USER and NEO4J_PASSWORD")
        if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
            return StoreError(f"cannot reach Neo4j at {where}: "
                              f"{_first_line(exc) or type(exc).__name__} (is the server "
                              "running? `ringgraph neo4j start` starts a local one)")
        if isinstance(exc, ConfigurationError):
            return StoreError(f"bad Neo4j settings for {where}: {_first_line(exc)}")
        if isinstance(exc, ClientError) and "DatabaseNotFound" in (exc.code or ""):
            return StoreError(f"Neo4j at {_safe_uri(self.conn.uri)} has no database "
                              f"{self.conn.database!r}: check NEO4J_DATABASE")
        return StoreError(f"Neo4j at {where}: {type(exc).__name__}: {_first_line(exc)}")

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
        rows = self._read(META_READ)
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
                return self._write_batches(NODE_MERGE[m.check_label(label)], rows, t)

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
                _, r, k = self._write_batches(REL_MERGE[_SPEC[triple]], rows, t)
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
            self._write_batches(BOOKKEEPING_MERGE[name], _rows(_plain(frame, cols), cols))

    def record_run(self, report_json: str) -> None:
        self._run_write(RUN_WRITE, report=report_json)

    def delete_all(self) -> None:
        """Delete every node and relationship of the database (constraints stay).

        For tests and benchmarks on a scratch database only; nothing in the CLI calls it.
        """
        from neo4j.exceptions import DriverError, Neo4jError

        if self.read_only:
            raise StoreError(f"Neo4j store {self.conn.where} is open read-only")
        try:
            # CALL {} IN TRANSACTIONS needs an implicit (auto-commit) transaction.
            with self._session(True) as s:
                s.run(DELETE_ALL).consume()
        except (Neo4jError, DriverError, OSError) as exc:
            raise self._fail(exc) from None
        self._run_write(META_WRITE, v=str(m.SCHEMA_VERSION))

    # -- reading ----------------------------------------------------------------------
    def nodes(self, label: str | None = None) -> pd.DataFrame:
        query = ALL_NODES_READ if label is None else NODE_READ[m.check_label(label)]
        return self._frame(self._read(query), m.NODE_COLUMNS, _NODE_SQL)

    def edges(self, rels: tuple[str, ...] | None = None) -> pd.DataFrame:
        wanted = set(m.REL_TYPES if rels is None else (m.check_rel(r) for r in rels))
        # One round trip: the union of the constant per-triple queries asked for.
        query = " UNION ALL ".join(REL_READ[spec] for spec in m.RELATIONSHIPS
                                   if spec.rel in wanted)
        return self._frame(self._read(query), m.EDGE_COLUMNS, _EDGE_SQL)

    def node_property(self, label: str, prop: str) -> pd.Series:
        rows = self._read(NODE_READ[m.check_label(label)])
        # The DuckDB store's own expression, so both stores read JSON values alike.
        df = self._frame(rows, m.NODE_COLUMNS, _PROPERTY_SQL, [prop])
        return pd.Series(df["v"].to_numpy(), index=df["key"].to_numpy(), name=prop)

    def counts(self) -> dict[str, int]:
        got = dict(self._read(COUNTS))
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
                for row in self._read(AROUND[lab], keys=keys):
                    rel, a_labels, a_key, b_labels, b_key = row[:5]
                    a_lab, b_lab = _model_label(a_labels), _model_label(b_labels)
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
            node_rows += self._read(NODE_READ_KEYS[lab], keys=ks)
        nodes = self._frame(node_rows, m.NODE_COLUMNS, _NODE_SQL)
        if not found:
            cols = list(m.EDGE_COLUMNS)
            return nodes, pd.DataFrame(columns=cols).sort_values(cols[:6]).reset_index(drop=True)
        return nodes, self._frame(list(found.values()), m.EDGE_COLUMNS, _EDGE_SQL)

    def lookup(self, value: str) -> pd.DataFrame:
        return self._frame(self._read(LOOKUP, v=value), m.NODE_COLUMNS, _NODE_SQL)

    def table(self, name: str) -> pd.DataFrame:
        if name not in _TABLE_SQL:
            raise ValueError(f"unknown table {name!r}; expected one of {sorted(_TABLE_SQL)}")
        return self._frame(self._read(BOOKKEEPING_READ[name]), _TABLE_COLUMNS[name],
                           _TABLE_SQL[name])

    def _frame(self, rows: list[list], columns, sql: str, params=None) -> pd.DataFrame:
        """Rows → the frame the DuckDB store would return (its casts, dtypes and order)."""
        if self._duck is None:
            self._duck = duckdb.connect(":memory:")
        return _typed_frame(self._duck, rows, columns, sql, params)

    def close(self) -> None:
        if getattr(self, "driver", None) is not None:
            self.driver.close()
            self.driver = None
        if getattr(self, "_duck", None) is not None:
            self._duck.close()
            self._duck = None

    # -- investigators' bookkeeping (verdicts, ring identity) ------------------------
    # `_Verdict` and `_RingId` nodes like `_Run`: outside the model, untouched by ingest.
    def write_verdict(self, verdict: dict) -> None:
        self._run_write(VERDICT_WRITE, v={c: verdict.get(c) for c in VERDICT_COLUMNS[1:]})

    def verdicts(self) -> pd.DataFrame:
        rows = self._read(VERDICT_READ)
        return pd.DataFrame(rows, columns=list(VERDICT_COLUMNS))

    def write_ring_ids(self, rows: pd.DataFrame) -> None:
        data = _plain(rows.drop(columns="active"), [c for c in RING_ID_COLUMNS if c != "active"])
        data["active"] = rows["active"].astype(bool).to_numpy()
        self._write_batches(RING_ID_MERGE, _rows(data, RING_ID_COLUMNS))

    def ring_ids(self) -> pd.DataFrame:
        rows = self._read(RING_ID_READ)
        frame = pd.DataFrame(rows, columns=list(RING_ID_COLUMNS))
        frame["active"] = frame["active"].astype(bool)
        return frame


# -- helpers -----------------------------------------------------------------------------
def _first_line(exc: BaseException) -> str:
    msg = getattr(exc, "message", None) or str(exc)
    return (msg.strip().splitlines() or [""])[0][:300]


def _model_label(labels: list[str]) -> str | None:
    for lab in labels:
        if lab in m.NODE_LABELS:
            return lab
    return None


def _plain(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``columns`` of ``frame`` as object columns of str/int/None (what Bolt can carry)."""
    out = frame.reindex(columns=list(columns))
    data = {}
    for c in out.columns:
        col = out[c]
        if c in _INT_COLUMNS:
            num = pd.to_numeric(col, errors="coerce")
            data[c] = np.array([None if pd.isna(v) else int(v) for v in num], dtype=object)
        else:
            arr = col.astype(object).to_numpy()
            mask = pd.isna(col).to_numpy()
            arr = arr.copy()
            arr[mask] = None
            data[c] = np.array([v if v is None else str(v) for v in arr], dtype=object)
    return pd.DataFrame(data, index=out.index, columns=list(columns))




def _rows(frame: pd.DataFrame, columns) -> list[list]:
    if not len(frame):
        return []
    return frame[list(columns)].to_numpy(dtype=object).tolist()


def _typed_frame(con, rows: list[list], columns, sql: str, params=None) -> pd.DataFrame:
    """Rows → the frame the DuckDB store would return (its casts, dtypes and order)."""
    cols = list(columns)
    data = {}
    for i, c in enumerate(cols):
        values = [r[i] for r in rows]
        data[c] = (pd.array(values, dtype="Int64") if c in _INT_COLUMNS
                   else pd.array(values, dtype=object))
    frame = pd.DataFrame(data, columns=cols)
    con.register("incoming", frame)
    try:
        return con.execute(sql, params).df() if params else con.execute(sql).df()
    finally:
        con.unregister("incoming")
