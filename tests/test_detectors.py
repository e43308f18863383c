import numpy as np
import pytest

from ringgraph.analysis.detect import REGISTRY, get_detector
from ringgraph.analysis.detect import checks

# Detectors that run in this process; the GDS ones pass the same checks in test_neo4j.py.
DETECTORS = sorted(n for n in REGISTRY if REGISTRY[n].engine == "python")


@pytest.mark.parametrize("name", DETECTORS)
@pytest.mark.parametrize("check", [
    checks.check_init_does_no_work, checks.check_get_set_params,
])
def test_contract_without_graph(name, check):
    check(REGISTRY[name])


@pytest.mark.parametrize("name", DETECTORS)
@pytest.mark.parametrize("check", [
    checks.check_fit_returns_self, checks.check_finds_planted_groups,
    checks.check_same_seed_same_result, checks.check_order_independent,
])
def test_contract_on_graph(name, check):
    check(REGISTRY[name], checks.toy_graph())


def test_registry_lookup_and_unknown_name():
    assert get_detector("leiden", resolution=0.5).resolution == 0.5
    with pytest.raises(KeyError, match="available"):
        get_detector("nope")


def test_leiden_separates_groups_that_components_merge():
    g = checks.toy_graph()
    wcc = get_detector("wcc").fit(g)
    leiden = get_detector("leiden").fit(g)
    # The chance IP link joins two planted groups into one component …
    assert max(len(c) for c in wcc.communities_) == 16
    # … which modularity splits again.
    assert max(len(c) for c in leiden.communities_) <= 9
    assert len(leiden.communities_) == 4


def test_min_size_drops_small_communities():
    g = checks.toy_graph()
    det = get_detector("leiden", min_size=100).fit(g)
    assert det.communities_ == [] and (det.labels_ == -1).all()


def test_graph_fingerprint_changes_with_params():
    from ringgraph.analysis.project import build_graph
    from ringgraph.core.settings import ProjectionParams

    g = checks.toy_graph()
    p = ProjectionParams()
    p.trust["Device"] = 9.0
    g2 = build_graph(g.complaints, g.incidence.assign(
        complaint_id=g.complaints["complaint_id"].to_numpy()[g.incidence["complaint"]])[
        ["complaint_id", "ident_type", "ident"]], p)
    assert g.fingerprint() != g2.fingerprint()
    assert np.array_equal(g.src, g2.src)


def test_text_links_join_linked_complaints_with_the_same_script():
    import pandas as pd

    from ringgraph.analysis.project import build_graph
    from ringgraph.core.settings import ProjectionParams

    script = "本人因疫情失业收入骤减，无力偿还贷款，现申请停息挂账并要求精神赔偿。"
    complaints = pd.DataFrame({
        "complaint_id": ["A", "B", "C", "D", "E"],
        "text": [script, script + "谢谢", "催收凌晨三点打电话骚扰我母亲", script, "x"]})
    inc = pd.DataFrame({"complaint_id": ["A", "C", "B", "E"], "ident_type": "Device",
                        "ident": ["d1", "d1", "d2", "d2"]})
    off = build_graph(complaints, inc, ProjectionParams())
    on = build_graph(complaints, inc, ProjectionParams(text_links=True))
    assert set(zip(off.src.tolist(), off.dst.tolist())) == {(0, 2), (1, 4)}
    # A–B share the script and are both linked; D has the script but no identifier link.
    assert set(zip(on.src.tolist(), on.dst.tolist())) == {(0, 1), (0, 2), (1, 4)}
