import csv
from pathlib import Path

import pytest

from simulator.layouts import EXPORT_HEADERS
from etl.normalize import id_check_digit


def valid_id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def write_tickets(path: Path, rows: list[dict], style: str = "bank_csv",
                  encoding: str = "utf-8") -> Path:
    """A small complaint export with the headers of one institution style."""
    headers = EXPORT_HEADERS[style]
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        w.writerow(list(headers.values()))
        for r in rows:
            w.writerow([r.get(f, "") for f in headers])
    return path


def ticket(i: int, **over) -> dict:
    base = {
        "complaint_id": f"T{i:05d}", "received_at": f"2025-03-{1 + i % 27:02d} 10:00:00",
        "channel": "APP", "name": f"借款人{i}",
        "id_number": valid_id(f"4304211990010{i % 10}{i % 7}{i % 3}{i % 9}"[:17]),
        "phone": f"138{i:08d}", "contact_phone": f"138{i:08d}", "province": "湖南",
        "institution": "某某银行信用卡中心", "overdue_amount": "1000", "demands": "协商还款",
        "text": "催收电话太多", "ip": f"8.8.{i % 200}.{i % 250}", "device": f"dev-{i}",
    }
    base.update(over)
    return base


@pytest.fixture
def tiny_exports(tmp_path):
    """Six tickets: four share an agent, org variants and a forged file; one bad, one dup."""
    h = "b" * 64
    ring = dict(agent_name="李四", agent_phone="139 0000 0001", contact_phone="13900000001",
                agent_org="湖南某某法律咨询服务有限公司", demands="停息挂账、精神赔偿",
                attachments=f"贫困证明|sha256:{h}|某县民政局|MZ001", device="office-1")
    rows = [ticket(1, **ring), ticket(2, **dict(ring, agent_org="湖南某某法律咨询服务（有限公司）")),
            ticket(3, **ring, province="广东"), ticket(4, **ring), ticket(5),
            ticket(6, complaint_id=""), ticket(1, **ring)]
    d = tmp_path / "exports"
    d.mkdir()
    write_tickets(d / "a.csv", rows)
    return d


# Neo4j: a real server per test session and a clean database per test (tests/neo4j_fixtures.py).
from neo4j_fixtures import neo4j, neo4j_server  # noqa: E402,F401
# Evidence packs: one scenario and its packs per session (tests/evidence_fixtures.py).
from evidence_fixtures import packs, scenario  # noqa: E402,F401
