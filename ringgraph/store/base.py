"""The one narrow interface every graph store implements (DuckDB and Neo4j).

Writes are idempotent upserts keyed by node ``(label, key)`` and relationship identity
``(rel, src_label, src_key, dst_label, dst_key, eid)``; the first provenance wins. Besides
the graph, a store keeps the ingest bookkeeping: quarantined rows, field-level issues,
duplicate rows and one report per ingest run.
"""

from __future__ import annotations

import abc
from dataclasses import dataclass

import pandas as pd

from ringgraph.core.progress import SILENT, Progress
from ringgraph.core.errors import RingGraphError

QUARANTINE_COLUMNS = ("source", "row", "reason", "field", "message", "raw")
FIELD_ISSUE_COLUMNS = ("source", "row", "field", "reason", "message")
DUPLICATE_COLUMNS = ("source", "row", "record_id", "kept_source", "kept_row")
RECORD_COLUMNS = ("kind", "record_id", "content_hash", "source", "row")


def check_frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    """Refuse labels and relationship triples outside the model before anything is written
    (queries are built from these names, never from input)."""
    from ringgraph.core import model as m

    for label in pd.unique(nodes["label"]):
        m.check_label(label)
    bad = set(zip(edges["src_label"], edges["rel"], edges["dst_label"])) - m.ALLOWED_TRIPLES
    if bad:
        raise ValueError(f"relationships outside the model: {sorted(bad)[:3]}")


def first_of_each(frame: pd.DataFrame, identity: list[str]) -> pd.DataFrame:
    """One row per identity, the earliest provenance (source, row) first: the rule both
    stores keep, whatever order a batch arrives in."""
    if not frame.duplicated(identity).any():
        return frame
    order = frame.assign(_row=pd.to_numeric(frame["row"], errors="coerce"))
    order = order.sort_values(identity + ["source", "_row"], kind="stable", na_position="last")
    return order.drop_duplicates(identity, keep="first").drop(columns="_row")


class StoreError(RingGraphError):
    """A store cannot be opened or used; the message is one line for the user."""


@dataclass(frozen=True)
class WriteStats:
    nodes_added: int
    edges_added: int


class GraphStore(abc.ABC):
    """Abstract graph store. Use as a context manager or call :meth:`close`."""

    name: str = "abstract"

    # -- graph -----------------------------------------------------------------
    @abc.abstractmethod
    def write(self, nodes: pd.DataFrame, edges: pd.DataFrame,
              progress: Progress = SILENT) -> WriteStats:
        """Upsert graph frames (columns of :mod:`ringgraph.model`); returns what was new."""

    @abc.abstractmethod
    def nodes(self, label: str | None = None) -> pd.DataFrame:
        """All nodes (optionally of one label), sorted by label and key."""

    @abc.abstractmethod
    def edges(self, rels: tuple[str, ...] | None = None) -> pd.DataFrame:
        """All relationships (optionally of some types), sorted by identity."""

    @abc.abstractmethod
    def node_property(self, label: str, prop: str) -> pd.Series:
        """One property of every node of ``label``, as a Series indexed by key."""

    def edge_ends(self, rels: tuple[str, ...]) -> pd.DataFrame:
        """``rel, src_label, src_key, dst_label, dst_key`` of relationships of some types
        (no provenance or properties: what a projection needs, cheaper to read)."""
        return self.edges(rels)[["rel", "src_label", "src_key", "dst_label", "dst_key"]]

    def edge_property(self, rel: str, prop: str) -> pd.DataFrame:
        """One property of every relationship of type ``rel``: the identity columns
        ``src_label, src_key, dst_label, dst_key, eid`` and ``value`` (text or None)."""
        import json

        e = self.edges((rel,))
        values = [None if not p else json.loads(p).get(prop) for p in e["props"]]
        out = e[["src_label", "src_key", "dst_label", "dst_key", "eid"]].copy()
        out["value"] = [None if v is None else str(v) for v in values]
        return out.reset_index(drop=True)

    @abc.abstractmethod
    def counts(self) -> dict[str, int]:
        """Node counts by label and relationship counts by type."""

    @abc.abstractmethod
    def neighbourhood(self, label: str, key: str, hops: int = 1
                      ) -> tuple[pd.DataFrame, pd.DataFrame]:
        """Nodes and relationships within ``hops`` of one node (either direction)."""

    @abc.abstractmethod
    def lookup(self, value: str) -> pd.DataFrame:
        """Nodes whose key or name equals ``value`` (already normalised by the caller)."""

    # -- ingest bookkeeping ----------------------------------------------------------
    @abc.abstractmethod
    def write_bookkeeping(self, quarantine: pd.DataFrame, field_issues: pd.DataFrame,
                          duplicates: pd.DataFrame, records: pd.DataFrame) -> None:
        """Upsert quarantine rows, field issues, duplicate rows (keyed by source, row) and
        loaded records (keyed by kind and record id, with a content hash so a later export
        of the same id can be told apart as a duplicate or a conflict)."""

    @abc.abstractmethod
    def table(self, name: str) -> pd.DataFrame:
        """One bookkeeping table: ``quarantine``, ``field_issues``, ``duplicates``,
        ``records`` or ``runs``."""

    @abc.abstractmethod
    def record_run(self, report_json: str) -> None:
        """Keep one ingest report (JSON text)."""

    def fingerprint(self) -> str:
        """SHA-256 over the sorted graph: the data snapshot a result was computed on."""
        import hashlib

        h = hashlib.sha256()
        for frame in (self.nodes(), self.edges()):
            h.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
        return h.hexdigest()

    # -- lifecycle ---------------------------------------------------------------
    def close(self) -> None:  # pragma: no cover - overridden
        pass

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- investigators' bookkeeping (verdicts, ring identity) ------------------------
    # Kept apart from the ingest tables: ingest never touches them, so they survive
    # re-ingest. Concrete stores implement them at the end of their class.
    def write_verdict(self, verdict: dict) -> None:
        """Append one verdict (``VERDICT_COLUMNS`` but ``seq``; JSON text for the lists)."""
        raise NotImplementedError(f"{self.name} store keeps no verdicts")

    def verdicts(self) -> pd.DataFrame:
        """Every verdict ever recorded, oldest first (``VERDICT_COLUMNS``)."""
        raise NotImplementedError(f"{self.name} store keeps no verdicts")

    def write_ring_ids(self, rows: pd.DataFrame) -> None:
        """Upsert ring identity rows (``RING_ID_COLUMNS``) by ``ring_id``; never deletes,
        so an id once issued is never issued again."""
        raise NotImplementedError(f"{self.name} store keeps no ring ids")

    def ring_ids(self) -> pd.DataFrame:
        """Every ring id ever issued (``RING_ID_COLUMNS``), sorted by ``ring_id``."""
        raise NotImplementedError(f"{self.name} store keeps no ring ids")


VERDICT_COLUMNS = ("seq", "ring_id", "verdict", "note", "reviewer", "at", "complaint_ids",
                   "features", "points")
RING_ID_COLUMNS = ("ring_id", "members", "lineage", "active", "updated")
