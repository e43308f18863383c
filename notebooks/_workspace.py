"""Notebook wiring: which data a notebook looks at, and ingesting new exports into it.

Every notebook calls :func:`prepare` first, so each runs on its own and all of them (and the
CLI) look at the same store: paths resolve from the project root (``ringgraph.toml`` or
``$RINGGRAPH_HOME``; see :mod:`ringgraph.workspace`), not from ``notebooks/``.

- ``EXPORTS`` set (in the notebook or in ``ringgraph.toml``): your data. The files are ingested
  into the workspace store, new records only (ingest is idempotent), and the notebook says what
  was new. Later notebooks find the store holding your data and use it without ``EXPORTS``.
- Otherwise, while your store is empty: the demo, a simulated labelled scenario in a folder
  and store of its own (``data/demo``), never mixed with your data unless ``DEMO=True``.

The store is opened read-only (many notebooks may read at once) and for writing only for the
moment an ingest runs, ring ids are recorded (:func:`rings`) or a verdict is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ringgraph import (RingGraphError, RingResult, ScenarioConfig, TqdmProgress, detect_rings,
                       ingest, open_store, simulate)
from ringgraph.investigate.table_style import use_in_notebook
from ringgraph.workspace import Settings, load_mapping, resolve

SIDECAR = ".ingested.json"  # next to the store: what was ingested, so reruns open read-only


class WorkspaceBusy(RingGraphError):
    """The store is open for reading elsewhere while new exports wait to be ingested."""


@dataclass
class Workspace:
    """Where a notebook's data lives, and what the last ingest brought.

    Attributes
    ----------
    data : {"yours", "demo"}
    store_kind : str
    db : Path or None
        The DuckDB file (None for Neo4j).
    workdir : Path
        Results, saved views and evidence packs go here (next to the store, as for the CLI).
    sources : list of Path
        What was ingested.
    truth : Path or None
        Ground truth (the demo only).
    report : dict
        The last ingest report.
    new : dict
        What this call added: ``records``, ``already_loaded``, ``quarantined``, ``nodes``,
        ``relationships`` (all 0 when nothing had to be ingested).
    """

    data: str
    store_kind: str
    db: Path | None
    workdir: Path
    sources: list[Path]
    truth: Path | None
    report: dict
    new: dict = field(default_factory=dict)

    def open(self, read_only: bool = True):
        """Open the store (a context manager); read-only unless asked."""
        return open_store(self.store_kind, str(self.db) if self.db else None,
                          read_only=read_only)

    @property
    def results(self) -> Path:
        return self.workdir / "results"

    def summary(self) -> str:
        what = "your data 你的数据" if self.data == "yours" else "demo 演示数据 (simulated)"
        where = self.db if self.db else "Neo4j"
        n = self.new
        if n.get("ran"):
            news = (f"ingested just now 本次导入: {n['records']:,} new records 新记录, "
                    f"{n['already_loaded']:,} already loaded 已有, {n['quarantined']:,} "
                    f"quarantined 隔离; +{n['nodes']:,} nodes, +{n['relationships']:,} "
                    "relationships")
        else:
            news = "nothing new to ingest 无新数据"
        return f"{what} · store {where} · {news}"

    def __repr__(self) -> str:
        return f"<Workspace {self.summary()}>"

    def _repr_html_(self) -> str:
        import html

        return f"<p><b>Workspace</b> {html.escape(self.summary())}</p>"


def prepare(workdir: str | None = None, complaints: int = 3000, seed: int = 20250501,
            store: str = "duckdb", db: str | None = None, exports=None, mapping=None,
            demo: bool | None = None, **scenario) -> Workspace:
    """The workspace a notebook reads, ingesting new exports first.

    Parameters
    ----------
    workdir : str, optional
        A folder replacing the workspace's data folder (the tests use one per run): your
        store is ``workdir/ringgraph.duckdb``, the demo ``workdir/demo``.
    complaints, seed : int
        Size and seed of the demo scenario, made once when its folder has none.
    store : {"duckdb", "neo4j"}
    db : str, optional
        Your DuckDB file (default: the workspace store).
    exports : str or list of str, optional
        Export folders or files to ingest (default: ``exports`` in ``ringgraph.toml``).
    mapping : str, optional
        YAML header mapping for them (default: ``mapping`` in ``ringgraph.toml``).
    demo : bool, optional
        True: the demo whatever else there is; False: your data even when empty; None: the
        demo only while no exports are given and your store is empty.
    **scenario
        Further demo settings (``rings``, ``camouflage`` …).
    """
    _one_line_errors()
    use_in_notebook()   # text columns left-aligned in every table shown
    conf = Settings.load(Path.cwd())
    base = resolve(workdir, conf.root) if workdir else None
    mine = resolve(db, conf.root) if db else (base / "ringgraph.duckdb" if base else conf.store)
    demo_dir = base / "demo" if base else conf.demo
    sources = [resolve(e, conf.root) for e in _as_list(exports)] or conf.exports
    mapping = resolve(mapping, conf.root) if mapping else conf.mapping
    if store != "duckdb":
        mine = None
    if demo is None:
        demo = not sources and not _has_complaints(store, mine)
    progress = TqdmProgress(leave=False)  # a bar per step would crowd the cell output
    truth = None
    if demo:
        scen = demo_dir / "scenario"
        if not (scen / "scenario.json").is_file():
            simulate(ScenarioConfig(complaints=complaints, seed=seed, **scenario), scen,
                     progress=progress)
        sources, truth = [scen], scen
        mine = demo_dir / "ringgraph.duckdb" if store == "duckdb" else None
    elif not sources and not _has_complaints(store, mine):
        raise RingGraphError(f"no data in {mine or store}: set EXPORTS to a folder of exports "
                             "(or DEMO = True for the simulated demo)")
    missing = [s for s in sources if not s.exists()]
    if missing:
        raise RingGraphError(f"EXPORTS: no such file or folder: {missing[0]}")
    workdir_ = mine.parent if mine else (base or conf.store.parent)
    ws = Workspace(data="demo" if demo else "yours", store_kind=store, db=mine, workdir=workdir_,
                   sources=sources, truth=truth, report={})
    _ingest_new(ws, mapping, progress, only_if_empty=demo)
    return ws


def _one_line_errors() -> None:
    """In a notebook, show a RingGraphError as its one-line message, not a traceback: it is
    a problem the user can fix, and the message says how (still an error: the cell fails)."""
    try:
        ip = get_ipython()  # noqa: F821 - defined inside IPython only
    except NameError:
        return

    def one_line(shell, etype, value, tb, tb_offset=None):
        return [f"{etype.__name__}: {value}"]

    ip.set_custom_exc((RingGraphError,), one_line)


def _as_list(v) -> list:
    if v is None or v == "":
        return []
    return [v] if isinstance(v, (str, os.PathLike)) else list(v)


def _has_complaints(kind: str, db: Path | None) -> bool:
    if kind == "duckdb" and (db is None or not db.is_file()):
        return False
    with open_store(kind, str(db) if db else None, read_only=True) as s:
        return s.counts().get("Complaint", 0) > 0


def _fingerprint(sources: list[Path], mapping: Path | None) -> str:
    """Names, sizes and modification times of the export files (and the mapping)."""
    h = hashlib.sha256()
    files = []
    for s in sources:
        files += sorted(p for p in s.rglob("*") if p.is_file()) if s.is_dir() else [s]
    for p in files + ([mapping] if mapping else []):
        st = p.stat()
        h.update(f"{p.resolve()}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return h.hexdigest()


def _ingest_new(ws: Workspace, mapping: Path | None, progress, only_if_empty: bool) -> None:
    """Ingest ``ws.sources`` unless exactly these files were ingested already; the write lock
    is held only while ingesting."""
    side = ws.workdir / SIDECAR
    fp = _fingerprint(ws.sources, mapping)
    seen = json.loads(side.read_text(encoding="utf-8")) if side.is_file() else {}
    has_data = _has_complaints(ws.store_kind, ws.db)
    if has_data and (only_if_empty or seen.get("fingerprint") == fp):
        with ws.open() as s:
            runs = s.table("runs")
        ws.report = json.loads(runs["report"].iloc[-1]) if len(runs) else {}
        ws.new = {"ran": False}
        return
    user_map = load_mapping(mapping) if mapping else None
    try:
        s = ws.open(read_only=False)
    except RingGraphError as exc:
        if _busy(exc):
            raise WorkspaceBusy(
                f"new exports wait to be ingested, but {ws.db} is open in another notebook "
                "or command: shut that kernel down (or close the store) and rerun this cell"
            ) from None
        raise
    with s:
        rep = ingest(ws.sources, s, mapping=user_map, progress=progress)
    ws.report = json.loads(rep.to_json())
    t = ws.report["totals"]
    ws.new = {"ran": True, "records": t["loaded"], "already_loaded": t["duplicates"],
              "quarantined": t["quarantined"], "nodes": rep.nodes_added,
              "relationships": rep.edges_added}
    _write_atomic(side, json.dumps({"fingerprint": fp}))


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def rings(ws: Workspace, detector: str = "leiden", seed: int = 0, fresh: bool = False
          ) -> RingResult:
    """The rings of ``ws`` with the stable ids the CLI gives them (``RG-2026-0001``).

    ``results/rings.json`` (written by ``ringgraph detect`` or an earlier notebook) when it
    was computed on the data now in the store, with stable ids and the latest verdicts;
    else (or with ``fresh``) a new detection on the read-only store, whose rings then get
    their ids from the store's ring-id table under a write lock held only for that moment
    (as ``ringgraph detect`` does) and the investigators' verdicts applied. Saved to
    ``results/`` for the next notebook.
    """
    saved = ws.results / "rings.json"
    with ws.open() as store:
        fingerprint, verdicts = store.fingerprint(), store.verdicts()
        if not fresh and saved.is_file():
            result = RingResult.from_json(saved)
            if (result.data_fingerprint == fingerprint and result.detector == detector
                    and _ids_current(result, verdicts)):
                return result
        result = detect_rings(store, detector, seed=seed, progress=TqdmProgress())
    if _stable_ids(ws, result):   # provisional ids are not saved for other notebooks
        result.write(ws.results)
    return result


def _ids_current(result: RingResult, verdicts) -> bool:
    """Stable ids, and every ring's latest verdict applied."""
    from ringgraph.analysis.verdicts import latest

    if not result.rings or result.rings[0].lineage is None:
        return False
    last = latest(verdicts)
    return all((r.verdict or {}).get("at") == last[r.ring_id]["at"]
               for r in result.rings if r.ring_id in last)


def _stable_ids(ws: Workspace, result: RingResult) -> bool:
    """Give ``result`` the store's stable ids and apply verdicts; the registry of ids is
    updated under a brief write lock (True). When another notebook or command holds the
    store, the ids are read without recording them (False): known rings keep theirs, new
    rings get numbers marked ``provisional`` until a run that can write (said in one line;
    the verdict form refuses them)."""
    from ringgraph.analysis.lineage import assign_ids, track_rings
    from ringgraph.analysis.verdicts import apply_verdicts

    try:
        with ws.open(read_only=False) as store:
            apply_verdicts(track_rings(store, result), store.verdicts())
        return True
    except RingGraphError as exc:
        if not _busy(exc):
            raise
    with ws.open() as store:
        assign_ids(result, store.ring_ids(), _year())
        apply_verdicts(result, store.verdicts())
    new = [r for r in result.rings if (r.lineage or {}).get("status") != "continued"]
    for r in new:
        r.lineage = dict(r.lineage or {}, provisional=True)
    print(f"ring ids 团伙编号: {ws.db} is open in another notebook, so the ids of "
          f"{len(new)} new rings are provisional 新团伙编号暂定 (rerun when it is closed)")
    return False


def _busy(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text or "different configuration" in text


def _year() -> int:
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).year
