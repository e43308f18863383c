"""Hand-made collection call logs and complaints for the conduct tests (not the simulator's)."""

from __future__ import annotations

import csv
from pathlib import Path

from conftest import ticket, valid_id, write_tickets

from etl.ingest import ingest
from ringgraph.store import DuckDBStore

DEBTOR = valid_id("43042119900101123")
OTHER = valid_id("11010519850505321")
MOBILE = "13812340001"          # the debtor's registered phone
MOTHER = "13712340002"
ACCOUNT = "6222021234567890"
CALL_HEADERS = ("通话编号", "贷款账号", "身份证号", "委外机构", "坐席工号", "拨打时间", "被叫号码",
                "关系", "通话时长", "呼叫结果")


def call(n: int, at: str, number: str = MOBILE, relation: str = "", account: str = ACCOUNT,
         debtor: str = DEBTOR, agency: str = "甲催收公司", collector: str = "A01",
         duration: str = "30", outcome: str = "已接通", call_id: str | None = None) -> list:
    return [call_id if call_id is not None else f"K{n:06d}", account, debtor, agency, collector,
            at, number, relation, duration, outcome]


def write_calls(path: Path, rows: list[list], headers=CALL_HEADERS) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(headers)
        w.writerows(rows)
    return path


def complaint(i: int = 1, text: str = "催收太烦了", received: str = "2025-03-20 10:00:00",
              **over) -> dict:
    base = dict(complaint_id=f"T{i:05d}", received_at=received, id_number=DEBTOR,
                phone=MOBILE, contact_phone=MOBILE, loan_account=ACCOUNT, text=text)
    base.update(over)
    return ticket(i, **base)


def store_with(tmp_path: Path, calls: list[list], complaints: list[dict],
               name: str = "s.duckdb") -> DuckDBStore:
    """A DuckDB store (file) with the calls and complaints ingested."""
    d = tmp_path / name.replace(".duckdb", "")
    d.mkdir()
    write_calls(d / "calls.csv", calls)
    write_tickets(d / "tickets.csv", complaints)
    store = DuckDBStore(tmp_path / name)
    ingest([d], store)
    return store
