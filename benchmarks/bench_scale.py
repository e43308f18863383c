"""The scaling curve: simulate → ingest → detect at several sizes, wall time and peak memory
per stage.

    python benchmarks/bench_scale.py                          # 100k, 300k, 1M
    python benchmarks/bench_scale.py --sizes 100k,300k,1M,3M --seed 3001 --work /data/bench

Every stage runs as the ``ringgraph`` CLI in a child process, started by a small wrapper
process of its own, so ``getrusage(RUSAGE_CHILDREN)`` in the wrapper is the peak RSS of that
stage alone. Detect is ``ringgraph detect`` (Leiden, stable ids: what a user runs), then
``ringgraph evaluate --json`` scores the rings against the scenario's ground truth.
Writes ``scale.json`` in ``--work`` and prints one markdown table row per size (the
columns of the table in ``benchmarks/README.md``). Sizes accept ``k``/``M`` suffixes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import shutil
import subprocess
import sys
from pathlib import Path

from ringgraph.core.atomic import write_json

MARKER = ".bench_scale"

# Runs the command given after it, then prints its wall time and its peak RSS.
_WRAPPER = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
with open(sys.argv[1], "wb") as log:
    rc = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
print(json.dumps({"rc": rc, "seconds": round(time.perf_counter() - t, 1),
                  "peak_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024}))
"""


def parse_size(text: str) -> int:
    """``300k`` → 300000, ``1M`` → 1000000, ``2500`` → 2500."""
    t = text.strip().lower()
    mult = {"k": 1_000, "m": 1_000_000}.get(t[-1:], 1)
    return int(float(t[:-1] if mult > 1 else t) * mult)


def stage(cmd: list[str], log: Path) -> dict:
    """Run ``cmd`` through the wrapper; its wall time, peak RSS (MB) and exit code."""
    out = subprocess.run([sys.executable, "-c", _WRAPPER, str(log), *cmd],
                         capture_output=True, text=True, check=True)
    got = json.loads(out.stdout.strip().splitlines()[-1])
    if got["rc"] != 0:
        raise SystemExit(f"{cmd[1]} failed (exit {got['rc']}); see {log}")
    return got


def one_size(n: int, seed: int, work: Path, rg: str) -> dict:
    """Simulate, ingest, detect and evaluate ``n`` complaints in ``work/n{n}``."""
    d = work / f"n{n}"
    if d.exists():
        # Only a folder this script made (marker inside) is ever replaced.
        if not (d / MARKER).exists():
            raise SystemExit(f"{d} exists and was not written by bench_scale; choose --work")
        shutil.rmtree(d)
    d.mkdir(parents=True)
    (d / MARKER).write_text("written by benchmarks/bench_scale.py\n")
    db, scenario, results = d / "g.duckdb", d / "scenario", d / "results"
    row = {"complaints": n, "seed": seed}
    row["simulate"] = stage([rg, "simulate", "-n", str(n), "-s", str(seed), "-o",
                             str(scenario)], d / "simulate.log")
    row["ingest"] = stage([rg, "ingest", str(scenario), "--db", str(db)], d / "ingest.log")
    row["detect"] = stage([rg, "detect", "--db", str(db), "--out", str(results), "--top", "0"],
                          d / "detect.log")
    ev = subprocess.run([rg, "evaluate", "--truth", str(scenario), "--rings",
                         str(results / "rings.csv"), "--json"],
                        capture_output=True, text=True, check=True)
    row["metrics"] = json.loads(ev.stdout)
    return row


def table_row(r: dict) -> str:
    """One markdown row: date, size, then seconds / peak GB per stage, then ring F1 / ARI."""
    def cell(s: dict) -> str:
        return f"{s['seconds']:.1f} s / {s['peak_mb'] / 1024:.1f} GB"

    m = r["metrics"]
    f1 = m["f1"]
    return (f"| {dt.date.today().isoformat()} | {r['complaints']:,} (seed {r['seed']}) | "
            f"{cell(r['simulate'])} | {cell(r['ingest'])} | {cell(r['detect'])} | "
            f"{f1:.3f} / {m['ari']:.3f} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="100k,300k,1M", help="comma-separated, k/M suffixes")
    ap.add_argument("--seed", type=int, default=3001)
    ap.add_argument("--work", type=Path, default=Path("bench-scale"),
                    help="folder for scenarios, stores and scale.json")
    ap.add_argument("--keep", action="store_true", help="keep each size's files")
    args = ap.parse_args(argv)
    rg = str(Path(sys.executable).with_name("ringgraph"))
    args.work.mkdir(parents=True, exist_ok=True)
    rows = []
    for size in args.sizes.split(","):
        row = one_size(parse_size(size), args.seed, args.work, rg)
        rows.append(row)
        print(table_row(row), flush=True)
        write_json(args.work / "scale.json", rows)
        if not args.keep:
            shutil.rmtree(args.work / f"n{row['complaints']}", ignore_errors=True)


if __name__ == "__main__":
    main()
