"""JSON exports: JSON Lines (one record per line) and ``.json`` files holding an array.

Nested objects are flattened one level into ``parent.child`` headers (the header mapper
also tries the last part alone); arrays stay as their JSON text for
:mod:`etl.nested`. A line that is too large or nested too deep is quarantined
(``JSON_TOO_DEEP``) before the parser sees it, so no input can raise ``RecursionError``.
"""

from __future__ import annotations

import json
from pathlib import Path

from etl.errors import ENCODING, JSON_TOO_DEEP, ROW_NOT_JSON, EmptyExport, ExportError
from etl.textrows import decode_record

MAX_JSON_LINE = 16 << 20      # bytes per record
MAX_JSON_DEPTH = 32           # exports nest two or three levels; 32 is generous


def _depth(line: bytes) -> int:
    """Deepest bracket nesting outside strings (only called on lines with many brackets)."""
    depth = best = 0
    in_str = esc = False
    for b in line:
        if in_str:
            if esc:
                esc = False
            elif b == 0x5C:
                esc = True
            elif b == 0x22:
                in_str = False
        elif b == 0x22:
            in_str = True
        elif b in (0x5B, 0x7B):
            depth += 1
            best = max(best, depth)
            if best > MAX_JSON_DEPTH:
                return best
        elif b in (0x5D, 0x7D):
            depth -= 1
    return best


def flatten(obj: dict) -> dict:
    """One level of nested objects → ``parent.child`` keys; arrays are kept as they are.

    >>> flatten({"id": 1, "customer": {"name": "张三", "mobile": "138"}, "tags": ["a"]})
    {'id': 1, 'customer.name': '张三', 'customer.mobile': '138', 'tags': ['a']}
    """
    out = {}
    for k, v in obj.items():
        if isinstance(v, dict) and v and all(not isinstance(x, dict) for x in v.values()):
            for k2, v2 in v.items():
                out[f"{k}.{k2}"] = v2
        else:
            out[k] = v
    return out


def parse_record(line: bytes, name: str, rowno: int) -> tuple[dict | None, dict | None]:
    """(record, None) or (None, quarantine entry) for one JSON line."""
    def q(reason: str, message: str, raw) -> tuple[None, dict]:
        return None, dict(source=name, row=rowno, reason=reason, field="", message=message,
                          raw=raw)

    if len(line) > MAX_JSON_LINE:
        return q(JSON_TOO_DEEP, f"record of {len(line)} bytes exceeds {MAX_JSON_LINE}",
                 [f"{len(line)} bytes, first 200: {line[:200].hex()}"])
    if line.count(b"[") + line.count(b"{") > MAX_JSON_DEPTH and _depth(line) > MAX_JSON_DEPTH:
        return q(JSON_TOO_DEEP, f"nested deeper than {MAX_JSON_DEPTH} levels",
                 [f"first 200 bytes: {line[:200].hex()}"])
    text, why = decode_record(line)
    if text is None:
        return q(ENCODING, f"record {why}", ["hex:" + line.hex()])
    try:
        obj = json.loads(text)
    except (ValueError, RecursionError):
        obj = None
    if not isinstance(obj, dict):
        return q(ROW_NOT_JSON, "line is not a JSON object", [text])
    return flatten(obj), None


def iter_jsonl(path: Path, name: str, chunk_rows: int | None = None):
    """Batches of (records, quarantine entries) of a JSON Lines file, streamed from disk:
    at most ``chunk_rows`` records per batch (one batch when ``None``)."""
    records: list[tuple[int, dict]] = []
    quarantine: list[dict] = []
    seen_any = False
    with open(path, "rb") as fh:
        for i, line in enumerate(fh, start=1):
            if i == 1 and line.startswith(b"\xef\xbb\xbf"):
                line = line[3:]
            if not line.strip():
                continue
            seen_any = True
            rec, q = parse_record(line.rstrip(b"\r\n"), name, i)
            if rec is not None:
                records.append((i, rec))
            else:
                quarantine.append(q)
            if chunk_rows and len(records) >= chunk_rows:
                yield records, quarantine
                records, quarantine = [], []
    if not seen_any:
        raise EmptyExport(f"{name}: file is empty")
    if records or quarantine:
        yield records, quarantine


def jsonl_records(path: Path, name: str) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Records (line number, flat dict) and quarantine entries of a JSON Lines file."""
    records, quarantine = [], []
    for r, q in iter_jsonl(path, name):
        records += r
        quarantine += q
    return records, quarantine


def json_array_records(path: Path, name: str) -> tuple[list[tuple[int, dict]], list[dict]]:
    """Records of a ``.json`` file: an array of objects, or an object holding one
    (``data``, ``records``, ``items``, ``rows`` …); record numbers count from 1."""
    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf").strip():
        raise EmptyExport(f"{name}: file is empty")
    text, why = decode_record(data.removeprefix(b"\xef\xbb\xbf"))
    if text is None:
        raise ExportError(f"{name}: encoding not recognised ({why})")
    try:
        doc = json.loads(text)
    except RecursionError:
        raise ExportError(f"{name}: JSON nested too deep to read") from None
    except ValueError as exc:
        raise ExportError(f"{name}: not valid JSON ({str(exc)[:80]})") from None
    if isinstance(doc, dict):
        arrays = [v for v in doc.values() if isinstance(v, list)]
        doc = arrays[0] if len(arrays) == 1 else None
    if not isinstance(doc, list):
        raise ExportError(f"{name}: expected an array of records (or an object holding one)")
    records, quarantine = [], []
    for i, obj in enumerate(doc, start=1):
        if isinstance(obj, dict):
            records.append((i, flatten(obj)))
        else:
            quarantine.append(dict(source=name, row=i, reason=ROW_NOT_JSON, field="",
                                   message="array element is not a JSON object",
                                   raw=[json.dumps(obj, ensure_ascii=False)[:1000]]))
    return records, quarantine
