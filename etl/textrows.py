"""Delimited text exports (CSV, TSV) read record by record, decoding each record itself.

The file is parsed as Latin-1 (one character per byte, so the delimiter, quote and line
breaks — all ASCII in both UTF-8 and GB18030 — are found exactly), then every batch of
records is decoded as UTF-8 in one call; only a batch that fails is decoded record by
record, each trying UTF-8 and then GB18030. UTF-8 goes first because GB18030 accepts
almost any byte pair: UTF-8 text decodes as GB18030 into garbage, while GB18030 text is
almost never valid UTF-8. A record neither decodes is quarantined (``ENCODING``) with its
bytes kept; the others load. A NUL does not make the file binary unless the head is full
of them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from etl.errors import EmptyExport, ExportError

_UNIT, _REC = "\x1f", "\x1e"
_BATCH = 5_000
# Share of NUL bytes in the first 4 KB above which a file is binary, not a text export.
_BINARY_NUL_SHARE = 0.05
CANDIDATES = ("utf-8", "gb18030")

# One huge field must not cost the file: the reader accepts it and the table truncates it.
csv.field_size_limit(1 << 30)


def decode_record(blob: bytes) -> tuple[str | None, str]:
    """One record's bytes decoded by the first candidate encoding that fits: ``(text,
    "")``, or ``(None, reason)``. The one encoding rule of every reader.

    >>> decode_record("投诉".encode("gb18030")), decode_record("投诉".encode("utf-8")[:-1])
    (('投诉', ''), (None, 'cut in the middle of a multi-byte character'))
    """
    for enc in CANDIDATES:
        try:
            return blob.decode(enc), ""
        except UnicodeDecodeError as exc:
            if enc == "utf-8" and exc.reason == "unexpected end of data" and \
                    exc.start >= len(blob) - 3:
                return None, "cut in the middle of a multi-byte character"
    return None, f"not decodable as {' or '.join(CANDIDATES)}"


def _decode_one(fields: list[str]) -> list[str] | str:
    """Fields decoded by the first candidate that fits, or a reason string."""
    text, why = decode_record(_UNIT.join(fields).encode("latin-1"))
    if text is None:
        return why
    out = text.split(_UNIT)
    return out if len(out) == len(fields) else "a field separator inside a field"


def decode_batch(rows: list[tuple[int, list[str]]]) -> tuple[list, list]:
    """(decoded rows, undecodable rows as (rowno, reason, raw bytes hex))."""
    if not rows:
        return [], []
    blob = _REC.join(_UNIT.join(r) for _, r in rows).encode("latin-1")
    try:
        recs = blob.decode("utf-8").split(_REC)
        if len(recs) == len(rows):
            out = [(no, t.split(_UNIT)) for (no, r), t in zip(rows, recs)]
            if all(len(v) == len(r) for (_, r), (_, v) in zip(rows, out)):
                return out, []
    except UnicodeDecodeError:
        pass
    good, bad = [], []
    for no, r in rows:
        d = _decode_one(r)
        if isinstance(d, str):
            bad.append((no, d, _UNIT.join(r).encode("latin-1").hex()))
        else:
            good.append((no, d))
    return good, bad


def _check_head(path: Path, name: str) -> tuple[int, bool]:
    """(bytes of BOM to skip, whether the file ends with a line break)."""
    with open(path, "rb") as fh:
        head = fh.read(4096)
        fh.seek(0, io.SEEK_END)
        size = fh.tell()
        ends_nl = False
        if size:
            fh.seek(size - 1)
            ends_nl = fh.read(1) in (b"\n", b"\r")
    bom = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    if not head[bom:].strip():
        raise EmptyExport(f"{name}: file is empty" + (" (a byte-order mark only)" if bom else ""))
    if head.count(b"\x00") > _BINARY_NUL_SHARE * len(head):
        raise ExportError(f"{name}: looks like a binary file, not a text export")
    return bom, ends_nl


def text_records(path: Path, name: str, delimiter: str = ","):
    """Yield ``("header", fields)`` once, then ``("rows", good, bad)`` batches, then
    ``("end", last_record_cut_off, last_record_number)``; raises :class:`ExportError` for a file unreadable whole."""
    bom, ends_nl = _check_head(path, name)
    with open(path, "rb") as raw:
        raw.seek(bom)
        reader = csv.reader(io.TextIOWrapper(raw, encoding="latin-1", newline=""),
                            delimiter=delimiter)
        header_raw = next(reader, None)
        if header_raw is None:
            raise EmptyExport(f"{name}: file is empty")
        header, bad = decode_batch([(0, header_raw)])
        if bad:
            raise ExportError(f"{name}: encoding not recognised in the header "
                              f"(tried {', '.join(CANDIDATES)})")
        yield ("header", header[0][1])
        batch: list[tuple[int, list[str]]] = []
        last: list[str] = []
        i_last = 0
        for i_last, rec in enumerate(reader, start=1):
            batch.append((i_last, rec))
            last = rec
            if len(batch) >= _BATCH:
                yield ("rows", *decode_batch(batch))
                batch = []
        if batch:
            yield ("rows", *decode_batch(batch))
    # A last record without its line break, or ending inside a quoted field, was cut off.
    yield ("end", bool(last) and (not ends_nl or last[-1].endswith(("\n", "\r"))), i_last)
