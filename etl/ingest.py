"""Ingest exports into a graph store: read → de-duplicate → normalise → frames → store.

Every data record of every file ends in exactly one of: loaded (new), duplicate (the same
record was already loaded, from this run or an earlier one) or quarantine (with a reason).
The report's per-file counts add up, and :func:`ingest` checks that they do.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.core.model import ORG
from ringgraph.core.progress import SILENT, Progress
from ringgraph.store.base import RUN_COMPLETED, GraphStore

from etl import schema
from etl.frames import complaint_frames, transfer_frames
from etl.normalize import normalize_org_names
from etl import sources
from etl.read import SUPPORTED_SUFFIXES, EmptyExport, ExportError, RawTable, iter_export
from etl.report import FileReport, IngestReport  # noqa: F401 - part of this module's API
from etl.resolve import ResolveParams, resolve_orgs
from etl.calls import call_rows, derive_call_ids
from etl.transfer_ids import derive_transfer_ids

ID_MISSING = "ID_MISSING"
REQUIRED_MISSING = "REQUIRED_MISSING"
DUPLICATE_ID_CONFLICT = "DUPLICATE_ID_CONFLICT"

_ID_FIELD = {schema.COMPLAINT: "complaint_id", schema.TRANSFER: "transfer_id",
             schema.CALL: "call_id"}
_FIELDS = schema.FIELDS_OF
_REQUIRED = {schema.COMPLAINT: schema.COMPLAINT_REQUIRED, schema.TRANSFER: schema.TRANSFER_REQUIRED,
             schema.CALL: schema.CALL_REQUIRED}


def discover(paths: list[Path]) -> list[tuple[Path, str]]:
    """Files to ingest with their source names, in a stable order (see etl.sources)."""
    return sources.discover(paths, SUPPORTED_SUFFIXES)[0]


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
           sheet: str | None = None, resolve: ResolveParams | None = None,
           chunk_rows: int = 200_000) -> IngestReport:
    """Ingest export files or folders into ``store`` and return the report.

    Parameters
    ----------
    paths : list of Path
        Files or folders of exports (CSV, TSV, XLSX, XLS, Parquet, JSONL, JSON and zips
        of these; complaints and fee transfers).
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
    chunk_rows : int, optional
        Records processed and written at a time: bounds memory on million-row exports.

    Returns
    -------
    IngestReport
        Per-file counts (records = loaded + duplicates + quarantined), quarantine and
        field-issue counts by reason, nodes and relationships added.
    """
    as_of = as_of or _default_as_of()
    report = IngestReport(store=getattr(store, "path", store.name), as_of=as_of.isoformat())
    files, unreadable = sources.discover(paths, SUPPORTED_SUFFIXES)
    # Started before anything is written, completed after everything: a run killed in
    # between leaves a start without completion, which detect/link/export refuse.
    run_id = uuid.uuid4().hex[:12]
    store.start_run(run_id, [str(p) for p in paths])
    run = _Run(store=store, as_of=as_of, resolve=resolve, report=report, progress=progress,
               mapping=mapping, sheet=sheet, chunk_rows=chunk_rows)
    for bad in unreadable:
        report.files.append(FileReport(source=bad.name, error=f"{bad.name}: {bad.reason}"))
    with progress.task("ingesting exports", total=len(files)) as task:
        for path, name in files:
            if path.suffix.lower() in sources.ARCHIVE_SUFFIXES:
                _ingest_archive(path, name, run)
            else:
                _ingest_file(path, name, run)
            task.advance()
    q_reasons, issue_reasons, complaint_ids = run.q_reasons, run.issue_reasons, run.complaint_ids
    report.complaint_ids = sorted(complaint_ids)
    report.quarantine_by_reason = dict(sorted(q_reasons.items()))
    report.field_issues_by_reason = dict(sorted(issue_reasons.items()))
    for fr in report.files:
        if fr.loaded + fr.duplicates + fr.quarantined != fr.records:
            raise AssertionError(f"{fr.source}: {fr.records} records but {fr.loaded} loaded, "
                                 f"{fr.duplicates} duplicates, {fr.quarantined} quarantined")
    done = json.loads(report.to_json())
    done.update(status=RUN_COMPLETED, run_id=run_id)
    store.finish_run(run_id, json.dumps(done, ensure_ascii=False, sort_keys=True, indent=2))
    return report


@dataclass
class _Run:
    """State of one ingest run shared by the per-file steps."""

    store: GraphStore
    as_of: dt.datetime
    resolve: ResolveParams | None
    report: IngestReport
    progress: Progress
    mapping: dict[str, str] | None
    sheet: str | None
    chunk_rows: int
    by_source: dict[str, FileReport] = field(default_factory=dict)
    q_reasons: Counter = field(default_factory=Counter)
    issue_reasons: Counter = field(default_factory=Counter)
    complaint_ids: set[str] = field(default_factory=set)

    def file(self, source: str, kind: str = "", unmapped: list[str] | None = None
             ) -> FileReport:
        fr = self.by_source.get(source)
        if fr is None:
            fr = self.by_source[source] = FileReport(source=source, kind=kind,
                                                     unmapped_headers=unmapped or [])
            self.report.files.append(fr)
        return fr


def _ingest_file(path: Path, name: str, run: _Run) -> None:
    """Every record of one file loaded, duplicate or quarantined; a file that cannot be
    read at all (or no longer) is reported with its reason and the run goes on."""
    twins: dict[str, int] = {}
    try:
        for table in iter_export(path, name, run.mapping, run.sheet, run.chunk_rows):
            fr = run.file(table.source, table.kind, table.unmapped_headers)
            fr.records += table.records
            fr.suggested_mapping.update(table.suggested)
            if table.derived_ids and table.kind == schema.CALL:
                table.frame["call_id"] = derive_call_ids(table.frame, twins)
                fr.note = "no call ids: call ids derived from content"
            elif table.derived_ids:
                table.frame["transfer_id"] = derive_transfer_ids(table.frame, twins)
                fr.note = "no serial numbers: transfer ids derived from content"
            if table.records == 0:
                fr.note = "header only, no records"
            _load_batch(table, run)
    except EmptyExport as exc:
        fr = run.file(name, "empty")
        fr.note = str(exc).split(": ", 1)[-1]
    except (ExportError, OSError) as exc:
        # Unreadable as a whole (or from some point on): earlier chunks stay loaded.
        fr = run.file(name)
        fr.error = str(exc) if isinstance(exc, ExportError) else \
            f"{name}: cannot be read ({exc.strerror or type(exc).__name__})"
        fr.records = fr.loaded + fr.duplicates + fr.quarantined


def _ingest_archive(path: Path, name: str, run: _Run) -> None:
    """Each supported member of a zip, as ``archive.zip/member`` sources."""
    import tempfile

    tmp = Path(tempfile.mkdtemp(prefix="ringgraph-zip-"))
    try:
        members = sources.unpack(path, name, tmp, SUPPORTED_SUFFIXES)
        for member, label in members:
            _ingest_file(member, label, run)
    except (ExportError, OSError) as exc:
        run.file(name).error = str(exc) if isinstance(exc, ExportError) else \
            f"{name}: cannot be read ({exc.strerror or type(exc).__name__})"
    finally:
        sources.remove_tree(tmp)


def _load_batch(table: RawTable, run: _Run) -> None:
    """Triage, normalise and write one chunk of one file; graph first, then bookkeeping.

    Records of earlier chunks and runs are in the store by then, so duplicates and
    conflicting ids are found against everything loaded before, in file and row order.
    A crash between the two writes is repaired by the next run: the graph writes are
    idempotent and the records not yet booked are simply loaded again.
    """
    store, as_of, resolve, report = run.store, run.as_of, run.resolve, run.report
    progress, complaint_ids = run.progress, run.complaint_ids
    kind = table.kind
    known = store.known_records(kind, table.frame[_ID_FIELD[kind]].astype(str).str.strip())
    with progress.task(f"normalising {table.source}", total=len(table.frame)) as task:
        load, dups, quar = triage([table], kind, known)
        read_q = pd.DataFrame(
            [dict(q, raw=json.dumps(q["raw"], ensure_ascii=False, default=str))
             for q in table.quarantine],
            columns=["source", "row", "reason", "field", "message", "raw"])
        quarantine = pd.concat([x for x in (read_q, quar) if len(x)] or [read_q],
                               ignore_index=True)
        if kind == schema.COMPLAINT:
            complaint_ids.update(load["complaint_id"])
            complaint_ids.update(dups["record_id"])
        read_issues = pd.DataFrame(table.field_issues,
                                   columns=["source", "row", "field", "reason", "message"])
        issues = read_issues.iloc[:0]
        records = pd.DataFrame(columns=["kind", "record_id", "content_hash", "source", "row"])
        if len(load) and kind == schema.CALL:
            load, issues, quarantine = _load_calls(load, quarantine, read_issues, run)
            records = pd.DataFrame({
                "kind": kind, "record_id": load["call_id"],
                "content_hash": load["content_hash"], "source": load["source"],
                "row": load["row"]})
        elif len(load):
            if kind == schema.COMPLAINT:
                keys = normalize_org_names(load["agent_org"])["key"]
                merges = resolve_orgs(keys[keys != ""].value_counts().to_dict(),
                                      store.nodes(ORG)["key"].tolist(), resolve)
                report.org_merges += [mg.to_dict() for mg in merges]
                frames = complaint_frames(load, as_of, merges)
            else:
                frames = transfer_frames(load, as_of)
            stats = store.write(frames.nodes, frames.edges, progress)
            report.nodes_added += stats.nodes_added
            report.edges_added += stats.edges_added
            # Read issues of records not loaded (duplicates) were recorded when they were.
            read_issues = read_issues[read_issues["row"].isin(load["row"])]
            issues = pd.concat([x for x in (read_issues, frames.issues) if len(x)]
                               or [read_issues], ignore_index=True)
            records = pd.DataFrame({
                "kind": kind, "record_id": load[_ID_FIELD[kind]],
                "content_hash": load["content_hash"], "source": load["source"],
                "row": load["row"]})
        store.write_bookkeeping(quarantine, issues, dups, records)
        task.advance(len(table.frame))
    fr = run.by_source[table.source]
    fr.loaded += len(load)
    fr.duplicates += len(dups)
    fr.quarantined += len(quarantine)
    run.q_reasons.update(quarantine["reason"].tolist())
    run.issue_reasons.update(issues["reason"].tolist())


def _load_calls(load: pd.DataFrame, quarantine: pd.DataFrame, read_issues: pd.DataFrame,
                run: _Run) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Normalise and write one chunk of calls to the store's ``calls`` table (not the
    graph); rows without a usable time or link go to quarantine instead of ``load``."""
    calls, issues, bad = call_rows(load, run.as_of)
    run.store.write_calls(calls, run.progress)
    load = load[~load["row"].isin(bad["row"])]
    read_issues = read_issues[read_issues["row"].isin(load["row"])]
    issues = pd.concat([x for x in (read_issues, issues) if len(x)] or [read_issues],
                       ignore_index=True)
    quarantine = pd.concat([x for x in (quarantine, bad) if len(x)] or [quarantine],
                           ignore_index=True)
    return load, issues, quarantine
