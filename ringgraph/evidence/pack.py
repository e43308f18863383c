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
    <out>.zip                  the pack's files, zipped reproducibly

The folder may also hold the analyst's own files (``notes.md``, ``interviews/``…): a
re-export of the same ring replaces only the files the previous pack's ``SHA256SUMS`` lists
and leaves everything else untouched (and never zips it). A different ring is never written
over an earlier pack, and a folder that is not a pack is refused unless empty. The pack is
built in a new temporary folder beside ``<out>`` and moved into place when complete, so a
failed export (disk full, no CJK font, …) never leaves half a pack.

Each file comes from a writer in :mod:`ringgraph.evidence.writers` (one module per format).

Everything except ``generated_at`` in ``manifest.json`` (and the hashes and zip that cover
it) is byte-identical when the same data and parameters are exported again.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import zipfile
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from ringgraph.core import model as m
from ringgraph.core.atomic import default_mode, output_error
from ringgraph.analysis.result import RingResult, library_versions
from ringgraph.store.base import GraphStore
from ringgraph.case.extract import CERT, collect_case
from ringgraph.evidence.context import PackContext, ring_record
from ringgraph.evidence.manifest import (FORMAT, FORMAT_VERSION, MANIFEST, MANIFEST_DESCRIPTIONS,
                                         SUMS, git_commit, listed_files, write_manifest,
                                         write_zip)
from ringgraph.evidence.pii_modes import KEY_ENV, EvidenceError, make_redactor
from ringgraph.evidence.writers import descriptions, writers
from ringgraph.store.people import known_people

_EXTRA_LIBS = ("fpdf2", "fonttools", "matplotlib", "jinja2", "pyvis")


def _files() -> tuple[tuple[str, str], ...]:
    every = {**descriptions(), **MANIFEST_DESCRIPTIONS}
    return tuple(every.items())


FILES = _files()


def zip_path_of(folder: str | Path) -> Path:
    """Where :func:`export_pack` writes the zip of a case folder: ``<folder>.zip``."""
    f = Path(folder)
    return f.with_name(f.name + ".zip")


def _manifest_ring(text: bytes | str) -> str | None:
    """The ring id of a pack manifest, or ``None`` when it is not one of ours."""
    try:
        man = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(man, dict) or man.get("format") != FORMAT:
        return None
    return str((man.get("case") or {}).get("ring_id", ""))


def _zip_ring(path: Path) -> str | None:
    """The ring of an earlier pack zip (its manifest, read with a size bound)."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.filename.endswith("/" + MANIFEST) and info.file_size < 16 << 20:
                    return _manifest_ring(z.read(info))
    except (zipfile.BadZipFile, OSError, ValueError):
        return None
    return None


@dataclass(frozen=True)
class _Target:
    """Where a pack goes: the folder, and the files of an earlier pack of the same ring
    there (``None`` for a new or empty folder)."""

    out: Path
    previous: tuple[str, ...] | None


def _check_out(out: Path, ring_id: str) -> _Target:
    """Refuse a folder that is not a pack (unless empty), a pack of another ring, or a zip
    beside it that is not this ring's pack; say which earlier files may be replaced."""
    if out.exists() and not out.is_dir():
        raise EvidenceError(f"--out {out}: exists and is not a folder")
    previous = None
    if out.is_dir() and any(out.iterdir()):
        try:
            ring = _manifest_ring((out / MANIFEST).read_bytes())
        except OSError:
            ring = None
        if ring is None:
            raise EvidenceError(f"--out {out}: folder exists and is not an evidence pack; "
                                f"choose a new or empty folder")
        if ring != ring_id:
            raise EvidenceError(f"--out {out}: holds the evidence pack of ring {ring}; a pack "
                                f"of {ring_id} never replaces it; choose another folder")
        previous = tuple(listed_files(out) or (MANIFEST, SUMS))
    z = zip_path_of(out)
    if z.exists():
        ring = _zip_ring(z)
        if ring is None:
            raise EvidenceError(f"--out {out}: {z.name} exists and is not an evidence pack zip")
        if ring != ring_id:
            raise EvidenceError(f"--out {out}: {z.name} is the evidence pack of ring {ring}; a "
                                f"pack of {ring_id} never replaces it; choose another folder")
    return _Target(out, previous)


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


def _case_summary(ctx: PackContext) -> dict:
    ring, complaints, persons = ctx.case.ring, ctx.complaints, ctx.persons
    identified = int((persons["role"].str.startswith("borrower")).sum())
    return {"ring_id": ring.ring_id, "rank": ring.rank, "score": ring.score,
            "flagged": ring.flagged, "complaints": len(complaints),
            "borrowers": ctx.case.borrower_count(),   # ringgraph.core.borrowers
            "agents": int(len(persons) - identified),
            "orgs": ctx.identifiers.loc[ctx.identifiers["type"] == m.ORG, "value"].tolist(),
            "provinces": int(complaints.loc[complaints["province"] != "",
                                            "province"].nunique())}


def pack_manifest(ctx: PackContext) -> dict:
    """``manifest.json`` without its file hashes (:func:`write_manifest` adds them)."""
    from ringgraph.evidence.writers.report import tool_version

    commit, dirty = git_commit()
    result, red, case = ctx.result, ctx.red, ctx.case
    return {
        "format": FORMAT, "format_version": FORMAT_VERSION,
        "generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds")
        .replace("+00:00", "Z"),
        "case": _case_summary(ctx),
        "pii": {"mode": red.mode, **({"key_id": red.key_id, "key_env": KEY_ENV}
                                     if red.key_id else {})},
        "tool": {"name": "ringgraph", "version": tool_version(), "git_commit": commit,
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


def _write_pack(ctx: PackContext, work: Path) -> list[str]:
    """Run every writer into ``work``, then the manifest and hashes; the pack's names."""
    for w in writers():
        ctx.written += w.write(ctx, work)
    write_manifest(work, pack_manifest(ctx), ctx.written)
    return sorted(set(ctx.written) | {MANIFEST, SUMS})


def _install(work: Path, target: _Target, names: list[str]) -> None:
    """Move the finished pack from ``work`` to ``target.out``.

    A new folder is one rename. Into an existing folder (empty, or this ring's earlier
    pack) the files move one by one, ``SHA256SUMS`` last, and the earlier pack's files that
    the new one lacks are removed; nothing else in the folder is touched.
    """
    out, previous = target.out, set(target.previous or ())
    try:
        if not out.exists():
            os.rename(work, out)
            return
        clash = sorted(n for n in names if (out / n).exists() and n not in previous)
        if clash:
            raise EvidenceError(f"--out {out}: {clash[0]} is not a file of the earlier pack "
                                f"(yours?); it is left as it is and nothing was exported — "
                                f"move it away or choose another folder")
        for name in sorted(set(names) - {SUMS}) + [SUMS]:
            os.replace(work / name, out / name)
        for name in sorted(previous - set(names)):
            if (out / name).is_file():
                (out / name).unlink()
    except OSError as exc:
        raise output_error(exc, out) from None


def foreign_files(folder: str | Path) -> list[str]:
    """Entries of a pack folder that are not the pack's (the analyst's own), sorted."""
    f = Path(folder)
    listed = set(listed_files(f) or ())
    return sorted(p.name + ("/" if p.is_dir() else "") for p in f.iterdir()
                  if p.name not in listed)


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
        The case folder. It must be new, empty, or an earlier evidence pack of the same
        ring, whose files are replaced while anything else in the folder (the analyst's
        notes) is left untouched; ``<out_dir>.zip`` is written beside it.
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
        for the PDF, an ``out_dir`` that is not an evidence pack or is the pack of another
        ring, a file of the analyst's in the way of a pack file.
    OutputError
        Disk full, no permission: the cause and the path; ``out_dir`` is as it was.

    Examples
    --------
    >>> from ringgraph.evidence import export_pack, verify_pack   # doctest: +SKIP
    >>> folder = export_pack(store, result, "RG0001", "evidence/RG0001")  # doctest: +SKIP
    >>> verify_pack(folder.with_suffix(".zip")).ok  # doctest: +SKIP
    True
    """
    red = make_redactor(pii, key)
    target = _check_out(Path(out_dir), ring_id)
    case = collect_case(store, result, ring_id, store_kind=store_kind,
                        allow_stale=allow_stale)
    # Names in texts: the pack's people and everyone else the store knows.
    red.prepare(case.nodes, known_people(store))
    out = target.out
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        # A new folder of our own, beside --out so the final move is a rename.
        work = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".partial",
                                     dir=out.parent))
        default_mode(work)
    except OSError as exc:
        raise output_error(exc, out) from None
    try:
        names = _write_pack(PackContext(case, red, result), work)
        _install(work, target, names)
    finally:
        shutil.rmtree(work, ignore_errors=True)  # ours; already gone after a rename
    if make_zip:
        write_zip(out, zip_path_of(out), names)
    return out


__all__ = ["export_pack", "zip_path_of", "ring_record", "foreign_files", "pack_manifest",
           "FILES", "CERT"]
