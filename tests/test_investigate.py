"""The investigator API on a real simulated scenario in a real DuckDB store, and the lookup
normalisation checked against ETL's own normalisers."""

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import normalize as nz
from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph import investigate as inv
from ringgraph.core import keys
from ringgraph.core.errors import RingGraphError
from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.evaluate import load_truth
from ringgraph.analysis.project import project
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.store import DuckDBStore


# ------------------------------------------------------------ keys agree with ETL
PHONES = ["+86 138 1234 5678", "0086-138-1234-5678", "13812345678", "８６１３８１２３４５６７８",
          "138****5678", "95588", "400-123-4567", "0731-8888999", "1381234", "", "abc",
          "+86\u200b13812345678", "86 13812345678"]


@pytest.mark.parametrize("raw", PHONES)
def test_phone_key_matches_etl(raw):
    etl = nz.normalize_phones(pd.Series([raw])).iloc[0]
    expected = "" if etl["kind"] == "masked" else etl["value"]
    assert keys.phone_key(raw) == expected


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="0123456789+-*() \u3000８６", max_size=20))
def test_phone_key_matches_etl_on_any_digits(raw):
    etl = nz.normalize_phones(pd.Series([raw])).iloc[0]
    assert keys.phone_key(raw) == ("" if etl["kind"] == "masked" else etl["value"])


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="廣律（深圳）法務服務有限公司【】[] 　湖南某ABC", max_size=16))
def test_org_key_matches_etl(raw):
    etl = nz.normalize_org_names(pd.Series([raw])).iloc[0]
    if raw.strip():
        assert keys.org_key(raw) == etl["key"]
        assert keys.org_display(raw) == etl["display"]


@pytest.mark.parametrize("raw", ["11010519491231002x", " 11010519491231002X ",
                                 "１１０１０５１９４９１２３１００２Ｘ"])
def test_resident_id_key_matches_etl(raw):
    assert keys.resident_id_key(raw) == nz.normalize_ids(pd.Series([raw])).iloc[0]["value"]


@pytest.mark.parametrize("raw", ["张 三", " 张三丰 ", "Ｌｉ Ｓｉ", "王\u200b五"])
def test_person_name_matches_etl(raw):
    assert keys.person_name(raw) == nz.normalize_person_names(pd.Series([raw])).iloc[0]


@pytest.mark.parametrize("raw", [" AB12 CD34 ", "Android-9F"])
def test_device_key_matches_etl(raw):
    assert keys.device_key(raw) == nz.normalize_devices(pd.Series([raw])).iloc[0]


# ------------------------------------------------------------- a simulated store
@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("investigate")
    simulate(ScenarioConfig(complaints=1500, seed=11), base / "scenario")
    store = DuckDBStore(base / "s.duckdb")
    ingest([base / "scenario"], store)
    graph = project(store)
    result = find_rings(graph, get_detector("leiden", seed=0), names=identifier_names(store),
                        data_fingerprint=store.fingerprint())
    yield store, result, load_truth(base / "scenario")
    store.close()


def _phone_hub(store):
    return inv.hubs(store, top=1, labels=("Phone",))["key"].iloc[0]


def test_lookup_finds_a_phone_however_it_is_written(world):
    store, _, _ = world
    key = _phone_hub(store)
    d = key.removeprefix("+86")
    for typed in (key, d, f"{d[:3]} {d[3:7]} {d[7:]}", f"0086-{d[:3]}-{d[3:7]}-{d[7:]}",
                  f"+86 {d}", "".join(chr(ord(c) + 0xFEE0) for c in d)):
        hits = inv.lookup(store, typed)
        assert (hits["label"] == "Phone").sum() == 1, typed
        row = hits[hits["label"] == "Phone"].iloc[0]
        assert row["key"] == key and row["degree"] > 2
        assert row["shown"] == f"{d[:3]}****{d[-4:]}"


def test_lookup_by_id_name_org_and_certificate(world):
    store, _, _ = world
    person = store.nodes("Person").iloc[0]
    assert person["key"] in set(inv.lookup(store, person["key"].lower())["key"])
    by_name = inv.lookup(store, " ".join(person["name"]))  # "张 三" style spacing
    assert person["key"] in set(by_name["key"])
    assert person["name"] not in set(by_name["shown"])  # masked
    org = store.nodes("Org").iloc[0]
    import opencc

    variant = opencc.OpenCC("s2t").convert(org["name"]).replace("(", "（").replace(")", "）")
    assert org["key"] in set(inv.lookup(store, variant)["key"])
    docs = store.nodes("Document")
    cert = next(json.loads(p)["cert_no"] for p in docs["props"] if json.loads(p)["cert_no"])
    found = inv.lookup(store, cert.lower())
    assert set(found["label"]) <= {"Document"}
    assert inv.lookup(store, "no such value 无此值").empty


def test_neighbourhood_and_ring_marks(world):
    store, result, _ = world
    key = _phone_hub(store)
    one = inv.neighbourhood(store, "Phone", key, hops=1)
    two = inv.neighbourhood(store, "Phone", key, hops=2, result=result)
    assert one.counts()["Phone"] >= 1 and len(two.nodes) > len(one.nodes)
    assert two.nodes["focus"].sum() == 1
    ringed = two.nodes[two.nodes["ring_id"] != ""]
    flagged = {c for r in result.flagged() for c in r.complaint_ids}
    complaints = two.nodes[two.nodes["label"] == "Complaint"]
    assert set(ringed.loc[ringed["label"] == "Complaint", "key"]) == \
        set(complaints["key"]) & flagged
    view = two.show()
    assert view.n_nodes == len(two.nodes) and key not in view.html
    with pytest.raises(RingGraphError) as err:
        inv.neighbourhood(store, "Phone", "+8600000000000")
    assert isinstance(err.value, KeyError)  # still a KeyError for callers that catch one
    assert "\n" not in str(err.value) and "not in the store" in str(err.value)
    assert "+8600000000000" not in str(err.value)


def test_lookup_says_not_found_with_suggestions_and_finds_partial_org_names(world):
    store, _, _ = world
    org = store.nodes("Org").sort_values("key").iloc[0]
    fragment = org["name"][:4]
    hits = inv.lookup(store, fragment)
    assert org["key"] in set(hits["key"]) and set(hits["label"]) <= {"Org", "Institution"}
    assert "名称片段 part of a name" in set(hits["found_by"])
    missing = inv.lookup(store, fragment + "无此")
    assert missing.empty and missing.message().startswith("not found 未找到")
    assert org["name"] in missing.suggestions and org["name"] in missing._repr_html_()
    assert "raw" not in set(inv.lookup(store, org["name"])["found_by"])  # no jargon


def test_masked_lookup_shows_no_raw_key_but_can_be_passed_on(world):
    store, result, _ = world
    person = store.nodes("Person").iloc[0]
    hits = inv.lookup(store, person["key"])
    shown = hits._repr_html_() + repr(hits)
    assert person["key"] not in shown and "key" not in hits.table.columns
    assert person["key"] not in hits.message()
    sub = inv.neighbourhood(store, hits, hops=1)          # the first hit, passed on
    assert sub.nodes.loc[sub.nodes["focus"], "key"].tolist() == [person["key"]]
    row = inv.neighbourhood(store, hits.iloc[0], hops=1)  # or one row
    assert len(row.nodes) == len(sub.nodes)
    assert "键 key" in inv.lookup(store, person["key"], mask=False).table.columns


def test_neighbourhood_leaves_institutions_and_hubs_out(world):
    store, _, _ = world
    cid = store.nodes("Complaint")["key"].iloc[0]
    lean = inv.neighbourhood(store, "Complaint", cid, hops=2)
    full = inv.neighbourhood(store, "Complaint", cid, hops=2, hubs=True)
    assert "Institution" in full.counts() and "Institution" not in lean.counts()
    assert len(lean.nodes) < len(full.nodes)
    assert "hubs left out" in lean.title and "被投诉机构 Institution 1" in lean.title
    kept = set(zip(lean.nodes["label"], lean.nodes["key"]))
    ends = set(zip(lean.edges["src_label"], lean.edges["src_key"])) | \
        set(zip(lean.edges["dst_label"], lean.edges["dst_key"]))
    assert ends <= kept  # no relationship to a node that was left out
    small = inv.neighbourhood(store, "Complaint", cid, hops=2, hub_degree=3)
    assert len(small.nodes) <= len(lean.nodes)


def test_ring_case_has_everything_an_investigator_needs(world):
    store, result, _ = world
    top = result.flagged()[0]
    case = inv.ring(result, store, top.ring_id)
    assert list(case.complaints["complaint_id"].sort_values()) == sorted(top.complaint_ids)
    assert case.complaints["text"].str.len().gt(0).all()
    # Names of borrowers never appear unmasked in the texts or tables.
    persons = store.nodes("Person").set_index("key")["name"]
    filed = store.edges(("FILED",))
    names = set(persons.reindex(filed.loc[filed["dst_key"].isin(top.complaint_ids),
                                          "src_key"]).dropna())
    names = {n for n in names if len(n) >= 2}
    blob = " ".join(case.complaints["text"]) + " ".join(case.complaints["borrower"])
    assert names and not any(n in blob for n in names)
    assert case.provinces().sum() <= top.size and len(case.provinces()) == \
        top.features["provinces"]
    assert len(case.identifiers) and case.identifiers["borrowers"].min() >= 2
    # Forged-material reuse: a document or certificate used by several borrowers.
    assert len(case.documents) and case.documents["borrowers"].min() >= 2
    # Fees: some account was paid fee-sized amounts by several of the ring's borrowers.
    assert case.fees["shared_payers"].max() >= 3
    assert (case.fees.loc[case.fees["shared_payers"] > 0, "amount"] >= 1000).all()
    amounts = case.amounts()
    assert amounts.loc["逾期金额 overdue", "count"] > 0 and amounts["total"].gt(0).all()
    ev = case.timeline_events()
    assert set(ev["kind"]) == {"complaint", "fee"} and ev["at"].dropna().is_monotonic_increasing
    side = case.texts(3)
    assert len(side.frame) == 3 and side.similarity > 0.2
    assert any(shared for segs in side.marks for _, shared in segs)
    # The network: members are ringed, identifiers kept only when shared.
    sub = case.subgraph
    members = sub.nodes[sub.nodes["label"].isin(["Complaint", "Person"])]
    assert (members["ring_id"] == top.ring_id).all()
    view = case.show()
    assert view.n_nodes == len(sub.nodes) and not view.summarised
    assert case.timeline().axes and case.provinces_plot().axes and case.fees_plot().axes
    unmasked = inv.ring(result, store, top.ring_id, mask=False)
    assert any(n in " ".join(unmasked.complaints["borrower"]) for n in names)


def test_hubs_stats_and_degrees(world):
    store, _, _ = world
    h = inv.hubs(store, top=5)
    assert len(h) == 5 and h["borrowers"].is_monotonic_decreasing
    stats = inv.graph_stats(store)
    assert stats.loc["Complaint", "nodes"] == store.counts()["Complaint"]
    d = inv.degrees(store)
    assert len(d) == len(store.nodes()) and (d["degree"] >= 0).all()


def test_pr_curve_moves_with_the_threshold(world):
    _, result, truth = world
    curve = inv.pr_curve(result, truth, thresholds=np.round(np.arange(0.2, 1.0, 0.1), 2))
    assert curve["predicted_rings"].is_monotonic_decreasing
    assert curve["recall"].is_monotonic_decreasing
    base = result.evaluate(truth)
    at = curve.loc[np.isclose(curve["threshold"], result.scoring["threshold"] // 0.1 * 0.1)]
    assert len(at) == 1 and at["recall"].iloc[0] >= base["recall"]


def test_notebook_ring_view_and_evidence_pack_network_show_the_same_graph(world):
    """One case extractor and one view rule: the investigator's picture of a ring and the
    network.html handed to police hold the same nodes and relationships."""
    from ringgraph.case.extract import collect_case
    from ringgraph.evidence.graph_export import _view_frames
    from ringgraph.evidence.pii_modes import make_redactor

    store, result, _ = world
    for r in result.flagged()[:3]:
        view = inv.ring(result, store, r.ring_id).subgraph
        nodes, edges, _ = _view_frames(collect_case(store, result, r.ring_id),
                                       make_redactor("full"))
        assert set(zip(view.nodes["label"], view.nodes["key"])) == \
            set(zip(nodes["label"], nodes["key"]))
        key = ["rel", "src_label", "src_key", "dst_label", "dst_key", "eid"]
        assert set(map(tuple, view.edges[key].to_numpy())) == \
            set(map(tuple, edges[key].to_numpy()))
        assert len(view.nodes) > r.size  # more than the complaints: borrowers, identifiers


def test_one_borrower_count_for_tables_views_and_features(world):
    store, result, _ = world
    for r in result.flagged()[:5]:
        case = inv.ring(result, store, r.ring_id)
        assert len(case.members()) == case.borrowers == r.features["borrowers"], r.ring_id
        assert case.members()["complaints"].sum() == r.size
        assert f"{r.features['borrowers']} 借款人 borrowers" in case.show().html
        row = inv.rings_frame(result).set_index("ring_id").loc[r.ring_id]
        assert row["borrowers"] == r.features["borrowers"] and row["score"] == round(r.score, 2)


def test_ring_browser_sorts_filters_opens_and_searches(world):
    store, result, _ = world
    b = inv.ring_browser(result, store)
    assert len(b.picker.options) == len(result.flagged())
    b.sort.value = "complaints 投诉数"
    sizes = b.shown_rings()["complaints"].tolist()
    assert sizes == sorted(sizes, reverse=True)
    top = result.flagged()[0]
    b.filter.value = top.ring_id
    assert b.shown_rings()["ring_id"].tolist() == [top.ring_id]
    assert "得分 score" in b.table.value and "material_reuse" not in b.table.value
    b.filter.value = ""
    b.picker.value = top.ring_id                     # a click on the row
    assert top.ring_id in b.reasons.value and "原因" in b.reasons.value
    assert f"({top.features['borrowers']} 借款人 borrowers)" in b.members.value
    assert "<iframe" in b.network.value and b.timeline.value[:4] == b"\x89PNG"
    org = store.nodes("Org").iloc[0]
    hits = b.search(org["name"][:4])                 # part of an organisation name
    assert len(hits) and "<iframe" in b.found.value
    b.search("无此机构名称XYZ")
    assert "not found 未找到" in b.found.value
    person = store.nodes("Person").iloc[0]
    b.search(person["key"])
    assert person["key"] not in b.found.value        # masked
