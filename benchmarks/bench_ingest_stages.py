"""Ingest one scenario into a fresh DuckDB store and report time per stage.

    .venv/bin/python benchmarks/bench_ingest_stages.py SCENARIO_DIR STORE.duckdb

Stages are timed in wall-clock and CPU seconds (CPU time is the steadier figure on a shared
machine): reading exports, triage (duplicates, quarantine), building graph frames
(normalising), writing the graph, writing bookkeeping; ``total`` is the whole
:func:`etl.ingest.ingest` call, peak RSS from ``resource`` (the process's high-water mark).
"""

from __future__ import annotations

import datetime as dt
import json
import resource
import sys
import time
from collections import defaultdict
from pathlib import Path

from etl import ingest as ig
from ringgraph.store.duckdb_store import DuckDBStore

WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)


def _timed(stage: str, fn):
    def run(*args, **kwargs):
        w, c = time.perf_counter(), time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            WALL[stage] += time.perf_counter() - w
            CPU[stage] += time.process_time() - c
    return run


def _timed_iter(stage: str, fn):
    def run(*args, **kwargs):
        it = fn(*args, **kwargs)
        while True:
            w, c = time.perf_counter(), time.process_time()
            try:
                item = next(it)
            except StopIteration:
                return
            finally:
                WALL[stage] += time.perf_counter() - w
                CPU[stage] += time.process_time() - c
            yield item
    return run


def main(scenario: Path, db: Path) -> dict:
    ig.iter_export = _timed_iter("read", ig.iter_export)
    ig.triage = _timed("triage", ig.triage)
    ig.complaint_frames = _timed("frames", ig.complaint_frames)
    ig.transfer_frames = _timed("frames", ig.transfer_frames)
    DuckDBStore.write = _timed("write graph", DuckDBStore.write)
    DuckDBStore.write_bookkeeping = _timed("write bookkeeping", DuckDBStore.write_bookkeeping)
    if db.exists():
        sys.exit(f"{db} exists: give a fresh store path")
    w, c = time.perf_counter(), time.process_time()
    with DuckDBStore(db) as store:
        report = ig.ingest([scenario], store, as_of=dt.datetime(2026, 12, 3))
    WALL["total"], CPU["total"] = time.perf_counter() - w, time.process_time() - c
    out = {k: {"wall_s": round(WALL[k], 1), "cpu_s": round(CPU[k], 1)} for k in WALL}
    out["records"] = sum(f.records for f in report.files)
    out["peak_rss_gb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20, 2)
    return out


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: bench_ingest_stages.py SCENARIO_DIR STORE.duckdb")
    print(json.dumps(main(Path(sys.argv[1]), Path(sys.argv[2])), indent=1))
