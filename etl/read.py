"""Read one export file into canonical string columns, with record numbers for provenance.

Supports CSV and TSV (UTF-8, UTF-8 with BOM, GB18030 — decided per record), XLSX and XLS
(every sheet), Parquet, JSON Lines and ``.json`` arrays of records. Headers are mapped to
canonical fields through :data:`etl.schema.SYNONYM_INDEX` plus an optional user mapping.
Problems of single records are returned as quarantine entries or field issues and never
cost the rest of the file; problems with the whole file raise :class:`ExportError` with a
message naming the file. Zip archives are opened by :mod:`etl.archive`.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from etl import schema
from etl.errors import (ENCODING, FIELD_TRUNCATED, NUL_STRIPPED, ROW_BLANK,  # noqa: F401
                        ROW_FIELD_COUNT, ROW_NOT_JSON, ROW_SHORT, EmptyExport, ExportError)
from etl.jsonrows import iter_jsonl, json_array_records, jsonl_records
from etl.textrows import text_records

SUPPORTED_SUFFIXES = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".jsonl", ".json", ".parquet")
# Longer fields load truncated (with a field issue): no export field is legitimately longer.
MAX_FIELD_CHARS = 131_072


@dataclass
class RawTable:
    """One sheet of one export, mapped to canonical field names (all values strings)."""

    source: str                     # path relative to the ingested folder
    kind: str                       # schema.COMPLAINT, TRANSFER or CALL
    frame: pd.DataFrame             # canonical columns + "row" (1-based record number)
    raw_headers: list[str]
    unmapped_headers: list[str]
    quarantine: list[dict] = field(default_factory=list)
    records: int = 0                # data records seen, including quarantined ones
    field_issues: list[dict] = field(default_factory=list)   # source,row,field,reason,message
    derived_ids: bool = False       # transfers without a serial: ids made from content
    suggested: dict[str, str] = field(default_factory=dict)  # unmapped identifier columns


def map_headers(headers: list[str], mapping: dict[str, str] | None = None
                ) -> tuple[dict[int, str], list[str]]:
    """Map header positions to canonical fields; returns (position→field, unmapped)."""
    user = {schema.header_key(k): v for k, v in (mapping or {}).items()}
    by_pos: dict[int, str] = {}
    unmapped: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        key = schema.header_key(h)
        # A flattened nested key (customer.name) also matches on its last part.
        leaf = key.rsplit(".", 1)[-1]
        fld = (user.get(key) or schema.SYNONYM_INDEX.get(key) or user.get(leaf)
               or schema.SYNONYM_INDEX.get(leaf))
        if fld and fld not in taken:
            by_pos[i] = fld
            taken.add(fld)
        elif str(h).strip():
            unmapped.append(str(h))
    return by_pos, unmapped


def _kind_of(fields: set[str], name: str, headers: list[str]) -> str:
    if "complaint_id" in fields:
        return schema.COMPLAINT
    if "called_at" in fields and fields & schema.CALL_MARKERS:
        return schema.CALL
    # A statement without serial numbers is still a statement: ids are derived on ingest.
    if "payee_account" in fields:
        return schema.TRANSFER
    raise ExportError(
        f"{name}: required field complaint_id (or payee_account, or called_at for a "
        f"call log) not found; "
        f"headers seen: {', '.join(map(str, headers))}"
    )


def _table(name: str, headers: list[str], records: list[tuple[int, list]],
           mapping: dict[str, str] | None, truncated_last: bool = False) -> RawTable:
    """Records → a table of canonical columns; per-record problems become quarantine
    entries (blank, extra fields, a cut-off last record) or field issues (short records
    padded, oversized fields truncated, NULs stripped)."""
    by_pos, unmapped = map_headers(headers, mapping)
    kind = _kind_of(set(by_pos.values()), name, headers)
    if kind == schema.CALL:
        by_pos, unmapped = schema.call_fields(by_pos, unmapped, headers)
    fields = schema.FIELDS_OF[kind]
    width = len(headers)
    good_rows: list[int] = []
    good: list[list] = []
    quarantine: list[dict] = []
    short: list[tuple[int, int]] = []
    for k, (rowno, values) in enumerate(records):
        if not _has_content(values):
            quarantine.append(dict(source=name, row=rowno, reason=ROW_BLANK, field="",
                                   message="blank record", raw=values))
            continue
        extra = len(values) > width and any(str(v).strip() for v in values[width:])
        cut = truncated_last and k == len(records) - 1 and len(values) < width
        if extra or cut:
            why = "cut off at the end of the file" if cut else "more fields than the header"
            quarantine.append(dict(
                source=name, row=rowno, reason=ROW_FIELD_COUNT, field="",
                message=f"{len(values)} fields where the header has {width}: {why}",
                raw=values))
            continue
        if len(values) < width:
            short.append((rowno, len(values)))
            values = list(values) + [""] * (width - len(values))
        good_rows.append(rowno)
        good.append(values[:width])
    cols = {f: [] for f in fields}
    text = bool(good) and all(type(v) is str for v in good[0])
    if text:
        text = all(type(v) is str for r in good for v in r)
    if good:
        transposed = list(zip(*good))
        for pos, fld in by_pos.items():
            if fld in cols:
                col = transposed[pos]
                # Text exports hold only strings: no per-cell conversion needed.
                cols[fld] = list(col) if text else [_cell(v) for v in col]
    frame = pd.DataFrame({f: (cols[f] if cols[f] else [""] * len(good)) for f in fields},
                         dtype=object)
    frame["row"] = pd.array(good_rows, dtype="int64")
    issues = [dict(source=name, row=r, field="", reason=ROW_SHORT,
                   message=f"{n} fields where the header has {width}: padded with empty fields")
              for r, n in short]
    issues += _clean_cells(frame, [f for f in fields if cols[f]], name)
    derived = (kind == schema.TRANSFER and "transfer_id" not in by_pos.values()) or (
        kind == schema.CALL and "call_id" not in by_pos.values())
    return RawTable(source=name, kind=kind, frame=frame, raw_headers=[str(h) for h in headers],
                    unmapped_headers=unmapped, quarantine=quarantine, records=len(records),
                    field_issues=issues, derived_ids=derived,
                    suggested=_suggest_unmapped(headers, by_pos, good))


def _has_content(values: list) -> bool:
    """True when some field of a record holds more than white space."""
    try:
        # Text exports: all strings, and the join is blank exactly when every field is.
        return bool("".join(values).strip())
    except TypeError:
        return any(str(v).strip() for v in values if v is not None)


def _suggest_unmapped(headers: list, by_pos: dict[int, str], good: list[list]
                      ) -> dict[str, str]:
    """The mapping assistant's field for unmapped columns that look like identifiers."""
    from etl.suggest import SAMPLE_ROWS, identifier_suggestions

    free = [i for i, h in enumerate(headers) if i not in by_pos and str(h).strip()]
    if not free or not good:
        return {}
    sample = good[:SAMPLE_ROWS // 4]
    return identifier_suggestions({str(headers[i]): pd.Series([_cell(r[i]) for r in sample],
                                                              dtype=object) for i in free})


def _clean_cells(frame: pd.DataFrame, cols: list[str], name: str) -> list[dict]:
    """Strip NULs and truncate oversized fields in place (vectorised); their field issues."""
    issues: list[dict] = []
    for c in cols:
        s = frame[c].astype(str)
        nul = s.str.contains("\x00", regex=False)
        if nul.any():
            s = s.where(~nul, s.str.replace("\x00", "", regex=False))
            issues += [dict(source=name, row=int(r), field=c, reason=NUL_STRIPPED,
                            message=f"{c}: NUL character(s) removed")
                       for r in frame.loc[nul, "row"]]
        long = s.str.len() > MAX_FIELD_CHARS
        if long.any():
            issues += [dict(source=name, row=int(r), field=c, reason=FIELD_TRUNCATED,
                            message=f"{c}: {n} characters, truncated to {MAX_FIELD_CHARS}")
                       for r, n in zip(frame.loc[long, "row"], s[long].str.len())]
            s = s.where(~long, s.str.slice(0, MAX_FIELD_CHARS))
        if nul.any() or long.any():
            frame[c] = s.astype(object)
    return issues


def _cell(v) -> str:
    if type(v) is str:      # text exports: every cell, so checked first and cheaply
        return v
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if isinstance(v, np.ndarray):
        v = v.tolist()
    if isinstance(v, (list, dict)):
        # Nested values keep their structure as JSON text for etl.nested.
        try:
            return json.dumps(v, ensure_ascii=False, default=str)
        except (ValueError, RecursionError):
            return ""
    return str(v)


def _text_chunks(path: Path, name: str, mapping: dict[str, str] | None,
                 chunk_rows: int | None, delimiter: str = ","):
    """Tables of at most ``chunk_rows`` records, streamed from disk; always at least one
    (a header-only file gives an empty table, so it is listed in the report)."""
    stream = text_records(path, name, delimiter)
    headers = next(stream)[1]
    pending: list[tuple[int, list]] = []
    bad_q: list[dict] = []
    yielded = False
    for item in stream:
        if item[0] == "end":
            if pending or bad_q or not yielded:
                # Only the file's own last record can have been cut off.
                cut = item[1] and bool(pending) and pending[-1][0] == item[2]
                t = _table(name, headers, pending, mapping, truncated_last=cut)
                yield _with_bad(t, bad_q)
            return
        _, good, bad = item
        pending += good
        bad_q += [dict(source=name, row=no, reason=ENCODING, field="",
                       message=f"record {why}; its bytes are kept", raw=["hex:" + hx])
                  for no, why, hx in bad]
        # Keep the last record back: only the file's end can say it was cut off.
        while chunk_rows and len(pending) > chunk_rows:
            t = _table(name, headers, pending[:chunk_rows], mapping)
            yield _with_bad(t, bad_q)
            pending, bad_q, yielded = pending[chunk_rows:], [], True


def _with_bad(t: RawTable, bad_q: list[dict]) -> RawTable:
    t.quarantine += bad_q
    t.records += len(bad_q)
    return t


def read_csv(path: Path, name: str, mapping: dict[str, str] | None = None,
             delimiter: str = ",") -> list[RawTable]:
    """A whole CSV (or, with ``delimiter="\t"``, TSV) export as one table."""
    return list(_text_chunks(path, name, mapping, None, delimiter))


def read_xlsx(path: Path, name: str, mapping: dict[str, str] | None = None,
              sheet: str | None = None) -> list[RawTable]:
    """Every sheet (or the one named ``sheet``) of a workbook, one table per sheet."""
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # noqa: BLE001 - calamine raises several types for bad files
        raise ExportError(f"{name}: not a readable XLSX workbook "
                          f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})") \
            from None
    names = [sheet] if sheet else list(wb.sheet_names)
    tables = []
    for sname in names:
        if sname not in wb.sheet_names:
            raise ExportError(f"{name}: no sheet named {sname!r} "
                              f"(sheets: {', '.join(wb.sheet_names)})")
        try:
            rows = wb.get_sheet_by_name(sname).to_python()
        except Exception as exc:  # noqa: BLE001
            raise ExportError(f"{name}: sheet {sname!r} cannot be read "
                              f"({str(exc).splitlines()[0] if str(exc) else type(exc).__name__})"
                              ) from None
        if not rows:
            continue
        headers = [_cell(h) for h in rows[0]]
        while headers and not headers[-1]:
            headers.pop()
        records = [(i, list(r)) for i, r in enumerate(rows[1:], start=1)]
        # Trailing empty rows are formatting, not data.
        while records and not any(_cell(v).strip() for v in records[-1][1]):
            records.pop()
        label = name if len(names) == 1 else f"{name}#{sname}"
        tables.append(_table(label, headers, records, mapping))
    if not tables:
        raise ExportError(f"{name}: workbook has no sheet with a header row")
    return tables


def _records_table(name: str, records: list[tuple[int, dict]], quarantine: list[dict],
                   mapping: dict[str, str] | None) -> RawTable:
    headers: list[str] = []
    seen: set[str] = set()
    for _, obj in records:
        for k in obj:
            if k not in seen:
                seen.add(k)
                headers.append(k)
    rows = [(i, [("" if o.get(h) is None else o.get(h)) for h in headers]) for i, o in records]
    if not headers:
        raise ExportError(f"{name}: no record is a JSON object with fields")
    table = _table(name, headers, rows, mapping)
    table.quarantine += quarantine
    table.records = len(rows) + len(quarantine)
    return table


def read_jsonl(path: Path, name: str, mapping: dict[str, str] | None = None) -> list[RawTable]:
    """A JSON Lines export (one object per line; nested values kept, see etl.jsonrows)."""
    return [_records_table(name, *jsonl_records(path, name), mapping)]


def read_json(path: Path, name: str, mapping: dict[str, str] | None = None) -> list[RawTable]:
    """A ``.json`` file holding an array of record objects."""
    return [_records_table(name, *json_array_records(path, name), mapping)]


def read_parquet(path: Path, name: str, mapping: dict[str, str] | None = None
                 ) -> list[RawTable]:
    """A Parquet export (nested list/struct columns become JSON text)."""
    try:
        df = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises many types for bad files
        raise ExportError(f"{name}: not a readable Parquet file "
                          f"({str(exc).splitlines()[0][:100] if str(exc) else type(exc).__name__})"
                          ) from None
    df = df.astype(object).where(df.notna(), None)
    records = [(i, list(r)) for i, r in enumerate(df.itertuples(index=False, name=None), 1)]
    return [_table(name, [str(c) for c in df.columns], records, mapping)]


def iter_export(path: Path, name: str, mapping: dict[str, str] | None = None,
                sheet: str | None = None, chunk_rows: int = 200_000):
    """Read an export as a stream of tables of at most ``chunk_rows`` records each, so a
    million-row file never sits in memory whole (CSV, TSV and JSON Lines are streamed from
    disk; workbooks, Parquet and JSON arrays are read whole, then cut). Raises :class:`ExportError` for unreadable files,
    before anything is yielded when the problem is in the file as a whole."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        yield from _text_chunks(path, name, mapping, chunk_rows,
                                "\t" if suffix == ".tsv" else ",")
        return
    if suffix == ".jsonl":
        prev = None
        for records, quarantine in iter_jsonl(path, name, chunk_rows):
            if records or prev is None:
                prev = _records_table(name, records, quarantine, mapping)
                yield prev
            else:   # only broken lines after the last full chunk
                yield RawTable(source=name, kind=prev.kind, frame=prev.frame.iloc[:0],
                               raw_headers=prev.raw_headers,
                               unmapped_headers=prev.unmapped_headers,
                               quarantine=quarantine, records=len(quarantine))
        return
    for table in read_export(path, name, mapping, sheet):
        yield from _split(table, chunk_rows)


def _split(table: RawTable, chunk_rows: int):
    if len(table.frame) <= chunk_rows:
        yield table
        return
    starts = list(range(0, len(table.frame), chunk_rows))
    # Chunk k owns the quarantined records after chunk k-1's last row up to its own last.
    last = [int(table.frame["row"].iloc[min(s + chunk_rows, len(table.frame)) - 1])
            for s in starts]
    for k, start in enumerate(starts):
        frame = table.frame.iloc[start:start + chunk_rows].reset_index(drop=True)
        lo = last[k - 1] if k else float("-inf")
        hi = last[k] if k < len(starts) - 1 else float("inf")
        quarantine = [q for q in table.quarantine if lo < q["row"] <= hi]
        issues = [q for q in table.field_issues if lo < q["row"] <= hi]
        yield RawTable(source=table.source, kind=table.kind, frame=frame,
                       raw_headers=table.raw_headers, unmapped_headers=table.unmapped_headers,
                       quarantine=quarantine, records=len(frame) + len(quarantine),
                       field_issues=issues, derived_ids=table.derived_ids)


def read_export(path: Path, name: str, mapping: dict[str, str] | None = None,
                sheet: str | None = None) -> list[RawTable]:
    """Read any supported export; raises :class:`ExportError` for unreadable files.

    ``sheet`` names the one worksheet to read from workbooks (default: every sheet).
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        return read_csv(path, name, mapping, "\t" if suffix == ".tsv" else ",")
    if suffix in (".xlsx", ".xls"):
        return read_xlsx(path, name, mapping, sheet)
    if suffix == ".jsonl":
        return read_jsonl(path, name, mapping)
    if suffix == ".json":
        return read_json(path, name, mapping)
    if suffix == ".parquet":
        return read_parquet(path, name, mapping)
    raise ExportError(f"{name}: unsupported file type {suffix!r} "
                      f"(expected one of {', '.join(SUPPORTED_SUFFIXES)})")
