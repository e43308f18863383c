"""Read one export file into canonical string columns, with record numbers for provenance.

Supports CSV (UTF-8, UTF-8 with BOM, GB18030), XLSX (every sheet) and JSONL. Headers are
mapped to canonical fields through :data:`etl.schema.SYNONYM_INDEX` plus an optional user
mapping. Structural problems of single records (too many or too few fields) are returned
as quarantine entries; problems with the whole file raise :class:`ExportError` with a
message naming the file.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from etl import schema
from ringgraph.core.errors import InputError

SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".jsonl")

# Quarantine reason codes raised while reading.
ROW_FIELD_COUNT = "ROW_FIELD_COUNT"
ROW_BLANK = "ROW_BLANK"
ROW_NOT_JSON = "ROW_NOT_JSON"


class ExportError(InputError):
    """A whole file cannot be read; the message names the file and what is wrong."""


@dataclass
class RawTable:
    """One sheet of one export, mapped to canonical field names (all values strings)."""

    source: str                     # path relative to the ingested folder
    kind: str                       # schema.COMPLAINT or schema.TRANSFER
    frame: pd.DataFrame             # canonical columns + "row" (1-based record number)
    raw_headers: list[str]
    unmapped_headers: list[str]
    quarantine: list[dict] = field(default_factory=list)
    records: int = 0                # data records seen, including quarantined ones


def detect_encoding(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030, else :class:`ExportError`."""
    if b"\x00" in data[:4096]:
        raise ExportError(f"{name}: looks like a binary file, not a text export")
    for enc in ("utf-8-sig", "gb18030"):
        try:
            data.decode(enc)
            return enc
        except UnicodeDecodeError:
            continue
    raise ExportError(f"{name}: encoding not recognised (tried UTF-8 and GB18030)")


def map_headers(headers: list[str], mapping: dict[str, str] | None = None
                ) -> tuple[dict[int, str], list[str]]:
    """Map header positions to canonical fields; returns (position→field, unmapped)."""
    user = {schema.header_key(k): v for k, v in (mapping or {}).items()}
    by_pos: dict[int, str] = {}
    unmapped: list[str] = []
    taken: set[str] = set()
    for i, h in enumerate(headers):
        key = schema.header_key(h)
        fld = user.get(key) or schema.SYNONYM_INDEX.get(key)
        if fld and fld not in taken:
            by_pos[i] = fld
            taken.add(fld)
        elif str(h).strip():
            unmapped.append(str(h))
    return by_pos, unmapped


def _kind_of(fields: set[str], name: str, headers: list[str]) -> str:
    if "complaint_id" in fields:
        return schema.COMPLAINT
    if set(schema.TRANSFER_REQUIRED) <= fields:
        return schema.TRANSFER
    raise ExportError(
        f"{name}: required field complaint_id (or transfer_id + payee_account) not found; "
        f"headers seen: {', '.join(map(str, headers))}"
    )


def _table(name: str, headers: list[str], records: list[tuple[int, list]],
           mapping: dict[str, str] | None) -> RawTable:
    by_pos, unmapped = map_headers(headers, mapping)
    kind = _kind_of(set(by_pos.values()), name, headers)
    fields = schema.COMPLAINT_FIELDS if kind == schema.COMPLAINT else schema.TRANSFER_FIELDS
    width = len(headers)
    good_rows: list[int] = []
    good: list[list] = []
    quarantine: list[dict] = []
    for rowno, values in records:
        if not any(str(v).strip() for v in values if v is not None):
            quarantine.append(dict(source=name, row=rowno, reason=ROW_BLANK, field="",
                                   message="blank record", raw=values))
            continue
        extra = len(values) > width and any(str(v).strip() for v in values[width:])
        # A short record is a truncated one (a file cut off, a stray line break).
        if extra or len(values) < width:
            quarantine.append(dict(
                source=name, row=rowno, reason=ROW_FIELD_COUNT, field="",
                message=f"{len(values)} fields where the header has {width}", raw=values))
            continue
        values = list(values[:width]) + [""] * (width - len(values))
        good_rows.append(rowno)
        good.append(values)
    cols = {f: [] for f in fields}
    if good:
        transposed = list(zip(*good))
        for pos, fld in by_pos.items():
            cols[fld] = [_cell(v) for v in transposed[pos]]
    frame = pd.DataFrame({f: (cols[f] if cols[f] else [""] * len(good)) for f in fields},
                         dtype=object)
    frame["row"] = pd.array(good_rows, dtype="int64")
    return RawTable(source=name, kind=kind, frame=frame, raw_headers=[str(h) for h in headers],
                    unmapped_headers=unmapped, quarantine=quarantine, records=len(records))


def _cell(v) -> str:
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(v, dt.date):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def sniff_encoding(path: Path, name: str) -> str:
    """UTF-8 (with or without BOM) or GB18030 for a file of any size, read in blocks."""
    import codecs

    with open(path, "rb") as fh:
        head = fh.read(4096)
    if not head.strip():
        with open(path, "rb") as fh:
            if not fh.read().strip():
                raise ExportError(f"{name}: file is empty")
    if b"\x00" in head:
        raise ExportError(f"{name}: looks like a binary file, not a text export")
    for enc in ("utf-8-sig", "gb18030"):
        decoder = codecs.getincrementaldecoder(enc)()
        try:
            with open(path, "rb") as fh:
                while block := fh.read(1 << 24):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return enc
        except UnicodeDecodeError:
            continue
    raise ExportError(f"{name}: encoding not recognised (tried UTF-8 and GB18030)")


def _csv_chunks(path: Path, name: str, mapping: dict[str, str] | None,
                chunk_rows: int | None):
    enc = sniff_encoding(path, name)
    with open(path, encoding=enc, newline="") as fh:
        reader = csv.reader(fh)
        try:
            headers = next(reader)
            batch: list[tuple[int, list]] = []
            for i, rec in enumerate(reader, start=1):
                batch.append((i, rec))
                if chunk_rows and len(batch) >= chunk_rows:
                    yield _table(name, headers, batch, mapping)
                    batch = []
        except csv.Error as exc:
            raise ExportError(f"{name}: malformed CSV near record {reader.line_num}: {exc}") \
                from None
        if batch or not chunk_rows:
            yield _table(name, headers, batch, mapping)


def read_csv(path: Path, name: str, mapping: dict[str, str] | None = None) -> list[RawTable]:
    """A whole CSV export as one table."""
    return list(_csv_chunks(path, name, mapping, None))


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


def read_jsonl(path: Path, name: str, mapping: dict[str, str] | None = None) -> list[RawTable]:
    data = path.read_bytes()
    text = data.decode(detect_encoding(data, name))
    headers: list[str] = []
    seen: set[str] = set()
    objs: list[tuple[int, dict | None, str]] = []
    for i, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            if not isinstance(obj, dict):
                raise ValueError
        except ValueError:
            objs.append((i, None, line))
            continue
        for k in obj:
            if k not in seen:
                seen.add(k)
                headers.append(k)
        objs.append((i, obj, line))
    records = [(i, [("" if o.get(h) is None else o.get(h)) for h in headers])
               for i, o, _ in objs if o is not None]
    table = _table(name, headers, records, mapping)
    table.quarantine += [dict(source=name, row=i, reason=ROW_NOT_JSON, field="",
                              message="line is not a JSON object", raw=[line])
                         for i, o, line in objs if o is None]
    table.records = len(objs)
    return [table]


def iter_export(path: Path, name: str, mapping: dict[str, str] | None = None,
                sheet: str | None = None, chunk_rows: int = 200_000):
    """Read an export as a stream of tables of at most ``chunk_rows`` records each, so a
    million-row file never sits in memory whole (CSV is streamed from disk; workbooks and
    JSONL are read whole, then cut). Raises :class:`ExportError` for unreadable files,
    before anything is yielded when the problem is in the file as a whole."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        yield from _csv_chunks(path, name, mapping, chunk_rows)
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
        yield RawTable(source=table.source, kind=table.kind, frame=frame,
                       raw_headers=table.raw_headers, unmapped_headers=table.unmapped_headers,
                       quarantine=quarantine, records=len(frame) + len(quarantine))


def read_export(path: Path, name: str, mapping: dict[str, str] | None = None,
                sheet: str | None = None) -> list[RawTable]:
    """Read any supported export; raises :class:`ExportError` for unreadable files.

    ``sheet`` names the one worksheet to read from workbooks (default: every sheet).
    """
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt"):
        return read_csv(path, name, mapping)
    if suffix == ".xlsx":
        return read_xlsx(path, name, mapping, sheet)
    if suffix == ".jsonl":
        return read_jsonl(path, name, mapping)
    raise ExportError(f"{name}: unsupported file type {suffix!r} "
                      f"(expected one of {', '.join(SUPPORTED_SUFFIXES)})")
