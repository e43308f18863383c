"""The same scenario as a lending platform exports it: JSON Lines plus a payments CSV.

Written from the rendered cells of the bank-style exports, so ground truth is shared and
a scenario's ring metrics can be compared across the two export styles. Complaints become
``exports/platform_complaints.jsonl`` (English keys, the borrower as a nested object,
demands as an array of tags, attachments as an array of objects with or without the
``sha256:`` prefix and the ``编号`` label, times mixed ISO 8601 / epoch seconds / epoch
milliseconds / the ticket system's own text) and transfers ``exports/platform_payments.csv``
with no serial number. The bank-style export files are removed (the simulator wrote them).
A record's time format is chosen from its ticket number, so an exact duplicate row stays
an exact duplicate.
"""

from __future__ import annotations

import csv
import json
import re
import zlib
from pathlib import Path

import numpy as np

from ringgraph.core.records import COMPLAINT_FIELDS

from simulator.layouts import PAYMENTS_NO_SERIAL, PLATFORM_JSON_KEYS

COMPLAINTS_JSONL = "exports/platform_complaints.jsonl"
PAYMENTS_CSV = "exports/platform_payments.csv"
_DEMAND_SPLIT = re.compile(r"[、,，;；/|]")
_SHANGHAI = 8 * 3600


def _time(cell: str, ts: int, pick: int) -> object:
    """One ``created_at`` value: ISO (+08:00 or Z), epoch ms (number), epoch s (string),
    or the Chinese form; empty stays empty. Derived from the record's true time, so a
    duplicate row gets the same value."""
    if not cell:
        return None
    utc = int(ts) - _SHANGHAI          # ts is Shanghai wall-clock seconds
    d = np.datetime64(int(ts), "s").astype(object)
    if pick < 3:
        return d.strftime("%Y-%m-%dT%H:%M:%S+08:00")
    if pick < 5:
        return np.datetime64(utc, "s").astype(object).strftime("%Y-%m-%dT%H:%M:%SZ")
    if pick < 7:
        return utc * 1000
    if pick < 9:
        return str(utc)
    return d.strftime("%Y年%m月%d日 %H时%M分%S秒")


def _attachments(cell: str, pick: int) -> list[dict] | None:
    if not cell:
        return None
    out = []
    for k, part in enumerate(p for p in re.split(r"[;；]", cell) if p.strip()):
        typ, sha, issuer, cert = (part.split("|", 3) + ["", "", ""])[:4]
        if (pick + k) % 2:
            sha = sha.removeprefix("sha256:")
        if cert and (pick + k) % 3 == 0:
            cert = "编号" + cert
        out.append({"type": typ, "sha256": sha or None, "issuer": issuer or None,
                    "cert_no": cert or None})
    return out


def _record(row: dict[str, str], ts: int) -> dict:
    pick = zlib.crc32(row["complaint_id"].encode("utf-8")) % 10
    rec: dict = {}
    for f in COMPLAINT_FIELDS:
        key, cell = PLATFORM_JSON_KEYS[f], row[f]
        if f == "received_at":
            value = _time(cell, ts, pick)
        elif f == "demands":
            value = [p.strip() for p in _DEMAND_SPLIT.split(cell) if p.strip()] or None
        elif f == "attachments":
            value = _attachments(cell, pick)
        else:
            value = cell or None
        if "." in key:
            outer, inner = key.split(".", 1)
            rec.setdefault(outer, {})[inner] = value
        else:
            rec[key] = value
    return rec


def write_platform_exports(out: Path, files: dict, removed: list[str], cells: dict,
                           orders: list[np.ndarray], ts: np.ndarray, tcells: dict,
                           t_order: np.ndarray, t_ts: np.ndarray) -> dict:
    """Write the platform-style exports, remove ``removed`` (bank-style files this run
    wrote) and return the updated ``files`` table (relative path → rows)."""
    rows = np.concatenate([np.asarray(o, dtype=np.int64) for o in orders])
    cols = {f: cells[f] for f in COMPLAINT_FIELDS}
    tmp = out / (COMPLAINTS_JSONL + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as fh:
        for i in rows.tolist():
            rec = _record({f: str(cols[f][i]) for f in COMPLAINT_FIELDS}, int(ts[i]))
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    tmp.replace(out / COMPLAINTS_JSONL)
    fields = list(PAYMENTS_NO_SERIAL)
    tmp = out / (PAYMENTS_CSV + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([PAYMENTS_NO_SERIAL[f] for f in fields])
        for i in np.asarray(t_order).tolist():
            row = [str(tcells[f][i]) for f in fields]
            if row[0] and zlib.crc32("|".join(row).encode("utf-8")) % 2:
                row[0] = str(int(t_ts[i]) - _SHANGHAI)
            w.writerow(row)
    tmp.replace(out / PAYMENTS_CSV)
    files = {k: v for k, v in files.items() if k not in removed}
    for rel in removed:
        (out / rel).unlink(missing_ok=True)
    files[COMPLAINTS_JSONL] = {"rows": int(len(rows))}
    files[PAYMENTS_CSV] = {"rows": int(len(t_order))}
    return files
