"""Notebook wiring: make (or reuse) a scenario and a store under WORKDIR.

The notebooks use ringgraph's public API only (``import ringgraph``), which also wires in
ETL and the simulator.
Every notebook calls :func:`prepare` so it runs on its own: the first one to run simulates a
labelled scenario and ingests it; the others reuse both. Point ``EXPORTS`` at a folder of
real exports to ingest those instead (then there is no ground truth).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from ringgraph import RingResult, ScenarioConfig, TqdmProgress, detect_rings, ingest, open_store, simulate


@dataclass
class Workspace:
    """Where a notebook's data lives."""

    workdir: Path
    store_kind: str
    db: Path | None
    exports: Path
    truth: Path | None
    report: dict

    def open(self, read_only: bool = True):
        """Open the store (a context manager)."""
        return open_store(self.store_kind, str(self.db) if self.db else None,
                          read_only=read_only)

    @property
    def results(self) -> Path:
        return self.workdir / "results"


def prepare(workdir: str, complaints: int, seed: int, store: str = "duckdb",
            db: str | None = None, exports: str | None = None, **scenario) -> Workspace:
    """Simulate and ingest once; later calls (and later notebooks) reuse what is there.

    ``scenario`` holds further :class:`simulator.ScenarioConfig` settings (``rings``,
    ``camouflage`` …). The ingest report comes from this run, or from the store's last run
    when reused.
    """
    work = Path(workdir)
    work.mkdir(parents=True, exist_ok=True)
    progress = TqdmProgress(leave=False)  # a bar per step would crowd the cell output
    if exports:
        source, truth = Path(exports), None
    else:
        source = work / "scenario"
        truth = source
        if not (source / "scenario.json").is_file():
            simulate(ScenarioConfig(complaints=complaints, seed=seed, **scenario), source,
                     progress=progress)
    db_path = Path(db) if db else (work / "ringgraph.duckdb" if store == "duckdb" else None)
    with open_store(store, str(db_path) if db_path else None) as s:
        if s.counts().get("Complaint", 0) == 0:
            report = json.loads(ingest([source], s, progress=progress).to_json())
        else:
            runs = s.table("runs")
            report = json.loads(runs["report"].iloc[-1]) if len(runs) else {}
    return Workspace(workdir=work, store_kind=store, db=db_path, exports=source, truth=truth,
                     report=report)


def rings(ws: Workspace, detector: str = "leiden", seed: int = 0):
    """The rings of ``ws``: ``results/rings.json`` when it was computed on the data now in
    the store (same fingerprint), else a fresh detection (saved there)."""
    saved = ws.results / "rings.json"
    with ws.open() as store:
        fingerprint = store.fingerprint()
        if saved.is_file():
            result = RingResult.from_json(saved)
            if result.data_fingerprint == fingerprint and result.detector == detector:
                return result
        result = detect_rings(store, detector, seed=seed, progress=TqdmProgress())
    result.write(ws.results)
    return result
