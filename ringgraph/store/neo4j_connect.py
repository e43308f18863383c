"""Connecting to Neo4j without leaking secrets, and driver errors as one line for the user.

Credentials come only from the environment: ``NEO4J_USER``/``NEO4J_PASSWORD``, or the user
information of ``NEO4J_URI`` (``bolt://user:password@host:7687``) when those are unset. The
user information is taken out of the URI before the driver ever sees it, so no driver
message, log line or ``repr`` can carry it, and every URI shown goes through
:func:`safe_uri`.

The driver's own log (retry warnings such as "Transaction failed and will be retried") is
kept off the console: the ``neo4j`` logger is raised to ``ERROR``, and with
``RINGGRAPH_DEBUG`` set it goes at ``DEBUG`` level to a debug log file instead
(``RINGGRAPH_DEBUG_LOG``, default ``ringgraph-neo4j-debug.log`` in the temporary folder).
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
from dataclasses import dataclass

from ringgraph.store.base import StoreError
from ringgraph.store.neo4j_cypher import DEFAULT_NAMESPACE, NAMESPACE_ENV, check_namespace

# The local development server (`ringgraph neo4j start`): its password only ever protects a
# loopback server.
LOCAL_DEV_PASSWORD = "ringgraph-local-dev"
DEFAULT_PORT = 7687
BOLT_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
RETRY_ENV = "RINGGRAPH_NEO4J_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 15.0
DEBUG_LOG_ENV = "RINGGRAPH_DEBUG_LOG"
_USERINFO = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)?(?P<info>[^/?#\s]*@)")
_ANY_URI = re.compile(r"(?P<scheme>[A-Za-z][A-Za-z0-9+.\-]*://)[^/?#\s'\"]*@")


@dataclass(frozen=True)
class Connection:
    """Where a Neo4j store lives; ``repr`` never shows the password.

    ``uri`` never holds user information (:func:`connection_from_env` strips it).
    """

    uri: str
    user: str
    password: str
    database: str
    namespace: str = DEFAULT_NAMESPACE

    def __repr__(self) -> str:
        return (f"Connection(uri={safe_uri(self.uri)!r}, user={self.user!r}, "
                f"database={self.database!r}, namespace={self.namespace!r})")

    @property
    def where(self) -> str:
        """URI, database and (when not the default) namespace, for messages."""
        ns = "" if self.namespace == DEFAULT_NAMESPACE else f", namespace {self.namespace}"
        return f"{safe_uri(self.uri)} (database {self.database}{ns})"


def safe_uri(uri: str) -> str:
    """``uri`` without user information: ``bolt://u:pw@host:7687`` → ``bolt://host:7687``."""
    return _USERINFO.sub(lambda mt: mt.group("scheme") or "", str(uri), count=1)


def scrub(text: str, *secrets: str) -> str:
    """``text`` with user information of any URI and each secret (non-empty) masked."""
    out = _ANY_URI.sub(lambda mt: mt.group("scheme"), str(text))
    for s in secrets:
        if s:
            out = out.replace(s, "***")
    return out


def split_uri(uri: str) -> tuple[str, str | None, str | None]:
    """``(uri without user information, user, password)``; ``None`` where absent."""
    mt = _USERINFO.match(uri)
    if not mt:
        return uri, None, None
    info = mt.group("info")[:-1]
    user, _, password = info.partition(":")
    from urllib.parse import unquote

    return safe_uri(uri), unquote(user) or None, unquote(password) or None


def check_uri(uri: str) -> None:
    """Refuse a URI the Bolt driver cannot use, in one line (an ``http://`` address would
    otherwise end in the driver's 'No module named aiohttp')."""
    scheme = uri.split("://", 1)[0].lower() if "://" in uri else ""
    if scheme in ("http", "https"):
        raise StoreError(f"NEO4J_URI {safe_uri(uri)} is an HTTP address, but ringgraph speaks "
                         "Bolt: use bolt://HOST:7687 (or neo4j://, neo4j+s:// for a cluster "
                         "or Aura)")
    if scheme not in BOLT_SCHEMES:
        raise StoreError(f"NEO4J_URI {safe_uri(uri)} is not a Bolt address; expected one of "
                         + ", ".join(f"{s}://" for s in BOLT_SCHEMES))


def local_uri() -> str:
    """Bolt URI of the local development server (``ringgraph neo4j start``)."""
    return f"bolt://127.0.0.1:{int(os.environ.get('RINGGRAPH_NEO4J_PORT', DEFAULT_PORT))}"


def connection_from_env() -> Connection:
    """Connection settings from ``NEO4J_URI``, ``NEO4J_USER``, ``NEO4J_PASSWORD``,
    ``NEO4J_DATABASE`` and ``RINGGRAPH_NEO4J_NAMESPACE``; credentials only from there."""
    given = os.environ.get("NEO4J_URI")
    uri, uri_user, uri_password = split_uri(given or local_uri())
    check_uri(uri)
    password = os.environ.get("NEO4J_PASSWORD") or uri_password
    if not password:
        if given:
            raise StoreError(f"NEO4J_PASSWORD is not set for Neo4j at {uri}")
        password = LOCAL_DEV_PASSWORD
    try:
        namespace = check_namespace(os.environ.get(NAMESPACE_ENV) or DEFAULT_NAMESPACE)
    except ValueError as exc:
        raise StoreError(f"{NAMESPACE_ENV}: {exc}") from None
    return Connection(uri=uri, user=os.environ.get("NEO4J_USER") or uri_user or "neo4j",
                      password=password, database=os.environ.get("NEO4J_DATABASE") or "neo4j",
                      namespace=namespace)


def retry_seconds() -> float:
    """How long a failing transaction is retried: ``RINGGRAPH_NEO4J_RETRY_SECONDS`` (15)."""
    try:
        return max(0.0, float(os.environ.get(RETRY_ENV, DEFAULT_RETRY_SECONDS)))
    except ValueError:
        raise StoreError(f"{RETRY_ENV} must be a number of seconds") from None


def quiet_driver_logs() -> None:
    """Keep the driver's log off the console (to a debug file with ``RINGGRAPH_DEBUG``)."""
    log = logging.getLogger("neo4j")
    if getattr(log, "_ringgraph_quiet", False):
        return
    log._ringgraph_quiet = True  # type: ignore[attr-defined]
    if not os.environ.get("RINGGRAPH_DEBUG"):
        log.setLevel(logging.ERROR)
        return
    path = os.environ.get(DEBUG_LOG_ENV) or os.path.join(tempfile.gettempdir(),
                                                         "ringgraph-neo4j-debug.log")
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    log.propagate = False


def open_driver(conn: Connection, max_retry_time: float):
    """A driver for ``conn`` (URI without credentials, quiet log, capped retries)."""
    from neo4j import GraphDatabase

    quiet_driver_logs()
    check_uri(conn.uri)
    return GraphDatabase.driver(
        safe_uri(conn.uri), auth=(conn.user, conn.password), connection_timeout=10,
        max_transaction_retry_time=max_retry_time, notifications_min_severity="OFF",
        user_agent="ringgraph")
