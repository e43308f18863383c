"""The mapping assistant: column profiles, masked samples, and a mapping that ingests as is."""

import datetime as dt
import json

import yaml
from click.testing import CliRunner

from etl.ingest import ingest
from etl.read import read_export
from ringgraph.cli.mapping import mapping
from ringgraph.core import model as m
from ringgraph.store import DuckDBStore
from conftest import valid_id


def _unknown_export(path, n=30):
    rows = [{"case_ref": f"CR-2025-{i:05d}", "cert": valid_id(f"43042119900{1 + i % 9}01123"),
             "cell": f"1381234{i:04d}", "agent cell": f"1391234{i:04d}",
             "origin": f"61.135.{i}.7", "hw": f"{i:04x}a1b2c3d4e5f6", "opened": 1714700000 + i,
             "owed": "1,000.00", "story": "我要投诉这个平台的暴力催收行为，他们每天打电话骚扰我的家人。",
             "asks": ["停息挂账", "减免罚息"]} for i in range(n)]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n",
                    encoding="utf-8")
    return path


def test_suggest_prints_yaml_with_masked_samples(tmp_path):
    p = _unknown_export(tmp_path / "u.jsonl")
    out = CliRunner().invoke(mapping, ["suggest", str(p)])
    assert out.exit_code == 0, out.output
    parsed = yaml.safe_load(out.output)
    assert parsed == {"case_ref": "complaint_id", "cert": "id_number", "cell": "phone",
                      "agent cell": "agent_phone", "origin": "ip", "hw": "device",
                      "opened": "received_at", "owed": "overdue_amount", "story": "text",
                      "asks": "demands"}
    assert "13812340000" not in out.output and "138****0000" in out.output
    assert "confidence 1.00" in out.output


def test_unedited_suggestion_ingests(tmp_path):
    p = _unknown_export(tmp_path / "u.jsonl")
    user_map = yaml.safe_load(CliRunner().invoke(mapping, ["suggest", str(p)]).output)
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        rep = ingest([p], store, mapping=user_map, as_of=dt.datetime(2026, 1, 1))
        assert rep.loaded == 30 and set(rep.field_issues_by_reason) == {"NAME_MISSING"}
        assert len(store.nodes(m.PHONE)) == 60 and len(store.nodes(m.DEVICE)) == 30


def test_ingest_reports_identifier_like_unmapped_columns(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("工单编号,客户手机\n" + "".join(f"T{i},1381234{i:04d}\n" for i in range(20)),
                 encoding="utf-8")
    (t,) = read_export(p, "t.csv")
    assert t.unmapped_headers == ["客户手机"] and t.suggested == {"客户手机": "phone"}
