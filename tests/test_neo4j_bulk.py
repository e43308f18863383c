"""First load with Neo4j's offline importer (`ringgraph neo4j import`): the same graph as the
UNWIND loader, on a server of its own (the importer needs a stopped server and an empty
database)."""

from __future__ import annotations

import os
import secrets
import shutil

import pytest

from ringgraph.cli import main
from ringgraph.store import DuckDBStore
from ringgraph.store.neo4j_connect import Connection
from ringgraph.store.neo4j_local import LocalNeo4j, ServerError, free_port
from ringgraph.store.neo4j_store import Neo4jStore



@pytest.fixture(scope="module")
def source(tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk")
    scen, db = root / "scenario", root / "g.duckdb"
    assert main(["simulate", "--complaints", "1200", "--seed", "31", "--out", str(scen)]) == 0
    assert main(["ingest", str(scen), "--db", str(db)]) == 0
    return root, scen, db


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    if os.environ.get("NEO4J_URI"):
        pytest.skip("the offline importer needs a local server of its own")
    home = tmp_path_factory.mktemp("bulk-home")
    srv = LocalNeo4j(home=home, port=free_port(), password=secrets.token_urlsafe(16),
                     heap="512m", pagecache="128m", gds=False)
    yield srv
    srv.stop()
    shutil.rmtree(home, ignore_errors=True)


def test_bulk_import_gives_the_graph_the_loader_gives(source, server, monkeypatch, capsys):
    from etl.ingest import ingest

    root, scen, db = source
    monkeypatch.setenv("RINGGRAPH_NEO4J_HOME", str(server.home))
    monkeypatch.setenv("RINGGRAPH_NEO4J_PORT", str(server.port))
    monkeypatch.setenv("NEO4J_PASSWORD", server.password)
    assert main(["neo4j", "import", "--db", str(db)]) == 0
    out = capsys.readouterr().out
    assert "relationships/s" in out and server.password not in out
    conn = Connection(uri=server.uri, user="neo4j", password=server.password, database="neo4j")
    with DuckDBStore(str(db), read_only=True) as duck, Neo4jStore(conn) as neo:
        # Same nodes, relationships, values and NULLs: the frames (and so the fingerprint)
        # read back equal, and the bookkeeping came along.
        assert neo.counts() == duck.counts()
        assert neo.fingerprint() == duck.fingerprint()
        for name in ("quarantine", "field_issues", "duplicates", "records"):
            assert len(neo.table(name)) == len(duck.table(name)), name
        # An incremental load of the same exports merges into the imported graph: nothing new.
        rep = ingest([scen], neo)
        assert rep.nodes_added == 0 and rep.edges_added == 0


def test_bulk_import_refuses_a_running_server_and_a_database_with_data(source, server):
    from ringgraph.store.neo4j_bulk import bulk_load

    _, _, db = source
    if server.pid() is None:
        server.start(timeout=240)
    with DuckDBStore(str(db), read_only=True) as duck:
        with pytest.raises(ServerError, match="stopped"):
            bulk_load(duck, server)
        server.stop()
        with pytest.raises(ServerError, match="not empty"):
            bulk_load(duck, server)
    assert (server.home / "data" / "databases" / "neo4j").is_dir()  # nothing deleted
