"""The detector contract, after scikit-learn's estimators.

Settings are stored by ``__init__`` and nothing else happens there; ``fit(graph)`` does the
work, resolves randomness from ``seed`` and returns ``self``; results live in attributes
with a trailing underscore:

``labels_``
    int array, one entry per complaint of the graph: community number, or ``-1`` for a
    complaint in no community of at least ``min_size`` complaints.
``communities_``
    list of complaint-index arrays (members in complaint-id order), ordered by their
    smallest complaint id.
"""

from __future__ import annotations

import inspect

import numpy as np

from ringgraph.analysis.project import ComplaintGraph

REGISTRY: dict[str, type["BaseDetector"]] = {}


def register(cls: type["BaseDetector"]) -> type["BaseDetector"]:
    """Class decorator: make a detector available by its ``name``."""
    REGISTRY[cls.name] = cls
    return cls


def get_detector(name: str, **params) -> "BaseDetector":
    """A detector by registry name, with parameters."""
    if name not in REGISTRY:
        raise KeyError(f"unknown detector {name!r}; available: {', '.join(sorted(REGISTRY))}")
    return REGISTRY[name](**params)


class BaseDetector:
    """Base class: parameter handling and label bookkeeping shared by all detectors."""

    name = "base"
    # Where the algorithm runs: "python" in this process, "gds" inside Neo4j.
    engine = "python"

    @classmethod
    def _param_names(cls) -> list[str]:
        sig = inspect.signature(cls.__init__)
        return sorted(p for p in sig.parameters if p != "self")

    def get_params(self) -> dict:
        """Settings as given to ``__init__``."""
        return {k: getattr(self, k) for k in self._param_names()}

    def set_params(self, **params) -> "BaseDetector":
        """Change settings; unknown names raise ``ValueError``."""
        valid = set(self._param_names())
        for k, v in params.items():
            if k not in valid:
                raise ValueError(f"{type(self).__name__} has no parameter {k!r}")
            setattr(self, k, v)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def fit(self, graph: ComplaintGraph) -> "BaseDetector":
        """Detect communities in ``graph``; results in ``labels_`` and ``communities_``.

        The detector sees the graph in canonical order (complaints by id, edges sorted), so
        the result does not depend on the order rows were stored or read in.
        """
        canon, order = graph.canonical()
        # Complaints without links can only be singletons; leaving them out keeps the
        # algorithms' work proportional to the linked part (a few % of complaints).
        linked = np.zeros(canon.n, dtype=bool)
        linked[canon.src] = True
        linked[canon.dst] = True
        sub, pos = canon.subgraph(linked)
        inner = np.asarray(self._membership(sub), dtype=np.int64) if sub.n else \
            np.empty(0, dtype=np.int64)
        canon_membership = np.empty(canon.n, dtype=np.int64)
        canon_membership[pos] = inner
        lone = np.flatnonzero(~linked)
        canon_membership[lone] = (inner.max() + 1 if len(inner) else 0) + np.arange(len(lone))
        membership = np.empty(graph.n, dtype=np.int64)
        membership[order] = canon_membership
        self._set_result(graph, membership, int(getattr(self, "min_size", 1)))
        return self

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:  # pragma: no cover
        """Community number of every complaint of a canonical graph."""
        raise NotImplementedError

    def _set_result(self, graph: ComplaintGraph, membership: np.ndarray, min_size: int) -> None:
        """Keep communities of at least ``min_size`` complaints; number them by the smallest
        complaint id they hold, so equal partitions get equal labels."""
        membership = np.asarray(membership, dtype=np.int64)
        # Only communities big enough are materialised: most complaints are singletons.
        values, counts = np.unique(membership, return_counts=True)
        big = np.isin(membership, values[counts >= min_size])
        idx = np.flatnonzero(big)
        order = idx[np.argsort(membership[idx], kind="stable")]
        groups = np.split(order, np.flatnonzero(np.diff(membership[order])) + 1) \
            if len(order) else []
        ids = graph.complaints["complaint_id"].to_numpy(dtype=str)
        groups = [g[np.argsort(ids[g], kind="stable")] for g in groups if len(g) >= min_size]
        groups.sort(key=lambda g: ids[g[0]])
        labels = np.full(graph.n, -1, dtype=np.int64)
        for i, g in enumerate(groups):
            labels[g] = i
        self.labels_ = labels
        self.communities_ = groups
        self.graph_fingerprint_ = graph.fingerprint()
