"""Damaged exports: one small file per kind of damage real exports show, plus a manifest.

Each file holds good records around its damage; ``damaged/manifest.yml`` (JSON text) says, per file,
how many records it holds, which record numbers are damaged and what a reader should do
with them (``lost``: quarantined; ``kept``: loaded with a field issue). A reader that
honours the manifest loses at most the damaged records themselves.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path


from ringgraph.core.records import COMPLAINT_FIELDS

from simulator.identity import check_char
from simulator.layouts import EXPORT_HEADERS, PLATFORM_JSON_KEYS
from simulator.streams import stream

GOOD_ROWS = 40
_HEADER = [EXPORT_HEADERS["bank_csv"][f] for f in COMPLAINT_FIELDS]


def _rows(seed: int, tag: str, n: int = GOOD_ROWS) -> list[list[str]]:
    """``n`` plain, valid complaint rows (bank layout) with ids ``DMG-<tag>-<k>``."""
    rng = stream(seed, f"damaged-{tag}")
    out = []
    for k in range(1, n + 1):
        first17 = f"430421{1970 + int(rng.integers(0, 30))}0{int(rng.integers(1, 10))}1" \
                  f"{int(rng.integers(1, 10))}{int(rng.integers(100, 1000))}"
        row = {f: "" for f in COMPLAINT_FIELDS}
        row.update(complaint_id=f"DMG-{tag}-{k:04d}", received_at=f"2025-03-{k % 28 + 1:02d} 10:00",
                   channel="APP", name="张伟", id_number=first17 + check_char(first17),
                   phone=f"138{int(rng.integers(10**7, 10**8))}", province="湖南",
                   institution="某某消费金融有限公司", overdue_amount="1,200.50",
                   demands="停息挂账、减免罚息", text="要求停息挂账，催收电话太多。")
        out.append([row[f] for f in COMPLAINT_FIELDS])
    return out


def _csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> list[bytes]:
    """Header and each record as encoded CSV lines (so single lines can be re-encoded)."""
    lines = []
    for r in [_HEADER, *rows]:
        buf = io.StringIO()
        csv.writer(buf, lineterminator="\n").writerow(r)
        lines.append(buf.getvalue().encode(encoding))
    return lines


def _atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    tmp.replace(path)


def _cases(seed: int) -> dict[str, tuple[bytes, int, dict]]:
    """File name → (bytes, records, {record number: "lost"/"kept"})."""
    text = COMPLAINT_FIELDS.index("text")
    cases: dict[str, tuple[bytes, int, dict]] = {}
    r = _rows(seed, "long")
    r[9][text] = "长" * 200_000
    cases["oversized_field.csv"] = (b"".join(_csv_bytes(r)), len(r), {10: "kept"})
    lines = _csv_bytes(_rows(seed, "gbrows"))
    for k in (3, 11, 17, 25, 33):   # five GB18030 records inside a UTF-8 file
        lines[k] = lines[k].decode("utf-8").encode("gb18030")
    cases["gb18030_rows_in_utf8.csv"] = (b"".join(lines), GOOD_ROWS, {})
    lines = _csv_bytes(_rows(seed, "u8rows"), "gb18030")
    for k in (5, 20):
        lines[k] = lines[k].decode("gb18030").encode("utf-8")
    cases["utf8_rows_in_gb18030.csv"] = (b"".join(lines), GOOD_ROWS, {})
    r = _rows(seed, "cut")
    r[-1][-1] = "见附件说明"          # the file ends inside this field's last character
    data = b"".join(_csv_bytes(r))
    cases["cut_mid_character.csv"] = (data[:-2], GOOD_ROWS, {GOOD_ROWS: "lost"})
    lines = _csv_bytes(_rows(seed, "nul"))
    lines[2] = lines[2].replace("催收".encode("utf-8"), "催\x00收".encode("utf-8"))
    cases["nul_byte.csv"] = (b"".join(lines), GOOD_ROWS, {2: "kept"})
    lines = _csv_bytes(_rows(seed, "short"))
    for k in range(1, len(lines), 2):   # hand-edited: trailing empty fields dropped
        lines[k] = lines[k].rstrip(b",\n") + b"\n"
    cases["short_rows.csv"] = (b"".join(lines), GOOD_ROWS,
                               {k: "kept" for k in range(1, GOOD_ROWS + 1, 2)})
    recs = [dict(zip([PLATFORM_JSON_KEYS[f] for f in COMPLAINT_FIELDS], r))
            for r in _rows(seed, "deep")]
    jl = [json.dumps(x, ensure_ascii=False) for x in recs]
    jl[6] = "[" * 10_000 + "]" * 10_000
    cases["deep.jsonl"] = (("\n".join(jl) + "\n").encode("utf-8"), GOOD_ROWS, {7: "lost"})
    r = _rows(seed, "digits")
    r[4][COMPLAINT_FIELDS.index("phone")] = "١٣٨" + r[4][COMPLAINT_FIELDS.index("phone")][3:]
    r[5][COMPLAINT_FIELDS.index("overdue_amount")] = "9" * 400
    cases["digits_and_overflow.csv"] = (b"".join(_csv_bytes(r)), GOOD_ROWS, {6: "kept"})
    cases["bom_only.csv"] = (b"\xef\xbb\xbf", 0, {})
    cases["header_only.csv"] = (_csv_bytes([])[0], 0, {})
    return cases


def write_damaged(folder: Path, seed: int, root: Path | None = None) -> dict:
    """Write the damaged files and ``manifest.json`` into ``folder``; returns the written
    files as ``{path relative to root: {"rows": records}}`` for the scenario's file table."""
    folder.mkdir(parents=True, exist_ok=True)
    manifest = {}
    files = {}
    for name, (data, records, damaged) in sorted(_cases(seed).items()):
        _atomic(folder / name, data)
        manifest[name] = {"records": records,
                          "damaged": {str(k): v for k, v in sorted(damaged.items())}}
        rel = (folder / name).relative_to(root).as_posix() if root else name
        files[rel] = {"rows": records}
    _atomic(folder / "manifest.yml",
            (json.dumps(manifest, ensure_ascii=False, sort_keys=True, indent=2) + "\n")
            .encode("utf-8"))
    return files


if __name__ == "__main__":  # pragma: no cover
    import sys

    write_damaged(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 0)
