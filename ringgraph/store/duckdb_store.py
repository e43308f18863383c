"""The embedded default store: one DuckDB file, no server.

Schema (versioned in ``meta``): ``nodes`` and ``edges`` hold the graph with provenance;
``quarantine``, ``field_issues``, ``duplicates`` and ``runs`` the ingest bookkeeping. All
SQL is constant text; values travel as parameters or registered DataFrames.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import duckdb
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.errors import OutputError
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.duckdb_sql import (_DDL, _INSERT_CALLS, _INSERT_DUPLICATES,  # noqa: F401
                                         _INSERT_EDGES, _INSERT_ISSUES, _INSERT_NODES,
                                         _INSERT_QUARANTINE, _INSERT_RECORDS, _KNOWN_RECORDS,
                                         _READ_CALLS, _REVIEW_DDL, _TABLE_QUERIES)
from ringgraph.store.base import (DUPLICATE_COLUMNS, FIELD_ISSUE_COLUMNS, QUARANTINE_COLUMNS,
                   RECORD_COLUMNS, GraphStore, StoreError, WriteStats, check_frames,
                   first_of_each)
from ringgraph.store.base import CALL_COLUMNS, RING_ID_COLUMNS, VERDICT_COLUMNS, calls_frame

_CHUNK = 500_000


class DuckDBStore(GraphStore):
    """Graph store in a DuckDB file (``":memory:"`` for a throwaway one).

    Examples
    --------
    >>> import pandas as pd
    >>> from ringgraph.store import DuckDBStore
    >>> with DuckDBStore(":memory:") as store:
    ...     n = pd.DataFrame([{"label": "Phone", "key": "+8613800138000", "name": "+8613800138000",
    ...                        "props": "{}", "source": "a.csv", "row": 1, "at": None}])
    ...     e = pd.DataFrame(columns=["rel", "src_label", "src_key", "dst_label", "dst_key",
    ...                               "eid", "props", "source", "row", "at"])
    ...     store.write(n, e).nodes_added, store.write(n, e).nodes_added
    (1, 0)
    """

    name = "duckdb"

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = str(path)
        if self.path != ":memory:":
            p = Path(self.path)
            if read_only and not p.exists():
                raise StoreError(f"no store at {p}: run `ringgraph ingest` first")
            p.parent.mkdir(parents=True, exist_ok=True)
        try:
            self.con = duckdb.connect(self.path, read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"cannot open DuckDB store {self.path}: "
                             f"{str(exc).splitlines()[0]}") from None
        # Our progress bars speak for the store; DuckDB's own would garble them. (Inside
        # Jupyter without ipywidgets DuckDB refuses to touch the setting: it shows none.)
        try:
            self._run("SET enable_progress_bar = false")
        except duckdb.Error:
            pass
        has_meta = bool(self._run("SELECT 1 FROM information_schema.tables "
                                  "WHERE table_name = 'meta'"))
        if has_meta:
            self._check_version()
        elif read_only:
            raise StoreError(f"{self.path} is not a ringgraph store")
        if not read_only:
            try:
                for ddl in _DDL:
                    self._run(ddl)
                self._run("INSERT INTO meta VALUES ('schema_version', ?) "
                          "ON CONFLICT DO NOTHING", [str(m.SCHEMA_VERSION)])
            except duckdb.Error as exc:
                raise StoreError(f"{self.path} is not a usable ringgraph store: "
                                 f"{str(exc).splitlines()[0]}") from None

    def _run(self, sql: str, params=None) -> list[tuple]:
        """Execute and drain: DuckDB 2 refuses new work while a result is unfinished."""
        return self.con.execute(sql, params).fetchall() if params is not None else \
            self.con.execute(sql).fetchall()

    def _check_version(self) -> None:
        try:
            rows = self._run("SELECT value FROM meta WHERE key = 'schema_version'")
            row = rows[0] if rows else None
        except duckdb.Error:
            raise StoreError(f"{self.path} is not a ringgraph store") from None
        if row is None or int(row[0]) != m.SCHEMA_VERSION:
            raise StoreError(f"{self.path} has store schema {row and row[0]}, "
                             f"this ringgraph expects {m.SCHEMA_VERSION}")

    # -- writing -------------------------------------------------------------------
    def _insert(self, sql: str, frame: pd.DataFrame, task=None) -> int:
        before = self._count_of(sql)
        for start in range(0, len(frame), _CHUNK):
            chunk = frame.iloc[start:start + _CHUNK]
            self.con.register("incoming", chunk)
            try:
                self._run(sql)
            finally:
                self.con.unregister("incoming")
            if task is not None:
                task.advance(len(chunk))
        return self._count_of(sql) - before

    def _count_of(self, sql: str) -> int:
        table = sql.split()[2]
        if table not in ("nodes", "edges", "quarantine", "field_issues", "duplicates",
                         "records", "calls"):
            raise ValueError(f"not a store table: {table!r}")
        return self._run(f"SELECT count(*) FROM {table}")[0][0]  # noqa: S608

    def write(self, nodes: pd.DataFrame, edges: pd.DataFrame,
              progress: Progress = SILENT) -> WriteStats:
        check_frames(nodes, edges)
        nodes = first_of_each(_typed(nodes, m.NODE_COLUMNS), ["label", "key"])
        edges = first_of_each(_typed(edges, m.EDGE_COLUMNS), list(m.EDGE_COLUMNS[:6]))
        with self._transaction():
            with progress.task("writing nodes", total=len(nodes)) as t:
                n = self._insert(_INSERT_NODES, nodes, t)
            with progress.task("writing relationships", total=len(edges)) as t:
                e = self._insert(_INSERT_EDGES, edges, t)
        return WriteStats(nodes_added=n, edges_added=e)

    def write_bookkeeping(self, quarantine: pd.DataFrame, field_issues: pd.DataFrame,
                          duplicates: pd.DataFrame, records: pd.DataFrame) -> None:
        with self._transaction():
            self._insert(_INSERT_QUARANTINE, _typed(quarantine, QUARANTINE_COLUMNS))
            self._insert(_INSERT_ISSUES, _typed(field_issues, FIELD_ISSUE_COLUMNS))
            self._insert(_INSERT_DUPLICATES, _typed(duplicates, DUPLICATE_COLUMNS))
            self._insert(_INSERT_RECORDS, _typed(records, RECORD_COLUMNS))

    def write_calls(self, calls: pd.DataFrame, progress: Progress = SILENT) -> int:
        frame = calls_frame(calls)
        with self._transaction(), progress.task("writing calls", total=len(frame)) as t:
            n = self._insert(_INSERT_CALLS, frame, t)
        return n

    def calls(self) -> pd.DataFrame:
        if not self._has_table("calls"):
            return calls_frame(pd.DataFrame(columns=list(CALL_COLUMNS)))
        return calls_frame(self._df(_READ_CALLS))

    def call_count(self) -> int:
        if not self._has_table("calls"):
            return 0
        return int(self._run("SELECT count(*) FROM calls")[0][0])

    def calls_connection(self):
        # A cursor of its own: temp views and registrations never clash with the store's.
        con = self.con.cursor()
        if self._has_table("calls"):
            # A store opened read-only from before calls had a direction: all were placed.
            cols = {r[0] for r in con.execute("SELECT column_name FROM information_schema"
                                              ".columns WHERE table_name = 'calls'").fetchall()}
            way = "" if "direction" in cols else ", '' AS direction"
            con.execute(f"CREATE OR REPLACE TEMP VIEW k AS SELECT rowid AS i, *{way} FROM calls")
        else:
            con.register("k", self.calls().assign(i=pd.Series([], dtype="int64")))
        return con

    @contextlib.contextmanager
    def _transaction(self):
        """One transaction: committed when the block ends, rolled back (see
        :meth:`_rollback`) when it raises."""
        self._run("BEGIN TRANSACTION")
        try:
            yield
            self._run("COMMIT")
        except BaseException as exc:
            self._rollback(exc)
            raise

    def _rollback(self, exc: BaseException) -> None:
        """Roll back after ``exc``; raise a one-line :class:`OutputError` when the cause
        is the disk (DuckDB has then often aborted the transaction already, and a bare
        ``ROLLBACK`` would replace the real cause with "no transaction is active")."""
        try:
            self._run("ROLLBACK")
        except duckdb.Error:
            pass
        if isinstance(exc, duckdb.Error):
            cause = _disk_cause(str(exc))
            if cause:
                raise OutputError(f"cannot write DuckDB store {self.path}: {cause}") from None

    def record_run(self, report_json: str) -> None:
        self._write_one("INSERT INTO runs SELECT coalesce(max(run), 0) + 1, ? FROM runs",
                        [report_json])

    def replace_run(self, run: int, report_json: str) -> None:
        self._write_one("UPDATE runs SET report = ? WHERE run = ?", [report_json, int(run)])

    def _write_one(self, sql: str, params: list) -> None:
        """One auto-committed write; a full disk is an :class:`OutputError`."""
        try:
            self._run(sql, params)
        except duckdb.Error as exc:
            cause = _disk_cause(str(exc))
            if cause:
                raise OutputError(f"cannot write DuckDB store {self.path}: {cause}") from None
            raise

    # -- reading -------------------------------------------------------------------
    def nodes(self, label: str | None = None) -> pd.DataFrame:
        if label is None:
            return self._df('SELECT * FROM nodes ORDER BY label, key')
        return self._df("SELECT * FROM nodes WHERE label = ? ORDER BY key",
                        [m.check_label(label)])

    def edges(self, rels: tuple[str, ...] | None = None) -> pd.DataFrame:
        order = " ORDER BY rel, src_label, src_key, dst_label, dst_key, eid"
        if rels is None:
            return self._df("SELECT * FROM edges" + order)
        return self._df("SELECT * FROM edges WHERE list_contains(?, rel)" + order,
                        [[m.check_rel(r) for r in rels]])

    def node_property(self, label: str, prop: str) -> pd.Series:
        df = self._df(
            "SELECT key, json_extract_string(props, '$.' || ?) AS v FROM nodes "
            "WHERE label = ? ORDER BY key", [prop, m.check_label(label)])
        return pd.Series(df["v"].to_numpy(), index=df["key"].to_numpy(), name=prop)

    def edge_ends(self, rels: tuple[str, ...]) -> pd.DataFrame:
        return self._df(
            "SELECT rel, src_label, src_key, dst_label, dst_key FROM edges "
            "WHERE list_contains(?, rel) ORDER BY rel, src_label, src_key, dst_label, dst_key",
            [[m.check_rel(r) for r in rels]])

    def edge_property(self, rel: str, prop: str) -> pd.DataFrame:
        return self._df(
            "SELECT src_label, src_key, dst_label, dst_key, eid, "
            "json_extract_string(props, '$.' || ?) AS value FROM edges WHERE rel = ? "
            "ORDER BY src_label, src_key, dst_label, dst_key, eid", [prop, m.check_rel(rel)])

    def _df(self, sql: str, params=None) -> pd.DataFrame:
        """A query's rows as a DataFrame, through Arrow: several times faster than building
        Python string objects row by row (DuckDB's ``.df()``) on million-row reads."""
        rel = self.con.sql(sql, params=params)
        if rel is None:
            return pd.DataFrame()
        table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
        return table.to_pandas()

    @contextlib.contextmanager
    def graph_sql(self):
        """This store's own connection: ``nodes`` and ``edges`` are its tables."""
        yield self.con

    def counts(self) -> dict[str, int]:
        out = dict(self._run("SELECT label, count(*) FROM nodes GROUP BY label ORDER BY label"))
        out.update(self._run("SELECT rel, count(*) FROM edges GROUP BY rel ORDER BY rel"))
        return out

    def neighbourhood(self, label: str, key: str, hops: int = 1
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
        m.check_label(label)
        frontier = {(label, key)}
        seen = set(frontier)
        edge_parts = []
        for _ in range(max(0, int(hops))):
            if not frontier:
                break
            fr = pd.DataFrame(sorted(frontier), columns=["label", "key"])
            self.con.register("frontier", fr)
            try:
                found = self._df(
                    "SELECT DISTINCT e.* FROM edges e JOIN frontier f ON "
                    "(e.src_label = f.label AND e.src_key = f.key) OR "
                    "(e.dst_label = f.label AND e.dst_key = f.key)")
            finally:
                self.con.unregister("frontier")
            edge_parts.append(found)
            ends = set(zip(found["src_label"], found["src_key"])) | set(
                zip(found["dst_label"], found["dst_key"]))
            frontier = ends - seen
            seen |= ends
        keys = pd.DataFrame(sorted(seen), columns=["label", "key"])
        self.con.register("wanted", keys)
        try:
            nodes = self._df(
                "SELECT n.* FROM nodes n JOIN wanted w USING (label, key) "
                "ORDER BY n.label, n.key")
        finally:
            self.con.unregister("wanted")
        cols = list(m.EDGE_COLUMNS)
        edges = (pd.concat(edge_parts, ignore_index=True).drop_duplicates(cols[:6])
                 if edge_parts else pd.DataFrame(columns=cols))
        edges = edges.sort_values(cols[:6]).reset_index(drop=True)
        return nodes, edges

    def lookup(self, value: str) -> pd.DataFrame:
        return self._df("SELECT * FROM nodes WHERE key = ? OR name = ? ORDER BY label, key",
                        [value, value])

    def known_records(self, kind: str, record_ids: pd.Series) -> pd.DataFrame:
        wanted = pd.DataFrame({"record_id": pd.unique(record_ids.astype(object))})
        self.con.register("wanted_ids", wanted)
        try:
            return self._df(_KNOWN_RECORDS, [kind])
        finally:
            self.con.unregister("wanted_ids")

    def table(self, name: str) -> pd.DataFrame:
        if name not in _TABLE_QUERIES:
            raise ValueError(f"unknown table {name!r}; expected one of {sorted(_TABLE_QUERIES)}")
        return self._df(_TABLE_QUERIES[name])

    def close(self) -> None:
        con, self.con = getattr(self, "con", None), None
        if con is not None:
            try:
                con.close()  # checkpoints the write-ahead log into the file
            except duckdb.Error as exc:
                cause = _disk_cause(str(exc))
                if cause:
                    raise OutputError(f"cannot write DuckDB store {self.path}: "
                                      f"{cause}") from None
                raise

    # -- investigators' bookkeeping (verdicts, ring identity) ------------------------
    # Created on first write, not in _DDL: stores made before these tables still open.
    def _ensure_bookkeeping(self) -> None:
        for ddl in _REVIEW_DDL:
            self._run(ddl)

    def _has_table(self, name: str) -> bool:
        return bool(self._run("SELECT 1 FROM information_schema.tables WHERE table_name = ?",
                              [name]))

    def write_verdict(self, verdict: dict) -> None:
        self._ensure_bookkeeping()
        row = [verdict.get(c) for c in VERDICT_COLUMNS[1:]]
        self._run("INSERT INTO verdicts SELECT coalesce(max(seq), 0) + 1, ?, ?, ?, ?, ?, ?, ?, ? "
                  "FROM verdicts", row)

    def verdicts(self) -> pd.DataFrame:
        if not self._has_table("verdicts"):
            return pd.DataFrame(columns=list(VERDICT_COLUMNS))
        return self._df("SELECT * FROM verdicts ORDER BY seq")

    def write_ring_ids(self, rows: pd.DataFrame) -> None:
        self._ensure_bookkeeping()
        frame = _typed(rows, RING_ID_COLUMNS)
        frame["active"] = rows["active"].astype(bool).to_numpy()
        self._run("BEGIN TRANSACTION")
        try:
            self.con.register("incoming", frame)
            self._run("INSERT OR REPLACE INTO ring_ids SELECT ring_id, members, lineage, "
                      "active, updated FROM incoming")
            self._run("COMMIT")
        except BaseException:
            self._run("ROLLBACK")
            raise
        finally:
            self.con.unregister("incoming")

    def ring_ids(self) -> pd.DataFrame:
        if not self._has_table("ring_ids"):
            return pd.DataFrame(columns=list(RING_ID_COLUMNS))
        return self._df("SELECT * FROM ring_ids ORDER BY ring_id")




_DISK_CAUSES = (("no space left", "no space left on device (ENOSPC)"),
                ("file too large", "file too large (file size limit reached) (EFBIG)"),
                ("disk quota", "disk quota exceeded (EDQUOT)"),
                ("read-only file system", "read-only file system (EROFS)"),
                ("permission denied", "permission denied (EACCES)"))


def _disk_cause(message: str) -> str | None:
    low = message.lower()
    for needle, cause in _DISK_CAUSES:
        if needle in low:
            return cause
    return None


def _typed(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """Frame with exactly ``columns``; text columns as object strings, ``row`` as int64."""
    out = frame.reindex(columns=list(columns)).copy()
    for c in out.columns:
        if c in ("row", "kept_row"):
            out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
        else:
            out[c] = out[c].astype(object).where(out[c].notna(), None)
    return out

