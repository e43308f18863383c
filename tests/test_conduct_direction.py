"""Generic call-log reading that triage depends on: direction, header synonyms, own numbers
labelled in the log, and which calls an ID links (hand-made logs, real DuckDB store)."""

from __future__ import annotations

import pandas as pd
import pytest

from call_fixtures import (ACCOUNT, CALL_HEADERS, DEBTOR, MOBILE, MOTHER, OTHER, call, complaint,
                           write_calls)
from conftest import write_tickets
from etl.calls import normalize_directions, normalize_relations
from etl.ingest import ingest
from etl.read import read_export
from ringgraph.analysis.conduct.triage import agency_compliance, triage
from ringgraph.store import DuckDBStore

SPARE = "13900000004"           # a second number of the debtor's own, on no ticket


def _store(tmp_path, calls, complaints, headers=CALL_HEADERS):
    d = tmp_path / "in"
    d.mkdir()
    write_calls(d / "calls.csv", calls, headers)
    write_tickets(d / "tickets.csv", complaints)
    store = DuckDBStore(tmp_path / "s.duckdb")
    ingest([d], store)
    return store


def _row(store, cid="T00001") -> pd.Series:
    return triage(store).set_index("complaint_id").loc[cid]


@pytest.mark.parametrize("headers", [
    ("通话流水号", "借据号", "客户姓名", "客户证件号码", "委外机构", "坐席工号", "呼叫类型",
     "呼叫开始时间", "对方号码", "联系人关系", "通话时长", "呼叫结果"),
    ("start_time", "call_id", "agency_name", "agent_no", "loan_no", "customer_name",
     "cert_no", "direction", "callee_number", "callee_relation", "call_result", "talk_time"),
    ("话单编号", "合同号", "客户身份证号", "催收公司", "员工工号", "通话方向", "通话开始时间",
     "对端号码", "与客户关系", "通话秒数", "接通结果", "客户姓名"),
])
def test_vendor_headers_all_map(tmp_path, headers):
    path = write_calls(tmp_path / "log.csv", [["x"] * len(headers)], headers)
    [table] = read_export(path, "log.csv")
    assert table.kind == "call" and table.unmapped_headers == []
    assert "direction" in table.frame.columns


def test_directions_and_own_number_relations():
    got = normalize_directions(pd.Series(["呼出", "外呼", "去电", "OUT", "Outbound", "呼入",
                                          "来电", "客户来电", "IN", "incoming", "", "转接"]))
    assert got["value"].tolist() == ["out"] * 5 + ["in"] * 5 + ["", ""]
    assert got["issue"].tolist()[-1] == "DIRECTION_UNKNOWN"
    rel = normalize_relations(pd.Series(["本人其他号码", "本人(备用)", "本人（备用）", "SELF",
                                         "self_2", "本人母亲", "其他联系人"]))
    assert rel["value"].tolist() == ["self"] * 5 + ["parent", "contact"]


def test_inbound_calls_break_no_rule(tmp_path):
    headers = (*CALL_HEADERS, "呼叫类型")
    inbound = [call(n, f"2025-03-01 23:{n:02d}", number=MOBILE) + ["呼入"] for n in range(1, 6)]
    inbound.append(call(6, "2025-03-02 10:00", number=MOTHER, relation="母亲") + ["来电"])
    with _store(tmp_path, inbound, [complaint(text="半夜打电话给我妈，一天打五个")],
                headers) as s:
        r = _row(s)
        assert (r["calls_linked"], r["violations"], r["status"]) == (6, "", "unsupported")
        ag = agency_compliance(s)
        assert ag[["night_calls", "over3_calls", "third_party_calls"]].to_numpy().sum() == 0


def test_the_same_calls_outbound_do(tmp_path):
    headers = (*CALL_HEADERS, "direction")
    out = [call(n, f"2025-03-01 23:{n:02d}", number=MOBILE) + ["OUT"] for n in range(1, 6)]
    out.append(call(6, "2025-03-02 10:00", number=MOTHER, relation="母亲") + [""])
    with _store(tmp_path, out, [complaint(text="半夜打电话给我妈，一天打五个")], headers) as s:
        r = _row(s)
        assert r["violations"] == "NIGHT_CALL;OVER_3_CALLS_PER_DAY;THIRD_PARTY_CONTACT"
        assert r["status"] == "supported"


def test_a_number_the_log_labels_self_is_the_debtors_own(tmp_path):
    # One call labels the spare number 本人(备用); four more to it leave the relation blank.
    calls = [call(1, "2025-03-01 09:00", number=SPARE, relation="本人(备用)")]
    calls += [call(n, f"2025-03-01 1{n}:00", number=SPARE) for n in range(2, 6)]
    with _store(tmp_path, calls, [complaint()]) as s:
        r = _row(s)
        assert (r["third_party_calls"], r["over3_days"]) == (0, 1)


def test_id_fallback_leaves_loans_other_tickets_name(tmp_path):
    # The debtor complains twice: about the collected loan and about one the log never saw.
    calls = [call(n, f"2025-03-01 1{n}:00") for n in range(1, 3)]
    tickets = [complaint(1), complaint(2, loan_account="6222999988887777")]
    with _store(tmp_path, calls, tickets) as s:
        t = triage(s).set_index("complaint_id")
        assert t.loc["T00001", "link"] == "account" and t.loc["T00001", "calls_linked"] == 2
        assert t.loc["T00002", "status"] == "no_logs"


def test_masked_account_and_masked_id_link_when_both_fit(tmp_path):
    masked_id = DEBTOR[:6] + "*" * 8 + DEBTOR[-4:]
    calls = [call(1, "2025-03-01 10:00"),
             # Same visible account digits, another debtor: the ID's digits do not fit.
             call(2, "2025-03-01 11:00", account=ACCOUNT[:6] + "0" * 6 + ACCOUNT[-4:],
                  debtor=OTHER)]
    shown = ACCOUNT[:6] + "******" + ACCOUNT[-4:]
    with _store(tmp_path, calls, [complaint(id_number=masked_id, loan_account=shown)]) as s:
        r = _row(s)
        assert (r["link"], r["calls_linked"]) == ("masked_account", 1)
