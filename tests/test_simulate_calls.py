"""Tests of the simulated collection call logs (``simulate(..., call_logs=True)``).

The logs are read back with the csv module and the red lines are recomputed here by a
plain row-by-row implementation written from the rules' wording, never through the
simulator's truth code or the project's ETL.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from simulator import ScenarioConfig, simulate

A = "exports/collection_calls.csv"
B = "exports/collection_calls_vendor_b.csv"
TRUTH = "truth/calls_truth.csv"
UNCHANGED = ("exports/fee_transfers.csv", "truth/complaints.csv", "truth/rings.csv",
             "truth/negatives.csv", "truth/accounts.csv", "truth/duplicates.csv",
             "truth/bad_rows.csv")
SEED = 5


@pytest.fixture(scope="module")
def sc(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("calls")
    simulate(ScenarioConfig(complaints=1200, seed=SEED, call_logs=True), out)
    return out


@pytest.fixture(scope="module")
def plain(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("plain")
    simulate(ScenarioConfig(complaints=1200, seed=SEED), out)
    return out


def _read(path: Path, encoding: str) -> list[dict]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.DictReader(fh))


def _duration(s: str) -> int:
    if not s:
        return 0
    if "分" in s or s.endswith("秒"):
        m, _, rest = s.partition("分") if "分" in s else ("0", "", s)
        return int(m or 0) * 60 + int(rest.rstrip("秒") or 0)
    parts = [int(p) for p in s.split(":")]
    total = 0
    for p in parts:
        total = total * 60 + p
    return total


def _calls(root: Path, skipped: Counter | None = None) -> list[dict]:
    """Both vendors' rows in one shape: loan, local time, outbound, number, relation.

    Rows without a loan or a readable time are skipped, a repeated call id is read once
    (``skipped`` counts both)."""
    out, seen = [], set()
    skipped = Counter() if skipped is None else skipped
    for r in _read(root / A, "utf-8-sig"):
        t = r["呼叫开始时间"]
        fmt = "%Y-%m-%d %H:%M:%S" if "-" in t else "%Y/%m/%d %H:%M"
        if r["通话流水号"] in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(r["通话流水号"])
        if not r["借据号"] or t.startswith("0000"):
            skipped["quarantine"] += 1
            continue
        out.append({"loan": r["借据号"].replace(" ", ""), "t": dt.datetime.strptime(t, fmt),
                    "out": r["呼叫类型"] == "呼出", "num": r["对方号码"], "rel": r["联系人关系"],
                    "agency": r["委外机构"], "answered": r["呼叫结果"] == "接通",
                    "dur": _duration(r["通话时长"])})
    for r in _read(root / B, "gb18030"):
        if r["call_id"] in seen:
            skipped["duplicate"] += 1
            continue
        seen.add(r["call_id"])
        if not r["loan_no"] or not r["start_time"]:
            skipped["quarantine"] += 1
            continue
        utc = dt.datetime(1970, 1, 1) + dt.timedelta(milliseconds=int(r["start_time"]))
        out.append({"loan": r["loan_no"].replace(" ", ""),
                    "t": (utc + dt.timedelta(hours=8)).replace(microsecond=0),
                    "out": r["direction"] == "OUT", "num": r["callee_number"],
                    "rel": r["callee_relation"], "agency": r["agency_name"],
                    "answered": r["call_result"] == "ANSWERED",
                    "dur": _duration(r["talk_time"])})
    for c in out:
        n = c["num"].replace("-", "")
        c["num"] = n[3:] if n.startswith("+86") else n
    return out


def _own_numbers(calls: list[dict]) -> dict[str, set]:
    """A loan's own numbers: every number the log ever labels as the debtor's."""
    own = defaultdict(set)
    for c in calls:
        if c["rel"] in ("本人", "本人其他号码", "本人(备用)", "SELF"):
            own[c["loan"]].add(c["num"])
    return own


def test_files_written_and_listed(sc):
    meta = json.loads((sc / "scenario.json").read_text(encoding="utf-8"))
    assert meta["config"]["call_logs"] is True
    for rel in (A, B, TRUTH, "truth/call_agencies.csv", "truth/call_collectors.csv",
                "truth/call_bad_rows.csv"):
        assert (sc / rel).is_file(), rel
        digest = hashlib.sha256((sc / rel).read_bytes()).hexdigest()
        assert meta["files"][rel]["sha256"] == digest
    skipped = Counter()
    calls = _calls(sc, skipped)
    truth = _read(sc / TRUTH, "utf-8")
    bad = _read(sc / "truth/call_bad_rows.csv", "utf-8")
    assert skipped == Counter(r["expected"] for r in bad) and len(bad) >= 6
    assert len(calls) + len(bad) == meta["files"][A]["rows"] + meta["files"][B]["rows"]
    assert len(truth) == 1200
    per_loan = Counter(c["loan"] for c in calls)
    assert 15 <= sorted(per_loan.values())[len(per_loan) // 2] <= 150   # tens per loan


def test_vendors_differ_in_headers_encoding_and_time(sc):
    raw_a, raw_b = (sc / A).read_bytes(), (sc / B).read_bytes()
    assert raw_a.startswith(b"\xef\xbb\xbf")
    with pytest.raises(UnicodeDecodeError):
        raw_b.decode("utf-8")
    head_a = raw_a.decode("utf-8-sig").splitlines()[0].split(",")
    head_b = raw_b.decode("gb18030").splitlines()[0].split(",")
    assert not set(head_a) & set(head_b)
    assert "借据号" in head_a and "start_time" in head_b
    b = _read(sc / B, "gb18030")
    assert all(r["start_time"].isdigit() and len(r["start_time"]) == 13 for r in b
               if r["start_time"])
    a = _read(sc / A, "utf-8-sig")
    forms = Counter("分" in r["通话时长"] or r["通话时长"].endswith("秒") for r in a
                    if r["呼叫结果"] == "接通")
    assert forms[True] > 0 and forms[False] > 0
    assert any(r["通话时长"].count(":") == 2 for r in a)
    assert any("/" in r["呼叫开始时间"] for r in a)
    assert any(" " in r["loan_no"] for r in b)
    assert Counter(r["联系人关系"] == "" for r in a)[True] > len(a) * 0.1


def test_same_seed_identical_and_off_changes_nothing(sc, plain, tmp_path):
    again = tmp_path / "again"
    simulate(ScenarioConfig(complaints=1200, seed=SEED, call_logs=True), again)
    for p in sorted(sc.rglob("*")):
        if p.is_file():
            rel = p.relative_to(sc).as_posix()
            assert p.read_bytes() == (again / rel).read_bytes(), rel
    assert not (plain / A).exists() and not (plain / TRUTH).exists()
    meta = json.loads((plain / "scenario.json").read_text(encoding="utf-8"))
    assert "call_logs" not in meta["config"]
    # Call logs touch complaint texts and accounts only, nothing the rings are made of.
    for rel in UNCHANGED:
        assert (sc / rel).read_bytes() == (plain / rel).read_bytes(), rel


def _recompute(calls, truth, own) -> dict[str, set]:
    """Violations per complaint from raw rows, by the rules' wording."""
    by_loan = defaultdict(list)
    for c in calls:
        by_loan[c["loan"]].append(c)
    found = {}
    for row in truth:
        t = dt.datetime.strptime(row["received_at"], "%Y-%m-%d %H:%M:%S")
        lo = t - dt.timedelta(days=90)
        codes, per_day = set(), Counter()
        for c in by_loan.get(row["loan_account"], []):
            if not c["out"] or not lo <= c["t"] < t:
                continue
            if c["t"].hour >= 22 or c["t"].hour < 8:
                codes.add("NIGHT_CALL")
            mine = c["rel"] in ("本人", "本人其他号码", "本人(备用)", "SELF") or (
                c["rel"] == "" and c["num"] in own[c["loan"]])
            if mine:
                per_day[c["t"].date()] += 1
            else:
                codes.add("THIRD_PARTY_CONTACT")
        if any(v > 3 for v in per_day.values()):
            codes.add("OVER_3_CALLS_PER_DAY")
        found[row["complaint_id"]] = codes
    return found


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wide")
    simulate(ScenarioConfig(complaints=800, seed=SEED + 1, profile="wide", call_logs=True), out)
    return out


@pytest.mark.parametrize("which", ["sc", "wide"])
def test_truth_matches_violations_recomputed_from_raw_rows(which, request):
    sc = request.getfixturevalue(which)
    calls = _calls(sc)
    truth = _read(sc / TRUTH, "utf-8")
    own = _own_numbers(calls)
    found = _recompute(calls, truth, own)
    loans = {c["loan"] for c in calls}
    for row in truth:
        assert set(filter(None, row["violations"].split(";"))) == found[row["complaint_id"]], \
            row["complaint_id"]
        assert (row["status"] == "no_logs") == (row["loan_account"] not in loans)
    kinds = Counter(v for r in truth for v in r["violations"].split(";") if v)
    assert len(kinds) == 3 and min(kinds.values()) >= 10
    knobs = json.loads((sc / "scenario.json").read_text(encoding="utf-8"))["call_knobs"]
    assert (knobs["no_logs"] == 0.06) == (which == "sc")      # wide draws its own mix


def test_status_follows_allegations_and_violations(sc):
    truth = _read(sc / TRUTH, "utf-8")
    pair = {"ALLEGE_NIGHT_CALL": "NIGHT_CALL", "ALLEGE_EXCESSIVE_CALLS": "OVER_3_CALLS_PER_DAY",
            "ALLEGE_THIRD_PARTY": "THIRD_PARTY_CONTACT"}
    for r in truth:
        al = [a for a in r["alleged"].split(";") if a]
        vi = set(filter(None, r["violations"].split(";")))
        ok = sum(pair[a] in vi for a in al)
        want = ("no_logs" if r["status"] == "no_logs" else "no_allegation" if not al
                else "supported" if ok == len(al) else "partly" if ok else "unsupported")
        assert r["status"] == want
    st = Counter(r["status"] for r in truth)
    assert set(st) == {"supported", "partly", "unsupported", "no_allegation", "no_logs"}
    ring = Counter(r["status"] for r in truth if r["ring_id"] and r["alleged"]
                   and r["status"] != "no_logs")
    gen = Counter(r["status"] for r in truth if not r["ring_id"] and r["alleged"]
                  and r["status"] != "no_logs")
    assert ring["unsupported"] > 0.7 * sum(ring.values())     # scripts allege what never was
    assert gen["supported"] > 0.55 * sum(gen.values())        # grievances mostly real
    assert gen["partly"] + gen["unsupported"] > 0             # but not always


def test_boundary_cases_and_lawful_lookalikes_present(sc):
    calls = [c for c in _calls(sc)]
    out = [c for c in calls if c["out"]]
    times = Counter((c["t"].hour, c["t"].minute, c["t"].second) for c in out)
    assert times[(8, 0, 0)] > 0 and times[(22, 0, 0)] > 0
    assert any(c["t"].hour == 21 and c["t"].minute == 59 for c in out)
    assert any(c["t"].hour == 7 and c["t"].minute == 59 for c in out)
    assert any(not c["out"] and (c["t"].hour >= 22 or c["t"].hour < 8) for c in calls)
    own = _own_numbers(calls)
    day = Counter((c["loan"], c["t"].date()) for c in out
                  if c["num"] in own[c["loan"]] or c["rel"] in ("本人", "SELF"))
    assert 3 in day.values() and any(v > 3 for v in day.values())
    # Three calls late one day, more early the next, never four on one day.
    late = {(lo, d) for (lo, d), k in day.items() if k == 3}
    assert any((lo, d + dt.timedelta(days=1)) in day and day[(lo, d + dt.timedelta(days=1))] <= 3
               for lo, d in late)
    assert any(not c["answered"] and c["dur"] == 0 for c in calls)


def test_agencies_differ_in_breach_rates(sc):
    rows = _read(sc / "truth/call_agencies.csv", "utf-8")
    rate = {r["agency"]: (int(r["night_calls"]) + int(r["over3_days"])
                          + int(r["third_party_calls"])) * 1000 / int(r["calls"])
            for r in rows if int(r["calls"]) >= 500}
    vals = sorted(rate.values())
    assert vals[-1] > 5 * vals[len(vals) // 2]
    # The table agrees with the logs on night calls per agency.
    night = Counter(c["agency"] for c in _calls(sc)
                    if c["out"] and (c["t"].hour >= 22 or c["t"].hour < 8))
    assert {r["agency"]: int(r["night_calls"]) for r in rows} == {
        r["agency"]: night.get(r["agency"], 0) for r in rows}
    coll = _read(sc / "truth/call_collectors.csv", "utf-8")
    cls = {r["agency"]: r["class"] for r in rows}
    tally = {"0": [0, 0], "1": [0, 0]}       # bad collector? → [breaches, calls]
    for r in coll:
        if cls[r["agency"]] == "compliant":
            t = tally[r["bad_collector"]]
            t[0] += int(r["night_calls"]) + int(r["over3_days"]) + int(r["third_party_calls"])
            t[1] += int(r["calls"])
    assert tally["1"][1] > 0
    assert tally["1"][0] / tally["1"][1] > 3 * tally["0"][0] / tally["0"][1]


def test_texts_allegations_lookalikes_and_accounts(sc):
    truth = {r["complaint_id"]: r for r in _read(sc / TRUTH, "utf-8")}
    tickets = _read(sc / "exports/bank_tickets.csv", "utf-8")
    neg = [t for t in tickets if t["工单编号"] in truth and "没有" in t["投诉内容"]
           and ("家人" in t["投诉内容"] or "半夜" in t["投诉内容"])]
    assert neg and any("ALLEGE_THIRD_PARTY" not in truth[t["工单编号"]]["alleged"] for t in neg)
    assert any("*" in t["贷款账号"] for t in tickets)
    assert any(" " in t["贷款账号"].strip() for t in tickets)
    ring_texts = defaultdict(list)
    for t in tickets:
        r = truth.get(t["工单编号"])
        if r and r["ring_id"] and r["alleged"]:
            ring_texts[r["ring_id"]].append(t["投诉内容"])
    assert ring_texts


def test_texts_never_contradict_their_allegations():
    import numpy as np

    from simulator import call_texts as ct

    rng = np.random.default_rng(1)
    scandal = "近日媒体曝光某银行委托的催收公司违规爆通讯录，我也遭遇了同样的情况。"
    for i in range(600):
        kinds = tuple(k for k in range(3) if rng.random() < 0.4)
        old = ((scandal if i % 5 == 0 else "") + "旧文本。"
               + ("现已委托某所张三律师代为沟通。" if i % 7 == 0 else ""))
        text = ct.genuine_text(rng, kinds, "某银行", old)
        assert "旧文本" not in text
        assert text.startswith(scandal) == (i % 5 == 0)
        assert text.endswith("律师代为沟通。") == (i % 7 == 0)
        assert ct.script_alleges_third([text])[0] == (i % 5 == 0)
        if ct.THIRD in kinds:
            assert "没有联系我的家人" not in text and "没有打给家人" not in text
        if ct.NIGHT in kinds:
            assert "没有半夜打电话" not in text
        if ct.EXCESS in kinds:
            assert "不多" not in text
    ring = ct.insert_ring("投诉人某某，欠款一万元。本人多次骚扰本人家属。",
                          ct.ring_sentences(rng, (ct.NIGHT,)), "某银行")
    assert ring.startswith("投诉人某某，欠款一万元。") and ct.script_alleges_third([ring])[0]
