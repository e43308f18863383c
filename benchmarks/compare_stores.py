"""Are two ingest stores identical? Every table compared row for row, and the reports.

Used to check that a faster ingest writes exactly what the code before it wrote: build a
reference store with the old code, one with the new, then

    .venv/bin/python benchmarks/compare_stores.py REF.duckdb NEW.duckdb

Exit 0 when nodes, edges, quarantine, field_issues, duplicates and records hold the same
rows (as multisets; row order in a table carries no meaning) and the completed runs' reports
agree apart from the run id and the store path; exit 1 with the differing tables otherwise.
"""

from __future__ import annotations

import json
import sys

import duckdb

TABLES = ("nodes", "edges", "quarantine", "field_issues", "duplicates", "records")


def _report(con: duckdb.DuckDBPyConnection, db: str) -> dict:
    rows = con.execute(f"SELECT report FROM {db}.runs ORDER BY run").fetchall()  # noqa: S608
    out = []
    for (text,) in rows:
        rep = json.loads(text)
        for volatile in ("run_id", "store", "started", "finished", "paths"):
            rep.pop(volatile, None)
        out.append(rep)
    return {"runs": out}


def compare(ref: str, new: str) -> list[str]:
    """Names of the tables (and ``report``) that differ between the stores ``ref`` and
    ``new``, each with the number of rows only one side has."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS a (READ_ONLY)", [ref])
    con.execute("ATTACH ? AS b (READ_ONLY)", [new])
    problems = []
    for t in TABLES:
        # Table names come from the constant tuple above, never from input.
        only_a = con.execute(f"SELECT count(*) FROM (SELECT * FROM a.{t} EXCEPT ALL "  # noqa: S608
                             f"SELECT * FROM b.{t})").fetchone()[0]
        only_b = con.execute(f"SELECT count(*) FROM (SELECT * FROM b.{t} EXCEPT ALL "  # noqa: S608
                             f"SELECT * FROM a.{t})").fetchone()[0]
        n = con.execute(f"SELECT count(*) FROM a.{t}").fetchone()[0]  # noqa: S608
        status = "same" if not (only_a or only_b) else "DIFFERENT"
        print(f"{t:13s} {n:>10,d} rows  {status}  (only in ref: {only_a}, only in new: {only_b})")
        if only_a or only_b:
            problems.append(t)
    if _report(con, "a") != _report(con, "b"):
        print("report        DIFFERENT")
        problems.append("report")
    else:
        print("report        same")
    return problems


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: compare_stores.py REF.duckdb NEW.duckdb")
    sys.exit(1 if compare(sys.argv[1], sys.argv[2]) else 0)
