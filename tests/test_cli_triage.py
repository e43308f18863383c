"""``ringgraph triage`` end to end: ingest a call log and tickets, write triage and agency
tables atomically, byte-identical on reruns, with no personal data."""

from __future__ import annotations

import csv

from call_fixtures import ACCOUNT, DEBTOR, MOBILE, MOTHER, OTHER, call, complaint, write_calls
from conftest import write_tickets
from ringgraph.cli import main


def run(capsys, *args):
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_triage_command(tmp_path, capsys):
    d = tmp_path / "exports"
    d.mkdir()
    write_calls(d / "calls.csv", [call(1, "2025-03-01 23:10", number=MOTHER),
                                  call(2, "2025-03-01 10:00")])
    write_tickets(d / "tickets.csv", [complaint(text="半夜打给我妈"),
                                      complaint(2, id_number=OTHER, loan_account="",
                                                text="一天打几十个电话")])
    db = tmp_path / "s.duckdb"
    assert run(capsys, "ingest", str(d), "--db", str(db))[0] == 0
    out_csv, agencies = tmp_path / "out" / "triage.csv", tmp_path / "agencies.csv"
    code, out, err = run(capsys, "triage", "--db", str(db), "--out", str(out_csv),
                         "--by-agency", str(agencies), "--window-days", "60")
    assert code == 0, err
    assert "supported 1" in out and "no_logs 1" in out
    assert "1 complaint(s) have no call logs linked" in out
    rows = list(csv.DictReader(out_csv.open(encoding="utf-8")))
    assert [(r["complaint_id"], r["status"]) for r in rows] == [("T00001", "supported"),
                                                                ("T00002", "no_logs")]
    assert rows[0]["violations"] == "NIGHT_CALL;THIRD_PARTY_CONTACT"
    assert rows[0]["first_violation_at"] == "2025-03-01 23:10:00"
    first = out_csv.read_bytes(), agencies.read_bytes()
    assert run(capsys, "triage", "--db", str(db), "--out", str(out_csv), "--by-agency",
               str(agencies), "--window-days", "60")[0] == 0
    assert (out_csv.read_bytes(), agencies.read_bytes()) == first
    for text in (first[0].decode(), first[1].decode(), out, err):
        for pii in (MOBILE, MOTHER, DEBTOR, OTHER, ACCOUNT):
            assert pii not in text
    ag = list(csv.DictReader(agencies.open(encoding="utf-8")))
    assert [(r["collector"], r["calls"], r["night_per_1000"]) for r in ag] == [
        ("(all)", "2", "500.0"), ("A01", "2", "500.0")]


def test_triage_errors_are_one_line(tmp_path, capsys):
    code, out, err = run(capsys, "triage", "--db", str(tmp_path / "none.duckdb"))
    assert code == 1 and err.strip().count("\n") == 0 and "no such store" in err
    code, out, err = run(capsys, "triage", "--db", str(tmp_path / "x.duckdb"),
                         "--window-days", "0")
    assert code == 2
