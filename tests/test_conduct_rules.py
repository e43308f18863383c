"""Red-line rules, linking and triage statuses on hand-made call logs in a real DuckDB store."""

from __future__ import annotations

import pandas as pd
import pytest

from call_fixtures import (ACCOUNT, DEBTOR, MOBILE, MOTHER, OTHER, call, complaint,
                           store_with)
from ringgraph.analysis.conduct.triage import agency_compliance, conduct, triage


def _row(store, cid="T00001", **kw) -> pd.Series:
    t = triage(store, **kw)
    return t.set_index("complaint_id").loc[cid]


def test_night_boundaries_are_22_and_08_local(tmp_path):
    calls = [call(1, "2025-03-01 21:59:59"), call(2, "2025-03-02 08:00:00"),
             call(3, "2025-03-03 12:00:00")]
    with store_with(tmp_path, calls, [complaint()]) as s:
        r = _row(s)
        assert (r["night_calls"], r["violations"]) == (0, "")
    calls = [call(1, "2025-03-01 22:00:00"), call(2, "2025-03-02 07:59:59"),
             call(3, "2025-03-03 12:00:00")]
    with store_with(tmp_path, calls, [complaint()], "b.duckdb") as s:
        r = _row(s)
        assert (r["night_calls"], r["violations"]) == (2, "NIGHT_CALL")
        assert str(r["first_violation_at"]) == "2025-03-01 22:00:00"
        assert str(r["last_violation_at"]) == "2025-03-02 07:59:59"


def test_offset_times_are_judged_in_shanghai(tmp_path):
    # 14:30Z is 22:30 in Shanghai; epoch 1740841200 is 2025-03-01 23:00 in Shanghai;
    # 13:59:59Z is 21:59:59 there (no violation).
    calls = [call(1, "2025-03-01T14:30:00Z"), call(2, "1740841200000"),
             call(3, "2025-03-05T13:59:59+00:00"), call(4, "2025-03-06T09:00:00+09:00")]
    with store_with(tmp_path, calls, [complaint()]) as s:
        got = s.calls().set_index("call_id")["called_at"].astype(str).to_dict()
        assert got == {"K000001": "2025-03-01 22:30:00", "K000002": "2025-03-01 23:00:00",
                       "K000003": "2025-03-05 21:59:59", "K000004": "2025-03-06 08:00:00"}
        assert _row(s)["night_calls"] == 2


def test_exactly_three_calls_a_day_is_lawful_four_is_not(tmp_path):
    three = [call(i, f"2025-03-01 1{i}:00:00") for i in range(3)]
    with store_with(tmp_path, three, [complaint()]) as s:
        assert _row(s)["over3_days"] == 0
    four = [call(i, f"2025-03-01 1{i}:00:00", outcome="未接通") for i in range(4)]
    with store_with(tmp_path, four, [complaint()], "b.duckdb") as s:
        r = _row(s)
        assert (r["over3_days"], r["violations"]) == (1, "OVER_3_CALLS_PER_DAY")


def test_calendar_day_is_shanghai_not_utc(tmp_path):
    # Four calls within one UTC day (2025-03-01), but two fall on 03-02 in Shanghai.
    utc = ["2025-03-01T10:00:00Z", "2025-03-01T11:00:00Z", "2025-03-01T16:30:00Z",
           "2025-03-01T17:00:00Z"]
    with store_with(tmp_path, [call(i, t) for i, t in enumerate(utc)], [complaint()]) as s:
        r = _row(s)
        assert r["over3_days"] == 0 and r["night_calls"] == 2   # 00:30 and 01:00 on 03-02 local
    # Four calls within one Shanghai day that span two UTC days.
    local = ["2025-03-02 00:30:00+08:00", "2025-03-02 09:00", "2025-03-02 10:00",
             "2025-03-02 11:00"]
    with store_with(tmp_path, [call(i, t) for i, t in enumerate(local)], [complaint()],
                    "b.duckdb") as s:
        assert _row(s)["over3_days"] == 1


def test_calls_to_others_do_not_count_toward_three_a_day(tmp_path):
    calls = [call(i, f"2025-03-01 1{i}:00:00") for i in range(3)]
    calls.append(call(9, "2025-03-01 15:00:00", number=MOTHER, relation="母亲"))
    with store_with(tmp_path, calls, [complaint()]) as s:
        r = _row(s)
        assert (r["over3_days"], r["third_party_calls"]) == (0, 1)
        assert r["violations"] == "THIRD_PARTY_CONTACT"


def test_blank_relation_lets_the_dialled_number_decide(tmp_path):
    calls = [call(1, "2025-03-01 10:00", number=MOBILE),            # the debtor's own
             call(2, "2025-03-01 11:00", number=MOTHER),            # not the debtor's
             call(3, "2025-03-01 12:00", number="+86 138-1234-0001"),  # own, written oddly
             call(4, "2025-03-01 13:00", number="+8613900000004",
                  relation="本人")]                                   # relation decides
    with store_with(tmp_path, calls, [complaint()]) as s:
        assert _row(s)["third_party_calls"] == 1
    # A masked number in the log: its visible digits decide.
    calls = [call(1, "2025-03-01 10:00", number="138****0001"),
             call(2, "2025-03-01 11:00", number="137****0002")]
    with store_with(tmp_path, calls, [complaint()], "m.duckdb") as s:
        assert _row(s)["third_party_calls"] == 1
    # The call-back number on the ticket is the debtor's too.
    with store_with(tmp_path, [call(1, "2025-03-01 10:00", number=MOTHER)],
                    [complaint(contact_phone=MOTHER)], "b.duckdb") as s:
        assert _row(s)["third_party_calls"] == 0


def test_window_is_the_days_before_receipt(tmp_path):
    calls = [call(1, "2024-12-20 09:59:59", relation="同事"),   # 90 days + 1 s before
             call(2, "2024-12-20 10:00:00", relation="单位"),   # exactly 90 days before
             call(3, "2025-03-20 10:00:00", relation="母亲")]   # at receipt: after the fact
    with store_with(tmp_path, calls, [complaint()]) as s:
        r = _row(s)
        assert (r["calls_linked"], r["calls_in_window"], r["third_party_calls"]) == (3, 1, 1)
        assert _row(s, window_days=91)["third_party_calls"] == 2
        with pytest.raises(ValueError):
            triage(s, window_days=0)


@pytest.mark.parametrize("shown, linked", [
    ("6222****7890", "masked_account"), ("6222 0212 3456 7890", "account"),
    ("6222-0212-3456-7890", "account"), ("６２２２０２１２３４５６７８９０", "account"),
    ("6222 0212 …", "masked_account"), ("尾号7890", "masked_account"), ("", "id_number"),
    ("9999888877776666", "id_number")])
def test_accounts_on_the_ticket_link_calls(tmp_path, shown, linked):
    calls = [call(1, "2025-03-01 10:00"),
             # Another debtor's loan with the same visible digits: a mask must not link it.
             call(2, "2025-03-01 10:00", account="6222000000007890", debtor=OTHER)]
    with store_with(tmp_path, calls, [complaint(loan_account=shown)]) as s:
        r = _row(s)
        assert (r["link"], r["calls_linked"]) == (linked, 1)


def test_masked_account_needs_the_same_debtor(tmp_path):
    calls = [call(1, "2025-03-01 10:00", debtor=OTHER)]
    with store_with(tmp_path, calls, [complaint(loan_account="6222****7890")]) as s:
        assert _row(s)["status"] == "no_logs"


STATUS_CASES = {
    "supported": ("半夜打电话，还打给我妈", [call(1, "2025-03-01 23:10", number=MOTHER)]),
    "partly": ("半夜打电话，一天打几十个电话", [call(1, "2025-03-01 23:10")]),
    "unsupported": ("催收员爆通讯录，骚扰家人", [call(1, "2025-03-01 10:00")]),
    "no_allegation": ("要求减免罚息", [call(1, "2025-03-01 23:10")]),
    "no_logs": ("半夜打电话", [call(1, "2025-03-01 23:10", account="1", debtor=OTHER)]),
}


@pytest.mark.parametrize("status", sorted(STATUS_CASES))
def test_statuses(tmp_path, status):
    text, calls = STATUS_CASES[status]
    with store_with(tmp_path, calls, [complaint(text=text)]) as s:
        assert _row(s)["status"] == status


def test_evidence_columns_and_no_pii(tmp_path):
    calls = [call(1, "2025-03-01 23:10", number=MOTHER, relation="", agency="乙公司",
                  collector="B7"),
             call(2, "2025-03-02 10:00", agency="甲催收公司", collector="A01")]
    with store_with(tmp_path, calls, [complaint(text="深夜打给我母亲")]) as s:
        r = _row(s)
        assert (r["agency"], r["collector"]) == ("乙公司", "B7")   # who crossed the line
        assert r["violations"] == "NIGHT_CALL;THIRD_PARTY_CONTACT"
        text = triage(s).to_csv()
        assert MOTHER not in text and DEBTOR not in text and ACCOUNT not in text


def test_agency_rates_per_thousand_calls(tmp_path):
    calls = [call(i, f"2025-03-0{1 + i % 5} 10:00") for i in range(10)]
    calls += [call(20, "2025-03-06 23:00", collector="A02"),
              call(21, "2025-03-06 10:00", collector="A02", number=MOTHER, relation="同事")]
    calls += [call(30 + i, f"2025-03-07 1{i}:00", agency="乙公司", collector="B1")
              for i in range(5)]
    with store_with(tmp_path, calls, [complaint()]) as s:
        t = agency_compliance(s).set_index(["agency", "collector"])
    a = t.loc[("甲催收公司", "(all)")]
    assert (a["calls"], a["night_calls"], a["third_party_calls"]) == (12, 1, 1)
    assert a["night_per_1000"] == pytest.approx(1000 / 12, abs=0.01)
    b = t.loc[("乙公司", "B1")]
    # Five calls to the debtor on one day: the 4th and 5th are over the line.
    assert (b["calls"], b["over3_calls"], b["over3_per_1000"]) == (5, 2, 400.0)
    assert t.loc[("甲催收公司", "A02"), "violations_per_1000"] == 1000.0


def test_conduct_is_reproducible(tmp_path):
    calls = [call(i, f"2025-03-0{1 + i % 3} 2{i % 4}:00") for i in range(12)]
    with store_with(tmp_path, calls, [complaint(), complaint(2, id_number=OTHER)]) as s:
        a, b = conduct(s), conduct(s)
    pd.testing.assert_frame_equal(a.triage, b.triage)
    pd.testing.assert_frame_equal(a.agencies, b.agencies)
