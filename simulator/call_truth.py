"""Ground truth of the call logs: what each complaint alleges, what the logs show, and how
often each agency and collector broke the red lines.

The rules, as the truth applies them (local time Asia/Shanghai; only outbound calls count —
a debtor calling back breaks no rule):

* ``NIGHT_CALL`` — a call placed 22:00:00–07:59:59;
* ``OVER_3_CALLS_PER_DAY`` — more than three calls on one calendar day to the debtor's own
  numbers (registered phone or the second own number), answered or not;
* ``THIRD_PARTY_CONTACT`` — any call to a number that is not the debtor's.

Each complaint is judged on the calls of its loan in ``[received_at − 90 days,
received_at)`` (exact seconds; a day's count uses only that day's calls inside the window).
Status: ``no_logs`` (the loan has no call at all in the logs), ``no_allegation`` (logs, but
the text alleges nothing), ``supported`` (every alleged kind shown by its violation),
``partly`` (some), ``unsupported`` (none).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulator import agencies, call_events as ev
from simulator.call_texts import ALLEGE_CODES, codes
from simulator.fields import DAY
from simulator.writers import write_table

VIOLATION_CODES = ("NIGHT_CALL", "OVER_3_CALLS_PER_DAY", "THIRD_PARTY_CONTACT")
CALLS_TRUTH = "truth/calls_truth.csv"
AGENCY_TRUTH = "truth/call_agencies.csv"
COLLECTOR_TRUTH = "truth/call_collectors.csv"
WINDOW = 90 * DAY


def call_flags(calls: dict) -> pd.DataFrame:
    """Per call: loan, time, day, and whether it is a night / own / third-party outbound."""
    ts = calls["ts"]
    sec = ts % DAY
    out = calls["out"]
    return pd.DataFrame({
        "loan": calls["loan"], "ts": ts, "day": ts // DAY,
        "night": out & ((sec >= 22 * 3600) | (sec < 8 * 3600)),
        "own": out & (calls["target"] != ev.THIRD),
        "third": out & (calls["target"] == ev.THIRD),
        "agency": calls["agency"], "collector": calls["collector"], "out": out})


def violations(calls: dict, loan_of: np.ndarray, t: np.ndarray) -> pd.DataFrame:
    """Per complaint (row order of ``loan_of``): counts of each breach in its window."""
    f = call_flags(calls)
    comp = pd.DataFrame({"c": np.arange(len(loan_of)), "loan": loan_of, "t": t})
    m = comp.merge(f, on="loan", how="inner")
    m = m[(m["ts"] >= m["t"] - WINDOW) & (m["ts"] < m["t"])]
    g = m.groupby("c")
    res = pd.DataFrame(index=pd.RangeIndex(len(loan_of)))
    res["calls_in_window"] = g.size()
    res["night_calls"] = g["night"].sum()
    res["third_party_calls"] = g["third"].sum()
    own = m[m["own"]].groupby(["c", "day"]).size()
    res["over3_days"] = (own[own > 3]).groupby(level=0).size()
    res = res.fillna(0).astype(np.int64)
    res["has_logs"] = np.isin(loan_of, f["loan"].unique())
    return res


def status(alleged: np.ndarray, found: np.ndarray, has_logs: np.ndarray) -> np.ndarray:
    """Status per complaint from alleged and found kinds (rows × 3 bool)."""
    n_all = alleged.sum(1)
    n_ok = (alleged & found).sum(1)
    out = np.where(n_ok == n_all, "supported", np.where(n_ok > 0, "partly", "unsupported"))
    out = np.where(n_all == 0, "no_allegation", out)
    return np.where(has_logs, out, "no_logs").astype(object)


def write_truth(run, out) -> dict[str, dict]:
    """``truth/calls_truth.csv`` and the agency / collector compliance truth."""
    p, n = run.call_plan, run.n
    comp = run.comp
    v = violations(p["calls"], p["loan_of"], comp["ts"])
    found = np.stack([v["night_calls"] > 0, v["over3_days"] > 0, v["third_party_calls"] > 0],
                     axis=1)
    alleged = p["alleged"]
    st = status(alleged, found, v["has_logs"].to_numpy())
    ids = run.cid[:n]
    order = np.argsort(ids.astype(str), kind="stable")
    when = np.char.replace(np.datetime_as_string(comp["ts"].astype("datetime64[s]")),
                           "T", " ")
    rows = zip(ids[order].tolist(), when[order].tolist(),
               p["loans"].account[p["loan_of"]][order].tolist(),
               np.array(codes(alleged), dtype=object)[order].tolist(),
               np.array(codes(found, VIOLATION_CODES), dtype=object)[order].tolist(),
               st[order].tolist(), comp["ring_id"][order].tolist(),
               *(v[c].to_numpy()[order].tolist() for c in
                 ("calls_in_window", "night_calls", "over3_days", "third_party_calls")))
    files = {CALLS_TRUTH: {"rows": write_table(
        out / CALLS_TRUTH, ["complaint_id", "received_at", "loan_account", "alleged",
                            "violations", "status", "ring_id", "calls_in_window",
                            "night_calls", "over3_days", "third_party_calls"], rows)}}
    a_rows, c_rows = _compliance(p["calls"], p["agencies"])
    files[AGENCY_TRUTH] = {"rows": write_table(out / AGENCY_TRUTH, [
        "agency", "class", "calls", "night_calls", "over3_days", "third_party_calls"], a_rows)}
    files[COLLECTOR_TRUTH] = {"rows": write_table(out / COLLECTOR_TRUTH, [
        "agency", "collector", "bad_collector", "calls", "night_calls", "over3_days",
        "third_party_calls"], c_rows)}
    return files


def _compliance(calls: dict, ag: agencies.Agencies) -> tuple[list, list]:
    """Outbound calls and breaches over the whole log per agency and per collector."""
    f = call_flags(calls)
    f = f[f["out"]]
    own = f[f["own"]].groupby(["loan", "day", "agency", "collector"]).size()
    days = own[own > 3].reset_index()
    rows = {}
    for by in (["agency"], ["agency", "collector"]):
        g = f.groupby(by).agg(calls=("ts", "size"), night_calls=("night", "sum"),
                              third_party_calls=("third", "sum"))
        g["over3_days"] = days.groupby(by).size()
        rows[len(by)] = g.fillna(0).astype(np.int64).reset_index()
    a = rows[1]
    a_rows = sorted((ag.name[r.agency], agencies.CLASS_NAMES[ag.cls[r.agency]], r.calls,
                     r.night_calls, r.over3_days, r.third_party_calls)
                    for r in a.itertuples())
    c = rows[2]
    c_rows = sorted((ag.name[r.agency], ag.coll_code[r.collector],
                     int(ag.coll_mult[r.collector] > 1), r.calls, r.night_calls, r.over3_days,
                     r.third_party_calls) for r in c.itertuples())
    return a_rows, c_rows
