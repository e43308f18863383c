"""The projection built inside the store (ringgraph.analysis.project_sql + project).

* The incidence rules, on a hand-made graph, in both stores (each runs the same SQL).
* Pair weights against a brute-force reference (every identifier adds trust / (d - 1) to
  every pair of its complaints), on a simulated store.
* The store-side path and the pure ``build_graph`` path give the same graph.
"""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations

import numpy as np
import pandas as pd
import pytest

from ringgraph.analysis.project import (CERT, build_graph, complaint_table, project,
                                        sum_pairs)
from ringgraph.core import model as m
from ringgraph.core.settings import ProjectionParams
from ringgraph.store import DuckDBStore


@pytest.fixture(params=["duckdb", "neo4j"])
def store(request, tmp_path):
    if request.param == "duckdb":
        s = DuckDBStore(tmp_path / "s.duckdb")
    else:
        s = request.getfixturevalue("neo4j").store()
    yield s
    s.close()


def _node(label, key, props="{}", name=None):
    return (label, key, name or key, props, "t.csv", 1, None)


def _edge(rel, sl, sk, dl, dk, props="{}", eid=""):
    return (rel, sl, sk, dl, dk, eid, props, "t.csv", 1, None)


def _rule_graph():
    """Six complaints C1…C6 built so that each rule decides one link."""
    nodes = [_node(m.COMPLAINT, f"C{i}", '{"province": "P%d"}' % i) for i in range(1, 7)]
    nodes += [_node(m.PERSON, f"P{i}", name="张三") for i in range(1, 7)]
    nodes += [_node(m.PHONE, "+8613800000001"), _node(m.PHONE, "svc:95555"),
              _node(m.PHONE, "+8613900000009"), _node(m.ACCOUNT, "fee"),
              _node(m.ACCOUNT, "rent"), _node(m.ACCOUNT, "small"),
              _node(m.AGENT, "agent"), _node(m.IP, "1.2.3.4"),
              _node(m.DOCUMENT, "doc1", '{"cert_no": "CERT-1"}'),
              _node(m.DOCUMENT, "doc2", '{"cert_no": "CERT-1"}')]
    nodes += [_node(m.DEVICE, f"d{i}") for i in range(8)]
    e = [_edge(m.FILED, m.PERSON, f"P{i}", m.COMPLAINT, f"C{i}") for i in range(1, 7)]
    # The borrower's own phone reaches the complaint (C1–C2).
    e += [_edge(m.HAS_PHONE, m.PERSON, p, m.PHONE, "+8613800000001") for p in ("P1", "P2")]
    # A fee account links payers (C2–C3); rent and small transfers do not (C4–C5).
    e += [_edge(m.PAID, m.PERSON, p, m.ACCOUNT, "fee", '{"amount": "3000", "memo": "服务费"}')
          for p in ("P2", "P3")]
    e += [_edge(m.PAID, m.PERSON, p, m.ACCOUNT, "rent", '{"amount": "3000", "memo": "3月房租"}')
          for p in ("P4", "P5")]
    e += [_edge(m.PAID, m.PERSON, p, m.ACCOUNT, "small", '{"amount": "20", "memo": ""}')
          for p in ("P4", "P5")]
    # A service number written as the contact never links (C4–C5).
    e += [_edge(m.CONTACT, m.COMPLAINT, c, m.PHONE, "svc:95555") for c in ("C4", "C5")]
    # Two documents with one certificate number link through the certificate (C3–C4).
    e += [_edge(m.ATTACHED, m.COMPLAINT, "C3", m.DOCUMENT, "doc1"),
          _edge(m.ATTACHED, m.COMPLAINT, "C4", m.DOCUMENT, "doc2")]
    # The agent's phone reaches the complaints the agent represents (C5 with C6's contact).
    e += [_edge(m.REPRESENTED_BY, m.COMPLAINT, "C5", m.AGENT, "agent"),
          _edge(m.HAS_PHONE, m.AGENT, "agent", m.PHONE, "+8613900000009"),
          _edge(m.CONTACT, m.COMPLAINT, "C6", m.PHONE, "+8613900000009")]
    # An IP behind eight devices is carrier NAT: it links nobody (C1, C6).
    e += [_edge(m.SUBMITTED_FROM, m.COMPLAINT, c, m.IP, "1.2.3.4") for c in ("C1", "C6")]
    e += [_edge(m.SUBMITTED_FROM, m.COMPLAINT, "C1" if i < 4 else "C6", m.DEVICE, f"d{i}")
          for i in range(8)]
    return (pd.DataFrame(nodes, columns=list(m.NODE_COLUMNS)),
            pd.DataFrame(e, columns=list(m.EDGE_COLUMNS)))


def _links(graph) -> set[tuple[str, str]]:
    ids = graph.complaints["complaint_id"].to_numpy()
    return {(ids[a], ids[b]) for a, b in zip(graph.src.tolist(), graph.dst.tolist())}


def test_incidence_rules_in_every_store(store):
    store.write(*_rule_graph())
    graph = project(store)
    assert _links(graph) == {("C1", "C2"), ("C2", "C3"), ("C3", "C4"), ("C5", "C6")}
    kinds = set(zip(graph.incidence["ident_type"], graph.incidence["ident"]))
    assert (CERT, "CERT-1") in kinds and (m.DOCUMENT, "doc1") not in kinds
    assert not any(i in ("svc:95555", "rent", "small", "1.2.3.4") for _, i in kinds)
    c = complaint_table(store).set_index("complaint_id")
    assert c.loc["C5", "represented"] and not c.loc["C4", "represented"]
    assert c.loc["C1", "own_phone"] == "+8613800000001" and c.loc["C3", "own_phone"] == ""
    assert c.loc["C2", "province"] == "P2" and c.loc["C1", "person"] == "P1"
    # Asked for, service numbers link like any phone.
    linked = project(store, ProjectionParams(link_service_numbers=True))
    assert ("C4", "C5") in _links(linked)


def _brute_force(graph, params: ProjectionParams) -> dict[tuple[int, int], float]:
    """Every kept identifier adds trust / (d - 1) to every pair of its complaints."""
    members = defaultdict(list)
    for c, t, i in zip(graph.incidence["complaint"], graph.incidence["ident_type"],
                       graph.incidence["ident"]):
        members[(t, i)].append(int(c))
    w: dict[tuple[int, int], float] = defaultdict(float)
    for (t, _), cs in sorted(members.items()):
        for a, b in combinations(sorted(set(cs)), 2):
            w[(a, b)] += params.trust.get(t, 1.0) / (len(set(cs)) - 1)
    return dict(w)


@pytest.fixture(scope="module")
def simulated(tmp_path_factory):
    from etl.ingest import ingest
    from simulator import ScenarioConfig, simulate

    root = tmp_path_factory.mktemp("proj")
    simulate(ScenarioConfig(complaints=1500, seed=3101), root / "scenario")
    store = DuckDBStore(root / "g.duckdb")
    ingest([root / "scenario"], store)
    yield store
    store.close()


def test_pair_weights_match_a_brute_force_reference(simulated):
    params = ProjectionParams()
    graph = project(simulated, params)
    assert graph.n == 1500 and len(graph.src) > 100
    ref = _brute_force(graph, params)
    got = dict(zip(zip(graph.src.tolist(), graph.dst.tolist()), graph.weight.tolist()))
    assert got.keys() == ref.keys()
    assert max(abs(got[k] - ref[k]) for k in ref) < 1e-12
    assert (graph.src < graph.dst).all()
    assert (np.diff(graph.src * graph.n + graph.dst) > 0).all()     # sorted, no repeats
    # Identifiers above their type's cap are cut, never linked.
    capped = graph.cut[graph.cut["why"] == "degree cap"]
    assert all(d > params.max_degree[t] for t, d in zip(capped["ident_type"],
                                                        capped["degree"]))


def test_store_path_equals_the_pure_function(simulated):
    # Without hubs by shape: those are measured on all identifiers, kept or not.
    params = ProjectionParams(hub_min_complaints=10**9)
    graph = project(simulated, params)
    inc = graph.incidence.assign(
        complaint_id=graph.complaints["complaint_id"].to_numpy()[graph.incidence["complaint"]])
    again = build_graph(graph.complaints.sample(frac=1.0, random_state=1),
                        inc[["complaint_id", "ident_type", "ident"]], params)
    assert np.array_equal(again.src, graph.src) and np.array_equal(again.dst, graph.dst)
    assert np.array_equal(again.weight, graph.weight)
    assert again.fingerprint() == graph.fingerprint()


def test_sum_pairs_adds_repeated_pairs_in_order():
    a, b = np.array([0, 1, 0, 0]), np.array([2, 2, 2, 1])
    src, dst, w = sum_pairs(a, b, np.array([0.5, 1.0, 0.25, 2.0]), 3)
    assert src.tolist() == [0, 0, 1] and dst.tolist() == [1, 2, 2]
    assert w.tolist() == [2.0, 0.75, 1.0]


def test_sum_pairs_is_bit_identical_to_a_pandas_group_sum():
    # The weights before the store-side projection were pandas group sums (Kahan, in row
    # order); the sort-based sum must give the same bits, including long repeated sums.
    rng = np.random.default_rng(7)
    for _ in range(10):
        n, size = int(rng.integers(3, 60)), int(rng.integers(1, 5000))
        a, b = rng.integers(0, n, size), rng.integers(0, n, size)
        w = rng.choice([1.0, 0.5, 0.3, 0.8], size) / rng.integers(1, 40, size)
        src, dst, got = sum_pairs(a, b, w, n)
        ref = pd.Series(w).groupby([a, b], sort=True).sum()
        assert src.tolist() == ref.index.get_level_values(0).tolist()
        assert dst.tolist() == ref.index.get_level_values(1).tolist()
        assert np.array_equal(got, ref.to_numpy())
