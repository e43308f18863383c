"""Community detection inside Neo4j with the Graph Data Science plugin (GDS 2.13).

``ringgraph detect --store neo4j --engine gds --detector leiden|louvain|wcc`` keeps
ringgraph's projection (the same weighted complaint graph every engine sees: rare
identifiers weigh more, hubs are cut) and moves the community detection into the database:
the weighted complaint pairs are loaded as a GDS in-memory graph over integer node ids
(Cypher aggregation ``gds.graph.project``), Leiden, Louvain or WCC streams its communities
back, and the in-memory graph is dropped. The detectors are registered like every other
(``gds_leiden``, ``gds_louvain``, ``gds_wcc``) and pass the same check suite; after ranking,
:meth:`GdsDetector.write_rings` writes the ring ids to ``Complaint.ringId`` /
``Complaint.ringScore`` so investigators can query them in Cypher
(``MATCH (c:Complaint {ringId: 'RG0001'}) ...``).

Runs use ``concurrency: 1`` and a fixed ``randomSeed`` where the algorithm has one, so the
same graph and seed give the same rings. GDS's Leiden and Louvain are other
implementations than igraph's and python-louvain, so their partitions can differ from the
Python engine's; WCC is exact and matches the ``wcc`` detector.
"""

from __future__ import annotations

import uuid

import numpy as np

from ringgraph.analysis.detect.base import BaseDetector, register
from ringgraph.analysis.project import ComplaintGraph
from ringgraph.core import model as m
from ringgraph.store.base import StoreError

ALGORITHMS = ("leiden", "louvain", "wcc")
_BATCH = 50_000

GDS_VERSION = "RETURN gds.version() AS v"
PROJECT = ("UNWIND $edges AS e "
           "WITH gds.graph.project($name, e[0], e[1], {relationshipProperties: {weight: e[2]}}, "
           "{undirectedRelationshipTypes: ['*']}) AS g "
           "RETURN g.nodeCount, g.relationshipCount")
STREAM = {
    "leiden": ("CALL gds.leiden.stream($name, {relationshipWeightProperty: 'weight', "
               "gamma: $resolution, randomSeed: $seed, concurrency: 1}) "
               "YIELD nodeId, communityId RETURN nodeId, communityId"),
    "louvain": ("CALL gds.louvain.stream($name, {relationshipWeightProperty: 'weight', "
                "concurrency: 1}) YIELD nodeId, communityId RETURN nodeId, communityId"),
    "wcc": ("CALL gds.wcc.stream($name, {concurrency: 1}) "
            "YIELD nodeId, componentId RETURN nodeId, componentId"),
}
DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"
# `{C}` is the store's namespaced Complaint label (Neo4jStore.label): only ringgraph's own
# complaints of that namespace are written, never another application's.
CLEAR_RINGS = ("MATCH (c:`{C}`) WHERE c.ringId IS NOT NULL "
               "CALL {{ WITH c REMOVE c.ringId, c.ringScore }} IN TRANSACTIONS OF 10000 ROWS")
WRITE_RINGS = ("UNWIND $rows AS r MATCH (c:`{C}` {{key: r[0]}}) "
               "SET c.ringId = r[1], c.ringScore = r[2]")


def _q(store, template: str) -> str:
    return template.format(C=store.label(m.COMPLAINT))


def _auto(store, query: str, **params) -> list[list]:
    """Run ``query`` in an auto-commit transaction (``CALL {} IN TRANSACTIONS`` and GDS
    procedures must not run inside an explicit one)."""
    from neo4j.exceptions import DriverError, Neo4jError

    try:
        with store.driver.session(database=store.conn.database) as s:
            return s.run(query, **params).values()
    except (Neo4jError, DriverError, OSError) as exc:
        raise store._fail(exc) from None


def check_gds(store) -> str:
    """The GDS version on ``store``'s server; :class:`StoreError` if the plugin is absent."""
    from neo4j.exceptions import ClientError

    try:
        with store.driver.session(database=store.conn.database) as s:
            return str(s.run(GDS_VERSION).single()[0])
    except ClientError:
        raise StoreError(f"Neo4j at {store.conn.where} has no Graph Data Science plugin "
                         "(`ringgraph neo4j start` loads it into the local server)") from None


class GdsDetector(BaseDetector):
    """Base of the GDS detectors: the algorithm runs inside Neo4j.

    The store is not a parameter (parameters are plain values recorded with the result):
    :meth:`bind` a :class:`~ringgraph.store.neo4j_store.Neo4jStore`, or ``fit`` connects to
    the server the environment names (``NEO4J_URI`` …) for the duration of the fit.
    """

    name = "gds"
    engine = "gds"
    algorithm = ""

    def bind(self, store) -> "GdsDetector":
        """Use ``store`` (a Neo4jStore) for the next ``fit``; returns ``self``."""
        self._store = store
        return self

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        store = getattr(self, "_store", None)
        if store is not None:
            return self._run(store, graph)
        from ringgraph.store import open_store

        with open_store("neo4j", "", read_only=True) as own:
            return self._run(own, graph)

    def _run(self, store, graph: ComplaintGraph) -> np.ndarray:
        if getattr(store, "name", "") != "neo4j":
            raise StoreError("the GDS engine runs inside Neo4j: bind a Neo4j store")
        self.gds_version_ = check_gds(store)
        name = f"ringgraph-{uuid.uuid4().hex[:12]}"
        found = np.full(graph.n, -1, dtype=np.int64)
        if len(graph.src):
            edges = [[s, d, float(w)] for s, d, w in
                     zip(graph.src.tolist(), graph.dst.tolist(), graph.weight.tolist())]
            _auto(store, PROJECT, edges=edges, name=name)
            try:
                rows = _auto(store, STREAM[self.algorithm], name=name, seed=int(self.seed),
                             resolution=float(getattr(self, "resolution", 1.0)))
            finally:
                _auto(store, DROP, name=name)
            for node, community in rows:
                found[int(node)] = int(community)
        # GDS numbers are arbitrary; renumber them, and a complaint GDS never saw (no edge)
        # is a singleton of its own.
        codes, inverse = np.unique(found[found >= 0], return_inverse=True)
        membership = np.arange(graph.n, dtype=np.int64) + len(codes)
        membership[found >= 0] = inverse
        return membership

    def write_rings(self, store, result) -> int:
        """Write ranked ring ids and scores to the ``Complaint`` nodes (old ones cleared);
        returns the number of complaints labelled."""
        _auto(store, _q(store, CLEAR_RINGS))
        rows = [[cid, r.ring_id, float(r.score)] for r in result.rings
                for cid in r.complaint_ids]
        write = _q(store, WRITE_RINGS)
        for start in range(0, len(rows), _BATCH):
            chunk = rows[start:start + _BATCH]
            store._execute_write(lambda tx, chunk=chunk: tx.run(write, rows=chunk).consume())
        return len(rows)


@register
class GdsLeidenDetector(GdsDetector):
    """Leiden inside Neo4j (GDS ``gds.leiden``, modularity, weighted)."""

    name = "gds_leiden"
    algorithm = "leiden"

    def __init__(self, resolution: float = 1.0, min_size: int = 3, seed: int = 0) -> None:
        self.resolution = resolution
        self.min_size = min_size
        self.seed = seed


@register
class GdsLouvainDetector(GdsDetector):
    """Louvain inside Neo4j (GDS ``gds.louvain``, weighted)."""

    name = "gds_louvain"
    algorithm = "louvain"

    def __init__(self, min_size: int = 3, seed: int = 0) -> None:
        self.min_size = min_size
        self.seed = seed


@register
class GdsWccDetector(GdsDetector):
    """Weakly connected components inside Neo4j (GDS ``gds.wcc``): exact, like ``wcc``."""

    name = "gds_wcc"
    algorithm = "wcc"

    def __init__(self, min_size: int = 3, seed: int = 0) -> None:
        self.min_size = min_size
        self.seed = seed
