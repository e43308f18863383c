"""First load of an empty Neo4j database with Neo4j's own offline importer.

``ringgraph neo4j import --db STORE.duckdb`` copies a DuckDB store into the local Neo4j
server at the speed of ``neo4j-admin database import full`` (the importer ships in the Neo4j
jars Maven already fetched): the graph is written as import CSVs (one node file per label, one
relationship file per relationship kind), the importer builds the store files offline, then
the server starts, :class:`~ringgraph.store.neo4j_store.Neo4jStore` creates its constraints
and writes the bookkeeping (quarantine, field issues, duplicates, records, runs), and the
counts and the data fingerprint are checked against the source. The result is the graph the
``UNWIND … MERGE`` loader writes (same labels, namespace, properties, NULLs), so later
incremental ingests merge into it.

Only for an empty database on a stopped local server: the importer cannot add to a
database, and ringgraph never deletes one. Values travel in the CSV exactly: a missing value
is an empty unquoted field (no property), an empty text is ``""``; texts may span lines.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import GraphStore
from ringgraph.store.neo4j_cypher import Cypher, cypher_for
from ringgraph.store.neo4j_local import LocalNeo4j, ServerError, resolve_classpath

NODE_PROPS = ("name", "props", "source", "row", "at")
EDGE_PROPS = ("eid", "props", "source", "row", "at")
_INT = {"row"}
_ADMIN = "org.neo4j.cli.AdminTool"


def _cells(col: pd.Series, integer: bool) -> pd.Series:
    """One CSV column: integers bare, texts quoted with ``""`` doubled, missing empty."""
    missing = col.isna().to_numpy()
    if integer:
        out = pd.to_numeric(col, errors="coerce").astype("Int64").astype(str)
    else:
        out = '"' + col.astype(str).str.replace('"', '""', regex=False) + '"'
    return out.where(~missing, "")


def _write_csv(path: Path, header: list[str], columns: list[pd.Series]) -> int:
    """Write pre-formatted cell columns as one CSV file; returns the number of rows."""
    n = len(columns[0]) if columns else 0
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(header) + "\n")
        if n:
            line = columns[0].str.cat(columns[1:], sep=",")
            fh.write("\n".join(line.tolist()))
            fh.write("\n")
    return n


def write_import_files(source: GraphStore, folder: Path, cypher: Cypher,
                       progress: Progress = SILENT) -> tuple[list[str], int, int]:
    """Write the importer's CSVs into ``folder``; returns its arguments and the node and
    relationship counts."""
    args, n_nodes, n_rels = [], 0, 0
    with progress.task("writing import files", total=len(m.NODE_LABELS) + len(m.RELATIONSHIPS)
                       ) as t:
        for label in m.NODE_LABELS:
            nodes = source.nodes(label)
            labels = ";".join((label, cypher.ns, cypher.key(label)))
            path = folder / f"nodes_{label}.csv"
            header = [f"key:ID({label})"] + [f"{p}:long" if p in _INT else p
                                              for p in NODE_PROPS] + [":LABEL"]
            cols = [_cells(nodes["key"], False)] + [_cells(nodes[p], p in _INT)
                                                    for p in NODE_PROPS]
            cols.append(pd.Series(np.full(len(nodes), labels, dtype=object), index=nodes.index))
            n_nodes += _write_csv(path, header, cols)
            args.append(f"--nodes={path}")
            t.advance()
        edges = source.edges()
        for spec in m.RELATIONSHIPS:
            part = edges[(edges["rel"] == spec.rel) & (edges["src_label"] == spec.src)
                         & (edges["dst_label"] == spec.dst)]
            path = folder / f"rels_{spec.rel}_{spec.src}_{spec.dst}.csv"
            header = [f":START_ID({spec.src})", f":END_ID({spec.dst})"] + [
                f"{p}:long" if p in _INT else p for p in EDGE_PROPS]
            cols = [_cells(part["src_key"], False), _cells(part["dst_key"], False)] + [
                _cells(part[p], p in _INT) for p in EDGE_PROPS]
            n_rels += _write_csv(path, header, cols)
            args.append(f"--relationships={spec.rel}={path}")
            t.advance()
    return args, n_nodes, n_rels


def run_importer(server: LocalNeo4j, file_args: list[str], database: str = "neo4j") -> None:
    """Run ``neo4j-admin database import full`` on the server's home (server stopped)."""
    server._write_conf()
    env = dict(os.environ, NEO4J_HOME=str(server.home), NEO4J_CONF=str(server.home / "conf"))
    heap = os.environ.get("RINGGRAPH_NEO4J_HEAP", "1g")
    # The database name goes first: --nodes/--relationships take several files each and
    # would swallow a name after them.
    cmd = ["java", f"-Xmx{heap}", "-cp", ":".join(resolve_classpath(gds=False)), _ADMIN,
           "database", "import", "full", database, "--multiline-fields=true", "--threads=2",
           f"--report-file={server.home / 'logs' / 'import.report'}", *file_args]
    (server.home / "logs").mkdir(parents=True, exist_ok=True)
    log = server.home / "logs" / "import.log"
    with open(log, "w", encoding="utf-8") as fh:
        proc = subprocess.run(cmd, env=env, stdout=fh, stderr=subprocess.STDOUT, check=False)
    if proc.returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
        raise ServerError(f"the Neo4j importer failed (exit {proc.returncode}): "
                          f"{' / '.join(tail)[:300]} (full log: {log})")


def _database_dir(server: LocalNeo4j, database: str) -> Path:
    return server.home / "data" / "databases" / database


def bulk_load(source: GraphStore, server: LocalNeo4j, *, database: str = "neo4j",
              namespace: str | None = None, progress: Progress = SILENT) -> dict:
    """Load ``source`` into an empty database of the stopped local ``server``.

    Parameters
    ----------
    source : GraphStore
        Usually the DuckDB store an ingest wrote.
    server : LocalNeo4j
        The local server; it must be stopped and its database empty (never created, or
        holding no store files). It is started at the end.
    database : str
    namespace : str, optional
        Namespace of ringgraph's nodes (default ``$RINGGRAPH_NEO4J_NAMESPACE`` or
        ``RingGraph``), as :class:`~ringgraph.store.neo4j_store.Neo4jStore` reads it.

    Returns
    -------
    dict
        ``nodes, relationships, import_seconds, relationships_per_second, total_seconds``.

    Raises
    ------
    ServerError
        Server running, database not empty, importer failure, or counts that differ.
    """
    from ringgraph.store.neo4j_connect import Connection
    from ringgraph.store.neo4j_cypher import DEFAULT_NAMESPACE, NAMESPACE_ENV
    from ringgraph.store.neo4j_store import Neo4jStore

    ns = namespace or os.environ.get(NAMESPACE_ENV, DEFAULT_NAMESPACE)
    if server.pid() is not None:
        raise ServerError("the offline importer needs the server stopped: run "
                          "`ringgraph neo4j stop` first (or load with `ringgraph ingest "
                          "--store neo4j`)")
    target = _database_dir(server, database)
    if target.exists() and any(target.iterdir()):
        raise ServerError(f"database {database!r} under {server.home} is not empty: the "
                          "importer only makes new databases, and ringgraph deletes none; "
                          "use `ringgraph ingest --store neo4j` to add to it")
    started = time.perf_counter()
    folder = server.home / "import" / f"ringgraph-{uuid.uuid4().hex[:8]}"
    folder.mkdir(parents=True)
    try:
        args, n_nodes, n_rels = write_import_files(source, folder, cypher_for(ns), progress)
        with progress.task("neo4j-admin database import", total=1) as t:
            t0 = time.perf_counter()
            run_importer(server, args, database)
            import_seconds = time.perf_counter() - t0
            t.advance()
    finally:
        shutil.rmtree(folder, ignore_errors=True)  # our own temporary files only
    server.start()
    conn = Connection(uri=server.uri, user="neo4j", password=server.password,
                      database=database, namespace=ns)
    with Neo4jStore(conn) as store, progress.task("bookkeeping and checks", total=2) as t:
        store.write_bookkeeping(source.table("quarantine"), source.table("field_issues"),
                                source.table("duplicates"), source.table("records"))
        for report in source.table("runs")["report"]:
            store.record_run(report)
        t.advance()
        want, got = source.counts(), store.counts()
        if want != got:
            diff = {k: (want.get(k), got.get(k)) for k in set(want) | set(got)
                    if want.get(k) != got.get(k)}
            raise ServerError(f"the imported graph differs from the source: {diff}")
        t.advance()
    return {"nodes": n_nodes, "relationships": n_rels,
            "import_seconds": round(import_seconds, 2),
            "relationships_per_second": round(n_rels / import_seconds) if import_seconds else 0,
            "total_seconds": round(time.perf_counter() - started, 2)}
