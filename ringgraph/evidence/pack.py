"""Export one ring as an evidence pack: a case folder and its zip.

:func:`export_pack` reads the ring and its neighbourhood from the store, applies the PII
mode, and writes::

    <out>/                     the case folder
      report.html              self-contained offline report (Chinese, English headings)
      report.pdf               the same report, CJK font embedded
      network.html             offline interactive network (vis-network inlined)
      complaints.csv persons.csv identifiers.csv links.csv
      i2_links.csv             entity–link–entity table for i2 Analyst's Notebook import
      graph.graphml            for Gephi, yEd, Cytoscape
      ring.json                the detection record of the ring (reasons, score, features)
      timeline.png provinces.png [fees.png]
      manifest.json            tool, git commit, data snapshot, detector, hashes
      SHA256SUMS               sha256sum -c compatible
    <out>.zip                  the folder, zipped reproducibly

Everything except ``generated_at`` in ``manifest.json`` (and the hashes and zip that cover
it) is byte-identical when the same data and parameters are exported again.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ringgraph.core import model as m
from ringgraph.analysis.result import RingResult, library_versions
from ringgraph.store.base import GraphStore
from ringgraph.case.extract import CERT, CaseData, collect_case
from ringgraph.evidence.figures import make_figures
from ringgraph.evidence.graph_export import graphml, network_html
from ringgraph.evidence.manifest import FORMAT, FORMAT_VERSION, MANIFEST, git_commit, write_manifest, write_zip
from ringgraph.evidence.pii_modes import KEY_ENV, EvidenceError, PseudonymRedactor, Redactor, make_redactor
from ringgraph.evidence.report_html import write_html
from ringgraph.evidence.report_model import build_report, fees_display
from ringgraph.evidence.report_pdf import write_pdf
from ringgraph.evidence.tables import (Display, complaints_table, i2_table, identifiers_table, links_table,
                     persons_table, write_csv)

FILES = (
    ("report.html", "案件报告（离线网页） case report, offline web page"),
    ("report.pdf", "案件报告 PDF（内嵌中文字体） case report, CJK font embedded"),
    ("network.html", "交互式关系网络（离线） interactive network, offline"),
    ("complaints.csv", "投诉 complaints, with source file and row"),
    ("persons.csv", "借款人与代理人 borrowers and agents"),
    ("identifiers.csv", "标识及使用次数 identifiers with usage counts"),
    ("links.csv", "全部关系及来源 every relationship with its source"),
    ("i2_links.csv", "i2 Analyst's Notebook 导入表 entity–link–entity import table"),
    ("graph.graphml", "GraphML 图 (Gephi, yEd, Cytoscape)"),
    ("ring.json", "检测记录 detection record of the ring"),
    ("timeline.png", "时间线图 timeline plot"),
    ("provinces.png", "省份图 provinces plot"),
    ("fees.png", "收款账户图 fee accounts plot"),
    ("manifest.json", "清单：工具、数据快照、检测参数、文件哈希 manifest"),
    ("SHA256SUMS", "文件哈希 file hashes (sha256sum -c)"),
)
_EXTRA_LIBS = ("fpdf2", "fonttools", "matplotlib", "jinja2", "pyvis")


def zip_path_of(folder: str | Path) -> Path:
    """Where :func:`export_pack` writes the zip of a case folder: ``<folder>.zip``."""
    f = Path(folder)
    return f.with_name(f.name + ".zip")


def _is_our_pack(folder: Path) -> bool:
    try:
        man = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(man, dict) and man.get("format") == FORMAT


def _is_our_zip(path: Path) -> bool:
    try:
        with zipfile.ZipFile(path) as z:
            return any(n.endswith("/" + MANIFEST) for n in z.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise EvidenceError(f"--out {out}: exists and is not a folder")
    if out.is_dir() and any(out.iterdir()) and not _is_our_pack(out):
        raise EvidenceError(f"--out {out}: folder exists and is not an evidence pack; "
                            f"choose a new or empty folder")
    z = zip_path_of(out)
    if z.exists() and not _is_our_zip(z):
        raise EvidenceError(f"--out {out}: {z.name} exists and is not an evidence pack zip")


def ring_record(case: CaseData, red: Redactor) -> dict:
    """The ring's detection record under the PII mode: shared identifiers and the evidence
    inside reasons carry entity ids and display values instead of raw keys."""
    d = Display(case, red)
    r = case.ring
    shared, pairs = [], []
    for si in r.shared_identifiers:
        t, ident = si.get("type", ""), str(si.get("ident", ""))
        try:
            eid, value = d.id(t, ident), d.show(t, ident)
        except KeyError:  # not a node of the case (cannot happen for the ring's own)
            eid, value = "", si.get("shown", "")
        pairs.append((si.get("shown", ""), value))
        shared.append({"type": t, "entity_id": eid, "shown": value,
                       **{k: si[k] for k in ("borrowers", "complaints", "provinces", "degree")
                          if k in si}})
    if isinstance(red, PseudonymRedactor):
        red.remember_shown(pairs)
    reasons = []
    for x in r.reasons:
        ev = dict(x.get("evidence") or {})
        if "ident" in ev:
            t = ev.get("type") or (m.ACCOUNT if x.get("code") == "shared_fee_account" else "")
            try:
                raw = str(ev["ident"])
                ev["entity_id"], ev["ident"] = d.id(t, raw), d.show(t, raw)
            except KeyError:
                ev["entity_id"], ev["ident"] = "", ""
        reasons.append({"code": x.get("code", ""), "points": x.get("points", 0.0),
                        "zh": red.token_text(x.get("zh", "")),
                        "en": red.token_text(x.get("en", "")), "evidence": ev})
    res = case.result
    return {
        "ring_id": r.ring_id, "rank": r.rank, "score": r.score, "flagged": r.flagged,
        "complaint_ids": sorted(r.complaint_ids), "features": r.features, "points": r.points,
        "reasons": reasons, "shared_identifiers": shared, "pii_mode": red.mode,
        # The investigators' verdict (who, when) and where the ring id comes from (issue 15).
        "verdict": r.verdict and dict(r.verdict, note=red.token_text(r.verdict["note"])),
        "lineage": r.lineage,
        "detection": {"detector": res.detector, "params": res.params, "seed": res.seed,
                      "projection": res.projection, "scoring": res.scoring,
                      "graph_fingerprint": res.graph_fingerprint,
                      "data_fingerprint": res.data_fingerprint,
                      "n_complaints": res.n_complaints, "versions": res.versions},
    }


@lru_cache(maxsize=1)
def _versions() -> dict[str, str]:
    # Once per process, like the git commit: the libraries in use are those imported.
    out = library_versions()
    for name in _EXTRA_LIBS:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return dict(sorted(out.items()))


def export_pack(store: GraphStore, result: RingResult, ring_id: str, out_dir: str | Path,
                pii: str = "masked", key: str | bytes | None = None, *,
                store_kind: str | None = None, allow_stale: bool = False,
                make_zip: bool = True) -> Path:
    """Write the evidence pack of one ring: the case folder ``out_dir`` and
    ``<out_dir>.zip``.

    Parameters
    ----------
    store : GraphStore
        The store the result was computed on (open; read only is enough).
    result : RingResult
        E.g. ``RingResult.from_json("results/rings.json")``.
    ring_id : str
        E.g. ``"RG0001"``; flagged or not (an unflagged community says so in the report).
    out_dir : str or Path
        The case folder. It must be new, empty, or an earlier evidence pack (which is
        replaced); ``<out_dir>.zip`` is written beside it.
    pii : {"masked", "full", "pseudonymised"}
        How personal data appears (see :mod:`ringgraph.evidence.pii_modes`).
    key : str or bytes, optional
        Pseudonym key; default ``$RINGGRAPH_PSEUDONYM_KEY``. Pseudonymised mode refuses to
        run without one.
    store_kind : str, optional
        Recorded in the manifest (default: the store's name).
    allow_stale : bool
        Export even if the store's data changed since detection.
    make_zip : bool
        Also write the zip (default).

    Returns
    -------
    Path
        The case folder.

    Raises
    ------
    EvidenceError
        One line: unknown mode or ring, missing pseudonym key, stale result, no CJK font
        for the PDF, an ``out_dir`` that is not an evidence pack.

    Examples
    --------
    >>> from ringgraph.evidence import export_pack, verify_pack   # doctest: +SKIP
    >>> folder = export_pack(store, result, "RG0001", "evidence/RG0001")  # doctest: +SKIP
    >>> verify_pack(folder.with_suffix(".zip")).ok  # doctest: +SKIP
    True
    """
    red = make_redactor(pii, key)
    out = Path(out_dir)
    _check_out(out)
    case = collect_case(store, result, ring_id, store_kind=store_kind,
                        allow_stale=allow_stale)
    red.prepare(case.nodes)

    out.parent.mkdir(parents=True, exist_ok=True)
    work = out.with_name(f".{out.name}.partial")
    if work.exists():
        shutil.rmtree(work)
    work.mkdir()
    try:
        complaints = complaints_table(case, red)
        persons = persons_table(case, red)
        identifiers = identifiers_table(case, red)
        links = links_table(case, red)
        write_csv(complaints, work / "complaints.csv")
        write_csv(persons, work / "persons.csv")
        write_csv(identifiers, work / "identifiers.csv")
        write_csv(links, work / "links.csv")
        write_csv(i2_table(links), work / "i2_links.csv")
        graphml(case, red, persons, links, work / "graph.graphml")

        record = ring_record(case, red)
        (work / "ring.json").write_text(json.dumps(record, ensure_ascii=False, indent=1,
                                                   sort_keys=True) + "\n", encoding="utf-8")
        figures = make_figures(case.ring.ring_id, complaints, fees_display(case, red))
        for name, png in figures.items():
            (work / name).write_bytes(png)
        network_html(case, red, work / "network.html")

        commit, dirty = git_commit()
        try:
            version = metadata.version("ringgraph")
        except metadata.PackageNotFoundError:  # pragma: no cover
            version = "dev"
        present = {"report.html", "report.pdf", "manifest.json", "SHA256SUMS"} | {
            p.name for p in work.iterdir()}
        provenance = {"tool_version": version, "git_commit": commit,
                      "store": case.store_kind,
                      "files": [(n, d) for n, d in FILES if n in present]}
        report = build_report(case, red, complaints, persons, identifiers, figures, record,
                              provenance)
        write_html(report, work / "report.html")
        write_pdf(report, work / "report.pdf")

        orgs = identifiers.loc[identifiers["type"] == m.ORG, "value"].tolist()
        borrowers = int((persons["role"].str.startswith("borrower")).sum())
        manifest = {
            "format": FORMAT, "format_version": FORMAT_VERSION,
            "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")
            .replace("+00:00", "Z"),
            "case": {"ring_id": case.ring.ring_id, "rank": case.ring.rank,
                     "score": case.ring.score, "flagged": case.ring.flagged,
                     "complaints": len(complaints), "borrowers": borrowers,
                     "agents": int(len(persons) - borrowers), "orgs": orgs,
                     "provinces": int(complaints.loc[complaints["province"] != "",
                                                     "province"].nunique())},
            "pii": {"mode": red.mode, **({"key_id": red.key_id, "key_env": KEY_ENV}
                                         if red.key_id else {})},
            "tool": {"name": "ringgraph", "version": version, "git_commit": commit,
                     "git_dirty": dirty, "libraries": dict(_versions())},
            "data": {"store": case.store_kind, "snapshot_sha256": case.snapshot,
                     "detected_on_sha256": result.data_fingerprint,
                     "matches_detection": case.snapshot == result.data_fingerprint,
                     "graph_fingerprint": result.graph_fingerprint,
                     "n_complaints": result.n_complaints},
            "detector": {"name": result.detector, "params": result.params,
                         "seed": result.seed, "projection": result.projection,
                         "scoring": result.scoring, "versions": result.versions},
            "pdf_creation_date": "fixed for reproducibility; see generated_at",
        }
        write_manifest(work, manifest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    # Swap the finished folder in: a failed export never leaves half a pack at --out.
    if out.exists():
        shutil.rmtree(out)
    work.rename(out)
    if make_zip:
        write_zip(out, zip_path_of(out))
    return out


__all__ = ["export_pack", "zip_path_of", "ring_record", "FILES", "CERT"]
