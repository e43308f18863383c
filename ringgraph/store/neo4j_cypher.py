"""The Cypher of the Neo4j store, built once per namespace.

A Neo4j database is often shared: a team's other applications keep their own ``:Person``
or ``:Complaint`` nodes next to ringgraph's. So every node ringgraph writes carries three
labels: the model label (``Person``: the public contract, what investigators query), the
namespace marker (``RingGraph`` by default) and the namespace's own key label
(``RingGraph_Person``). Every read and every ``MERGE`` matches the key label, so nodes of
other applications are neither read nor touched, and the uniqueness constraint on ``key``
is declared on the key label only.

Why a label of our own for the constraint rather than ``(:Person {key})``: a constraint on
the model label would cover every ``:Person`` in the database, so an application whose
persons share a key could not write (and an existing duplicate would stop ringgraph from
creating its schema). A composite constraint ``(:Person {key, ns})`` would avoid that but
still index every foreign ``:Person`` and needs the namespace property on every lookup;
the key label is exact, costs one label per node and keeps lookups on one indexed label.

Several namespaces can share a database (``RINGGRAPH_NEO4J_NAMESPACE``); the tests use a
namespace of their own per run, so they only ever delete what they wrote.

Every query is a constant string built here: labels and types are interpolated from
:mod:`ringgraph.core.model` constants that passed ``check_label``/``check_rel`` and from a
namespace that passed :func:`check_namespace`; values always travel as parameters.
"""

from __future__ import annotations

import functools
import re

from ringgraph.core import model as m
from ringgraph.store.base import (DUPLICATE_COLUMNS, FIELD_ISSUE_COLUMNS, QUARANTINE_COLUMNS,
                                  RECORD_COLUMNS)

DEFAULT_NAMESPACE = "RingGraph"
NAMESPACE_ENV = "RINGGRAPH_NEO4J_NAMESPACE"
BOOKKEEPING_LABELS = ("_Meta", "_Quarantine", "_FieldIssue", "_Duplicate", "_Record", "_Run",
                      "_Verdict", "_RingId", "_Debtor", "_Agency")
_NAMESPACE_RE = re.compile(r"[A-Za-z][A-Za-z0-9]{0,39}\Z")
_NODE_RETURN = ("n.key AS key, n.name AS name, n.props AS props, n.source AS source, "
                "n.row AS row, n.at AS at")
# Bookkeeping: MERGE identity, then the properties set on create, as ``r[i]`` columns.
_BOOKKEEPING = {
    "quarantine": ("_Quarantine", ("source", "row"), ("reason", "field", "message", "raw")),
    "field_issues": ("_FieldIssue", ("source", "row", "field"), ("reason", "message")),
    "duplicates": ("_Duplicate", ("source", "row"), ("record_id", "kept_source", "kept_row")),
    "records": ("_Record", ("kind", "record_id"), ("content_hash", "source", "row")),
}


def check_namespace(namespace: str) -> str:
    """Return ``namespace`` if it can be a label prefix (letters and digits, at most 40,
    not a model label), else raise ``ValueError``."""
    ns = str(namespace)
    if not _NAMESPACE_RE.match(ns) or ns in m.NODE_LABELS:
        raise ValueError(f"bad Neo4j namespace {ns!r}: 1-40 letters or digits, starting with a "
                         "letter, not a model label")
    return ns


@functools.lru_cache(maxsize=16)
def cypher_for(namespace: str = DEFAULT_NAMESPACE) -> "Cypher":
    """The (cached) query set of one namespace."""
    return Cypher(namespace)


class Cypher:
    """Every query of the Neo4j store for one namespace.

    Parameters
    ----------
    namespace : str
        Marker label of ringgraph's nodes; key labels are ``{namespace}_{Label}``.
    """

    def __init__(self, namespace: str = DEFAULT_NAMESPACE) -> None:
        self.ns = check_namespace(namespace)
        self._key_labels = {self.key(lab): lab for lab in m.NODE_LABELS}
        self.node_merge = {lab: self._node_merge(lab) for lab in m.NODE_LABELS}
        self.rel_merge = {spec: self._rel_merge(spec) for spec in m.RELATIONSHIPS}
        self.node_read = {lab: self._node_read(lab) for lab in m.NODE_LABELS}
        self.node_read_keys = {lab: self._node_read(lab, by_keys=True) for lab in m.NODE_LABELS}
        self.rel_read = {spec: self._rel_read(spec) for spec in m.RELATIONSHIPS}
        self.all_nodes_read = " UNION ALL ".join(self.node_read[lab] for lab in m.NODE_LABELS)
        self.around = {lab: self._around(lab) for lab in m.NODE_LABELS}
        self.lookup = self._lookup()
        self.counts = self._counts()
        self.schema, self.schema_names = self._schema()
        meta, run = self.key("_Meta"), self.key("_Run")
        self.meta_read = f"MATCH (n:`{meta}` {{key: 'schema_version'}}) RETURN n.value"
        self.meta_write = (f"MERGE (n:`{meta}` {{key: 'schema_version'}}) ON CREATE SET "
                           f"n:`_Meta`:`{self.ns}`, n.value = $v RETURN n.value")
        self.bookkeeping_merge = {name: self._bookkeeping_merge(name) for name in _BOOKKEEPING}
        self.bookkeeping_read = {name: self._bookkeeping_read(name) for name in _BOOKKEEPING}
        self.bookkeeping_read["runs"] = f"MATCH (n:`{run}`) RETURN n.run, n.report"
        self.run_write = (f"OPTIONAL MATCH (n:`{run}`) WITH coalesce(max(n.run), 0) + 1 AS next "
                          f"CREATE (:`_Run`:`{self.ns}`:`{run}` {{run: next, report: $report}})")
        self.run_replace = f"MATCH (n:`{run}` {{run: $run}}) SET n.report = $report"
        verdict, ring = self.key("_Verdict"), self.key("_RingId")
        self.verdict_write = (
            f"OPTIONAL MATCH (n:`{verdict}`) WITH coalesce(max(n.seq), 0) + 1 AS next "
            f"CREATE (x:`_Verdict`:`{self.ns}`:`{verdict}` {{seq: next}}) SET x += $v")
        self.verdict_read = (f"MATCH (n:`{verdict}`) RETURN n.seq, n.ring_id, n.verdict, "
                             "n.note, n.reviewer, n.at, n.complaint_ids, n.features, n.points "
                             "ORDER BY n.seq")
        self.ring_id_merge = (
            f"UNWIND $rows AS r MERGE (n:`{ring}` {{ring_id: r[0]}}) "
            f"ON CREATE SET n:`_RingId`:`{self.ns}` "
            "SET n.members = r[1], n.lineage = r[2], n.active = r[3], n.updated = r[4]")
        self.ring_id_read = (f"MATCH (n:`{ring}`) RETURN n.ring_id, n.members, n.lineage, "
                             "n.active, n.updated ORDER BY n.ring_id")
        # Only nodes carrying this namespace's marker: never anything another writer made.
        self.delete_all = (f"MATCH (n:`{self.ns}`) "
                           "CALL { WITH n DETACH DELETE n } IN TRANSACTIONS OF 10000 ROWS")

    # -- labels ---------------------------------------------------------------------
    def key(self, label: str) -> str:
        """The namespace's key label of a model or bookkeeping label (``RingGraph_Person``)."""
        if label not in BOOKKEEPING_LABELS:
            m.check_label(label)
        return f"{self.ns}_{label}"

    def model_label(self, labels: list[str]) -> str | None:
        """The model label of a node of this namespace from its labels, else ``None``."""
        for lab in labels:
            if lab in self._key_labels:
                return self._key_labels[lab]
        return None

    # -- builders -------------------------------------------------------------------
    def _node_merge(self, label: str) -> str:
        return (f"UNWIND $rows AS r MERGE (n:`{self.key(label)}` {{key: r[0]}}) "
                f"ON CREATE SET n:`{label}`:`{self.ns}`, n.name = r[1], n.props = r[2], "
                "n.source = r[3], n.row = r[4], n.at = r[5]")

    def _rel_merge(self, spec: m.RelSpec) -> str:
        rel = m.check_rel(spec.rel)
        return (f"UNWIND $rows AS r MATCH (a:`{self.key(spec.src)}` {{key: r[0]}}) "
                f"MATCH (b:`{self.key(spec.dst)}` {{key: r[1]}}) "
                f"MERGE (a)-[e:`{rel}` {{eid: r[2]}}]->(b) "
                "ON CREATE SET e.props = r[3], e.source = r[4], e.row = r[5], e.at = r[6] "
                "RETURN count(*) AS matched")

    def _node_read(self, label: str, by_keys: bool = False) -> str:
        match = (f"UNWIND $keys AS k MATCH (n:`{self.key(label)}` {{key: k}})" if by_keys
                 else f"MATCH (n:`{self.key(label)}`)")
        return f"{match} RETURN '{label}' AS label, {_NODE_RETURN}"

    def _rel_read(self, spec: m.RelSpec) -> str:
        rel = m.check_rel(spec.rel)
        return (f"MATCH (a:`{self.key(spec.src)}`)-[e:`{rel}`]->(b:`{self.key(spec.dst)}`) "
                f"RETURN '{rel}' AS rel, '{spec.src}' AS src_label, a.key AS src_key, "
                f"'{spec.dst}' AS dst_label, b.key AS dst_key, e.eid AS eid, e.props AS props, "
                "e.source AS source, e.row AS row, e.at AS at")

    def _around(self, label: str) -> str:
        # The far end must carry the marker: relationships to other writers' nodes are theirs.
        return (f"UNWIND $keys AS k MATCH (x:`{self.key(label)}` {{key: k}})-[e]-(:`{self.ns}`) "
                "WITH DISTINCT e, startNode(e) AS a, endNode(e) AS b "
                "RETURN type(e), labels(a), a.key, labels(b), b.key, e.eid, e.props, e.source, "
                "e.row, e.at")

    def _lookup(self) -> str:
        parts = [f"MATCH (n:`{self.key(label)}`) WHERE n.{prop} = $v RETURN '{label}' AS label, "
                 f"{_NODE_RETURN}" for label in m.NODE_LABELS for prop in ("key", "name")]
        # UNION (not ALL): a node whose key and name both equal the value comes once.
        return " UNION ".join(parts)

    def _counts(self) -> str:
        parts = [f"MATCH (n:`{self.key(lab)}`) RETURN '{lab}' AS what, count(n) AS n"
                 for lab in m.NODE_LABELS]
        # Per allowed triple (both ends ours); the store sums the triples of one type.
        parts += [f"MATCH (:`{self.key(s.src)}`)-[e:`{m.check_rel(s.rel)}`]->"
                  f"(:`{self.key(s.dst)}`) RETURN '{s.rel}' AS what, count(e) AS n"
                  for s in m.RELATIONSHIPS]
        return " UNION ALL ".join(parts)

    def _schema(self) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
        """``CREATE`` statements and ``(kind, name)`` of every constraint and index."""
        out, names = [], []

        def add(kind: str, name: str, body: str) -> None:
            out.append(f"CREATE {kind} `{name}` IF NOT EXISTS {body}")
            names.append((kind, name))

        for label in m.NODE_LABELS:
            kl = self.key(label)
            add("CONSTRAINT", f"ringgraph_{kl}_key", f"FOR (n:`{kl}`) REQUIRE n.key IS UNIQUE")
            add("INDEX", f"ringgraph_{kl}_name", f"FOR (n:`{kl}`) ON (n.name)")
        add("CONSTRAINT", f"ringgraph_{self.key('_Meta')}_key",
            f"FOR (n:`{self.key('_Meta')}`) REQUIRE n.key IS UNIQUE")
        for label, ident, _ in _BOOKKEEPING.values():
            props = ", ".join(f"n.{p}" for p in ident)
            add("CONSTRAINT", f"ringgraph_{self.key(label)}_id",
                f"FOR (n:`{self.key(label)}`) REQUIRE ({props}) IS UNIQUE")
        add("CONSTRAINT", f"ringgraph_{self.key('_Run')}_id",
            f"FOR (n:`{self.key('_Run')}`) REQUIRE n.run IS UNIQUE")
        add("CONSTRAINT", f"ringgraph_{self.key('_RingId')}_id",
            f"FOR (n:`{self.key('_RingId')}`) REQUIRE n.ring_id IS UNIQUE")
        # Collection calls (ringgraph.store.neo4j_calls): debtors and agencies by key.
        for label in ("_Debtor", "_Agency"):
            add("CONSTRAINT", f"ringgraph_{self.key(label)}_key",
                f"FOR (n:`{self.key(label)}`) REQUIRE n.key IS UNIQUE")
        return tuple(out), tuple(names)

    def _bookkeeping_merge(self, name: str) -> str:
        label, ident, rest = _BOOKKEEPING[name]
        match = ", ".join(f"{p}: r[{i}]" for i, p in enumerate(ident))
        sets = ", ".join(f"n.{p} = r[{i}]" for i, p in enumerate(rest, start=len(ident)))
        return (f"UNWIND $rows AS r MERGE (n:`{self.key(label)}` {{{match}}}) "
                f"ON CREATE SET n:`{label}`:`{self.ns}`, {sets}")

    def _bookkeeping_read(self, name: str) -> str:
        label, ident, rest = _BOOKKEEPING[name]
        columns = {"quarantine": QUARANTINE_COLUMNS, "field_issues": FIELD_ISSUE_COLUMNS,
                   "duplicates": DUPLICATE_COLUMNS, "records": RECORD_COLUMNS}[name]
        assert set(columns) == set(ident + rest), name
        return (f"MATCH (n:`{self.key(label)}`) RETURN "
                + ", ".join(f"n.{c}" for c in columns))
