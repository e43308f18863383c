"""Ingest exports into a graph store: read → de-duplicate → normalise → frames → store.

Every data record of every file ends in exactly one of: loaded (new), duplicate (the same
record was already loaded, from this run or an earlier one) or quarantine (with a reason).
The report's per-file counts add up, and :func:`ingest` checks that they do.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.model import ORG
from ringgraph.progress import SILENT, Progress
from ringgraph.store.base import GraphStore

from . import schema
from .frames import Frames, complaint_frames, merge_frames, transfer_frames
from .normalize import normalize_org_names
from .read import SUPPORTED_SUFFIXES, ExportError, RawTable, read_export
from .resolve import ResolveParams, resolve_orgs

ID_MISSING = "ID_MISSING"
REQUIRED_MISSING = "REQUIRED_MISSING"
DUPLICATE_ID_CONFLICT = "DUPLICATE_ID_CONFLICT"

_ID_FIELD = {schema.COMPLAINT: "complaint_id", schema.TRANSFER: "transfer_id"}
_FIELDS = {schema.COMPLAINT: schema.COMPLAINT_FIELDS, schema.TRANSFER: schema.TRANSFER_FIELDS}
_REQUIRED = {schema.COMPLAINT: schema.COMPLAINT_REQUIRED, schema.TRANSFER: schema.TRANSFER_REQUIRED}


@dataclass
class FileReport:
    source: str
    kind: str = ""
    records: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unmapped_headers: list[str] = field(default_factory=list)
    error: str = ""


@dataclass
class IngestReport:
    store: str
    as_of: str
    files: list[FileReport] = field(default_factory=list)
    quarantine_by_reason: dict[str, int] = field(default_factory=dict)
    field_issues_by_reason: dict[str, int] = field(default_factory=dict)
    nodes_added: int = 0
    edges_added: int = 0
    org_merges: list[dict] = field(default_factory=list)
    # Complaint ids this run read (loaded or found already loaded); kept out of the JSON
    # report, which must stay small and free of personal data.
    complaint_ids: list[str] = field(default_factory=list, repr=False)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    def to_json(self) -> str:
        d = asdict(self)
        d.pop("complaint_ids")
        d["totals"] = {"records": self.records, "loaded": self.loaded,
                       "duplicates": sum(f.duplicates for f in self.files),
                       "quarantined": sum(f.quarantined for f in self.files)}
        return json.dumps(d, ensure_ascii=False, sort_keys=True, indent=2)


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files to ingest with their source names, in a stable order.

    A folder is searched recursively for supported files; source names are paths relative
    to it. A simulated scenario folder (``scenario.json`` + ``exports/``) means its exports.
    """
    found: list[tuple[Path, str]] = []
    for p in paths:
        p = Path(p)
        if not p.exists():
            raise ExportError(f"{p}: no such file or folder")
        if p.is_dir():
            if (p / "scenario.json").is_file() and (p / "exports").is_dir():
                p = p / "exports"
            files = sorted(f for f in p.rglob("*")
                           if f.is_file() and f.suffix.lower() in SUPPORTED_SUFFIXES)
            if not files:
                raise ExportError(f"{p}: folder holds no {'/'.join(SUPPORTED_SUFFIXES)} files")
            found += [(f, f.relative_to(p).as_posix()) for f in files]
        else:
            found.append((p, p.name))
    names = [n for _, n in found]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ExportError(f"two inputs share the source name {dup[0]}; ingest them separately")
    return sorted(found, key=lambda t: t[1])


_AMOUNT_FIELDS = ("overdue_amount", "amount")


def content_hash(frame: pd.DataFrame, fields: tuple[str, ...]) -> pd.Series:
    """64-bit hash of a record's trimmed canonical values, as hex (duplicate detection).

    Amounts are compared as numbers written plainly: a workbook stores ``57820.3`` where
    the same ticket's CSV export says ``57,820.30``.
    """
    values = frame[list(fields)].apply(lambda c: c.astype(str).str.strip())
    for f in _AMOUNT_FIELDS:
        if f in values:
            v = values[f].str.replace(",", "", regex=False)
            v = v.str.replace(r"^(\d+\.\d*?)0+$", r"\1", regex=True)
            values[f] = v.str.replace(r"^(\d+)\.$", r"\1", regex=True)
    h = pd.util.hash_pandas_object(values, index=False).to_numpy()
    return pd.Series(np.char.mod("%016x", h), index=frame.index, dtype=object)


def _raw_json(frame: pd.DataFrame, fields) -> pd.Series:
    return frame[list(fields)].apply(
        lambda r: json.dumps(dict(r), ensure_ascii=False, sort_keys=True), axis=1)


def triage(tables: list[RawTable], kind: str, known: pd.DataFrame
           ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Split records of one kind into (to load, duplicates, quarantined).

    ``known`` holds records already in the store (``record_id, content_hash, source,
    row``). The first occurrence of an id wins; a later one with the same content is a
    duplicate, with other content a ``DUPLICATE_ID_CONFLICT``.
    """
    fields = _FIELDS[kind]
    idf = _ID_FIELD[kind]
    parts = []
    for order, t in enumerate(tables):
        f = t.frame.copy()
        f["source"] = t.source
        f["_order"] = order
        parts.append(f)
    df = pd.concat(parts, ignore_index=True)
    df[idf] = df[idf].astype(str).str.strip()
    df["content_hash"] = content_hash(df, fields)
    df = df.sort_values(["_order", "row"], kind="stable").reset_index(drop=True)

    q_parts = []
    empty = df[idf] == ""
    if empty.any():
        e = df[empty]
        q_parts.append(pd.DataFrame({
            "source": e["source"], "row": e["row"], "reason": ID_MISSING, "field": idf,
            "message": f"{idf} is empty", "raw": _raw_json(e, fields)}))
    df = df[~empty]
    for req in _REQUIRED[kind]:
        if req == idf:
            continue
        lacking = df[req].astype(str).str.strip() == ""
        if lacking.any():
            e = df[lacking]
            q_parts.append(pd.DataFrame({
                "source": e["source"], "row": e["row"], "reason": REQUIRED_MISSING,
                "field": req, "message": f"required field {req} is empty",
                "raw": _raw_json(e, fields)}))
            df = df[~lacking]

    prior = known.rename(columns={"record_id": idf, "content_hash": "kept_hash",
                                  "source": "kept_source", "row": "kept_row"})
    first = df.drop_duplicates(idf, keep="first")[[idf, "content_hash", "source", "row"]]
    first = first.rename(columns={"content_hash": "kept_hash", "source": "kept_source",
                                  "row": "kept_row"})
    # Records already in the store take precedence over this run's first occurrences.
    first = first[~first[idf].isin(prior[idf])].assign(kept_new=True)
    winners = pd.concat([prior[[idf, "kept_hash", "kept_source", "kept_row"]].assign(
        kept_new=False), first], ignore_index=True)
    df = df.merge(winners, on=idf, how="left", validate="many_to_one")
    # A record re-read from a file already loaded is a duplicate of itself, not new.
    is_winner = df["kept_new"].astype(bool) & (df["source"] == df["kept_source"]) & (
        df["row"] == df["kept_row"])
    same = ~is_winner & (df["content_hash"] == df["kept_hash"])
    conflict = ~is_winner & ~same

    dups = df[same]
    duplicates = pd.DataFrame({"source": dups["source"], "row": dups["row"],
                               "record_id": dups[idf], "kept_source": dups["kept_source"],
                               "kept_row": dups["kept_row"]})
    c = df[conflict]
    if len(c):
        q_parts.append(pd.DataFrame({
            "source": c["source"], "row": c["row"], "reason": DUPLICATE_ID_CONFLICT,
            "field": idf,
            "message": "id already loaded from " + c["kept_source"] + " row "
                       + c["kept_row"].astype(str) + " with different content",
            "raw": _raw_json(c, fields)}))
    quarantine = (pd.concat(q_parts, ignore_index=True) if q_parts
                  else pd.DataFrame(columns=["source", "row", "reason", "field", "message",
                                             "raw"]))
    load = df[is_winner].drop(columns=["kept_hash", "kept_source", "kept_row", "kept_new",
                                       "_order"])
    return load.reset_index(drop=True), duplicates, quarantine


def _default_as_of() -> dt.datetime:
    # End of today: a run's outcome depends on the date only, not on the second it ran.
    today = dt.date.today()
    return dt.datetime.combine(today, dt.time()) + dt.timedelta(days=1)


def ingest(paths: list[Path], store: GraphStore, mapping: dict[str, str] | None = None,
           as_of: dt.datetime | None = None, progress: Progress = SILENT,
           sheet: str | None = None, resolve: ResolveParams | None = None) -> IngestReport:
    """Ingest export files or folders into ``store`` and return the report.

    Parameters
    ----------
    paths : list of Path
        Files or folders of exports (CSV, XLSX, JSONL; complaints and fee transfers).
    store : GraphStore
        Where the graph and bookkeeping go; writes are idempotent.
    mapping : dict, optional
        Extra header → canonical field mapping, tried before the built-in synonyms.
    as_of : datetime, optional
        Times after this are flagged as future (default: end of today).
    progress : Progress, optional
        Progress reporter.
    sheet : str, optional
        Read only this worksheet of XLSX files (default: every sheet).
    resolve : ResolveParams, optional
        Thresholds for merging near-identical organisation names.

    Returns
    -------
    IngestReport
        Per-file counts (records = loaded + duplicates + quarantined), quarantine and
        field-issue counts by reason, nodes and relationships added.
    """
    as_of = as_of or _default_as_of()
    report = IngestReport(store=getattr(store, "path", store.name), as_of=as_of.isoformat())
    files = discover(paths)
    tables: list[RawTable] = []
    by_source: dict[str, FileReport] = {}
    with progress.task("reading exports", total=len(files)) as task:
        for path, name in files:
            try:
                got = read_export(path, name, mapping, sheet)
            except ExportError as exc:
                fr = FileReport(source=name, error=str(exc))
                report.files.append(fr)
                by_source[name] = fr
                task.advance()
                continue
            for t in got:
                fr = FileReport(source=t.source, kind=t.kind, records=t.records,
                                unmapped_headers=t.unmapped_headers)
                report.files.append(fr)
                by_source[t.source] = fr
                tables.append(t)
            task.advance()

    known = store.table("records")
    frames: list[Frames] = []
    quarantine = [pd.DataFrame(
        [dict(q, raw=json.dumps(q["raw"], ensure_ascii=False, default=str))
         for t in tables for q in t.quarantine],
        columns=["source", "row", "reason", "field", "message", "raw"])]
    duplicates, records = [], []
    for kind, build in ((schema.COMPLAINT, complaint_frames), (schema.TRANSFER, transfer_frames)):
        of_kind = [t for t in tables if t.kind == kind]
        if not of_kind:
            continue
        with progress.task(f"normalising {kind} records",
                           total=sum(len(t.frame) for t in of_kind)) as task:
            load, dups, quar = triage(of_kind, kind, known[known["kind"] == kind][
                ["record_id", "content_hash", "source", "row"]])
            duplicates.append(dups)
            quarantine.append(quar)
            if kind == schema.COMPLAINT:
                report.complaint_ids = sorted(set(load["complaint_id"]) |
                                              set(dups["record_id"]))
            if len(load):
                if kind == schema.COMPLAINT:
                    keys = normalize_org_names(load["agent_org"])["key"]
                    merges = resolve_orgs(keys[keys != ""].value_counts().to_dict(),
                                          store.nodes(ORG)["key"].tolist(), resolve)
                    report.org_merges = [mg.to_dict() for mg in merges]
                    frames.append(complaint_frames(load, as_of, merges))
                else:
                    frames.append(build(load, as_of))
                records.append(pd.DataFrame({
                    "kind": kind, "record_id": load[_ID_FIELD[kind]],
                    "content_hash": load["content_hash"], "source": load["source"],
                    "row": load["row"]}))
                for src, n in load.groupby("source").size().items():
                    by_source[src].loaded += int(n)
            task.advance(sum(len(t.frame) for t in of_kind))

    q = pd.concat([x for x in quarantine if len(x)] or [quarantine[0]], ignore_index=True)
    d = pd.concat(duplicates, ignore_index=True) if duplicates else pd.DataFrame(
        columns=["source", "row", "record_id", "kept_source", "kept_row"])
    for src, n in q.groupby("source").size().items():
        by_source[src].quarantined += int(n)
    for src, n in d.groupby("source").size().items():
        by_source[src].duplicates += int(n)

    merged = merge_frames(frames) if frames else None
    if merged is not None:
        stats = store.write(merged.nodes, merged.edges, progress)
        report.nodes_added, report.edges_added = stats.nodes_added, stats.edges_added
        issues = merged.issues
    else:
        issues = pd.DataFrame(columns=["source", "row", "field", "reason", "message"])
    recs = pd.concat(records, ignore_index=True) if records else pd.DataFrame(
        columns=["kind", "record_id", "content_hash", "source", "row"])
    store.write_bookkeeping(q, issues, d, recs)

    report.quarantine_by_reason = {k: int(v) for k, v in
                                   sorted(q.groupby("reason").size().items())}
    report.field_issues_by_reason = {k: int(v) for k, v in
                                     sorted(issues.groupby("reason").size().items())}
    for fr in report.files:
        if not fr.error and fr.loaded + fr.duplicates + fr.quarantined != fr.records:
            raise AssertionError(f"{fr.source}: {fr.records} records but {fr.loaded} loaded, "
                                 f"{fr.duplicates} duplicates, {fr.quarantined} quarantined")
    store.record_run(report.to_json())
    return report
