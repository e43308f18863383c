"""End to end: phones, IDs and names hidden in complaint texts leak from no output.

A simulated ring's complaint texts get, in the raw export, phone numbers and resident IDs
written to slip past filters (full-width, dotted, zero-width characters, spaced groups) and
the names of borrowers who are not in the ring (self-introduced or just mentioned). Masked
and pseudonymised packs of the ring must hold none of them in any file (the PDF's text
and the zip's members included), nor may the notebook views.
"""

from __future__ import annotations

import csv
import random
import shutil
import subprocess
import unicodedata
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest

from etl.ingest import ingest
from etl.normalize import id_check_digit
from evidence_fixtures import KEY, PLANTED
from simulator import ScenarioConfig, simulate
from ringgraph import investigate as inv
from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.analysis.project import project
from ringgraph.core import model as m
from ringgraph.evidence import export_pack
from ringgraph.store import DuckDBStore

FW = {ord(d): chr(0xFF10 + int(d)) for d in "0123456789"}


def _phone_forms(p: str) -> list[str]:
    return [p.translate(FW), f"{p[:3]}.{p[3:7]}.{p[7:]}", f"{p[:3]}\u200b{p[3:]}",
            f"+86 {p[:3]} {p[3:7]} {p[7:]}", f"{p[:3]}-{p[3:7]}-{p[7:]}",
            "\u2060".join(p), f"{p[:3]}\u3000{p[3:7]}\u3000{p[7:]}"]


def _id_forms(i: str) -> list[str]:
    return [f"{i[:6]} {i[6:14]} {i[14:]}", i.translate(FW), f"{i[:6]}-{i[6:14]}-{i[14:]}",
            f"{i[:9]}\u200b{i[9:]}", f"{i[:6]}.{i[6:14]}.{i[14:]}"]


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    """A store whose planted ring's texts hide phones, IDs and outsiders' names."""
    d = tmp_path_factory.mktemp("leaks")
    simulate(ScenarioConfig(complaints=1500, seed=11), d / "s")
    truth = pd.read_csv(d / "s" / "truth" / "complaints.csv", dtype=str, keep_default_na=False)
    planted = set(truth.loc[truth["ring_id"] == PLANTED, "complaint_id"])
    bank = d / "s" / "exports" / "bank_tickets.csv"
    with open(bank, encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head = rows[0]
    cid, text, name = head.index("工单编号"), head.index("投诉内容"), head.index("客户姓名")
    ring_names = {r[name] for r in rows[1:] if len(r) == len(head) and r[cid] in planted}
    # Borrowers of other complaints, not in the ring: three-character names, so that a
    # chance substring elsewhere cannot make the check below pass or fail by luck.
    outsiders = sorted({r[name] for r in rows[1:] if len(r) == len(head)
                        and r[cid] not in planted and len(r[name]) == 3} - ring_names)
    rng = random.Random(5)
    outsiders = rng.sample(outsiders, 6)
    phones, ids, hit = [], [], 0
    for r in rows[1:]:
        if len(r) != len(head) or r[cid] not in planted:
            continue
        phone = f"1{rng.choice('3456789')}{rng.randint(0, 10**9 - 1):09d}"
        first = f"{rng.randint(110000, 659999)}19{rng.randint(60, 99)}0{rng.randint(1, 9)}1{rng.randint(0, 9)}{rng.randint(100, 999)}"
        id_no = first + id_check_digit(first)
        phones.append(phone)
        ids.append(id_no)
        who = outsiders[hit % len(outsiders)]
        intro = ("本人{}在此声明".format(who), f"我叫{who}，", f"姓名：{who}。", f"{who}也被催收")[hit % 4]
        r[text] = (f"{intro}电话{_phone_forms(phone)[hit % 7]}，身份证"
                   f"{_id_forms(id_no)[hit % 5]}。" + r[text])
        hit += 1
    assert hit >= 10
    with open(bank, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    db = d / "g.duckdb"
    with DuckDBStore(db) as store:
        ingest([d / "s"], store)
        result = find_rings(project(store), get_detector("leiden", seed=0),
                            names=identifier_names(store), data_fingerprint=store.fingerprint())
        known = set(store.nodes(m.PERSON)["name"].dropna())
    ring = max(result.rings, key=lambda r: len(planted & set(r.complaint_ids))
               / len(planted | set(r.complaint_ids)))
    assert set(outsiders) <= known, "the outsiders must be people the store knows"
    return SimpleNamespace(dir=d, db=db, result=result, ring=ring, phones=phones, ids=ids,
                           names=outsiders)


def _readable(text: str) -> str:
    """The text as a reader sees it: NFKC, every digit in ASCII, separators between digits
    and invisible characters gone (so a number split by dots or spaces is found whole)."""
    t = unicodedata.normalize("NFKC", text)
    t = "".join(str(unicodedata.digit(c)) if unicodedata.digit(c, None) is not None else c
                for c in t)
    t = "".join(c for c in t if unicodedata.category(c) != "Cf")
    return "".join(c for c in t if c not in " \t\r\n.-—·\u3000")


def _leaks(sc, text: str) -> list[str]:
    seen = _readable(text)
    return [v for v in [*sc.phones, *sc.ids, *(i.lower() for i in sc.ids), *sc.names]
            if v in seen]


def _pdf_text(data: bytes, tmp: Path) -> str:
    exe = shutil.which("pdftotext")
    if exe is None:
        pytest.skip("pdftotext not installed (run scripts/system-deps.sh)")
    path = tmp / "x.pdf"
    path.write_bytes(data)
    return subprocess.run([exe, "-enc", "UTF-8", str(path), "-"], capture_output=True,
                          check=True).stdout.decode("utf-8")


def _file_texts(folder: Path, tmp: Path):
    """(name, text) of every file of a pack folder and of every member of its zip."""
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            yield str(path), _as_text(path.name, path.read_bytes(), tmp)
    with zipfile.ZipFile(folder.with_suffix(".zip")) as z:
        for info in z.infolist():
            yield f"zip:{info.filename}", _as_text(info.filename, z.read(info), tmp)


def _as_text(name: str, data: bytes, tmp: Path) -> str:
    if name.endswith(".pdf"):
        return _pdf_text(data, tmp)
    return data.decode("utf-8", errors="replace")


@pytest.mark.parametrize("mode", ["masked", "pseudonymised"])
def test_packs_hold_no_hidden_phone_id_or_outsider_name(leaky, mode, tmp_path):
    with DuckDBStore(leaky.db, read_only=True) as store:
        folder = export_pack(store, leaky.result, leaky.ring.ring_id, tmp_path / mode,
                             pii=mode, key=KEY if mode == "pseudonymised" else None)
    files = list(_file_texts(folder, tmp_path))
    assert any(n.endswith("report.pdf") for n, _ in files)
    assert any("电话" in t and "身份证" in t for n, t in files if n.endswith("report.pdf")), \
        "the PDF shows the planted texts (else this test proves nothing about it)"
    leaks = {n: _leaks(leaky, t) for n, t in files}
    assert not {n: v for n, v in leaks.items() if v}


def test_full_pack_does_show_them(leaky, tmp_path):
    # The premise: the planted values do reach the pack when nothing is masked.
    with DuckDBStore(leaky.db, read_only=True) as store:
        folder = export_pack(store, leaky.result, leaky.ring.ring_id, tmp_path / "full",
                             pii="full", make_zip=False)
    text = (folder / "complaints.csv").read_text(encoding="utf-8-sig")
    assert set(_leaks(leaky, text)) >= set(leaky.phones) | set(leaky.names)


def test_notebook_views_show_no_name_or_number_from_texts(leaky):
    with DuckDBStore(leaky.db, read_only=True) as store:
        case = inv.ring(leaky.result, store, leaky.ring.ring_id)
        first = sorted(leaky.ring.complaint_ids)[0]
        around = inv.neighbourhood(store, m.COMPLAINT, first, hops=2)
        views = {
            "ring.complaints": case.complaints.to_csv(),
            "ring.fees": case.fees.to_csv(),
            "ring.show": case.show().html,
            "around.complaints": around.complaints().to_csv(),
            "around.show": around.show().html,
        }
        raw = inv.ring(leaky.result, store, leaky.ring.ring_id, mask=False).complaints
    # None of the outsiders is a node of these views: only the store-wide names find them.
    assert not set(leaky.names) & set(case.subgraph.nodes["name"].dropna())
    assert set(_leaks(leaky, raw.to_csv())) >= set(leaky.names)
    assert {k: _leaks(leaky, v) for k, v in views.items()} == {k: [] for k in views}
