"""Neo4j as the team store, against the session's real server (tests/neo4j_fixtures.py).

End to end through the CLI (same rings as DuckDB), identical read-back frames, GDS,
injection-looking values, a server killed mid-load, and one-line connection errors.

Order matters in this module: the first tests share one loaded scenario (``loaded``);
tests after them empty the database for themselves.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd
import pytest

from ringgraph.core import model as m
from ringgraph.cli import main
from ringgraph.core.progress import Progress, Task
from ringgraph.store import DuckDBStore, StoreError
from ringgraph.store.neo4j_store import Connection, Neo4jStore

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.datetime(2026, 1, 1)
TABLES = ("quarantine", "field_issues", "duplicates", "records")



def dup_rels(store) -> int:
    """Relationships of the store's namespace that exist twice."""
    return store._read(f"MATCH (a:`{store.conn.namespace}`)-[r]->(b) WITH a, b, type(r) AS t, "
                       "r.eid AS eid, count(*) AS c WHERE c > 1 RETURN count(*)")[0][0]


def dup_nodes(store) -> int:
    """Nodes of the store's namespace whose labels and key exist twice."""
    return store._read(f"MATCH (n:`{store.conn.namespace}`) WHERE NOT n:`_Meta` "
                       "WITH labels(n) AS l, n.key AS k, count(*) AS c "
                       "WHERE c > 1 AND k IS NOT NULL RETURN count(*)")[0][0]


def one_line(err: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture(scope="module")
def scenario(tmp_path_factory):
    """A small simulated scenario and its DuckDB store (the reference)."""
    root = tmp_path_factory.mktemp("neo4j-e2e")
    scen, db = root / "scenario", root / "g.duckdb"
    assert main(["simulate", "--complaints", "1500", "--seed", "3", "--out", str(scen)]) == 0
    assert main(["ingest", str(scen), "--db", str(db)]) == 0
    return root, scen, db


@pytest.fixture(scope="module")
def loaded(neo4j_server, scenario, tmp_path_factory):
    """The scenario ingested into Neo4j through the CLI (once for the tests that read it)."""
    neo4j_server.wipe()
    root, scen, _ = scenario
    mp = pytest.MonkeyPatch()
    for k, v in neo4j_server.env().items():
        mp.setenv(k, v)
    mp.delenv("RINGGRAPH_STORE", raising=False)
    try:
        assert main(["ingest", str(scen), "--store", "neo4j", "--db",
                     str(root / "neo" / "n.db")]) == 0
    finally:
        mp.undo()
    return neo4j_server


@pytest.fixture
def env(neo4j_server, monkeypatch):
    for k, v in neo4j_server.env().items():
        monkeypatch.setenv(k, v)
    monkeypatch.delenv("RINGGRAPH_STORE", raising=False)
    return neo4j_server


# ---------------------------------------------------------------- shared loaded scenario
def test_cli_detect_on_neo4j_gives_the_same_rings_as_duckdb(loaded, scenario, env):
    root, _, db = scenario
    assert main(["detect", "--db", str(db), "--out", str(root / "r-duck")]) == 0
    assert main(["detect", "--store", "neo4j", "--db", str(root / "neo" / "n.db"),
                 "--out", str(root / "r-neo")]) == 0
    duck = (root / "r-duck" / "rings.csv").read_bytes()
    assert duck.count(b"\n") > 10
    assert (root / "r-neo" / "rings.csv").read_bytes() == duck
    assert (root / "r-neo" / "rings.json").read_bytes() == (root / "r-duck" / "rings.json"
                                                            ).read_bytes()


def test_read_back_frames_equal_duckdb(loaded, scenario):
    _, _, db = scenario
    with DuckDBStore(db, read_only=True) as duck, loaded.store(read_only=True) as neo:
        pd.testing.assert_frame_equal(neo.nodes(), duck.nodes())
        pd.testing.assert_frame_equal(neo.edges(), duck.edges())
        pd.testing.assert_frame_equal(neo.edges((m.PAID, m.FILED)), duck.edges((m.PAID, m.FILED)))
        for t in TABLES:
            pd.testing.assert_frame_equal(neo.table(t), duck.table(t))
        assert neo.counts() == duck.counts()
        assert neo.fingerprint() == duck.fingerprint()
        c = duck.nodes(m.COMPLAINT)["key"].iloc[7]
        for a, b in zip(neo.neighbourhood(m.COMPLAINT, c, 2),
                        duck.neighbourhood(m.COMPLAINT, c, 2)):
            pd.testing.assert_frame_equal(a, b)
        phone = duck.nodes(m.PHONE)["key"].iloc[3]
        pd.testing.assert_frame_equal(neo.lookup(phone), duck.lookup(phone))
        pd.testing.assert_series_equal(neo.node_property(m.COMPLAINT, "province"),
                                       duck.node_property(m.COMPLAINT, "province"))
        assert neo.read_only and len(neo.table("runs")) == 1
        # Missing times are null in the database itself (Cypher IS NULL), as in DuckDB.
        nulls = neo._read(f"MATCH (:`{neo.conn.namespace}`)-[e]->() WHERE e.at IS NULL "
                          "RETURN count(e)")[0][0]
        assert nulls == duck.edges()["at"].isna().sum() > 0
        with pytest.raises(StoreError, match="read-only"):
            neo.record_run("{}")


def test_reingest_changes_nothing(loaded, scenario, env, capsys):
    root, scen, _ = scenario
    with loaded.store(read_only=True) as s:
        before = s.fingerprint()
    assert main(["ingest", str(scen), "--store", "neo4j", "--db", str(root / "neo" / "n.db")]) == 0
    assert "(+0 nodes, +0 relationships)" in capsys.readouterr().out
    with loaded.store(read_only=True) as s:
        assert s.fingerprint() == before and len(s.table("runs")) == 2
        # Each run's start record was replaced by its completed report (RUN_REPLACE).
        from ringgraph.store.base import require_complete

        assert require_complete(s) is None
        assert all('"status": "completed"' in r for r in s.table("runs")["report"])


def _gds_or_skip(server):
    from ringgraph.analysis.detect.gds import check_gds

    with server.store() as s:
        try:
            return check_gds(s)
        except StoreError:
            if server.local is not None:
                raise  # the local server is started with GDS: its absence is a bug
            pytest.skip("the Neo4j server at NEO4J_URI has no GDS plugin")


def test_gds_engine_wcc_matches_python_and_leiden_writes_ring_ids(loaded, scenario, env):
    assert _gds_or_skip(loaded).startswith("2.13")
    root, _, db = scenario
    neo_db = str(root / "neo" / "n.db")
    assert main(["detect", "--db", str(db), "--detector", "wcc", "--out",
                 str(root / "wcc-py")]) == 0
    assert main(["detect", "--store", "neo4j", "--engine", "gds", "--detector", "wcc",
                 "--db", neo_db, "--out", str(root / "wcc-gds")]) == 0
    # Components are exact, so GDS inside the database finds the very same rings.
    assert (root / "wcc-gds" / "rings.csv").read_bytes() == (root / "wcc-py" / "rings.csv"
                                                             ).read_bytes()
    assert main(["detect", "--store", "neo4j", "--engine", "gds", "--detector", "leiden",
                 "--seed", "1", "--db", neo_db, "--out", str(root / "leiden-gds")]) == 0
    rings = pd.read_csv(root / "leiden-gds" / "rings.csv", dtype=str)
    assert rings["ring_id"].nunique() >= 3
    with loaded.store(read_only=True) as s:
        got = dict(s._read(f"MATCH (c:`{s.label(m.COMPLAINT)}`) WHERE c.ringId IS NOT NULL "
                           "RETURN c.key, c.ringId"))
    want = dict(zip(rings["complaint_id"], rings["ring_id"]))
    assert {k: got.get(k) for k in want} == want
    # Same seed, same rings.
    assert main(["detect", "--store", "neo4j", "--engine", "gds", "--detector", "leiden",
                 "--seed", "1", "--db", neo_db, "--out", str(root / "leiden-gds2")]) == 0
    assert (root / "leiden-gds2" / "rings.csv").read_bytes() == (
        root / "leiden-gds" / "rings.csv").read_bytes()


GDS_DETECTORS = ("gds_leiden", "gds_louvain", "gds_wcc")


@pytest.mark.parametrize("name", GDS_DETECTORS)
def test_gds_detectors_pass_the_shared_check_suite(loaded, env, name):
    """The GDS detectors are registered like every other and keep the same contract; fit
    connects to the server the environment names (the toy graph is not in the store)."""
    from ringgraph.analysis.detect import REGISTRY, checks

    _gds_or_skip(loaded)
    checks.check_detector(REGISTRY[name])


def test_gds_engine_needs_neo4j_store(scenario, capsys):
    _, _, db = scenario
    assert main(["detect", "--db", str(db), "--engine", "gds"]) == 1
    assert "--store neo4j" in one_line(capsys.readouterr().err)


# ------------------------------------------------------------------ injection-looking values
NASTY = ["'}) DETACH DELETE n //", "`) DETACH DELETE n //", "a`b``c", "$param", "$rows",
         "{key: 'x'}", "\\'; MATCH (n) DETACH DELETE n; //", "名字\n换行", "🙂", "",
         "') RETURN 1 UNION MATCH (n) DETACH DELETE n //"]


def _nasty_frames():
    nodes = [(m.COMPLAINT, "C1", "C1", '{"province": "$param"}', "a.csv", 1, None)]
    edges = []
    for i, text in enumerate(NASTY):
        nodes.append((m.PERSON, f"P{i}", text, json.dumps({"note": text}, ensure_ascii=False),
                      text or "x.csv", i + 2, text or None))
        nodes.append((m.DEVICE, f"dev:{text}", text, "{}", "a.csv", i + 2, None))
        edges.append((m.FILED, m.PERSON, f"P{i}", m.COMPLAINT, "C1", text, "{}", text, i, None))
        edges.append((m.SUBMITTED_FROM, m.COMPLAINT, "C1", m.DEVICE, f"dev:{text}", "",
                      '{"x": "`"}', "a.csv", 1, text))
    return (pd.DataFrame(nodes, columns=list(m.NODE_COLUMNS)),
            pd.DataFrame(edges, columns=list(m.EDGE_COLUMNS)))


def _same_values(a: pd.DataFrame, b: pd.DataFrame) -> None:
    """Equal cell by cell, a missing value being a missing value (None or NaN)."""
    def plain(f):
        return f.astype(object).where(f.notna(), None)

    pd.testing.assert_frame_equal(plain(a), plain(b))


def test_injection_looking_values_are_stored_verbatim(neo4j, tmp_path):
    nodes, edges = _nasty_frames()
    with neo4j.store() as s, DuckDBStore(tmp_path / "ref.duckdb") as ref:
        stats = s.write(nodes, edges)
        ref.write(nodes, edges)
        assert (stats.nodes_added, stats.edges_added) == (len(nodes), len(edges))
        assert s.counts() == {m.COMPLAINT: 1, m.DEVICE: len(NASTY), m.PERSON: len(NASTY),
                              m.FILED: len(NASTY), m.SUBMITTED_FROM: len(NASTY)}
        pd.testing.assert_frame_equal(s.nodes(), ref.nodes())
        pd.testing.assert_frame_equal(s.edges(), ref.edges())
        people = s.nodes(m.PERSON).set_index("key")["name"]
        assert [people[f"P{i}"] for i in range(len(NASTY))] == NASTY
        for text in NASTY:
            # dtype left out: DuckDB itself returns an all-NULL text column as object or
            # str depending on how its table is stored, so that cannot be mirrored.
            _same_values(s.lookup(text), ref.lookup(text))
            assert f"dev:{text}" in set(s.lookup(f"dev:{text}")["key"])
            for a, b in zip(s.neighbourhood(m.DEVICE, f"dev:{text}", 2),
                            ref.neighbourhood(m.DEVICE, f"dev:{text}", 2)):
                _same_values(a, b)
        pd.testing.assert_series_equal(s.node_property(m.PERSON, "note"),
                                       ref.node_property(m.PERSON, "note"))
        s.write_bookkeeping(
            pd.DataFrame([(t or "x", i, "R", "f", t, t) for i, t in enumerate(NASTY)],
                         columns=["source", "row", "reason", "field", "message", "raw"]),
            pd.DataFrame(columns=["source", "row", "field", "reason", "message"]),
            pd.DataFrame(columns=["source", "row", "record_id", "kept_source", "kept_row"]),
            pd.DataFrame(columns=["kind", "record_id", "content_hash", "source", "row"]))
        assert s.table("quarantine")["raw"].tolist() == sorted(
            NASTY, key=lambda t: (t or "x").encode())
        s.record_run("'}) DETACH DELETE n //")
        assert s.table("runs")["report"].tolist() == ["'}) DETACH DELETE n //"]
        # The graph is intact: a second write adds nothing and removes nothing.
        assert s.write(nodes, edges) == type(stats)(0, 0)
        assert dup_rels(s) == 0 and dup_nodes(s) == 0
        # Labels and types never come from input.
        with pytest.raises(ValueError):
            s.nodes("Person`) DETACH DELETE n //")
        with pytest.raises(ValueError):
            s.neighbourhood("Person` {key: 'x'}) DETACH DELETE n //", "x")
        with pytest.raises(ValueError):
            s.edges(("FILED]->() DETACH DELETE n //",))


# ------------------------------------------------------------------------------ faults
class _KillDuringRelationships(Progress):
    """Kills the server shortly after the first relationship batches were written, so the
    kill lands while the next batch is in flight."""

    def __init__(self, server, after_rows: int, restart: bool = False) -> None:
        self.server, self.after_rows, self.restart = server, after_rows, restart
        self.rows = 0
        self.thread: threading.Thread | None = None

    def _kill(self) -> None:
        self.server.local.kill()
        self.killed_at = time.monotonic()
        if self.restart:
            self.server.local.start(timeout=240)

    @contextmanager
    def task(self, description, total=None):
        outer = self

        class _T(Task):
            def advance(self, n=1):
                if "relationships" not in description:
                    return
                outer.rows += n
                if outer.rows >= outer.after_rows and outer.thread is None:
                    outer.thread = threading.Timer(0.05, outer._kill)
                    outer.thread.start()

        yield _T()


def _assert_same_as_reference(store, ref_db) -> None:
    with DuckDBStore(ref_db, read_only=True) as duck:
        pd.testing.assert_frame_equal(store.nodes(), duck.nodes())
        pd.testing.assert_frame_equal(store.edges(), duck.edges())
        for t in TABLES:
            pd.testing.assert_frame_equal(store.table(t), duck.table(t))
    assert dup_rels(store) == 0 and dup_nodes(store) == 0


def _local_or_skip(server):
    if server.local is None:
        pytest.skip("killing the server needs the local one (NEO4J_URI points elsewhere)")


def test_server_killed_mid_load_then_rerun_duplicates_and_loses_nothing(neo4j, scenario):
    """SIGKILL while relationship batches are in flight, twice.

    1. Short retry budget: the load fails with one line naming the URI; the server is
       restarted; the database holds a prefix of the graph.
    2. The load is run again and the server is killed again mid-way, then restarted while
       the driver is still retrying: the managed transactions carry the load across the
       restart.
    The end state equals the DuckDB reference: no duplicate, no lost row.
    """
    from etl.ingest import ingest

    _local_or_skip(neo4j)
    _, scen, db = scenario
    killer = _KillDuringRelationships(neo4j, after_rows=2000)
    with neo4j.store(batch_size=500, max_retry_time=3) as s:
        with pytest.raises(StoreError) as err:
            ingest([scen], s, as_of=AS_OF, progress=killer)
    killer.thread.join()
    msg = one_line(str(err.value))
    assert neo4j.connection.uri in msg and neo4j.connection.password not in msg
    neo4j.local.start(timeout=240)
    with neo4j.store() as s, DuckDBStore(db, read_only=True) as duck:
        partial, full = s.counts(), duck.counts()
        assert 0 < sum(partial.values()) < sum(full.values())
    killer = _KillDuringRelationships(neo4j, after_rows=4000, restart=True)
    with neo4j.store(batch_size=500, max_retry_time=240) as s:
        ingest([scen], s, as_of=AS_OF, progress=killer)
        killer.thread.join()
        assert killer.rows >= 4000
        _assert_same_as_reference(s, db)


def test_server_lost_mid_ingest_is_exit_1_one_line_without_retry_chatter(
        neo4j, scenario, env, monkeypatch, capsys):
    """The CLI, default retry budget: the server is killed while relationships load."""
    _local_or_skip(neo4j)
    root, scen, _ = scenario
    killer = _KillDuringRelationships(neo4j, after_rows=1000)
    monkeypatch.setattr("ringgraph.cli.ingest.progress", lambda: killer)
    monkeypatch.delenv("RINGGRAPH_DEBUG", raising=False)
    try:
        code = main(["ingest", str(scen), "--store", "neo4j", "--db", str(root / "k" / "k.db")])
        waited = time.monotonic() - killer.killed_at
    finally:
        killer.thread.join()
        neo4j.local.start(timeout=240)
    out, err = capsys.readouterr()
    line = one_line(err)
    assert code == 1 and line.startswith("ringgraph: error: lost the connection to Neo4j at")
    assert neo4j.connection.uri in line and "run the same command again" in line
    assert neo4j.connection.password not in out + err and "retried" not in out + err
    # From the kill to the exit: the retries are capped (RINGGRAPH_NEO4J_RETRY_SECONDS, 15 s).
    print(f"measured: exit {waited:.1f} s after the server was killed")
    assert waited < 30, waited


def test_status_asks_the_database_not_only_the_process(neo4j_server, monkeypatch, capsys):
    """A server process that exists but does not answer (frozen with SIGSTOP) is not
    'running' for `ringgraph neo4j status`."""
    import os
    import signal

    if neo4j_server.local is None:
        pytest.skip("NEO4J_URI points at a server these tests did not start")
    srv = neo4j_server.local
    monkeypatch.setenv("NEO4J_PASSWORD", srv.password)
    pid = srv.pid()
    os.kill(pid, signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert main(["neo4j", "status", "--home", str(srv.home)]) == 1
        waited = time.monotonic() - started
    finally:
        os.kill(pid, signal.SIGCONT)
    line = one_line(capsys.readouterr().err)
    assert "does not answer a query" in line and srv.password not in line
    assert waited < 30, waited
    assert main(["neo4j", "status", "--home", str(srv.home)]) == 0


# --------------------------------------------------------------------- connection errors
def test_wrong_password_is_one_line_naming_the_uri(neo4j_server, scenario, monkeypatch, capsys):
    c = neo4j_server.connection
    bad = "Wrong-" + c.password[::-1]
    with pytest.raises(StoreError) as err:
        Neo4jStore(Connection(c.uri, c.user, bad, c.database))
    msg = one_line(str(err.value))
    assert c.uri in msg and "NEO4J_PASSWORD" in msg and bad not in msg
    with pytest.raises(StoreError) as err:
        Neo4jStore(Connection(c.uri, c.user, c.password, "nosuchdb"))
    msg = one_line(str(err.value))
    assert "nosuchdb" in msg and "NEO4J_DATABASE" in msg and c.password not in msg
    # Through the CLI: a user that does not exist, so the real user is not rate-limited.
    monkeypatch.setenv("NEO4J_URI", c.uri)
    monkeypatch.setenv("NEO4J_USER", "nobody-here")
    monkeypatch.setenv("NEO4J_PASSWORD", bad)
    root, scen, _ = scenario
    assert main(["ingest", str(scen), "--store", "neo4j", "--db", str(root / "x" / "x.db")]) == 1
    out, err_text = capsys.readouterr()
    line = one_line(err_text)
    assert line.startswith("ringgraph: error:") and c.uri in line and bad not in out + err_text


def test_unreachable_server_is_one_line_naming_the_uri(monkeypatch, capsys, tmp_path):
    from ringgraph.store.neo4j_local import free_port

    uri = f"bolt://127.0.0.1:{free_port()}"
    with pytest.raises(StoreError) as err:
        Neo4jStore(Connection(uri, "neo4j", "s3cret-pass", "neo4j"))
    msg = one_line(str(err.value))
    assert uri in msg and "s3cret-pass" not in msg
    monkeypatch.setenv("NEO4J_URI", uri)
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pass")
    assert main(["detect", "--store", "neo4j", "--db", str(tmp_path / "x.db")]) == 1
    line = one_line(capsys.readouterr().err)
    assert uri in line and "s3cret-pass" not in line
    monkeypatch.delenv("NEO4J_PASSWORD")
    assert main(["detect", "--store", "neo4j", "--db", str(tmp_path / "x.db")]) == 1
    assert "NEO4J_PASSWORD is not set" in one_line(capsys.readouterr().err)


def test_missing_store_and_other_schema(neo4j, env, capsys, tmp_path):
    with neo4j.store() as s:
        s._run_write(f"MATCH (n:`{s.cypher.key('_Meta')}` {{key: 'schema_version'}}) DELETE n")
    with pytest.raises(StoreError, match="ringgraph ingest --store neo4j"):
        neo4j.store(read_only=True)
    assert main(["detect", "--store", "neo4j", "--db", str(tmp_path / "x.db")]) == 1
    assert "ringgraph ingest --store neo4j" in one_line(capsys.readouterr().err)
    with neo4j.store() as s:  # opening for writing creates the store
        s._run_write(f"MATCH (n:`{s.cypher.key('_Meta')}` {{key: 'schema_version'}}) "
                     "SET n.value = '999'")
    with pytest.raises(StoreError, match="schema 999"):
        neo4j.store(read_only=True)


# ------------------------------------------------------------------- server commands
def test_neo4j_status_and_stop_commands(neo4j_server, monkeypatch, capsys, tmp_path):
    if neo4j_server.local is None:
        pytest.skip("NEO4J_URI points at a server these tests did not start")
    srv = neo4j_server.local
    monkeypatch.setenv("NEO4J_PASSWORD", srv.password)
    assert main(["neo4j", "status", "--home", str(srv.home)]) == 0
    out = capsys.readouterr().out
    assert srv.uri in out and "GDS" in out and srv.password not in out
    script = ROOT / "neo4j-server" / "neo4j-local"
    proc = subprocess.run([str(script), "status", "--json", "--home", str(srv.home)],
                          capture_output=True, text=True, env={
                              "PATH": "/usr/bin:/bin", "NEO4J_PASSWORD": srv.password})
    assert proc.returncode == 0, proc.stderr
    assert '"answers": true' in proc.stdout and srv.password not in proc.stdout
    assert main(["neo4j", "stop", "--home", str(tmp_path)]) == 0
    assert "not running" in capsys.readouterr().out
    assert main(["neo4j", "status", "--home", str(tmp_path)]) == 1
    assert "not running" in one_line(capsys.readouterr().err)
