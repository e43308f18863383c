import datetime as dt
import json
import shutil

import pandas as pd
import pytest

from conftest import ticket, write_tickets
from etl.ingest import DUPLICATE_ID_CONFLICT, ID_MISSING, discover, ingest
from etl.read import ExportError
from ringgraph.core import model as m
from ringgraph.store import DuckDBStore

AS_OF = dt.datetime(2026, 1, 1)


@pytest.fixture
def store(tmp_path):
    with DuckDBStore(tmp_path / "g.duckdb") as s:
        yield s


def test_every_record_accounted_for(tiny_exports, store):
    rep = ingest([tiny_exports], store, as_of=AS_OF)
    (f,) = rep.files
    assert (f.records, f.loaded, f.duplicates, f.quarantined) == (7, 5, 1, 1)
    assert rep.quarantine_by_reason == {ID_MISSING: 1}
    q = store.table("quarantine")
    assert q["row"].tolist() == [6] and q["source"].tolist() == ["a.csv"]
    assert json.loads(q.loc[0, "raw"])["name"] == "借款人6"
    d = store.table("duplicates")
    assert d[["row", "kept_row"]].values.tolist() == [[7, 1]]


def test_graph_links_org_variants_and_keeps_provenance(tiny_exports, store):
    ingest([tiny_exports], store, as_of=AS_OF)
    orgs = store.nodes(m.ORG)
    assert len(orgs) == 1
    via = store.edges((m.VIA_ORG,))
    assert len(via) == 4
    docs = store.nodes(m.DOCUMENT)
    assert len(docs) == 1 and len(store.edges((m.ATTACHED,))) == 4
    filed = store.edges((m.FILED,))
    assert set(filed["source"]) == {"a.csv"} and filed["row"].min() == 1
    assert filed["at"].notna().all()
    agent_phone = store.edges((m.HAS_PHONE,))
    assert "+8613900000001" in set(agent_phone["dst_key"])


def test_reingest_changes_nothing(tiny_exports, store):
    ingest([tiny_exports], store, as_of=AS_OF)
    before = (store.nodes(), store.edges(), store.table("quarantine"))
    rep = ingest([tiny_exports], store, as_of=AS_OF)
    assert rep.loaded == 0 and rep.nodes_added == 0 and rep.edges_added == 0
    after = (store.nodes(), store.edges(), store.table("quarantine"))
    for a, b in zip(before, after):
        pd.testing.assert_frame_equal(a, b)


def test_new_file_adds_only_its_rows_and_conflicts_are_quarantined(tiny_exports, store):
    ingest([tiny_exports], store, as_of=AS_OF)
    n_before = len(store.nodes(m.COMPLAINT))
    write_tickets(tiny_exports / "b.csv", [ticket(50), ticket(1, text="different text")])
    rep = ingest([tiny_exports], store, as_of=AS_OF)
    fb = {f.source: f for f in rep.files}["b.csv"]
    assert (fb.records, fb.loaded, fb.duplicates, fb.quarantined) == (2, 1, 0, 1)
    assert rep.quarantine_by_reason[DUPLICATE_ID_CONFLICT] == 1
    assert len(store.nodes(m.COMPLAINT)) == n_before + 1


def test_interrupted_load_resumes_to_same_state(tiny_exports, tmp_path):
    with DuckDBStore(tmp_path / "clean.duckdb") as clean:
        ingest([tiny_exports], clean, as_of=AS_OF)
        want = (clean.nodes(), clean.edges())
    # A first run that only got the graph written (crash before bookkeeping) …
    with DuckDBStore(tmp_path / "crash.duckdb") as crashed:
        from etl import ingest as mod

        real = crashed.write_bookkeeping
        crashed.write_bookkeeping = lambda *a, **k: (_ for _ in ()).throw(KeyboardInterrupt())
        with pytest.raises(KeyboardInterrupt):
            mod.ingest([tiny_exports], crashed, as_of=AS_OF)
        crashed.write_bookkeeping = real
        ingest([tiny_exports], crashed, as_of=AS_OF)
        got = (crashed.nodes(), crashed.edges())
    for a, b in zip(want, got):
        pd.testing.assert_frame_equal(a, b)


def test_field_issues_null_the_field_but_keep_the_row(tmp_path, store):
    d = tmp_path / "x"
    d.mkdir()
    write_tickets(d / "a.csv", [ticket(1, phone="1381234", received_at="2025-02-30",
                                       overdue_amount="约五千", id_number="430421199001011230")])
    rep = ingest([d], store, as_of=AS_OF)
    assert rep.loaded == 1
    issues = store.table("field_issues")
    assert set(issues["field"]) == {"phone", "received_at", "overdue_amount", "id_number"}
    assert store.edges((m.HAS_PHONE,)).empty and store.nodes(m.PERSON).empty


def test_injection_looking_values_stored_verbatim(tmp_path, store):
    d = tmp_path / "x"
    d.mkdir()
    evil = "'); DROP TABLE nodes; -- <script>alert(1)</script> '}) DETACH DELETE n //"
    write_tickets(d / "a.csv", [ticket(1, agent_name=evil, text=evil, agent_org=evil)])
    ingest([d], store, as_of=AS_OF)
    agents = store.nodes(m.AGENT)
    assert agents.loc[0, "name"] == evil.strip() or agents.loc[0, "name"].startswith("');")
    props = json.loads(store.nodes(m.COMPLAINT).loc[0, "props"])
    assert props["text"] == evil
    assert len(store.lookup("T00001")) == 1


def test_discover_scenario_folder_and_missing_paths(tmp_path):
    (tmp_path / "exports").mkdir()
    (tmp_path / "truth").mkdir()
    (tmp_path / "scenario.json").write_text("{}")
    write_tickets(tmp_path / "exports" / "a.csv", [ticket(1)])
    write_tickets(tmp_path / "truth" / "complaints.csv", [ticket(1)])
    assert [n for _, n in discover([tmp_path])] == ["a.csv"]
    with pytest.raises(ExportError, match="no such file"):
        discover([tmp_path / "nope"])


def test_unreadable_file_reported_others_load(tmp_path, store):
    d = tmp_path / "x"
    d.mkdir()
    write_tickets(d / "a.csv", [ticket(1)])
    (d / "b.csv").write_bytes(b"\x00\x00binary")
    rep = ingest([d], store, as_of=AS_OF)
    assert rep.loaded == 1 and len(rep.errors) == 1 and "b.csv" in rep.errors[0]


def test_org_typo_merged_and_recorded(tmp_path, store):
    d = tmp_path / "x"
    d.mkdir()
    rows = [ticket(i, agent_org="湖南聚和法律咨询服务有限公司", agent_name="李四") for i in range(1, 6)]
    rows.append(ticket(6, agent_org="湖南聚和法律咨询服有限公司", agent_name="李四"))
    rows.append(ticket(7, agent_org="华信咨询", agent_name="王五"))
    rows.append(ticket(8, agent_org="华鑫咨询", agent_name="王五"))
    write_tickets(d / "a.csv", rows)
    rep = ingest([d], store, as_of=AS_OF)
    assert rep.org_merges == [{"variant": "湖南聚和法律咨询服", "canonical": "湖南聚和法律咨询服务",
                               "score": 94.7}]
    orgs = store.nodes(m.ORG).set_index("key")
    assert set(orgs.index) == {"湖南聚和法律咨询服务", "华信咨询", "华鑫咨询"}
    props = json.loads(orgs.loc["湖南聚和法律咨询服务", "props"])
    assert props["merged_from"] == [{"key": "湖南聚和法律咨询服", "score": 94.7}]
    assert "湖南聚和法律咨询服有限公司" in props["aliases"]
    assert len(store.edges((m.VIA_ORG,))) == 8


def test_chunked_ingest_gives_the_same_store(tiny_exports, tmp_path):
    write_tickets(tiny_exports / "b.csv", [ticket(i) for i in range(20, 31)] + [ticket(1)])
    with DuckDBStore(tmp_path / "one.duckdb") as one, DuckDBStore(tmp_path / "many.duckdb") as many:
        r1 = ingest([tiny_exports], one, as_of=AS_OF)
        r2 = ingest([tiny_exports], many, as_of=AS_OF, chunk_rows=2)
        assert [(f.records, f.loaded, f.duplicates, f.quarantined) for f in r1.files] == \
               [(f.records, f.loaded, f.duplicates, f.quarantined) for f in r2.files]
        for table in ("quarantine", "duplicates", "field_issues"):
            pd.testing.assert_frame_equal(one.table(table), many.table(table))
        pd.testing.assert_frame_equal(one.nodes(), many.nodes())
        pd.testing.assert_frame_equal(one.edges(), many.edges())
