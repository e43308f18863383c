"""Pooled detection over share packs against all raw data in one store and each lender alone.

    RINGGRAPH_POOL_KEY=... python benchmarks/bench_pool.py --lenders 20 --complaints 10000 \\
        --seeds 11 12 13 [--markdown]

Per seed: a scenario split over ``--lenders`` lenders (``simulate --lenders``), then
(a) every lender's exports ingested into one store and detected (leiden, seed 0);
(b) each lender ingests its own exports, writes a share pack, the packs are pooled
(``ringgraph pool``'s code) and the pooled ``rings.csv`` is evaluated;
(c) each lender detects on its own store alone. Ring P / R / F1 against the ground truth
over all lenders (Jaccard ≥ 0.5, ``ringgraph evaluate``'s functions); for (c) the best and
the median single-lender F1. A key is generated when ``RINGGRAPH_POOL_KEY`` is unset.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

from etl.ingest import ingest
from ringgraph.analysis.evaluate import load_truth, ring_metrics
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.pool.pooled import pool_packs
from ringgraph.pool.share import write_share_pack
from ringgraph.store import DuckDBStore
from simulator import ScenarioConfig, simulate


def one_seed(seed: int, complaints: int, n_lenders: int, key: str, work: Path) -> dict:
    """(a), (b) and (c) of one scenario: F1s, precision, recall and timings."""
    scen = work / f"s{seed}"
    simulate(ScenarioConfig(complaints=complaints, seed=seed, lenders=n_lenders), scen)
    truth = load_truth(scen)
    folders = sorted(scen.glob("lender-*"))
    t0 = time.perf_counter()
    with DuckDBStore(work / f"all{seed}.duckdb") as store:
        ingest([scen], store)   # every lender-*/ folder (truth/ is skipped)
        raw = ring_metrics(detect_rings(store, "leiden").labels(), truth)
    t_raw = time.perf_counter() - t0
    alone, packs, caught = [], [], set()
    t0 = time.perf_counter()
    for folder in folders:
        with DuckDBStore(work / f"{folder.name}-{seed}.duckdb") as store:
            ingest([folder], store)
            labels = detect_rings(store, "leiden").labels()
            alone.append(ring_metrics(labels, truth)["f1"])
            caught |= set(labels["complaint_id"])
            write_share_pack(store, work / f"pack-{folder.name}-{seed}", key)
        packs.append(work / f"pack-{folder.name}-{seed}")
    with DuckDBStore(work / f"pool{seed}.duckdb") as store:
        pool_packs(packs, store, work / f"pooled{seed}")
    pooled = ring_metrics(pd.read_csv(work / f"pooled{seed}" / "rings.csv", dtype=str), truth)
    t_pool = time.perf_counter() - t0
    ring = truth[truth["ring_id"] != ""]
    slices = ring.merge(pd.read_csv(scen / "truth" / "lenders.csv", dtype=str),
                        on="complaint_id").groupby(["ring_id", "lender"]).size()
    return {"seed": seed, "raw_f1": raw["f1"], "raw_p": raw["precision"],
            "raw_r": raw["recall"], "pool_f1": pooled["f1"], "pool_p": pooled["precision"],
            "pool_r": pooled["recall"], "alone_best": max(alone),
            "alone_median": float(np.median(alone)),
            # ring complaints flagged by their own lender alone (in any ring, even a
            # fragment that matches no true ring)
            "alone_flagged": round(ring["complaint_id"].isin(caught).mean(), 3),
            "slice_median": float(slices.median()), "slice_max": int(slices.max()),
            "t_raw_s": round(t_raw, 1),
            "t_share_pool_s": round(t_pool, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lenders", type=int, default=20)
    ap.add_argument("--complaints", type=int, default=10000)
    ap.add_argument("--seeds", type=int, nargs="+", default=[11, 12, 13])
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args(argv)
    key = os.environ.get("RINGGRAPH_POOL_KEY") or secrets.token_hex(24)
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for seed in args.seeds:
            rows.append(one_seed(seed, args.complaints, args.lenders, key, Path(tmp)))
            print(rows[-1], file=sys.stderr)
    df = pd.DataFrame(rows)
    if args.markdown:
        print("| " + " | ".join(df.columns) + " |")
        print("|" + " --- |" * len(df.columns))
        for row in df.itertuples(index=False):
            print("| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v)
                                    for v in row) + " |")
    else:
        print(df.to_string(index=False))
    gap = (df["raw_f1"] - df["pool_f1"]).max()
    print(f"largest (raw - pooled) F1 gap: {gap:.3f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
