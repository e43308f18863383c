"""File safety of evidence packs, with real files: re-export keeps the analyst's own files,
another ring never replaces a pack, verify refuses hostile zips without reading them, and
control or bidi characters in the data give well-formed GraphML and visible marks in the
reports while the tables keep the stored value."""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest

from evidence_fixtures import export as _export, read_csv as _csv
from ringgraph.cli import main
from ringgraph.evidence import EvidenceError, export_pack, verify_pack, zip_path_of
from ringgraph.store import DuckDBStore


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


# ---------------------------------------------------------------------- append-safe packs
def test_re_export_keeps_the_analysts_files(scenario, capsys):
    folder = _export(scenario, "masked", "append")
    (folder / "notes.md").write_text("# 笔记\n与张警官通话\n", encoding="utf-8")
    (folder / "interviews").mkdir()
    (folder / "interviews" / "w1.txt").write_text("证人一笔录", encoding="utf-8")
    # A file the earlier pack listed but the new one does not write: it goes (it was ours).
    (folder / "old_plot.png").write_bytes(b"old")
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    # A doctored list naming a file outside the folder never makes export remove it.
    victim = folder.parent / "victim.txt"
    victim.write_text("not the pack's", encoding="utf-8")
    (folder / "SHA256SUMS").write_text(
        sums + f"{hashlib.sha256(b'old').hexdigest()}  old_plot.png\n"
        + f"{hashlib.sha256(b'v').hexdigest()}  ../victim.txt\n", encoding="utf-8")
    code = main(["export", "--ring", scenario.ring.ring_id, "--db", str(scenario.db),
                 "--rings", str(scenario.dir / "results" / "rings.json"), "--out", str(folder)])
    out = capsys.readouterr().out
    assert code == 0
    assert (folder / "notes.md").read_text(encoding="utf-8") == "# 笔记\n与张警官通话\n"
    assert (folder / "interviews" / "w1.txt").read_text(encoding="utf-8") == "证人一笔录"
    assert not (folder / "old_plot.png").exists()
    assert victim.read_text(encoding="utf-8") == "not the pack's"
    assert "left untouched" in out and "notes.md" in out and "interviews/" in out
    # The zip holds the pack only, and verifies; the folder reports the analyst's files.
    with zipfile.ZipFile(zip_path_of(folder)) as z:
        names = {n.split("/", 1)[1] for n in z.namelist()}
    assert "notes.md" not in names and not any(n.startswith("interviews") for n in names)
    assert verify_pack(zip_path_of(folder)).ok
    problems = verify_pack(folder).problems
    assert problems and all(p.startswith(("notes.md", "interviews/")) for p in problems)
    # Nothing of ours left behind beside the folder.
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]


def test_another_ring_never_replaces_a_pack(scenario):
    folder = _export(scenario, "masked", "ring-a")
    (folder / "notes.md").write_text("mine", encoding="utf-8")
    before = _tree(folder)
    zbefore = zip_path_of(folder).read_bytes()
    other = next(r.ring_id for r in scenario.result.rings if r.ring_id != scenario.ring.ring_id)
    with DuckDBStore(scenario.db, read_only=True) as store:
        with pytest.raises(EvidenceError, match=f"holds the evidence pack of ring "
                                                f"{scenario.ring.ring_id}"):
            export_pack(store, scenario.result, other, folder)
        # Its zip alone (folder moved away) is refused too.
        moved = folder.with_name("ring-a-moved")
        folder.rename(moved)
        with pytest.raises(EvidenceError, match="is the evidence pack of ring"):
            export_pack(store, scenario.result, other, folder)
        moved.rename(folder)
    assert _tree(folder) == before and zip_path_of(folder).read_bytes() == zbefore


def test_a_folder_that_is_not_a_pack_is_refused(scenario):
    folder = scenario.dir / "packs" / "mine"
    folder.mkdir(parents=True)
    (folder / "notes.md").write_text("mine", encoding="utf-8")
    with pytest.raises(EvidenceError, match="is not an evidence pack"):
        _export(scenario, "masked", "mine")
    assert _tree(folder) == {"notes.md": b"mine"}


# ------------------------------------------------------------------------ hostile zips
def _copy_zip(src: Path, dst: Path, extra=()) -> Path:
    with zipfile.ZipFile(src) as a, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as b:
        for info in a.infolist():
            b.writestr(info, a.read(info))
        for info, data in extra:
            b.writestr(info, data)
    return dst


def test_verify_refuses_unsafe_unlisted_and_symlink_members(scenario, packs):
    zpath = zip_path_of(packs["masked"])
    top = packs["masked"].name
    link = zipfile.ZipInfo(f"{top}/link")
    link.external_attr = 0o120777 << 16
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name
        bad = _copy_zip(zpath, scenario.dir / "hostile.zip", [
            (zipfile.ZipInfo("../evil.txt"), b"x"), (zipfile.ZipInfo("/etc/evil"), b"x"),
            (zipfile.ZipInfo(f"{top}/extra.bin"), b"x" * 10), (link, b"/etc/passwd"),
            (zipfile.ZipInfo(f"{top}/ring.json"), b"{}")])
    res = verify_pack(bad)
    assert not res.ok
    lines = {p.split(": ", 1)[0]: p for p in res.problems}
    assert "absolute or '..' path" in lines["../evil.txt"]
    assert "absolute or '..' path" in lines["/etc/evil"]
    assert "symbolic link" in lines[f"{top}/link"]
    assert "not listed in SHA256SUMS" in lines["extra.bin"]
    assert "duplicate entry" in lines[f"{top}/ring.json"]
    assert not any("missing" in p for p in res.problems), res.problems
    assert res.checked == len(json.loads((packs["masked"] / "manifest.json").read_text(
        encoding="utf-8"))["files"])  # every other listed file still checked
    assert main(["verify", str(bad)]) == 1


def _bomb(path: Path, size: int, lie_to: int | None = None) -> Path:
    """A pack-shaped zip whose listed member inflates to ``size`` bytes of zeros."""
    digest = hashlib.sha256()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        info = zipfile.ZipInfo("bomb/big.bin")
        info.compress_type = zipfile.ZIP_DEFLATED
        with z.open(info, "w", force_zip64=True) as fh:
            block = b"\0" * (1 << 20)
            for _ in range(size >> 20):
                fh.write(block)
                digest.update(block)
        z.writestr("bomb/SHA256SUMS", f"{digest.hexdigest()}  big.bin\n")
    if lie_to is not None:  # rewrite the declared size in the central directory
        data = bytearray(path.read_bytes())
        cd = data.index(b"PK\x01\x02")  # the first central directory entry: big.bin
        assert data[cd + 46:cd + 46 + 12] == b"bomb/big.bin"
        data[cd + 24:cd + 28] = lie_to.to_bytes(4, "little")  # uncompressed size
        path.write_bytes(bytes(data))
    return path


def test_verify_refuses_an_oversized_member_without_reading_it(tmp_path):
    bomb = _bomb(tmp_path / "bomb.zip", 64 << 20)
    assert bomb.stat().st_size < 200_000
    t0 = time.perf_counter()
    res = verify_pack(bomb, max_bytes=8 << 20)
    assert time.perf_counter() - t0 < 1.0  # refused from its declared size, not inflated
    assert not res.ok and res.first_problem.startswith("big.bin: declared size 67108864 bytes "
                                                       "exceeds the bound")
    # Raising the bound lets it through: hashed (streamed), only the manifest is lacking.
    res = verify_pack(bomb, max_bytes=128 << 20)
    assert res.checked == 1 and res.problems == ["manifest.json: missing"]


def test_verify_stops_a_member_that_lies_about_its_size(tmp_path):
    liar = _bomb(tmp_path / "liar.zip", 16 << 20, lie_to=1000)
    res = verify_pack(liar, max_bytes=8 << 20)
    assert not res.ok and res.first_problem.startswith("big.bin: ")
    assert "mismatch" in res.first_problem or "corrupted" in res.first_problem


def test_verify_refuses_a_symlink_in_a_folder(scenario, packs):
    copy = scenario.dir / "linked"
    shutil.copytree(packs["masked"], copy)
    (copy / "report.html").unlink()
    (copy / "report.html").symlink_to(packs["masked"] / "report.html")
    res = verify_pack(copy)
    assert not res.ok and "report.html: symbolic link, refused" in res.problems


# ------------------------------------------------------------- XML- and display-safe text
HOSTILE = "APP\x00\x1b[31m\x07\ufffe"
BIDI = "本人\u202e凤贾"


def test_control_and_bidi_characters(scenario, tmp_path):
    db = tmp_path / "hostile.duckdb"
    shutil.copy(scenario.db, db)
    victim = sorted(scenario.ring.complaint_ids)[0]
    with DuckDBStore(db) as store:
        props = json.loads(store.con.execute(
            "SELECT props FROM nodes WHERE label = 'Complaint' AND key = ?",
            [victim]).fetchone()[0])
        props.update(channel=HOSTILE, text=BIDI + props.get("text", ""))
        store.con.execute("UPDATE nodes SET props = ? WHERE label = 'Complaint' AND key = ?",
                          [json.dumps(props, ensure_ascii=False), victim])
        folder = export_pack(store, scenario.result, scenario.ring.ring_id,
                             tmp_path / "pack", pii="full", allow_stale=True)
    import networkx as nx

    g = nx.read_graphml(folder / "graph.graphml")  # well-formed XML 1.0
    ElementTree.parse(folder / "graph.graphml")
    channels = {d.get("channel") for _, d in g.nodes(data=True)}
    assert "APP〈U+0000〉〈U+001B〉[31m〈U+0007〉〈U+FFFE〉" in channels
    page = (folder / "report.html").read_text(encoding="utf-8")
    assert "\u202e" not in page and "本人〈U+202E〉凤贾" in page
    from test_evidence import _pdf_text

    assert "\u202e" not in _pdf_text(folder / "report.pdf")
    assert "U+202E" in _pdf_text(folder / "report.pdf").replace("\n", "")
    # The table keeps the stored value.
    row = _csv(folder / "complaints.csv").set_index("complaint_id").loc[victim]
    assert row["text"].startswith(BIDI) and row["channel"] == HOSTILE


# ------------------------------------------------------------------- writers registry
def test_every_pack_file_comes_from_one_registered_writer(packs):
    from ringgraph.evidence.pack import FILES
    from ringgraph.evidence.writers import writers

    ws = writers()
    assert {w.name for w in ws} == {"tables", "grievances", "graphml", "ring.json", "figures",
                                    "network", "html", "pdf"}
    owners = [n for w in ws for n in w.files]
    assert len(owners) == len(set(owners))  # one writer per file
    assert [w.name for w in ws][-2:] == ["html", "pdf"]  # reports last: they list the files
    described = {n for n, _ in FILES}
    for folder in packs.values():
        assert {p.name for p in folder.iterdir()} <= described


def test_an_analysts_file_in_the_way_is_refused_not_overwritten(scenario):
    folder = _export(scenario, "masked", "clash")
    # The earlier pack did not list fees.png (as if it had none); the analyst made one.
    sums = (folder / "SHA256SUMS").read_text(encoding="utf-8")
    (folder / "SHA256SUMS").write_text(
        "".join(l + "\n" for l in sums.splitlines() if not l.endswith(" fees.png")),
        encoding="utf-8")
    (folder / "fees.png").write_bytes(b"my own drawing")
    before = _tree(folder)
    with pytest.raises(EvidenceError, match="fees.png is not a file of the earlier pack"):
        _export(scenario, "masked", "clash")
    assert _tree(folder) == before
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]


def test_export_on_a_full_disk_leaves_the_earlier_pack_whole(scenario, tmp_path):
    from test_atomic import _run_limited

    folder = _export(scenario, "masked", "full-disk")
    (folder / "notes.md").write_text("mine", encoding="utf-8")
    before, zbefore = _tree(folder), zip_path_of(folder).read_bytes()
    r = _run_limited(f"""
        from ringgraph.cli import main
        sys.exit(main(["export", "--ring", {scenario.ring.ring_id!r}, "--db",
                       {str(scenario.db)!r}, "--rings",
                       {str(scenario.dir / "results" / "rings.json")!r},
                       "--out", {str(folder)!r}]))
    """, 200_000, tmp_path)
    last = [l for l in r.stderr.splitlines() if l.strip()][-1]
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert last.startswith("ringgraph: error: cannot write ") and "(EFBIG)" in last, last
    assert _tree(folder) == before and zip_path_of(folder).read_bytes() == zbefore
    assert not [p for p in folder.parent.iterdir() if p.name.endswith(".partial")]
