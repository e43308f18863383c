"""SQL over a store's graph that every store runs the same way.

A store hands out a DuckDB connection in which ``nodes`` and ``edges`` name its graph
(:meth:`ringgraph.store.base.GraphStore.graph_sql`): the DuckDB store its own tables, any
other store (Neo4j) an in-memory DuckDB over the frames it reads. Queries written against
those two names (the data fingerprint here, the projection in
:mod:`ringgraph.analysis.project_sql`) therefore have one definition for every store.
"""

from __future__ import annotations

import hashlib

# The data fingerprint: row count and the sum (as a 128-bit integer, so it never
# overflows and, unlike XOR, two equal rows never cancel) of DuckDB's hash of every
# column of every row. A sum does not depend on row order, so nothing is sorted or
# shipped to Python. DuckDB's hash is stable for a DuckDB version; an upgrade that
# changed it would only make earlier results look stale, never the reverse.
FINGERPRINT_SQL = """
SELECT 'nodes' AS t, count(*) AS n,
       coalesce(sum(hash(label, key, name, props, source, "row", "at")::HUGEINT), 0) AS h
FROM nodes
UNION ALL
SELECT 'edges', count(*),
       coalesce(sum(hash(rel, src_label, src_key, dst_label, dst_key, eid, props, source,
                         "row", "at")::HUGEINT), 0)
FROM edges
"""


def graph_fingerprint(con) -> str:
    """SHA-256 of :data:`FINGERPRINT_SQL`'s counts and hash sums on ``con``."""
    rows = dict((t, (int(n), int(h))) for t, n, h in con.execute(FINGERPRINT_SQL).fetchall())
    text = "graph-fingerprint-v2|" + "|".join(f"{t}:{rows[t][0]}:{rows[t][1]}"
                                                for t in ("nodes", "edges"))
    return hashlib.sha256(text.encode()).hexdigest()
