"""Detectors on a grid of simulated scenarios whose seeds were never used for tuning.

    python benchmarks/bench_detectors.py --profile wide --seeds 1001 1002 ... [--markdown]
    python benchmarks/bench_detectors.py --profile wide --first-seed 1001 --scenarios 20
    python benchmarks/bench_detectors.py --profile default --seeds 101 102 \\
        --camouflage 0.2 0.5 0.9 --detectors leiden louvain

For each scenario: simulate → ingest (DuckDB, in a temporary folder) → project once; then
for each detector: fit + score + rank (timed), ring precision / recall / F1 / ARI, top-10
precision, recall by ring style, and false flagged rings by what they are mostly made of
(lawful firms, families, switchboards, waves, …). Prints one JSON line per (scenario,
detector) and, with --markdown, summary tables: mean and worst scenario, recall by style,
false rings by negative type. Seeds in :data:`TUNING_SEEDS` are refused.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

import pandas as pd

from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph.analysis.detect import REGISTRY, get_detector
from ringgraph.analysis.evaluate import load_truth
from ringgraph.analysis.project import project
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.store import DuckDBStore

# Seeds looked at while setting defaults (see benchmarks/README.md); never reported.
TUNING_SEEDS = {20250501, 901, 1, 2, 3, 4, 5, 6, *range(1001, 1021), *range(2001, 2021),
                *range(4001, 4009)}


def run_scenario(complaints: int, seed: int, camouflage: float | None, detectors: list[str],
                 work: Path, profile: str = "wide") -> list[dict]:
    """Simulate one scenario and evaluate every detector on it (one dict per detector)."""
    if seed in TUNING_SEEDS:
        raise SystemExit(f"seed {seed} was used for tuning; pick another")
    kwargs = {"complaints": complaints, "seed": seed, "profile": profile}
    if camouflage is not None:
        kwargs["camouflage"] = camouflage
    scen = work / f"s{seed}-c{camouflage}"
    simulate(ScenarioConfig(**kwargs), scen)
    truth = load_truth(scen)
    db = work / f"s{seed}-c{camouflage}.duckdb"
    with DuckDBStore(db) as store:
        ingest([scen], store)
        t = time.perf_counter()
        graph = project(store)
        t_project = time.perf_counter() - t
        names = identifier_names(store)
    rows = []
    for name in detectors:
        t = time.perf_counter()
        result = find_rings(graph, get_detector(name, seed=0), names=names)
        t_all = time.perf_counter() - t
        m = result.evaluate(truth)
        rows.append({
            "profile": profile, "complaints": complaints, "seed": seed,
            "camouflage": camouflage, "detector": name, "precision": m["precision"],
            "recall": m["recall"], "f1": m["f1"], "ari": m["ari"],
            "top10_precision": m["top_k_precision"], "predicted": m["predicted_rings"],
            "true": m["true_rings"], "recall_by_style": m["recall_by_style"],
            "false_rings": m["false_rings_by_negative_type"],
            "detect_score_s": round(t_all, 3), "project_s": round(t_project, 3),
            "graph_edges": int(len(graph.src)),
        })
        print(json.dumps(rows[-1], ensure_ascii=False), flush=True)
    return rows


def markdown(rows: list[dict]) -> str:
    """Summary tables: per detector mean and worst scenario, recall by style, false rings."""
    df = pd.DataFrame(rows)
    out = ["| detector | scenarios | P | R | mean F1 | worst F1 (seed) | ARI | top-10 P "
           "(mean / min) | flagged | true | detect+score s |",
           "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for det, g in df.groupby("detector", sort=True):
        worst = g.loc[g["f1"].idxmin()]
        out.append(
            f"| {det} | {len(g)} | {g.precision.mean():.3f} | {g.recall.mean():.3f} "
            f"| {g.f1.mean():.3f} | {worst.f1:.3f} ({worst.seed}) | {g.ari.mean():.3f} "
            f"| {g.top10_precision.mean():.2f} / {g.top10_precision.min():.2f} "
            f"| {g.predicted.sum()} | {g['true'].sum()} | {g.detect_score_s.mean():.2f} |")
    styles = sorted({s for d in df["recall_by_style"] for s in d})
    out += ["", "Recall by ring style (mean over scenarios that have the style / worst):", "",
            "| detector | " + " | ".join(styles) + " |",
            "| --- |" + " --- |" * len(styles)]
    for det, g in df.groupby("detector", sort=True):
        cells = []
        for s in styles:
            v = pd.Series([d[s] for d in g["recall_by_style"] if s in d], dtype=float)
            cells.append(f"{v.mean():.3f} / {v.min():.2f}" if len(v) else "–")
        out.append(f"| {det} | " + " | ".join(cells) + " |")
    out += ["", "False flagged rings by what they are mostly made of (summed):", ""]
    for det, g in df.groupby("detector", sort=True):
        total: dict[str, int] = {}
        for d in g["false_rings"]:
            for k, v in d.items():
                total[k] = total.get(k, 0) + v
        shown = ", ".join(f"{k} {v}" for k, v in sorted(total.items())) or "none"
        out.append(f"- {det}: {shown}")
    return "\n".join(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", choices=["wide", "default"], default="wide")
    ap.add_argument("--complaints", type=int, default=5000)
    ap.add_argument("--seeds", type=int, nargs="+", default=None)
    ap.add_argument("--first-seed", type=int, default=1001)
    ap.add_argument("--scenarios", type=int, default=20)
    ap.add_argument("--camouflage", type=float, nargs="+", default=None,
                    help="default profile only (the wide profile draws its own)")
    local = sorted(n for n, c in REGISTRY.items() if c.engine == "python")  # no GDS server here
    ap.add_argument("--detectors", nargs="+", default=["leiden"],
                    help=f"any of {', '.join(local)}")
    ap.add_argument("--markdown", action="store_true")
    args = ap.parse_args()
    seeds = args.seeds or list(range(args.first_seed, args.first_seed + args.scenarios))
    camos = [None] if args.profile == "wide" else (args.camouflage or [0.2, 0.5, 0.9])
    work = Path(tempfile.mkdtemp(prefix="rg-detbench-"))
    rows = []
    try:
        for camo in camos:
            for seed in seeds:
                rows += run_scenario(args.complaints, seed, camo, args.detectors, work,
                                     args.profile)
                shutil.rmtree(work, ignore_errors=True)
                work.mkdir(parents=True, exist_ok=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if args.markdown:
        print(markdown(rows))


if __name__ == "__main__":
    main()
