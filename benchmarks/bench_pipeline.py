"""Time the slice end to end: simulate → ingest → project → detect+score, at one scale.

    python benchmarks/bench_pipeline.py --complaints 100000 --seed 5

Prints seconds per stage and the ring metrics against the scenario's ground truth.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.evaluate import load_truth
from ringgraph.analysis.project import project
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.store import DuckDBStore


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--complaints", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument("--detector", default="leiden")
    ap.add_argument("--keep", type=Path, default=None, help="keep outputs in this folder")
    args = ap.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="rg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    times = {}
    t = time.perf_counter()
    simulate(ScenarioConfig(complaints=args.complaints, seed=args.seed), work / "scenario")
    times["simulate"] = time.perf_counter() - t
    db = work / "g.duckdb"
    db.unlink(missing_ok=True)
    with DuckDBStore(db) as store:
        t = time.perf_counter()
        report = ingest([work / "scenario"], store)
        times["ingest"] = time.perf_counter() - t
        t = time.perf_counter()
        graph = project(store)
        times["project"] = time.perf_counter() - t
        names = identifier_names(store)
    t = time.perf_counter()
    result = find_rings(graph, get_detector(args.detector, seed=0), names=names)
    times["detect_and_score"] = time.perf_counter() - t
    metrics = result.evaluate(load_truth(work / "scenario"))
    print(json.dumps({"complaints": args.complaints, "seed": args.seed,
                      "detector": args.detector, "records": report.records,
                      "graph_edges": int(len(graph.src)),
                      "seconds": {k: round(v, 1) for k, v in times.items()},
                      "metrics": {k: metrics[k] for k in ("precision", "recall", "f1", "ari")}},
                     indent=1))
    if args.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
