"""Evidence packs end to end: a simulated scenario with a planted ring whose complaint texts
carry script-injection payloads, ingested into a real DuckDB store, detected, exported in
every PII mode and checked file by file (and zip entry by zip entry)."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from evidence_fixtures import KEY, OTHER_KEY
from evidence_fixtures import export as _export, read_csv as _csv
from ringgraph.core import model as m
from ringgraph.cli import main
from ringgraph.evidence import EvidenceError, verify_pack, zip_path_of


def _pack_files(folder: Path) -> dict[str, bytes]:
    """Every file of the pack and, separately, every entry of its zip (decompressed)."""
    out = {f"dir/{p.name}": p.read_bytes() for p in sorted(folder.iterdir())}
    zbytes = zip_path_of(folder).read_bytes()
    out["zip"] = zbytes
    with zipfile.ZipFile(io.BytesIO(zbytes)) as z:
        for info in z.infolist():
            out[f"zip/{info.filename}"] = z.read(info)
    return out


def _pdf_text(path: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        import os

        if os.environ.get("CI"):
            pytest.fail("pdftotext missing in CI: scripts/system-deps.sh installs poppler-utils")
        pytest.skip("pdftotext not installed (run scripts/system-deps.sh)")
    return subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


# ------------------------------------------------------------------------- contents
def test_planted_ring_is_detected_exactly(scenario):
    # The premise of the membership checks below.
    assert set(scenario.ring.complaint_ids) == scenario.planted
    assert scenario.ring.flagged


def test_pack_holds_exactly_the_ring_members(scenario, packs):
    folder = packs["full"]
    complaints = _csv(folder / "complaints.csv")
    assert set(complaints["complaint_id"]) == scenario.planted
    assert len(complaints) == len(scenario.planted)
    persons = _csv(folder / "persons.csv")
    borrowers = persons[persons["role"].str.startswith("borrower")]
    assert set(borrowers["entity_id"]) == {f"Person:{k}" for k in scenario.borrowers}
    # Every row names its source file and record number.
    for name in ("complaints.csv", "persons.csv", "links.csv", "identifiers.csv"):
        t = _csv(folder / name)
        assert (t["source"] != "").all() and t["row"].str.fullmatch(r"\d+").all(), name
    links = _csv(folder / "links.csv")
    filed = links[links["rel"] == m.FILED]
    assert set(filed["dst_id"]) == {f"Complaint:{c}" for c in scenario.planted}
    # The i2 table: one row per link, stable identities on both ends, arrow and time.
    i2 = _csv(folder / "i2_links.csv")
    assert len(i2) == len(links) and i2["link_id"].is_unique
    assert set(i2["entity1_id"]) | set(i2["entity2_id"]) <= (set(links["src_id"])
                                                             | set(links["dst_id"]))
    assert (i2["arrow"] == "ArrowOnHead").all()
    assert i2["source_complaint_ids"].str.len().gt(0).all()
    ring = json.loads((folder / "ring.json").read_text(encoding="utf-8"))
    assert sorted(ring["complaint_ids"]) == sorted(scenario.planted)


def test_identifiers_have_usage_counts(packs):
    ident = _csv(packs["masked"] / "identifiers.csv")
    shared = ident[ident["shared"] == "yes"]
    assert len(shared) and (shared["ring_borrowers"].astype(int) >= 2).all()
    used = ident[ident["type"] != "Cert"]
    assert used["store_relationships"].str.fullmatch(r"\d+").all()
    assert {"Org", "Account"} <= set(shared["type"])


def test_graphml_reads_back_with_the_pack_ids(packs):
    import networkx as nx

    g = nx.read_graphml(packs["pseudo"] / "graph.graphml")
    links = _csv(packs["pseudo"] / "links.csv")
    assert g.number_of_edges() == len(links)
    assert set(links["src_id"]) | set(links["dst_id"]) == set(g.nodes)
    assert any(n.startswith("PER-") for n in g.nodes)


def test_manifest_records_provenance(scenario, packs):
    man = json.loads((packs["masked"] / "manifest.json").read_text(encoding="utf-8"))
    assert man["case"]["ring_id"] == scenario.ring.ring_id
    assert man["data"]["snapshot_sha256"] == scenario.result.data_fingerprint
    assert man["data"]["matches_detection"] is True
    assert man["detector"]["name"] == "leiden" and man["detector"]["seed"] == 0
    assert man["pii"]["mode"] == "masked" and man["tool"]["version"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", man["generated_at"])
    files = {p.name for p in packs["masked"].iterdir()} - {"manifest.json", "SHA256SUMS"}
    assert set(man["files"]) == files
    assert {"report.html", "report.pdf", "network.html", "graph.graphml", "i2_links.csv",
            "timeline.png", "provinces.png", "fees.png"} <= files


# --------------------------------------------------------------------- verification
def test_pack_verifies_and_a_tampered_file_fails(scenario, packs, capsys):
    folder = packs["masked"]
    assert verify_pack(folder).ok and verify_pack(zip_path_of(folder)).ok
    assert main(["verify", str(zip_path_of(folder))]) == 0
    copy = scenario.dir / "tampered"
    shutil.copytree(folder, copy)
    page = copy / "report.html"
    page.write_bytes(page.read_bytes().replace("摘要".encode(), "摘耍".encode(), 1))
    res = verify_pack(copy)
    assert not res.ok and res.first_problem.startswith("report.html: SHA-256 mismatch")
    capsys.readouterr()
    assert main(["verify", str(copy)]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "report.html: SHA-256 mismatch" in err
    # An added file is reported too.
    shutil.copy(folder / "report.html", copy / "report.html")
    (copy / "extra.txt").write_text("added", encoding="utf-8")
    res = verify_pack(copy)
    assert not res.ok and "extra.txt" in res.first_problem


def test_tampered_zip_fails(scenario, packs):
    zpath = zip_path_of(packs["masked"])
    data = zpath.read_bytes()
    # A changed byte inside an entry's compressed data: the CRC or the hash catches it.
    with zipfile.ZipFile(zpath) as z:
        info = z.getinfo(f"{packs['masked'].name}/complaints.csv")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    flipped = bytearray(data)
    flipped[start + info.compress_size // 2] ^= 0xFF
    bad = scenario.dir / "flipped.zip"
    bad.write_bytes(bytes(flipped))
    res = verify_pack(bad)
    assert not res.ok and res.first_problem.startswith("complaints.csv")
    assert main(["verify", str(bad)]) == 1
    # A well-formed zip whose report was swapped.
    swapped = scenario.dir / "swapped.zip"
    with zipfile.ZipFile(zpath) as src, zipfile.ZipFile(swapped, "w") as dst:
        for item in src.infolist():
            body = src.read(item)
            if item.filename.endswith("/report.html"):
                body = body.replace("RG".encode(), "RX".encode(), 1)
            dst.writestr(item, body)
    res = verify_pack(swapped)
    assert not res.ok and res.first_problem.startswith("report.html: SHA-256 mismatch")


# ------------------------------------------------------------------------------ PII
def _raw_values(scenario) -> set[str]:
    """Phones, resident IDs and full names of the ring's borrowers and agents."""
    values: set[str] = set()
    for label, key, name in zip(scenario.people["label"], scenario.people["key"],
                                scenario.people["name"]):
        if isinstance(name, str) and len(name) >= 2:
            values.add(name)
        if label == m.PERSON and re.fullmatch(r"\d{17}[\dX]", key):
            values.add(key)
        if label == m.AGENT and "|" in key:
            values.add(key.split("|")[0])
    for p in scenario.phones:
        if p.startswith("+86"):
            values |= {p, p[3:]}
    return {v for v in values if len(v) >= 2}


def test_masked_pack_shows_no_raw_personal_data(scenario, packs):
    values = _raw_values(scenario)
    assert len(values) > 50
    files = _pack_files(packs["masked"])
    files["report.pdf (text)"] = _pdf_text(packs["masked"] / "report.pdf").encode("utf-8")
    leaks = [(name, v) for name, data in files.items() for v in values
             if v.encode("utf-8") in data]
    assert not leaks, leaks[:5]
    # ... while the full pack does show them (the search itself works).
    full = _pack_files(packs["full"])
    assert any(v.encode() in full["dir/persons.csv"] for v in values)
    masked = _csv(packs["masked"] / "persons.csv")
    assert masked["display"].str.contains(r"\*").all()
    assert masked["id_number"].str.fullmatch(r"(\d{6}\*{8}[\dX]{4}|\d{4}\*{10}\d{4})?").all()


def test_pseudonymised_tokens_are_keyed_and_stable(scenario, packs, monkeypatch, capsys):
    values = _raw_values(scenario)
    files = _pack_files(packs["pseudo"])
    assert not [(n, v) for n, d in files.items() for v in values if v.encode() in d]
    persons = _csv(packs["pseudo"] / "persons.csv")
    tokens = set(persons["entity_id"])
    # Each token is HMAC-SHA256(key, label U+001F key): the same person gets it in any pack.
    expected = {"PER-" + hmac.new(KEY.encode(), f"Person\x1f{k}".encode(),
                                  hashlib.sha256).hexdigest()[:16] for k in scenario.borrowers}
    assert expected <= tokens
    # A second pack made by the command line, key from the environment: same tokens.
    monkeypatch.setenv("RINGGRAPH_PSEUDONYM_KEY", KEY)
    out = scenario.dir / "packs" / "pseudo-cli"
    assert main(["export", "--ring", scenario.ring.ring_id, "--pii", "pseudonymised",
                 "--db", str(scenario.db), "--rings", str(scenario.dir / "results" /
                                                         "rings.json"),
                 "--out", str(out)]) == 0
    stdout = capsys.readouterr().out
    assert not [v for v in values if v in stdout]
    assert set(_csv(out / "persons.csv")["entity_id"]) == tokens
    # Another key: unrelated tokens.
    other = _export(scenario, "pseudonymised", "pseudo-other", key=OTHER_KEY)
    assert not tokens & set(_csv(other / "persons.csv")["entity_id"])


def test_pseudonymised_refuses_without_a_key(scenario, monkeypatch, capsys):
    monkeypatch.delenv("RINGGRAPH_PSEUDONYM_KEY", raising=False)
    with pytest.raises(EvidenceError, match="RINGGRAPH_PSEUDONYM_KEY"):
        _export(scenario, "pseudonymised", "nokey")
    assert not (scenario.dir / "packs" / "nokey").exists()
    assert main(["export", "--ring", scenario.ring.ring_id, "--pii", "pseudonymised",
                 "--db", str(scenario.db), "--out", str(scenario.dir / "nokey2")]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "RINGGRAPH_PSEUDONYM_KEY" in err


# -------------------------------------------------------------------- reproducibility
def test_re_export_is_byte_identical_apart_from_generated_at(scenario, packs):
    again = _export(scenario, "masked", "masked-again")
    a, b = packs["masked"], again
    assert sorted(p.name for p in a.iterdir()) == sorted(p.name for p in b.iterdir())
    for p in sorted(a.iterdir()):
        if p.name in ("manifest.json", "SHA256SUMS"):
            continue
        assert p.read_bytes() == (b / p.name).read_bytes(), p.name
    ma, mb = (json.loads((x / "manifest.json").read_text(encoding="utf-8")) for x in (a, b))
    ma.pop("generated_at"), mb.pop("generated_at")
    assert ma == mb


def test_spreadsheet_formulas_are_neutralised(packs):
    text = (packs["full"] / "complaints.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    hostile = [r["text"] for r in rows if "HYPERLINK" in r["text"]]
    assert hostile and all(t.startswith("'=") for t in hostile)


# ---------------------------------------------------------------------------- PDF
def test_pdf_embeds_its_cjk_font_and_names_the_organisation(scenario, packs):
    pdf = packs["masked"] / "report.pdf"
    text = re.sub(r"\s+", "", _pdf_text(pdf))
    assert scenario.org_names
    for name in scenario.org_names:
        assert re.sub(r"\s+", "", name) in text
    assert scenario.ring.ring_id in text and "证据报告" in text
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True,
                           check=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes yes " in f for f in fonts), fonts  # emb, sub, uni
    assert b"/CreationDate (D:19800101000000Z)" in pdf.read_bytes()
