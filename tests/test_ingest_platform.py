"""A platform's exports ingest with built-in synonyms only; damaged and unreadable inputs
cost only themselves; re-ingest adds nothing."""

import datetime as dt
import json
import os

import pytest

from etl.ingest import ingest
from ringgraph.cli import main
from ringgraph.core import model as m
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate

AS_OF = dt.datetime(2026, 1, 1)


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    out = tmp_path_factory.mktemp("platform")
    simulate(ScenarioConfig(complaints=400, seed=3, export_style="platform",
                            damaged_files=True), out)
    return out


def _counts(store):
    return ({lbl: len(store.nodes(lbl)) for lbl in (m.COMPLAINT, m.DOCUMENT, m.PERSON)},
            len(store.edges((m.PAID,))), len(store.edges((m.ATTACHED,))))


def test_platform_export_ingests_with_builtin_synonyms(platform, tmp_path):
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        rep = ingest([platform], store, as_of=AS_OF)
        assert not rep.errors
        assert all(f.unmapped_headers == [] for f in rep.files)
        assert "DATE_UNPARSEABLE" not in rep.field_issues_by_reason
        jsonl = platform / "exports/platform_complaints.jsonl"
        docs = set()
        for line in jsonl.read_text(encoding="utf-8").splitlines():
            for a in json.loads(line).get("attachments") or []:
                docs.add("sha256:" + a["sha256"].removeprefix("sha256:").lower()
                         if a["sha256"] else "cert:" + a["cert_no"].removeprefix("编号"))
        assert set(store.nodes(m.DOCUMENT)["key"]) == docs
        pay = next(f for f in rep.files if f.source == "platform_payments.csv")
        assert pay.kind == "transfer" and pay.quarantined == 0
        assert pay.loaded == pay.records > 0
        before = _counts(store)
        again = ingest([platform], store, as_of=AS_OF)
        assert again.loaded == 0 and again.nodes_added == again.edges_added == 0
        assert _counts(store) == before


def test_damaged_folder_loses_only_damaged_records(platform, tmp_path):
    folder = platform / "damaged"
    manifest = json.loads((folder / "manifest.yml").read_text(encoding="utf-8"))
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        rep = ingest([folder], store, as_of=AS_OF)
        by = {f.source: f for f in rep.files}
        assert not rep.errors
        for name, exp in manifest.items():
            lost = sum(v == "lost" for v in exp["damaged"].values())
            assert (by[name].records, by[name].loaded) == (exp["records"],
                                                           exp["records"] - lost), name
        assert by["bom_only.csv"].note and by["header_only.csv"].note
        assert rep.field_issues_by_reason["AMOUNT_INVALID"] == 1   # 400 nines
        assert rep.field_issues_by_reason["ROW_SHORT"] == 20


def test_unreadable_file_reported_others_load_exit_4(tmp_path):
    from conftest import ticket, write_tickets

    d = tmp_path / "in"
    d.mkdir()
    write_tickets(d / "a.csv", [ticket(1), ticket(2)])
    (d / "gone.csv").symlink_to(d / "nowhere.csv")       # cannot be opened
    (d / "dir.csv").mkdir()                              # a folder named like a file
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        rep = ingest([d], store, as_of=AS_OF)
    by = {f.source: f for f in rep.files}
    assert by["a.csv"].loaded == 2 and rep.partial
    assert "gone.csv" in by["gone.csv"].error and "cannot be read" in by["gone.csv"].error
    code = main(["ingest", str(d), "--db", str(tmp_path / "h.duckdb")])
    assert code == 4


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every folder")
def test_unreadable_subfolder_reported(tmp_path):
    from conftest import ticket, write_tickets

    d = tmp_path / "in"
    (d / "locked").mkdir(parents=True)
    write_tickets(d / "a.csv", [ticket(1)])
    write_tickets(d / "locked" / "b.csv", [ticket(2)])
    (d / "locked").chmod(0)
    try:
        with DuckDBStore(tmp_path / "g.duckdb") as store:
            rep = ingest([d], store, as_of=AS_OF)
    finally:
        (d / "locked").chmod(0o755)
    assert rep.partial and any("locked" in e for e in rep.errors)


def test_id_less_twins_are_two_transfers_and_chunking_keeps_ids(tmp_path):
    p = tmp_path / "pay.csv"
    rows = ["11010519491231002X,张三,6222000011112222,王五,1000.00,2024-05-03 09:00",
            "11010519491231002X,张三,6222000011112222,王五,1000.00,2024-05-03 09:00",
            "11010519491231002X,张三,6222 0000 1111 2222,王五,1,000,2024-05-04 09:00"]
    p.write_text("payer_id_card,payer_name,payee_account,payee_name,amount,paid_at\n"
                 + "\n".join(r.replace("1,000,", '"1,000",') for r in rows) + "\n",
                 encoding="utf-8")
    ids = []
    for chunk in (1000, 1):
        with DuckDBStore(tmp_path / f"g{chunk}.duckdb") as store:
            rep = ingest([p], store, as_of=AS_OF, chunk_rows=chunk)
            assert rep.loaded == 3
            ids.append(sorted(store.edges((m.PAID,))["eid"]))
            again = ingest([p], store, as_of=AS_OF, chunk_rows=chunk)
            assert again.loaded == 0 and again.edges_added == 0
    assert ids[0] == ids[1] and len(set(ids[0])) == 3


def test_zip_of_exports_ingests_member_by_member(tmp_path):
    import zipfile

    from conftest import ticket, write_tickets

    write_tickets(tmp_path / "a.csv", [ticket(1), ticket(2)])
    z = tmp_path / "in.zip"
    with zipfile.ZipFile(z, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(tmp_path / "a.csv", "july/a.csv")
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        rep = ingest([z], store, as_of=AS_OF)
        assert [(f.source, f.loaded) for f in rep.files] == [("in.zip/july/a.csv", 2)]
        assert set(store.nodes(m.COMPLAINT)["source"]) == {"in.zip/july/a.csv"}
        assert ingest([z], store, as_of=AS_OF).files[0].duplicates == 2
    assert not list(tmp_path.glob("ringgraph-zip-*"))


def test_jsonl_streamed_in_chunks_gives_the_same_graph(platform, tmp_path):
    graphs = []
    for chunk in (200_000, 97):
        with DuckDBStore(tmp_path / f"g{chunk}.duckdb") as store:
            rep = ingest([platform / "exports"], store, as_of=AS_OF, chunk_rows=chunk)
            graphs.append((_counts(store), [(f.records, f.loaded, f.duplicates,
                                             f.quarantined) for f in rep.files]))
    assert graphs[0] == graphs[1]
