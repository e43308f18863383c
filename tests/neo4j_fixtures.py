"""Pytest fixtures for Neo4j: one real server per test session, a clean database per test.

When ``NEO4J_URI`` is not set, the session starts its own local Neo4j Community server
(``ringgraph.neo4j_local``) in a temporary home on a free loopback port with a random
password, and stops it at the end, so concurrent test runs on one machine never share a
server. When ``NEO4J_URI`` is set, the tests use that server instead. Either way every node
the tests write carries a namespace label of this run (``RGtest`` and 8 random hex digits,
see :mod:`ringgraph.store.neo4j_cypher`), emptying deletes only nodes carrying it, and the
session ends by dropping the namespace's nodes, constraints and indexes: data the tests did
not write in this run (a team's graph, other applications' nodes, an earlier run's) is
never deleted. Community Edition has one user database, so a database of our own
(``CREATE DATABASE``) is not an option there.

A server that cannot start fails every Neo4j test under ``CI=true``; elsewhere the Neo4j
tests are skipped with the reason (a laptop without Java or Maven can still run the rest).
"""

from __future__ import annotations

import os
import secrets
import shutil
from dataclasses import replace

import pytest

from ringgraph.store.neo4j_cypher import NAMESPACE_ENV, cypher_for
from ringgraph.store.neo4j_store import Connection, Neo4jStore

TEST_NAMESPACE_PREFIX = "RGtest"


def run_namespace() -> str:
    """A namespace no one else uses: every node the tests write carries it as a label."""
    return f"{TEST_NAMESPACE_PREFIX}{secrets.token_hex(4)}"


def _unavailable(message: str):
    if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
        pytest.fail(f"Neo4j tests must run in CI, but {message}", pytrace=False)
    pytest.skip(message)


class Neo4jServer:
    """What the tests know about the server: its connection (in a namespace of this run)
    and, if local, its process."""

    def __init__(self, connection: Connection, local=None) -> None:
        self.connection = replace(connection, namespace=run_namespace())
        self.local = local  # LocalNeo4j when this session started the server

    @property
    def namespace(self) -> str:
        return self.connection.namespace

    def env(self) -> dict[str, str]:
        """Environment variables that point the CLI at this server and namespace."""
        c = self.connection
        return {"NEO4J_URI": c.uri, "NEO4J_USER": c.user, "NEO4J_PASSWORD": c.password,
                "NEO4J_DATABASE": c.database, NAMESPACE_ENV: c.namespace}

    def store(self, **kw) -> Neo4jStore:
        return Neo4jStore(self.connection, **kw)

    def _delete_ours(self) -> None:
        """Delete the nodes carrying this run's namespace label, and nothing else.

        Works on the raw driver, so a store left in a bad state by a test (another schema
        version, no meta) is emptied too.
        """
        from neo4j import GraphDatabase

        c = self.connection
        # Never a namespace a user could have chosen: only this run's random one.
        assert c.namespace.startswith(TEST_NAMESPACE_PREFIX) and len(c.namespace) > 6
        with GraphDatabase.driver(c.uri, auth=(c.user, c.password),
                                  notifications_min_severity="OFF") as drv:
            with drv.session(database=c.database) as session:
                session.run(cypher_for(c.namespace).delete_all).consume()

    def wipe(self) -> None:
        """Empty this run's namespace (its constraints stay); other data is never touched."""
        self._delete_ours()
        with self.store():  # recreates the schema and the store's meta
            pass

    def teardown(self) -> None:
        """Drop this run's namespace: its nodes, constraints and indexes."""
        self._delete_ours()
        with self.store() as s:
            s.drop_namespace()


def external_server() -> Neo4jServer:
    """The server named by ``NEO4J_URI`` (and credentials), used in a namespace of this run."""
    from ringgraph.store.neo4j_connect import connection_from_env

    return Neo4jServer(connection_from_env())


@pytest.fixture(scope="session")
def neo4j_server(tmp_path_factory):
    """The Neo4j server of this test session (started here unless ``NEO4J_URI`` is set)."""
    if os.environ.get("NEO4J_URI"):
        server = external_server()
        try:
            yield server
        finally:
            server.teardown()
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
        server = Neo4jServer(Connection(uri=srv.uri, user="neo4j", password=srv.password,
                                        database="neo4j"), local=srv)
        yield server
    finally:
        srv.stop()
        shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def neo4j(neo4j_server):
    """The session's server with an empty database."""
    neo4j_server.wipe()
    return neo4j_server
