"""Neo4j as a database shared with a team and other applications.

The test fixtures never remove data they did not write in this run; ringgraph's nodes live
in a namespace (marker and key labels) so other applications' nodes are neither read nor
touched; no credential is ever printed or logged; driver failures are one classified line.
All against the session's real server (tests/neo4j_fixtures.py).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from neo4j_fixtures import NAMESPACE_ENV, Neo4jServer, external_server
from ringgraph.cli import main
from ringgraph.core import model as m
from ringgraph.store import DuckDBStore, StoreError
from ringgraph.store.neo4j_connect import Connection, connection_from_env, safe_uri
from ringgraph.store.neo4j_store import Neo4jStore

ROOT = Path(__file__).resolve().parents[1]
TEAM = "RingGraph"  # the default namespace: what a team's `ringgraph ingest` writes

# Other applications' nodes: ringgraph's label names without its namespace, duplicate keys
# under those names, and the scratch mark the old fixtures trusted.
FOREIGN = """
CREATE (:Person {name: 'not ours', app: $tag}),
       (:Person {key: 'P-dup', app: $tag}), (:Person {key: 'P-dup', app: $tag}),
       (:Complaint {key: $ckey, app: $tag}),
       (:`_Meta` {key: 'test_scratch', app: $tag}),
       (:Thing {app: $tag})-[:KNOWS {app: $tag}]->(:Thing {app: $tag})
"""
SNAPSHOT_NODES = ("MATCH (n) WHERE NOT any(l IN labels(n) WHERE l STARTS WITH $mine) "
                  "RETURN elementId(n), labels(n), properties(n)")
SNAPSHOT_RELS = ("MATCH (a)-[r]->(b) WHERE NOT any(l IN labels(a) + labels(b) "
                 "WHERE l STARTS WITH $mine) RETURN elementId(r), type(r), properties(r)")


def _snapshot(store, mine: str):
    """Every node and relationship of the database except those of namespace ``mine``."""
    def canon(rows):
        return sorted((str(r[0]), repr(sorted(r[1]) if isinstance(r[1], list) else r[1]),
                       repr(sorted(r[2].items()))) for r in rows)

    return (canon(store._read(SNAPSHOT_NODES, mine=mine)),
            canon(store._read(SNAPSHOT_RELS, mine=mine)))


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    root = tmp_path_factory.mktemp("shared")
    assert main(["simulate", "--complaints", "300", "--seed", "11", "--out",
                 str(root / "scen")]) == 0
    assert main(["ingest", str(root / "scen"), "--db", str(root / "ref.duckdb")]) == 0
    return root


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.astype(object).where(frame.notna(), None)


def _local_or_skip(server):
    if server.local is None:
        pytest.skip("planting team data needs the server these tests started")


def _team(server) -> Connection:
    return Connection(server.connection.uri, server.connection.user,
                      server.connection.password, server.connection.database, TEAM)


def test_fixture_runs_never_remove_team_or_foreign_data(neo4j_server, reference, monkeypatch):
    """A team's ingest plus other applications' nodes; then the fixtures' external-server
    path (setup, a test's writes, emptying, teardown) runs twice: nothing of that is gone."""
    _local_or_skip(neo4j_server)
    tag = secrets.token_hex(4)
    with DuckDBStore(reference / "ref.duckdb", read_only=True) as duck:
        nodes, edges = duck.nodes(), duck.edges()
    team = Neo4jStore(_team(neo4j_server))
    try:
        team.write(nodes, edges)
        team.record_run('{"team": true}')
        team._run_write(FOREIGN, tag=tag, ckey=nodes[nodes["label"] == m.COMPLAINT]["key"].iloc[0])
        before = _snapshot(team, "RGtest")
        assert len(before[0]) > len(nodes)
        for k, v in neo4j_server.env().items():
            monkeypatch.setenv(k, v)
        monkeypatch.delenv(NAMESPACE_ENV)
        seen = set()
        for _ in range(2):
            run = external_server()  # what the session fixture does with NEO4J_URI set
            assert run.namespace.startswith("RGtest") and run.namespace not in seen
            seen.add(run.namespace)
            run.wipe()
            with run.store() as s:
                s.write(nodes, edges)  # the same keys as the team's: no collision
                assert s.counts() == team.counts()
                s.delete_all()
                assert s.counts() == {}
                s.write(nodes, edges.iloc[:10])
            run.wipe()
            run.teardown()
            assert _snapshot(team, "RGtest") == before
            left = team._read(f"MATCH (n:`{run.namespace}`) RETURN count(n)")[0][0]
            schema = team._read("SHOW CONSTRAINTS YIELD name WHERE name CONTAINS $ns "
                                "RETURN count(*)", ns=run.namespace)[0][0]
            assert (left, schema) == (0, 0)
        pd.testing.assert_frame_equal(team.nodes(), nodes)
        pd.testing.assert_frame_equal(team.edges(), edges)
    finally:
        team._run_write("MATCH (n {app: $tag}) DETACH DELETE n", tag=tag)
        team.drop_namespace()
        team.close()


def test_other_applications_nodes_are_neither_read_nor_touched(neo4j, tmp_path):
    from test_store import _frames

    nodes, edges = _frames()
    tag = secrets.token_hex(4)
    with neo4j.store() as s, DuckDBStore(tmp_path / "ref.duckdb") as ref:
        # Another application's :Person without key, duplicate keys and the same keys as ours.
        s._run_write(FOREIGN, tag=tag, ckey="C1")
        s._run_write("CREATE (:Person {key: 'P1', name: 'theirs', app: $tag})", tag=tag)
        try:
            before = _snapshot(s, neo4j.namespace)
            s.write(nodes, edges)
            ref.write(nodes, edges)
            pd.testing.assert_frame_equal(s.nodes(), ref.nodes())
            # Values, not dtypes: DuckDB types an all-NULL text column either way.
            pd.testing.assert_frame_equal(_plain(s.edges()), _plain(ref.edges()))
            assert s.counts() == ref.counts()
            assert s.lookup("P1")["name"].tolist() == ["张三"]
            n1, _ = s.neighbourhood(m.COMPLAINT, "C1", 2)
            assert "theirs" not in set(n1["name"])
            assert _snapshot(s, neo4j.namespace) == before
            # Our nodes carry the public model label too: investigators query `Person`.
            assert s._read(f"MATCH (n:Person:`{neo4j.namespace}`) RETURN count(n)")[0][0] == 1
        finally:
            s._run_write("MATCH (n {app: $tag}) DETACH DELETE n", tag=tag)


def test_constraint_failure_names_label_and_key(neo4j_server):
    """Duplicates under the namespace's key label (written before the constraint existed)
    stop the schema with one line naming the label and property, the reason kept whole."""
    server = Neo4jServer(neo4j_server.connection, neo4j_server.local)
    kl = f"{server.namespace}_{m.PHONE}"
    try:
        with server.store() as s:
            s._auto_write(f"DROP CONSTRAINT `ringgraph_{kl}_key` IF EXISTS")
            node = f"(:`{server.namespace}`:`{kl}` {{key: '13812345678'}})"
            s._run_write(f"CREATE {node}, {node}")
        with pytest.raises(StoreError) as err:
            server.store()
        msg = str(err.value)
        assert len(msg.splitlines()) == 1
        assert f"`{kl}`" in msg and "`key`" in msg and "13812345678" not in msg
        assert "both" in msg.lower() or "already exists" in msg.lower()  # the reason
    finally:
        server._delete_ours()
        server.teardown()


# ------------------------------------------------------------------------- secrets
def test_safe_uri_and_credentials_from_the_uri(monkeypatch):
    assert safe_uri("bolt://neo4j:s3cr3t@host:7687") == "bolt://host:7687"
    assert safe_uri("neo4j+s://u:p@ss@x.io?y=1") == "neo4j+s://x.io?y=1"
    monkeypatch.setenv("NEO4J_URI", "bolt://alice:s3cr3t%40x@host:7687")
    monkeypatch.delenv("NEO4J_PASSWORD", raising=False)
    monkeypatch.delenv("NEO4J_USER", raising=False)
    c = connection_from_env()
    assert (c.uri, c.user, c.password) == ("bolt://host:7687", "alice", "s3cr3t@x")
    assert "s3cr3t" not in repr(c) + c.where
    monkeypatch.setenv("NEO4J_URI", "http://neo4j:s3cr3t@host:7474")
    with pytest.raises(StoreError) as err:
        connection_from_env()
    assert "Bolt" in str(err.value) and "s3cr3t" not in str(err.value)


def _cli(args, env, cwd):
    full = {k: v for k, v in os.environ.items() if not k.startswith(("NEO4J_", "RINGGRAPH_"))}
    full.update(env)
    # The installed entry point, as a user runs it.
    exe = str(Path(sys.executable).parent / "ringgraph")
    return subprocess.run([exe, *args], capture_output=True, text=True, env=full, cwd=cwd,
                          timeout=600)


def test_no_credential_in_any_output_or_log(neo4j, reference, tmp_path):
    """The password planted in the URI, the environment and the debug-log settings; every
    command's stdout, stderr, report and debug log is searched for it."""
    c = neo4j.connection
    pw = c.password
    host = c.uri.split("://", 1)[1]
    debug_log = tmp_path / "debug.log"
    base = {NAMESPACE_ENV: c.namespace, "NEO4J_DATABASE": c.database,
            "RINGGRAPH_DEBUG": "1", "RINGGRAPH_DEBUG_LOG": str(debug_log)}
    in_uri = {**base, "NEO4J_URI": f"bolt://{c.user}:{pw}@{host}"}
    in_env = {**base, "NEO4J_URI": f"bolt://{host}", "NEO4J_USER": c.user,
              "NEO4J_PASSWORD": pw}
    scen, db = str(reference / "scen"), str(tmp_path / "n.duckdb")
    runs = [
        (["ingest", scen, "--store", "neo4j", "--db", db], in_uri, 0),
        (["ingest", scen, "--store", "neo4j", "--db", db], in_env, 0),
        (["detect", "--store", "neo4j", "--db", db, "--out", str(tmp_path / "r")], in_uri, 0),
        # Failures: a wrong password (in the URI), a server that is not there, HTTP.
        (["detect", "--store", "neo4j", "--db", db],
         {**in_uri, "NEO4J_URI": f"bolt://nobody:{pw}x@{host}"}, 1),
        (["detect", "--store", "neo4j", "--db", db],
         {**in_env, "NEO4J_URI": f"bolt://{c.user}:{pw}@127.0.0.1:9"}, 1),
        (["ingest", scen, "--store", "neo4j", "--db", db],
         {**in_env, "NEO4J_URI": f"http://{c.user}:{pw}@{host}"}, 1),
    ]
    outputs = []
    for args, env, code in runs:
        proc = _cli(args, env, tmp_path)
        assert proc.returncode == code, proc.stderr[-2000:]
        outputs += [proc.stdout, proc.stderr]
        if code:
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
            assert "ringgraph: error:" in proc.stderr and safe_uri(env["NEO4J_URI"]) in proc.stderr
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert debug_log in files and debug_log.stat().st_size > 0  # the driver's log went there
    for text in outputs + [p.read_text(errors="replace") for p in files]:
        assert pw not in text
    assert "will be retried" not in "".join(outputs)


def test_http_uri_is_one_clear_line(monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("NEO4J_URI", "http://127.0.0.1:7474")
    monkeypatch.setenv("NEO4J_PASSWORD", "whatever-123")
    assert main(["detect", "--store", "neo4j", "--db", str(tmp_path / "x.db")]) == 1
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "aiohttp" not in err
    assert "HTTP address" in err and "bolt://" in err


def test_panic_and_out_of_memory_point_at_the_heap():
    """Server errors as the driver raises them (real exception objects, hydrated from the
    codes Neo4j 5 sends) become one line naming memory and RINGGRAPH_NEO4J_HEAP."""
    from neo4j.exceptions import Neo4jError

    from ringgraph.store.neo4j_errors import classify

    conn = Connection("bolt://127.0.0.1:7687", "neo4j", "pw-secret-1", "neo4j")
    for code, text in [
            ("Neo.TransientError.General.MemoryPoolOutOfMemoryError",
             "The allocation of an extra 2.0 MiB would use more than the limit 100.0 MiB."),
            ("Neo.TransientError.General.OutOfMemoryError", "There is not enough memory"),
            ("Neo.DatabaseError.Transaction.TransactionCommitFailed",
             "Could not apply the transaction to the store after written to log.\nDatabase "
             "panic: the database has encountered a critical error"),
            ("Neo.TransientError.General.DatabaseUnavailable",
             "Database 'neo4j' is unavailable.")]:
        msg = str(classify(Neo4jError._hydrate_neo4j(code=code, message=text), conn, True))
        assert len(msg.splitlines()) == 1 and "RINGGRAPH_NEO4J_HEAP" in msg, msg
        assert "bolt://127.0.0.1:7687" in msg and "pw-secret-1" not in msg
