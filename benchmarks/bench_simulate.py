"""Speed benchmark of the scenario simulator.

Usage: ``python benchmarks/bench_simulate.py --complaints 1000000 [--seed 7] [--out DIR]
[--call-logs]``

Prints wall-clock seconds per step (from the progress hooks) and overall rows per second.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from simulator import ScenarioConfig, simulate  # noqa: E402
from ringgraph.core.progress import Progress, Task  # noqa: E402


class TimingProgress(Progress):
    """Records how long each step took (descriptions name steps, never data)."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float]] = []

    @contextmanager
    def task(self, description: str, total: int | None = None):
        t0 = time.perf_counter()
        yield Task()
        self.steps.append((description, time.perf_counter() - t0))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--complaints", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=None,
                    help="output directory (default: a temporary one, removed afterwards)")
    ap.add_argument("--call-logs", action="store_true",
                    help="also simulate collection call logs (about 70 calls per complaint)")
    args = ap.parse_args()

    out = args.out or Path(tempfile.mkdtemp(prefix="ringgraph-bench-"))
    prog = TimingProgress()
    try:
        t0 = time.perf_counter()
        summary = simulate(ScenarioConfig(complaints=args.complaints, seed=args.seed,
                                          call_logs=args.call_logs), out, prog)
        elapsed = time.perf_counter() - t0
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)

    rows = sum(f["rows"] for k, f in summary.files.items() if k.startswith("exports/"))
    for desc, sec in prog.steps:
        print(f"  {desc:<45s} {sec:8.2f} s")
    print(f"complaints={summary.complaints} export_rows={rows} rings={summary.rings} "
          f"xlsx_overflow={summary.xlsx_overflow}")
    print(f"seconds={elapsed:.1f} complaints_per_s={summary.complaints / elapsed:,.0f} "
          f"export_rows_per_s={rows / elapsed:,.0f}")


if __name__ == "__main__":
    main()
