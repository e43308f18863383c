"""Community detection inside Neo4j with the Graph Data Science plugin (GDS 2.13).

``ringgraph detect --store neo4j --engine gds`` keeps ringgraph's projection (the same
weighted complaint graph every engine sees: rare identifiers weigh more, hubs are cut) and
moves the community detection into the database: the weighted complaint pairs are loaded
into a GDS in-memory graph whose nodes are the stored ``Complaint`` nodes (Cypher
aggregation ``gds.graph.project``), Leiden, Louvain or WCC runs server-side in ``write``
mode (community number in ``Complaint.ringgraphCommunity``), the numbers are read back for
scoring, and finally the ranked ring ids are written to ``Complaint.ringId`` /
``Complaint.ringScore`` so investigators can query them in Cypher
(``MATCH (c:Complaint {ringId: 'RG0001'}) ...``).

Runs use ``concurrency: 1`` and a fixed ``randomSeed`` where the algorithm has one, so the
same graph and seed give the same rings. GDS's Leiden and Louvain are other
implementations than leidenalg and python-louvain, so their partitions can differ from the
Python engine's; WCC is exact and matches the ``wcc`` detector.
"""

from __future__ import annotations

import uuid

import numpy as np

from ringgraph.analysis.detect.base import BaseDetector
from ringgraph.analysis.project import ComplaintGraph
from ringgraph.core import model as m
from ringgraph.store.base import StoreError

ALGORITHMS = ("leiden", "louvain", "wcc")
_BATCH = 50_000

GDS_VERSION = "RETURN gds.version() AS v"
# `{C}` is the store's namespaced Complaint label (Neo4jStore.label): only ringgraph's own
# complaints of that namespace are projected and written, never another application's.
CLEAR_COMMUNITY = ("MATCH (c:`{C}`) WHERE c.ringgraphCommunity IS NOT NULL "
                   "CALL {{ WITH c REMOVE c.ringgraphCommunity }} IN TRANSACTIONS OF 10000 ROWS")
PROJECT = ("UNWIND $edges AS e MATCH (a:`{C}` {{key: e[0]}}) MATCH (b:`{C}` {{key: e[1]}}) "
           "WITH gds.graph.project($name, a, b, {{relationshipProperties: {{weight: e[2]}}}}, "
           "{{undirectedRelationshipTypes: ['*']}}) AS g "
           "RETURN g.nodeCount, g.relationshipCount")
RUN = {
    "leiden": ("CALL gds.leiden.write($name, {writeProperty: 'ringgraphCommunity', "
               "relationshipWeightProperty: 'weight', gamma: $resolution, randomSeed: $seed, "
               "concurrency: 1}) YIELD communityCount RETURN communityCount"),
    "louvain": ("CALL gds.louvain.write($name, {writeProperty: 'ringgraphCommunity', "
                "relationshipWeightProperty: 'weight', concurrency: 1}) "
                "YIELD communityCount RETURN communityCount"),
    "wcc": ("CALL gds.wcc.write($name, {writeProperty: 'ringgraphCommunity', concurrency: 1}) "
            "YIELD componentCount RETURN componentCount"),
}
READ_COMMUNITY = ("UNWIND $keys AS k MATCH (c:`{C}` {{key: k}}) "
                  "RETURN c.key, c.ringgraphCommunity")
DROP = "CALL gds.graph.drop($name, false) YIELD graphName RETURN graphName"
CLEAR_RINGS = ("MATCH (c:`{C}`) WHERE c.ringId IS NOT NULL "
               "CALL {{ WITH c REMOVE c.ringId, c.ringScore }} IN TRANSACTIONS OF 10000 ROWS")
WRITE_RINGS = ("UNWIND $rows AS r MATCH (c:`{C}` {{key: r[0]}}) "
               "SET c.ringId = r[1], c.ringScore = r[2]")


def _q(store, template: str) -> str:
    return template.format(C=store.label(m.COMPLAINT))


def _auto(store, query: str, **params) -> list[list]:
    """Run ``query`` in an auto-commit transaction (``CALL {} IN TRANSACTIONS`` and GDS
    procedures that write must not run inside an explicit one)."""
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
    """Leiden, Louvain or WCC run by GDS inside the Neo4j store.

    Parameters
    ----------
    algorithm : {"leiden", "louvain", "wcc"}
        GDS algorithm.
    resolution : float
        Leiden's ``gamma`` (modularity resolution); unused by Louvain and WCC.
    min_size : int
        Smallest community (in complaints) reported.
    seed : int
        Leiden's ``randomSeed``.

    The store is not a parameter (parameters are plain values recorded with the result):
    call :meth:`bind` with the :class:`~ringgraph.store.neo4j_store.Neo4jStore` the graph
    was projected from, opened for writing, before ``fit``.
    """

    name = "gds"

    def __init__(self, algorithm: str = "leiden", resolution: float = 1.0, min_size: int = 3,
                 seed: int = 0) -> None:
        self.algorithm = algorithm
        self.resolution = resolution
        self.min_size = min_size
        self.seed = seed
        self._store = None

    def bind(self, store) -> "GdsDetector":
        """Use ``store`` (a writable Neo4jStore) for the next ``fit``; returns ``self``."""
        self._store = store
        return self

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        if self.algorithm not in ALGORITHMS:
            raise ValueError(f"unknown GDS algorithm {self.algorithm!r}; expected one of "
                             f"{ALGORITHMS}")
        store = self._store
        if store is None or getattr(store, "name", "") != "neo4j":
            raise ValueError("GdsDetector needs bind(store) with the Neo4jStore the graph "
                             "was projected from")
        self.gds_version_ = check_gds(store)
        keys = graph.complaints["complaint_id"].astype(str).tolist()
        name = f"ringgraph-{uuid.uuid4().hex[:12]}"
        _auto(store, _q(store, CLEAR_COMMUNITY))
        found: dict[int, int] = {}  # complaint index -> GDS community number
        if len(graph.src):
            edges = [[keys[s], keys[d], float(w)] for s, d, w in
                     zip(graph.src.tolist(), graph.dst.tolist(), graph.weight.tolist())]
            _auto(store, _q(store, PROJECT), edges=edges, name=name)
            try:
                _auto(store, RUN[self.algorithm], name=name, seed=int(self.seed),
                      resolution=float(self.resolution))
            finally:
                _auto(store, DROP, name=name)
            index = {k: i for i, k in enumerate(keys)}
            for start in range(0, len(keys), _BATCH):
                for key, community in _auto(store, _q(store, READ_COMMUNITY),
                                            keys=keys[start:start + _BATCH]):
                    if community is not None:
                        found[index[key]] = int(community)
        # GDS numbers are arbitrary; renumber them and make every unprojected complaint
        # (no edge at all) a singleton of its own.
        codes = {c: i for i, c in enumerate(sorted(set(found.values())))}
        membership = np.arange(graph.n, dtype=np.int64) + len(codes)
        for i, c in found.items():
            membership[i] = codes[c]
        return membership


def write_rings(store, result) -> int:
    """Write ranked ring ids and scores to the ``Complaint`` nodes (old ones cleared).

    Returns the number of complaints labelled.
    """
    _auto(store, _q(store, CLEAR_RINGS))
    rows = [[cid, r.ring_id, float(r.score)] for r in result.rings for cid in r.complaint_ids]
    for start in range(0, len(rows), _BATCH):
        chunk = rows[start:start + _BATCH]
        store._execute_write(lambda tx, chunk=chunk: tx.run(_q(store, WRITE_RINGS),
                                                             rows=chunk).consume())
    return len(rows)
