"""Scoring a call-log triage against ground truth (ringgraph.analysis.evaluate_triage) and
``ringgraph evaluate --triage``, on hand-made frames whose right answers are counted here."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ringgraph.analysis.evaluate_triage import (format_metrics, load_calls_truth,
                                                triage_metrics)
from ringgraph.cli import main

TRUTH = pd.DataFrame({
    "complaint_id": ["C1", "C2", "C3", "C4", "C5", "C6"],
    "alleged": ["ALLEGE_NIGHT_CALL", "ALLEGE_THIRD_PARTY;ALLEGE_EXCESSIVE_CALLS", "",
                "ALLEGE_THIRD_PARTY", "ALLEGE_NIGHT_CALL", ""],
    "violations": ["NIGHT_CALL", "THIRD_PARTY_CONTACT", "OVER_3_CALLS_PER_DAY", "", "", ""],
    "status": ["supported", "partly", "no_allegation", "unsupported", "no_logs", "no_allegation"],
})


def test_perfect_triage_scores_one():
    m = triage_metrics(TRUTH.copy(), TRUTH)
    assert m["status_accuracy"] == 1.0 and m["missing"] == 0 and m["extra"] == 0
    for fam in ("violations", "allegations"):
        assert all(v["f1"] == 1.0 and v["fp"] == 0 and v["fn"] == 0 for v in m[fam].values())
    assert m["violations"]["NIGHT_CALL"]["support"] == 1
    assert m["allegations"]["ALLEGE_THIRD_PARTY"]["support"] == 2
    assert all(t["met"] for t in m["targets"].values())
    assert m["status_confusion"]["no_allegation"] == {"no_allegation": 2}


def test_one_missed_violation():
    pred = TRUTH.copy()
    pred.loc[0, "violations"] = ""              # C1's night call not found
    pred.loc[0, "status"] = "unsupported"
    m = triage_metrics(pred, TRUTH)
    night = m["violations"]["NIGHT_CALL"]
    assert (night["tp"], night["fp"], night["fn"]) == (0, 0, 1)
    assert night["recall"] == 0.0 and night["f1"] == 0.0
    assert m["violations"]["THIRD_PARTY_CONTACT"]["f1"] == 1.0
    assert m["status_accuracy"] == pytest.approx(5 / 6)
    assert m["status_confusion"]["supported"] == {"unsupported": 1}
    assert not m["targets"]["violations_f1"]["met"]
    assert m["targets"]["allegations_f1"]["met"]


def test_one_false_alarm_and_separators():
    pred = TRUTH.copy()
    pred.loc[5, "alleged"] = "allege_third_party"        # C6: a negated mention read as one
    pred.loc[5, "status"] = "unsupported"
    pred.loc[1, "alleged"] = "ALLEGE_EXCESSIVE_CALLS, ALLEGE_THIRD_PARTY"   # other separator
    m = triage_metrics(pred, TRUTH)
    third = m["allegations"]["ALLEGE_THIRD_PARTY"]
    assert (third["tp"], third["fp"], third["fn"]) == (2, 1, 0)
    assert third["precision"] == pytest.approx(2 / 3)
    assert third["f1"] == pytest.approx(0.8)
    assert m["allegations"]["ALLEGE_EXCESSIVE_CALLS"]["f1"] == 1.0
    assert not m["targets"]["allegations_f1"]["met"]
    assert m["status_confusion"]["no_allegation"] == {"no_allegation": 1, "unsupported": 1}


def test_missing_extra_and_unknown_codes():
    pred = pd.concat([TRUTH.iloc[1:], pd.DataFrame({
        "complaint_id": ["X9"], "alleged": ["ALLEGE_SOMETHING"], "violations": [""],
        "status": ["partly"]})], ignore_index=True)
    m = triage_metrics(pred, TRUTH)
    assert m["missing"] == 1 and m["extra"] == 1
    assert m["violations"]["NIGHT_CALL"]["fn"] == 1
    assert m["status_confusion"]["supported"] == {"missing": 1}
    assert m["unknown_codes"] == []     # X9 is not scored
    pred.loc[0, "violations"] = "NIGHT"
    assert triage_metrics(pred, TRUTH)["unknown_codes"] == ["NIGHT"]
    text = format_metrics(m)
    assert "NIGHT_CALL" in text and "status accuracy 0.833" in text and "NOT met" in text


def test_cli_prints_table_and_writes_json(tmp_path, capsys):
    (tmp_path / "truth").mkdir()
    TRUTH.to_csv(tmp_path / "truth" / "calls_truth.csv", index=False)
    pred = TRUTH.copy()
    pred.loc[0, "violations"] = ""
    pred.to_csv(tmp_path / "triage.csv", index=False)
    out_json = tmp_path / "m.json"
    code = main(["evaluate", "--truth", str(tmp_path), "--triage", str(tmp_path / "triage.csv"),
                 "--json-out", str(out_json)])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "NIGHT_CALL" in out and "violations_f1 0.000" in out
    got = json.loads(out_json.read_text(encoding="utf-8"))
    assert got["violations"]["NIGHT_CALL"]["fn"] == 1
    assert load_calls_truth(tmp_path).shape[0] == 6


@pytest.mark.parametrize("make,needle", [
    (lambda d: None, "triage.csv: no such file"),
    (lambda d: pd.DataFrame({"complaint_id": ["C1"]}).to_csv(d / "triage.csv", index=False),
     "missing column(s) alleged, violations, status"),
])
def test_cli_bad_input_is_one_line(tmp_path, capsys, make, needle):
    (tmp_path / "truth").mkdir()
    TRUTH.to_csv(tmp_path / "truth" / "calls_truth.csv", index=False)
    make(tmp_path)
    code = main(["evaluate", "--truth", str(tmp_path), "--triage", str(tmp_path / "triage.csv")])
    _, err = capsys.readouterr()
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert code == 1 and len(lines) == 1 and needle in lines[0] and "Traceback" not in err


def test_cli_without_call_truth(tmp_path, capsys):
    TRUTH.to_csv(tmp_path / "triage.csv", index=False)
    (tmp_path / "scenario").mkdir()
    code = main(["evaluate", "--truth", str(tmp_path / "scenario"), "--triage",
                 str(tmp_path / "triage.csv")])
    _, err = capsys.readouterr()
    assert code == 1 and "simulate with --call-logs" in err


def test_simulate_call_logs_then_score_the_truth_itself(tmp_path, capsys):
    out = tmp_path / "s"
    assert main(["simulate", "-n", "400", "-s", "9", "--call-logs", "-o", str(out)]) == 0
    truth = load_calls_truth(out)
    assert len(truth) == 400 and (out / "exports" / "collection_calls.csv").is_file()
    truth.to_csv(tmp_path / "triage.csv", index=False)
    capsys.readouterr()
    assert main(["evaluate", "--truth", str(out), "--triage", str(tmp_path / "triage.csv"),
                 "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["status_accuracy"] == 1.0 and all(t["met"] for t in got["targets"].values())
