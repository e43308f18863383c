"""Rows from Neo4j and frames for it: what makes both stores carry and return the same values.

Writing: :func:`plain` turns a frame into str/int/None columns and :func:`rows` into the
row lists ``UNWIND`` takes, every missing value a Cypher null (never NaN). Reading: rows
pass through an in-memory DuckDB relation with the DuckDB store's casts and ``ORDER BY``
(:func:`typed_frame`), so both stores return equal frames (dtypes, order, fingerprint).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.store.base import (DUPLICATE_COLUMNS, FIELD_ISSUE_COLUMNS, QUARANTINE_COLUMNS,
                                  RECORD_COLUMNS)

# DuckDB casts and orders that make read-back frames equal to the DuckDB store's.
NODE_SQL = ('SELECT CAST(label AS VARCHAR) AS label, CAST(key AS VARCHAR) AS key, '
             'CAST(name AS VARCHAR) AS name, CAST(props AS VARCHAR) AS props, '
             'CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
             'CAST("at" AS VARCHAR) AS "at" FROM incoming ORDER BY label, key')
EDGE_SQL = ('SELECT CAST(rel AS VARCHAR) AS rel, CAST(src_label AS VARCHAR) AS src_label, '
             'CAST(src_key AS VARCHAR) AS src_key, CAST(dst_label AS VARCHAR) AS dst_label, '
             'CAST(dst_key AS VARCHAR) AS dst_key, CAST(eid AS VARCHAR) AS eid, '
             'CAST(props AS VARCHAR) AS props, CAST(source AS VARCHAR) AS source, '
             'CAST("row" AS BIGINT) AS "row", CAST("at" AS VARCHAR) AS "at" FROM incoming '
             'ORDER BY rel, src_label, src_key, dst_label, dst_key, eid')
PROPERTY_SQL = ("SELECT key, json_extract_string(props, '$.' || ?) AS v FROM incoming "
                 "ORDER BY key")
TABLE_SQL = {
    "quarantine": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                   'CAST(reason AS VARCHAR) AS reason, CAST(field AS VARCHAR) AS field, '
                   'CAST(message AS VARCHAR) AS message, CAST(raw AS VARCHAR) AS raw '
                   'FROM incoming ORDER BY source, "row"'),
    "field_issues": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                     'CAST(field AS VARCHAR) AS field, CAST(reason AS VARCHAR) AS reason, '
                     'CAST(message AS VARCHAR) AS message FROM incoming '
                     'ORDER BY source, "row", field'),
    "duplicates": ('SELECT CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row", '
                   'CAST(record_id AS VARCHAR) AS record_id, '
                   'CAST(kept_source AS VARCHAR) AS kept_source, '
                   'CAST(kept_row AS BIGINT) AS kept_row FROM incoming ORDER BY source, "row"'),
    "records": ('SELECT CAST(kind AS VARCHAR) AS kind, CAST(record_id AS VARCHAR) AS record_id, '
                'CAST(content_hash AS VARCHAR) AS content_hash, '
                'CAST(source AS VARCHAR) AS source, CAST("row" AS BIGINT) AS "row" '
                'FROM incoming ORDER BY kind, record_id'),
    "runs": ('SELECT CAST(run AS INTEGER) AS run, CAST(report AS VARCHAR) AS report '
             'FROM incoming ORDER BY run'),
}
TABLE_COLUMNS = {"quarantine": QUARANTINE_COLUMNS, "field_issues": FIELD_ISSUE_COLUMNS,
                  "duplicates": DUPLICATE_COLUMNS, "records": RECORD_COLUMNS,
                  "runs": ("run", "report")}
INT_COLUMNS = {"row", "kept_row", "run"}


def plain(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """``columns`` of ``frame`` as object columns of str/int/None (what Bolt can carry)."""
    out = frame.reindex(columns=list(columns))
    data = {}
    for c in out.columns:
        col = out[c]
        if c in INT_COLUMNS:
            num = pd.to_numeric(col, errors="coerce")
            data[c] = np.array([None if pd.isna(v) else int(v) for v in num], dtype=object)
        else:
            arr = col.astype(object).to_numpy()
            mask = pd.isna(col).to_numpy()
            arr = arr.copy()
            arr[mask] = None
            data[c] = np.array([v if v is None else str(v) for v in arr], dtype=object)
    return pd.DataFrame(data, index=out.index, columns=list(columns))


def rows(frame: pd.DataFrame, columns) -> list[list]:
    """Row lists for ``UNWIND``; every missing value is ``None`` (Cypher null), never NaN:
    pandas turns ``None`` in a text column into NaN, which Neo4j would store as a float."""
    if not len(frame):
        return []
    sub = frame[list(columns)].astype(object)
    return sub.where(sub.notna(), None).to_numpy(dtype=object).tolist()


def typed_frame(con, rows: list[list], columns, sql: str, params=None) -> pd.DataFrame:
    """Rows → the frame the DuckDB store would return (its casts, dtypes and order)."""
    cols = list(columns)
    data = {}
    for i, c in enumerate(cols):
        values = [r[i] for r in rows]
        data[c] = (pd.array(values, dtype="Int64") if c in INT_COLUMNS
                   else pd.array(values, dtype=object))
    frame = pd.DataFrame(data, columns=cols)
    con.register("incoming", frame)
    try:
        return con.execute(sql, params).df() if params else con.execute(sql).df()
    finally:
        con.unregister("incoming")
