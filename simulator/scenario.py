"""The simulation pipeline: build people and complaints, plan defects, render, write.

:func:`simulate` runs the steps below in order on one :class:`_Run`, which carries what a
step produced to the steps after it. Every step draws from its own named random stream, so
the order of the steps is part of the output only where a stream is shared (``defects``).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from ringgraph.core.records import COMPLAINT_FIELDS, TRANSFER_FIELDS
from simulator.layouts import EXPORT_HEADERS
from ringgraph.core.progress import SILENT, Progress

from simulator import (calls, damaged, defects, fields, lenders, negatives, payments,
                       platform_export, render, rings, rows, table, wide)
from simulator.config import GENERATOR_VERSION, ScenarioConfig
from simulator.orgs import OrgNamer
from simulator.people import People
from simulator.population import plain_genuine
from simulator.streams import stream
from simulator.truth import (BANK_CSV, CF_CSV, COMPLAINT_FILES, PLATFORM_XLSX,  # noqa: F401
                             TRANSFERS_CSV, write_truth)
from simulator.rows import OVERFLOW_FILE
from simulator.writers import sha256_file, write_csv, write_xlsx

FILE_HEADERS = ("bank_csv", "consumer_finance_gb18030", "platform_xlsx")
FILE_ENCODINGS = ("utf-8", "gb18030", None)
XLSX_SHEET = "工单"
# From this many workbook rows on, a forked child writes the workbook in parallel.
PARALLEL_XLSX_ROWS = 20_000


@dataclass
class ScenarioSummary:
    """What :func:`simulate` wrote (no PII: counts, paths and hashes only)."""

    out_dir: str
    files: dict[str, dict] = field(default_factory=dict)   # relative path → sha256, rows
    complaints: int = 0
    ring_complaints: int = 0
    rings: int = 0
    negative_groups: int = 0
    negative_complaints: int = 0
    bad_rows: int = 0
    duplicates: int = 0
    transfers: int = 0
    xlsx_overflow: int = 0

    def to_dict(self) -> dict:
        """Plain dict (JSON-serialisable)."""
        return asdict(self)


class _Run:
    """State of one simulation, filled in step by step (see :func:`simulate`)."""

    def __init__(self, cfg: ScenarioConfig, out: Path, progress: Progress) -> None:
        self.cfg, self.out, self.progress = cfg, out, progress
        self.seed = int(cfg.seed)
        self.day_lo, self.day_hi = fields.day_number(cfg.start), fields.day_number(cfg.end)
        self.people = People()
        self.certs = fields.CertIssuer(stream(self.seed, "certs"))
        self.accounts = fields.AccountIssuer()
        self.namer = OrgNamer(stream(self.seed, "orgs"))
        self.gids = negatives.GroupIds()
        self.child = None
        self.knobs = None      # wide-profile knobs (simulator.wide)
        self.boards = None     # wide-profile switchboard numbers


def simulate(cfg: ScenarioConfig, out_dir: Path, progress: Progress = SILENT) -> ScenarioSummary:
    """Write a labelled scenario (raw exports + ground truth) into ``out_dir``.

    Parameters
    ----------
    cfg : ScenarioConfig
        Scenario parameters; the same config always gives byte-identical files.
    out_dir : pathlib.Path
        Output directory; ``exports/``, ``truth/`` and ``scenario.json`` are written in it.
    progress : ringgraph.progress.Progress
        Progress reporter (silent by default). Descriptions never contain PII.

    Returns
    -------
    ScenarioSummary
        Files written (relative path → sha256 and row count) and headline counts.
    """
    run = _Run(cfg, Path(out_dir), progress)
    if cfg.profile == "wide":
        run.cfg, run.knobs = wide.draw(cfg)
    _plant_rings(run)
    if run.knobs is None:
        _hard_negatives(run)
    else:
        wide.hard_negatives(run)
    _defect_budget(run)
    _population(run)
    if cfg.lenders:
        lenders.spread(run)
    _transfers(run)
    if cfg.call_logs:
        calls.plan(run)
    rows.assign_files(run)
    rows.pick_defect_rows(run)
    rows.render_cells(run)
    rows.duplicates(run)
    _start_workbook(run)
    try:
        rows.render_transfers(run)
        files = _write_files(run)
        if cfg.call_logs:
            files.update(calls.write(run))
    except BaseException:
        # Never leave the workbook writer running behind a failed simulation.
        if run.child is not None and run.child.is_alive():
            run.child.terminate()
            run.child.join()
        raise
    files = _other_shapes(run, files)
    if cfg.lenders:
        files = lenders.write_lender_exports(run, files)
    return _finish(run, files)


def _other_shapes(run: _Run, files: dict[str, dict]) -> dict[str, dict]:
    """The same records as a platform exports them (``export_style="platform"``), and a set
    of damaged files (``damaged_files``)."""
    if run.cfg.export_style == "platform":
        files = platform_export.write_platform_exports(
            run.out, files, [*COMPLAINT_FILES, TRANSFERS_CSV], run.cells, run.orders,
            run.ts_all, run.tcells, run.t_order, run.trs_all["ts"])
    if run.cfg.damaged_files:
        files.update(damaged.write_damaged(run.out / "damaged", run.seed, run.out))
    return files


def _plant_rings(run: _Run) -> None:
    """The planted rings: their complaints, fee transfers and ground truth."""
    cfg, seed = run.cfg, run.seed
    ring_plan = (rings.plan(cfg.n_rings, cfg.complaints, seed) if run.knobs is None
                 else wide.plan(run.knobs, cfg.n_rings, seed))
    run.counts = Counter(style for _, style in ring_plan)
    run.scale = rings.ring_scale(dict(run.counts), cfg.complaints)
    ctx = rings.RingContext(seed=seed, people=run.people, certs=run.certs,
                            accounts=run.accounts, namer=run.namer, day_lo=run.day_lo,
                            day_hi=run.day_hi, camouflage=float(cfg.camouflage),
                            scale=run.scale)
    with run.progress.task("rings", total=len(ring_plan)) as t:
        run.infos, ring_blocks, run.ring_trs = rings.build_all(ctx, ring_plan, t)
    if run.knobs is not None:
        wide.vary_rings(run.knobs, seed, run.people, run.accounts, run.infos, ring_blocks,
                        run.ring_trs)
    run.ring_c = table.concat(ring_blocks, table.COMPLAINT_COLS)


def _hard_negatives(run: _Run) -> None:
    """Hard-negative groups (law firms, families, repeat filers) with their own people."""
    seed, people, certs, gids = run.seed, run.people, run.certs, run.gids
    day_lo, day_hi = run.day_lo, run.day_hi
    gc = negatives.GroupCounts.for_scale(run.cfg.complaints)
    run.group_counts = gc
    with run.progress.task("negatives", total=3) as t:
        lf_block, run.lf_tr, run.lf_accounts = negatives.lawfirms(
            stream(seed, "neg:lawfirm"), people, certs, run.accounts, run.namer, gids,
            gc.lawfirm, day_lo, day_hi)
        t.advance()
        fam_block = negatives.families(stream(seed, "neg:family"), people, certs, gids,
                                        gc.family, day_lo, day_hi)
        t.advance()
        rep_block = negatives.repeats(stream(seed, "neg:repeat"), people, certs, gids,
                                       gc.repeat, day_lo, day_hi)
        t.advance()
    run.neg_c = table.concat([lf_block, fam_block, rep_block], table.COMPLAINT_COLS)


def _defect_budget(run: _Run) -> None:
    """How many bad rows of each kind (quarantine rows are extra complaints)."""
    n_bad = int(round(run.cfg.bad_row_rate * run.cfg.complaints))
    n_bad_c, n_bad_t = defects.split_budget(n_bad)
    run.c_kinds = defects.allocate(n_bad_c, defects.COMPLAINT_KINDS)
    run.t_kinds = defects.allocate(n_bad_t, defects.TRANSFER_KINDS)
    run.q_kinds = [k for k in run.c_kinds
                   if defects.COMPLAINT_KINDS[k][1] == defects.QUARANTINE]
    run.f_kinds = [k for k in run.c_kinds if defects.COMPLAINT_KINDS[k][1] == defects.FIELD]


def _population(run: _Run) -> None:
    """The genuine population, with NAT and switchboard overlays, and every identity."""
    cfg, seed, people, certs = run.cfg, run.seed, run.people, run.certs
    n_plain = cfg.complaints - table.nrows(run.ring_c) - table.nrows(run.neg_c)
    if n_plain < cfg.complaints // 3:
        raise ValueError("rings and hard negatives leave too few genuine complaints; "
                         "lower `rings` or raise `complaints`")
    with run.progress.task("population", total=n_plain + len(run.q_kinds)) as t:
        plain = plain_genuine(stream(seed, "population"), people, n_plain, certs,
                              run.day_lo, run.day_hi, t)
        run.extras = plain_genuine(stream(seed, "quarantine-rows"), people, len(run.q_kinds),
                                   certs, run.day_lo, run.day_hi, t)
    gc = run.group_counts
    negatives.nat_overlay(stream(seed, "neg:nat"), plain, run.gids, gc.nat_ip,
                          cfg.nat_ip_share)
    negatives.switchboard_overlay(stream(seed, "neg:switchboard"), plain, run.gids,
                                  gc.switchboard, cfg.switchboard_rate, numbers=run.boards)
    run.comp = table.concat([run.ring_c, run.neg_c, plain], table.COMPLAINT_COLS)
    run.n = table.nrows(run.comp)
    with run.progress.task("identities", total=1):
        people.finalize(stream(seed, "people"))


def _transfers(run: _Run) -> None:
    """Transfers: ring fees, law-firm fees and ordinary payments."""
    with run.progress.task("transfers", total=1) as t:
        rng_pay = stream(run.seed, "payments")
        borrowers = np.unique(run.comp["person"])
        n_ord = int(round(run.cfg.transfers_per_borrower * len(borrowers)))
        payers = (borrowers[rng_pay.integers(0, len(borrowers), n_ord)] if n_ord
                  else borrowers[:0])
        ord_block, run.ord_accounts = payments.ordinary_payments(
            rng_pay, payers, run.people.region_idx[payers], run.accounts, run.day_lo,
            run.day_hi)
        run.trs = table.concat(run.ring_trs + [run.lf_tr, ord_block], table.TRANSFER_COLS)
        t.advance()


def _start_workbook(run: _Run) -> None:
    """Prepare the workbook; when big, a forked child writes it (pure-Python xlsxwriter,
    the slow part) while this process renders transfers and writes the CSVs."""
    cells = run.cells
    xl_header = [EXPORT_HEADERS["platform_xlsx"][k] for k in COMPLAINT_FIELDS]
    run.xl_args = (run.out / PLATFORM_XLSX, xl_header, [cells[k] for k in COMPLAINT_FIELDS],
                   run.orders[render.XLSX])
    run.xl_kwargs = dict(sheet=XLSX_SHEET, created=_created(run.seed, run.cfg.end),
                         time_col=COMPLAINT_FIELDS.index("received_at"), ts=run.ts_all,
                         is_datetime=run.is_dt,
                         amount_col=COMPLAINT_FIELDS.index("overdue_amount"),
                         amount_num=run.amount_num)
    if (len(run.orders[render.XLSX]) >= PARALLEL_XLSX_ROWS
            and "fork" in mp.get_all_start_methods()):
        run.child = mp.get_context("fork").Process(target=write_xlsx, args=run.xl_args,
                                                   kwargs=run.xl_kwargs, daemon=True)
        run.child.start()


def _write_files(run: _Run) -> dict[str, dict]:
    """The CSV exports, the ground truth, then the workbook (or wait for its writer)."""
    out, cells, orders, progress = run.out, run.cells, run.orders, run.progress
    files: dict[str, dict] = {}
    for f, rel in enumerate(COMPLAINT_FILES):
        if f == render.XLSX:
            continue
        header_map = EXPORT_HEADERS[FILE_HEADERS[f]]
        with progress.task(f"write {rel}", total=len(orders[f])) as t:
            n_rows = write_csv(out / rel, [header_map[k] for k in COMPLAINT_FIELDS],
                             [cells[k] for k in COMPLAINT_FIELDS], orders[f],
                             encoding=FILE_ENCODINGS[f], surplus=run.surplus, task=t)
        files[rel] = {"rows": n_rows}
    header_map = EXPORT_HEADERS["transfers_csv"]
    with progress.task(f"write {TRANSFERS_CSV}", total=run.n_ta) as t:
        n_rows = write_csv(out / TRANSFERS_CSV, [header_map[k] for k in TRANSFER_FIELDS],
                         [run.tcells[k] for k in TRANSFER_FIELDS], run.t_order,
                         lineterminator="\n", task=t)
    files[TRANSFERS_CSV] = {"rows": n_rows}
    with progress.task("write truth", total=6) as t:
        files.update(write_truth(run, t))
    n_xl = len(orders[render.XLSX])
    with progress.task(f"write {PLATFORM_XLSX}", total=n_xl) as t:
        if run.child is None:
            write_xlsx(*run.xl_args, **run.xl_kwargs, task=t)
        else:
            run.child.join()
            if run.child.exitcode != 0:
                raise RuntimeError(f"workbook writer failed (exit code {run.child.exitcode})")
            t.advance(n_xl)
    files[PLATFORM_XLSX] = {"rows": n_xl}
    return files


def _finish(run: _Run, files: dict[str, dict]) -> ScenarioSummary:
    """Checksums, the summary and ``scenario.json``."""
    cfg, out, comp = run.cfg, run.out, run.comp
    with run.progress.task("checksums", total=len(files)) as t:
        for rel in sorted(files):
            files[rel]["sha256"] = sha256_file(out / rel)
            t.advance()
    files = {k: files[k] for k in sorted(files)}
    summary = ScenarioSummary(
        out_dir=str(out), files=files, complaints=run.n,
        ring_complaints=int((comp["ring_id"] != "").sum()), rings=len(run.infos),
        negative_groups=len(run.gids.rows),
        negative_complaints=int((comp["group_id"] != "").sum()),
        bad_rows=len(run.c_kinds) + len(run.tq) + len(run.tf), duplicates=run.n_dup,
        transfers=run.n_t, xlsx_overflow=run.overflow)
    meta = {
        "generator": "ringgraph-simulator",
        "generator_version": GENERATOR_VERSION,
        "seed": run.seed,
        "config": cfg.to_dict(),
        "period": {"start": cfg.start, "end": cfg.end},
        "ring_scale": round(run.scale, 6),
        "styles": {s: int(run.counts.get(s, 0)) for s in rings.STYLES},
        "counts": {k: v for k, v in summary.to_dict().items() if k not in ("files", "out_dir")},
        "xlsx_overflow": {"rows": run.overflow, "routed_to": COMPLAINT_FILES[OVERFLOW_FILE],
                          "cap": cfg.xlsx_max_rows},
        "files": files,
    }
    if run.knobs is not None:
        meta["wide"] = run.knobs.to_dict()
    if cfg.call_logs:
        meta["call_knobs"] = run.call_plan["knobs"].to_dict()
    (out / "scenario.json").write_text(
        json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    return summary


def _created(seed: int, end: str) -> dt.datetime:
    """Workbook creation time: after the last intake day, offset by the seed (never "now")."""
    last = dt.datetime.fromisoformat(end) + dt.timedelta(days=1)
    return last + dt.timedelta(seconds=int(seed) % (86_400 * 30))
