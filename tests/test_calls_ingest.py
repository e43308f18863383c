"""Reading collection call logs: header synonyms, times, durations, relations, quarantine,
duplicates and provenance, into a real DuckDB store."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from call_fixtures import ACCOUNT, DEBTOR, MOBILE, call, write_calls
from etl.calls import normalize_outcomes, normalize_relations, parse_durations
from etl.ingest import ingest
from etl.read import read_export
from ringgraph.store import DuckDBStore

ENGLISH = ("call_id", "loan_no", "debtor_id", "vendor", "agent_id", "call_start",
           "dialed_number", "relation", "billsec", "disposition")
MIXED = ("呼叫编号", "借据号", "客户证件号码", "催收机构", "催收员", "呼叫开始时间", "联系号码",
         "与债务人关系", "时长(秒)", "接通状态")
SPACED = ("Call ID", "Account", "ID Card", "Agency", "Collector", "Call Time", "Callee",
          "Relationship", "Duration", "Outcome")


@pytest.mark.parametrize("headers", [ENGLISH, MIXED, SPACED])
def test_header_synonyms_make_a_call_log(tmp_path, headers):
    path = write_calls(tmp_path / "log.csv", [call(1, "2025-03-01 10:00")], headers)
    [table] = read_export(path, "log.csv")
    assert table.kind == "call" and table.unmapped_headers == []
    row = table.frame.iloc[0]
    assert (row["loan_account"], row["debtor_id_number"], row["agency"]) == (
        ACCOUNT, DEBTOR, "甲催收公司")
    assert (row["collector_id"], row["dialled_number"]) == ("A01", MOBILE)


def test_a_complaint_export_is_still_a_complaint(tmp_path):
    from conftest import ticket, write_tickets

    path = write_tickets(tmp_path / "t.csv", [ticket(1)])
    assert read_export(path, "t.csv")[0].kind == "complaint"


def test_calls_load_with_keys_and_provenance(tmp_path):
    rows = [call(1, "2025/3/1 23:10", number="+86 138 1234 0001", relation="母親",
                 duration="1分23秒", outcome="已接通", account="6222 0212-3456 7890"),
            call(2, "1740841200", relation="Colleague", duration="00:01:05", outcome="未接通"),
            call(3, "2025-03-02T01:00:00+00:00", relation="", duration="45",
                 outcome="NO ANSWER")]
    write_calls(tmp_path / "log.csv", rows)
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        rep = ingest([tmp_path / "log.csv"], s)
        calls = s.calls().set_index("call_id")
        assert s.counts() == {}            # calls are a table, not graph nodes
    assert rep.files[0].kind == "call" and rep.files[0].loaded == 3
    k1 = calls.loc["K000001"]
    assert (k1["loan_key"], k1["dialled"], k1["relation"], k1["duration_s"], k1["outcome"]) == (
        ACCOUNT, "+8613812340001", "parent", 83.0, "answered")
    assert (k1["source"], k1["row"], k1["debtor_id"]) == ("log.csv", 1, DEBTOR)
    assert calls["called_at"].astype(str).tolist() == [
        "2025-03-01 23:10:00", "2025-03-01 23:00:00", "2025-03-02 09:00:00"]
    assert calls["relation"].tolist() == ["parent", "colleague", ""]
    assert calls["outcome"].tolist() == ["answered", "no_answer", "no_answer"]


def test_bad_rows_are_quarantined_with_file_row_and_field(tmp_path):
    rows = [call(1, "2025-03-01 10:00"),
            call(2, "上周三"),                                   # no usable time
            call(3, "2025-02-30 10:00"),                         # impossible date
            call(4, "2025-03-01 10:00", account="", debtor="1234"),  # links to nobody
            call(5, "2025-03-01 10:00", number="12", relation="路人", duration="很久"),
            call(6, "2025-03-01 10:00", call_id="")]   # the log has ids: a blank one is missing
    write_calls(tmp_path / "log.csv", rows)
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        rep = ingest([tmp_path / "log.csv"], s)
        q = s.table("quarantine").set_index("row")
        issues = s.table("field_issues")
        loaded = set(s.calls()["call_id"])
    fr = rep.files[0]
    assert fr.records == 6 and fr.loaded + fr.quarantined == 6
    assert q.loc[2, ["reason", "field"]].tolist() == ["DATE_UNPARSEABLE", "called_at"]
    assert q.loc[3, ["reason", "field"]].tolist() == ["DATE_INVALID", "called_at"]
    assert q.loc[4, ["reason", "field"]].tolist() == ["CALL_UNLINKABLE", "loan_account"]
    assert q.loc[6, ["reason", "field"]].tolist() == ["ID_MISSING", "call_id"]
    assert (q["source"] == "log.csv").all()
    assert json.loads(q.loc[2, "raw"])["called_at"] == "上周三"
    assert loaded == {"K000001", "K000005"}
    got = set(zip(issues["row"], issues["field"], issues["reason"]))
    assert {(5, "dialled_number", "PHONE_INVALID"), (5, "callee_relation", "RELATION_UNKNOWN"),
            (5, "duration_s", "DURATION_INVALID")} <= got
    assert 4 not in set(issues["row"])    # a quarantined row has no field issues


def test_reingest_adds_nothing_and_conflicts_are_quarantined(tmp_path):
    write_calls(tmp_path / "a.csv", [call(1, "2025-03-01 10:00"), call(2, "2025-03-01 11:00")])
    write_calls(tmp_path / "b.csv", [call(1, "2025-03-01 10:00"),
                                     call(2, "2025-03-01 12:00")])  # same id, other content
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        ingest([tmp_path / "a.csv"], s)
        again = ingest([tmp_path / "a.csv"], s)
        other = ingest([tmp_path / "b.csv"], s)
        n = len(s.calls())
        q = s.table("quarantine")
    assert n == 2 and again.files[0].duplicates == 2 and again.files[0].loaded == 0
    assert other.files[0].duplicates == 1
    assert q[q["source"] == "b.csv"]["reason"].tolist() == ["DUPLICATE_ID_CONFLICT"]


def test_logs_without_call_ids_get_stable_ids_across_chunks(tmp_path):
    headers = tuple(h for h in ENGLISH if h != "call_id")
    rows = [call(i, "2025-03-01 10:00")[1:] for i in range(5)]   # five identical calls
    write_calls(tmp_path / "log.csv", rows, headers)
    ids = []
    for chunk in (2, 100):
        with DuckDBStore(tmp_path / f"s{chunk}.duckdb") as s:
            ingest([tmp_path / "log.csv"], s, chunk_rows=chunk)
            ids.append(sorted(s.calls()["call_id"]))
    assert ids[0] == ids[1] and len(set(ids[0])) == 5 and ids[0][0].startswith("C")


def test_normalisers():
    assert parse_durations(pd.Series(["1小时2分3秒", "2min", "90s", "１分５秒", "-3"]))[
        "value"].fillna(-1).tolist() == [3723.0, 120.0, 90.0, 65.0, -1]
    rel = normalize_relations(pd.Series(["紧急联系人1", "借款人母亲", "Emergency Contact", "HR",
                                         "本人", "配偶", "通讯录联系人", "朋友"]))
    assert rel["value"].tolist() == ["emergency_contact", "parent", "emergency_contact",
                                     "employer", "self", "spouse", "contact", "friend"]
    assert normalize_outcomes(pd.Series(["拒接", "忙线", "空号", "ANSWERED"])).tolist() == [
        "rejected", "busy", "unreachable", "answered"]


def test_jsonl_log_with_epoch_numbers_and_the_graph_untouched(tmp_path):
    from conftest import ticket, write_tickets

    write_tickets(tmp_path / "t.csv", [ticket(1)])
    rows = [{"callid": "J1", "account": ACCOUNT, "debtor_id": DEBTOR, "vendor": "甲",
             "collector": "A1", "call_time": 1740841200000, "callee": int(MOBILE),
             "relationship": "self", "duration": 83, "outcome": "ANSWERED"}]
    (tmp_path / "calls.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    with DuckDBStore(tmp_path / "s.duckdb") as s:
        ingest([tmp_path / "t.csv"], s)
        before = s.fingerprint(), s.counts()
        ingest([tmp_path / "calls.jsonl"], s)
        after = s.fingerprint(), s.counts()
        calls = s.calls()
    # Calls never change the graph: ring detection sees the same data with or without them.
    assert before == after
    assert calls[["call_id", "dialled", "relation", "duration_s"]].values.tolist() == [
        ["J1", "+86" + MOBILE, "self", 83.0]]
    assert str(calls.loc[0, "called_at"]) == "2025-03-01 23:00:00"
