"""The shared check suite every detector passes (like ``sklearn.utils.estimator_checks``).

Run them all with :func:`check_detector`; each check raises ``AssertionError`` naming what
broke the contract.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.project import ComplaintGraph, build_graph
from ringgraph.analysis.detect.base import BaseDetector


def toy_graph(seed: int = 0, groups: int = 4, size: int = 8, noise: int = 40) -> ComplaintGraph:
    """Planted groups sharing devices and phones, plus unlinked complaints and one chance
    link between groups; deterministic for ``seed``."""
    rng = np.random.default_rng(seed)
    rows = []
    cid = 0
    for g in range(groups):
        for _ in range(size):
            rows.append((f"C{cid:04d}", "Device", f"dev-{g}-{rng.integers(2)}"))
            rows.append((f"C{cid:04d}", "Phone", f"+86139{g:04d}{rng.integers(3):04d}"))
            cid += 1
    for _ in range(noise):
        rows.append((f"C{cid:04d}", "Device", f"solo-{cid}"))
        cid += 1
    rows.append(("C0000", "IP", "1.1.1.1"))
    rows.append((f"C{size:04d}", "IP", "1.1.1.1"))
    inc = pd.DataFrame(rows, columns=["complaint_id", "ident_type", "ident"])
    complaints = pd.DataFrame({"complaint_id": sorted({r[0] for r in rows})})
    return build_graph(complaints, inc)


def _partition(det: BaseDetector, graph: ComplaintGraph) -> set[frozenset[str]]:
    ids = graph.complaints["complaint_id"].to_numpy(dtype=str)
    return {frozenset(ids[c]) for c in det.communities_}


def check_init_does_no_work(cls: type[BaseDetector]) -> None:
    det = cls()
    fitted = [a for a in vars(det) if a.endswith("_")]
    assert not fitted, f"{cls.__name__}.__init__ set fitted attributes {fitted}"
    assert set(det.get_params()) == set(cls._param_names()), "get_params misses parameters"
    assert "seed" in det.get_params(), f"{cls.__name__} has no seed parameter"


def check_get_set_params(cls: type[BaseDetector]) -> None:
    det = cls()
    params = det.get_params()
    assert det.set_params(**params) is det
    try:
        det.set_params(no_such_parameter=1)
    except ValueError:
        pass
    else:
        raise AssertionError("set_params accepted an unknown parameter")
    clone = cls(**params)
    assert clone.get_params() == params


def check_fit_returns_self(cls: type[BaseDetector], graph: ComplaintGraph) -> None:
    det = cls()
    assert det.fit(graph) is det, "fit must return self"
    assert len(det.labels_) == graph.n
    assert det.labels_.dtype.kind == "i"
    for i, members in enumerate(det.communities_):
        assert (det.labels_[members] == i).all(), "labels_ and communities_ disagree"


def check_finds_planted_groups(cls: type[BaseDetector], graph: ComplaintGraph) -> None:
    det = cls().fit(graph)
    assert len(det.communities_) >= 1, "found nothing in a graph with planted groups"
    solo = graph.complaints["complaint_id"].str.slice(1).astype(int) >= 32
    assert (det.labels_[solo.to_numpy()] == -1).all(), "unlinked complaints put in a ring"


def check_same_seed_same_result(cls: type[BaseDetector], graph: ComplaintGraph) -> None:
    a = cls(seed=3).fit(graph)
    b = cls(seed=3).fit(graph)
    assert np.array_equal(a.labels_, b.labels_), "same seed gave different labels"


def check_order_independent(cls: type[BaseDetector], graph: ComplaintGraph) -> None:
    base = _partition(cls(seed=1).fit(graph), graph)
    for s in (11, 12):
        shuffled = graph.shuffled(s)
        got = _partition(cls(seed=1).fit(shuffled), shuffled)
        assert got == base, "result depends on the order of complaints or edges"


def check_detector(cls: type[BaseDetector]) -> None:
    """Run every check on ``cls``."""
    graph = toy_graph()
    check_init_does_no_work(cls)
    check_get_set_params(cls)
    check_fit_returns_self(cls, graph)
    check_finds_planted_groups(cls, graph)
    check_same_seed_same_result(cls, graph)
    check_order_independent(cls, graph)
