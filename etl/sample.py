"""The first records of any supported export, unmapped: what the mapping assistant profiles
(no canonical field is required, so a file ETL cannot map yet can still be sampled)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from etl import read as rd
from etl.suggest import SAMPLE_ROWS


def sample_columns(path: Path, name: str) -> dict[str, pd.Series]:
    """Headers and up to :data:`SAMPLE_ROWS` values per column of any supported export."""
    headers, rows = read_raw(path, name, SAMPLE_ROWS)
    width = len(headers)
    padded = [list(r[:width]) + [""] * (width - len(r)) for r in rows]
    return {h: pd.Series([r[i] for r in padded], dtype=object) for i, h in enumerate(headers)}


def read_raw(path: Path, name: str, limit: int) -> tuple[list[str], list[list[str]]]:
    """Headers and the first ``limit`` records of any supported export, unmapped (for the
    mapping assistant: no canonical field is required)."""
    suffix = path.suffix.lower()
    if suffix in (".csv", ".txt", ".tsv"):
        stream = rd.text_records(path, name, "\t" if suffix == ".tsv" else ",")
        headers, rows = next(stream)[1], []
        for item in stream:
            if item[0] == "rows":
                rows += [r for _, r in item[1]]
            if len(rows) >= limit or item[0] == "end":
                break
        return headers, rows[:limit]
    if suffix in (".jsonl", ".json"):
        recs = (rd.jsonl_records if suffix == ".jsonl" else rd.json_array_records)(path, name)[0]
        headers = list(dict.fromkeys(k for _, o in recs[:limit] for k in o))
        return headers, [[rd._cell(o.get(h)) for h in headers] for _, o in recs[:limit]]
    if suffix == ".parquet":
        df = pd.read_parquet(path).head(limit).astype(object)
        return [str(c) for c in df.columns], [[rd._cell(v) for v in r] for r in df.values.tolist()]
    if suffix in (".xlsx", ".xls"):
        import python_calamine

        try:
            wb = python_calamine.CalamineWorkbook.from_path(str(path))
            rows = wb.get_sheet_by_name(wb.sheet_names[0]).to_python()
        except Exception as exc:  # noqa: BLE001 - calamine raises several types
            raise rd.ExportError(f"{name}: not a readable workbook ({type(exc).__name__})") from None
        if not rows:
            raise rd.EmptyExport(f"{name}: first sheet is empty")
        return ([rd._cell(h) for h in rows[0]],
                [[rd._cell(v) for v in r] for r in rows[1:limit + 1]])
    raise rd.ExportError(f"{name}: unsupported file type {suffix!r}")
