"""Call logs where people decide: scripted grievances in ring scoring, genuine grievances in
packs, and ring F1 with call logs not lower than without (issue 18, item 5)."""

from __future__ import annotations

import json
import shutil
from types import SimpleNamespace

import pandas as pd
import pytest

from ringgraph.analysis.conduct.scripted import (SCRIPTED_FEATURES, add_scripted,
                                                 scripted_features)
from ringgraph.analysis.result import RingResult
from ringgraph.cli import main
from ringgraph.core.settings import ScoreParams
from ringgraph.evidence import export_pack
from ringgraph.store import DuckDBStore

SEED = 211


@pytest.fixture(scope="module")
def scen(tmp_path_factory):
    """One simulated scenario with call logs, ingested with and without the call-log files,
    each detected and evaluated."""
    root = tmp_path_factory.mktemp("conduct_scoring")
    with_calls = root / "with_calls"
    assert main(["simulate", "-n", "2000", "-s", str(SEED), "--call-logs", "-o",
                 str(with_calls)]) == 0
    without = root / "without_calls"
    shutil.copytree(with_calls, without)
    for f in (without / "exports").glob("collection_calls*"):
        f.unlink()
    out = {}
    for name, folder in (("calls", with_calls), ("none", without)):
        db, res = root / f"{name}.duckdb", root / f"res_{name}"
        assert main(["ingest", str(folder), "--db", str(db)]) == 0
        assert main(["detect", "--db", str(db), "--out", str(res)]) == 0
        out[name] = (db, res)
    return root, with_calls, out


def _metrics(truth, res, capsys) -> dict:
    capsys.readouterr()
    assert main(["evaluate", "--truth", str(truth), "--rings", str(res / "rings.csv"),
                 "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ring_f1_with_call_logs_not_lower(scen, capsys):
    _, truth, out = scen
    with_calls = _metrics(truth, out["calls"][1], capsys)
    without = _metrics(truth, out["none"][1], capsys)
    assert with_calls["f1"] >= without["f1"], (with_calls, without)


def test_scripted_grievance_is_a_worded_misconduct_reason(scen):
    _, _, out = scen
    calls = json.loads((out["calls"][1] / "rings.json").read_text(encoding="utf-8"))
    none = json.loads((out["none"][1] / "rings.json").read_text(encoding="utf-8"))
    assert "scripted" in calls["scoring"] and "scripted" not in none["scoring"]
    assert calls["scoring"]["weights"]["scripted"] == calls["scoring"]["scripted"]["weight"]
    scripted = [(r, x) for r in calls["rings"] for x in r["reasons"]
                if x["code"] == "scripted_grievance"]
    assert scripted, "no ring of the scenario shows a scripted grievance"
    for ring, reason in scripted:
        ev, f = reason["evidence"], ring["features"]
        assert reason["kind"] == "misconduct" and "scripted_grievance" in f["evidence_kinds"]
        assert ev["scripted_borrowers"] >= 3 and ev["scripted_share"] >= 0.5
        # Numbers in words, in both languages.
        assert f"{ev['scripted_borrowers']} 名借款人" in reason["zh"]
        assert f"of the {ev['logged_borrowers']} whose" in reason["en"]
        assert ring["points"]["scripted"] > 0
    # Without call logs nothing of it exists, anywhere.
    for r in none["rings"]:
        assert not set(SCRIPTED_FEATURES) & set(r["features"]) and "scripted" not in r["points"]


def _triage(rows):
    return pd.DataFrame(rows, columns=["complaint_id", "alleged", "status"])


def test_genuine_members_never_add_to_the_score():
    complaints = pd.DataFrame({"complaint_id": [f"C{i}" for i in range(8)],
                               "person": [f"P{i}" for i in range(8)]})
    labels = pd.Series([0] * 8).to_numpy()
    night = "ALLEGE_NIGHT_CALL"
    base = [(f"C{i}", night, "unsupported") for i in range(4)]
    genuine = [(f"C{i}", night, "supported") for i in range(4, 8)]
    quiet = [(f"C{i}", "", "no_logs") for i in range(4, 8)]
    feats = pd.DataFrame({"complaints": [8]}, index=pd.Index([0]))
    points = pd.DataFrame({"burst": [0.0]}, index=feats.index)
    params = ScoreParams()
    f_gen, p_gen = add_scripted(feats, points, complaints, labels, _triage(base + genuine),
                                params)
    f_quiet, p_quiet = add_scripted(feats, points, complaints, labels, _triage(base + quiet),
                                    params)
    # Four genuine grievances only dilute the share (4 of 8): never more points.
    assert f_gen.loc[0, "genuine_borrowers"] == 4 and f_gen.loc[0, "scripted_borrowers"] == 4
    assert p_gen.loc[0, "scripted"] <= p_quiet.loc[0, "scripted"]
    assert p_quiet.loc[0, "scripted"] > 0 and f_quiet.loc[0, "scripted_share"] == 1.0
    # All genuine: nothing at all.
    f_all, p_all = add_scripted(feats, points, complaints, labels,
                                _triage([(f"C{i}", night, "supported") for i in range(8)]),
                                params)
    assert p_all.loc[0, "scripted"] == 0 and f_all.loc[0, "scripted_borrowers"] == 0


def test_a_borrower_counts_once_and_codes_must_match():
    c = pd.Series([0] * 6, index=[f"C{i}" for i in range(6)])
    borrower = pd.Series(["P0", "P0", "P0", "P1", "P2", "P3"], index=c.index)
    t = _triage([("C0", "ALLEGE_NIGHT_CALL", "unsupported"),
                 ("C1", "ALLEGE_NIGHT_CALL", "unsupported"),
                 ("C2", "ALLEGE_NIGHT_CALL", "unsupported"),
                 ("C3", "ALLEGE_THIRD_PARTY", "unsupported"),
                 ("C4", "ALLEGE_EXCESSIVE_CALLS", "unsupported"),
                 ("C5", "", "no_allegation")])
    f = scripted_features(c, borrower, t)
    assert f.loc[0, "logged_borrowers"] == 4 and f.loc[0, "scripted_borrowers"] == 1
    # P0's logs back one of her complaints: she is a genuine grievance, not a script.
    t.loc[1, "status"] = "supported"
    f = scripted_features(c, borrower, t)
    assert f.loc[0, "genuine_borrowers"] == 1 and f.loc[0, "scripted_borrowers"] == 1
    assert f.loc[0, "scripted_allegation"] != "ALLEGE_NIGHT_CALL"


def test_pack_lists_genuine_grievances_masked(scen, tmp_path):
    _, _, out = scen
    db, res = out["calls"]
    result = RingResult.from_json(res / "rings.json")
    with DuckDBStore(db, read_only=True) as store:
        from ringgraph.analysis.conduct.triage import triage

        t = triage(store).set_index("complaint_id")
        ring = max(result.flagged(), key=lambda r: int(
            t.loc[t.index.intersection(r.complaint_ids), "status"].isin(
                ["supported", "partly"]).sum()))
        folder = export_pack(store, result, ring.ring_id, tmp_path / "pack", pii="masked",
                             make_zip=False)
    g = pd.read_csv(folder / "grievances.csv", dtype=str, keep_default_na=False,
                    encoding="utf-8-sig")
    want = t.loc[t.index.intersection(ring.complaint_ids)]
    want = want[want["status"].isin(["supported", "partly"])]
    assert len(want) and sorted(g["complaint_id"]) == sorted(want.index)
    assert (g["violations"] != "").all() and (g["agency"] != "").all()
    # Masked: no borrower's full name or resident ID in the table or the report.
    with DuckDBStore(db, read_only=True) as store:
        people = store.nodes("Person")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "团伙内的真实诉求" in html and "Genuine grievances inside the ring" in html
    text = (folder / "grievances.csv").read_text(encoding="utf-8-sig")
    for key in people["key"]:
        raw_id = key.split("|")[0]
        if len(raw_id) == 18 and "*" not in raw_id:
            assert raw_id not in text and raw_id not in html
    assert (g["borrower"] != "").any() and all("*" in b for b in g["borrower"] if b)


def test_pack_without_call_logs_has_no_grievances(scen, tmp_path):
    _, _, out = scen
    db, res = out["none"]
    result = RingResult.from_json(res / "rings.json")
    with DuckDBStore(db, read_only=True) as store:
        folder = export_pack(store, result, result.flagged()[0].ring_id, tmp_path / "p",
                             make_zip=False)
    assert not (folder / "grievances.csv").exists()
    assert "团伙内的真实诉求" not in (folder / "report.html").read_text(encoding="utf-8")


def test_grievance_section_escapes_and_masks_what_the_log_says(scen):
    """A hostile agency name in the call log is shown as text in the report, never markup,
    and the borrower shows masked."""
    from ringgraph.case.extract import collect_case
    from ringgraph.evidence.grievances import genuine_grievances
    from ringgraph.evidence.pii_modes import make_redactor
    from ringgraph.evidence.report_html import render_html
    from ringgraph.evidence.report_model import Report

    _, _, out = scen
    db, res = out["calls"]
    result = RingResult.from_json(res / "rings.json")
    with DuckDBStore(db, read_only=True) as store:
        cases = [collect_case(store, result, r.ring_id) for r in result.flagged()]
    case = next(c for c in cases if c.grievances is not None and len(c.grievances))
    case.grievances = case.grievances.assign(agency="<script>alert(1)</script>催收")
    red = make_redactor("masked")
    red.prepare(case.nodes)
    # The section reads only the case and the PII mode of the report's inputs.
    section = genuine_grievances(SimpleNamespace(case=case, red=red))
    html = render_html(Report("t", "s", "masked", [section], "f"))
    assert "<script>alert(1)" not in html and "&lt;script&gt;alert(1)" in html
    filer = case.filer()
    for cid in case.grievances["complaint_id"]:
        person = filer.get(cid, "")
        raw_id = person.split("|")[0]
        if person and len(raw_id) == 18:
            assert raw_id not in html
