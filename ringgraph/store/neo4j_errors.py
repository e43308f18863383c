"""Driver errors as one line that says what happened and what to do (never a secret).

=============================  ==============================================================
what                           message
=============================  ==============================================================
login refused                  check NEO4J_USER and NEO4J_PASSWORD
server not reachable / lost    the URI, and: start the server / run the same command again
database panic, out of memory  says so, and points at RINGGRAPH_NEO4J_HEAP
constraint violated            the label and key property, the key masked, the whole reason
unknown database               check NEO4J_DATABASE
=============================  ==============================================================
"""

from __future__ import annotations

import re

from ringgraph.store.base import StoreError
from ringgraph.store.neo4j_connect import Connection, safe_uri, scrub

HEAP_HINT = ("give it more memory: RINGGRAPH_NEO4J_HEAP (e.g. 2g) for the local server, then "
             "`ringgraph neo4j stop` and `ringgraph neo4j start`; server.memory.heap.max_size "
             "in neo4j.conf elsewhere")
_MEMORY = re.compile(r"OutOfMemory|MemoryPool|out of memory|heap space|panic", re.I)
_CONSTRAINT = re.compile(r"label `(?P<label>[^`]+)` and propert(?:y|ies) `(?P<prop>[^`]+)`"
                         r"(?: = (?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|[^\s,)]+))?")
MAX_MESSAGE = 600


def message(exc: BaseException, conn: Connection | None = None) -> str:
    """The driver's message on one line (all of it up to :data:`MAX_MESSAGE` characters,
    so a reason on a later line is kept), without credentials."""
    text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    text = " ".join(str(text).split())
    return scrub(text, *((conn.password,) if conn else ()))[:MAX_MESSAGE]


def _masked(value: str) -> str:
    v = value.strip().strip("'\"")
    return v[:2] + "*" * max(0, len(v) - 4) + v[-2:] if len(v) > 4 else "*" * len(v)


def _constraint(text: str) -> str:
    """``label `X` and property `key` = 'secret'`` with the value masked (keys are PII)."""
    mt = _CONSTRAINT.search(text)
    if not mt:
        return text
    value = mt.group("value")
    masked = f" = '{_masked(value)}'" if value else ""
    named = f"label `{mt.group('label')}` and property `{mt.group('prop')}`{masked}"
    return text[:mt.start()] + named + text[mt.end():]


def classify(exc: BaseException, conn: Connection, connected: bool = False) -> StoreError:
    """The one-line :class:`StoreError` for a driver error.

    ``connected`` tells a connection lost during work from one that never came up.
    """
    from neo4j.exceptions import (AuthError, ClientError, ConfigurationError, DatabaseError,
                                  Neo4jError, ServiceUnavailable, SessionExpired)

    where = conn.where
    text = message(exc, conn)
    code = getattr(exc, "code", None) or ""
    if isinstance(exc, AuthError):
        return StoreError(f"Neo4j at {where} refused the login of user {conn.user!r}: "
                          "check NEO4J_USER and NEO4J_PASSWORD")
    if isinstance(exc, Neo4jError) and (_MEMORY.search(code) or _MEMORY.search(text)):
        return StoreError(f"Neo4j at {where} ran out of memory or the database panicked "
                          f"({code or type(exc).__name__}): {HEAP_HINT}")
    if "Constraint" in code or "constraint" in text.lower():
        return StoreError(f"Neo4j at {where}: a uniqueness constraint failed: "
                          f"{_constraint(text)}")
    if isinstance(exc, DatabaseError) or "DatabaseUnavailable" in code:
        return StoreError(f"Neo4j at {where} failed inside the database ({code}: {text}); "
                          f"a database panic usually means too little heap: {HEAP_HINT}")
    if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
        if connected:
            return StoreError(f"lost the connection to Neo4j at {where}: check the server; "
                              "then run the same command again (a load resumes safely)")
        return StoreError(f"cannot reach Neo4j at {where}: {text} (is the server running? "
                          "`ringgraph neo4j start` starts a local one)")
    if isinstance(exc, ConfigurationError):
        return StoreError(f"bad Neo4j settings for {where}: {text}")
    if isinstance(exc, ClientError) and "DatabaseNotFound" in code:
        return StoreError(f"Neo4j at {safe_uri(conn.uri)} has no database "
                          f"{conn.database!r}: check NEO4J_DATABASE")
    return StoreError(f"Neo4j at {where}: {type(exc).__name__}: {text}")
