"""Pytest fixtures for Neo4j: one real server per test session, a clean database per test.

When ``NEO4J_URI`` is not set, the session starts its own local Neo4j Community server
(``ringgraph.neo4j_local``) in a temporary home on a free loopback port with a random
password, and stops it at the end, so concurrent test runs on one machine never share a
server. When ``NEO4J_URI`` is set, the tests use that server instead (and refuse to wipe a
database that holds data they did not write).

A server that cannot start fails every Neo4j test under ``CI=true``; elsewhere the Neo4j
tests are skipped with the reason (a laptop without Java or Maven can still run the rest).
"""

from __future__ import annotations

import os
import secrets
import shutil

import pytest

from ringgraph.store.neo4j_store import DELETE_ALL, Connection, Neo4jStore

SCRATCH_MARK = "MERGE (n:`_Meta` {key: 'test_scratch'}) RETURN n.key"
HAS_DATA = "MATCH (n) WHERE NOT n:`_Meta` RETURN count(n) > 0"
HAS_MARK = "MATCH (n:`_Meta` {key: 'test_scratch'}) RETURN count(n) > 0"


def _unavailable(message: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"Neo4j tests must run in CI, but {message}", pytrace=False)
    pytest.skip(message)


class Neo4jServer:
    """What the tests know about the server: its connection and, if local, its process."""

    def __init__(self, connection: Connection, local=None) -> None:
        self.connection = connection
        self.local = local  # LocalNeo4j when this session started the server

    def env(self) -> dict[str, str]:
        """Environment variables that point the CLI at this server."""
        c = self.connection
        return {"NEO4J_URI": c.uri, "NEO4J_USER": c.user, "NEO4J_PASSWORD": c.password,
                "NEO4J_DATABASE": c.database}

    def store(self, **kw) -> Neo4jStore:
        return Neo4jStore(self.connection, **kw)

    def wipe(self) -> None:
        """Empty the database (constraints stay), refusing a foreign non-empty one.

        Works on the raw driver, so a store left in a bad state by a test (another schema
        version, no meta) is wiped too.
        """
        from neo4j import GraphDatabase

        c = self.connection
        with GraphDatabase.driver(c.uri, auth=(c.user, c.password),
                                  notifications_min_severity="OFF") as drv:
            def one(query):
                return drv.execute_query(query, database_=c.database).records[0][0]

            if self.local is None and one(HAS_DATA) and not one(HAS_MARK):
                pytest.fail(f"NEO4J_URI={c.where} holds data that is not from these tests; "
                            "point the tests at a scratch database", pytrace=False)
            with drv.session(database=c.database) as session:
                session.run(DELETE_ALL).consume()
            drv.execute_query(SCRATCH_MARK, database_=c.database)
        with self.store():  # recreates the schema and the store's meta
            pass


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The Neo4j server of this test session (started here unless ``NEO4J_URI`` is set)."""
    if os.environ.get("NEO4J_URI"):
        from ringgraph.store.neo4j_store import connection_from_env

        yield Neo4jServer(connection_from_env())
        return
    from ringgraph.store.neo4j_local import LocalNeo4j, ServerError, free_port

    home = tmp_path_factory.mktemp("neo4j-home")
    srv = LocalNeo4j(home=home, port=free_port(), password=secrets.token_urlsafe(16),
                     heap="1g", pagecache="256m", gds=True)
    try:
        srv.start(timeout=240)
    except ServerError as exc:
        _unavailable(f"the local Neo4j server could not start: {exc}")
    try:
        yield Neo4jServer(Connection(uri=srv.uri, user="neo4j", password=srv.password,
                                     database="neo4j"), local=srv)
    finally:
        srv.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def neo4j(neo4j_server):
    """The session's server with an empty database."""
    neo4j_server.wipe()
    return neo4j_server
