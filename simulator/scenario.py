"""The simulation pipeline: build people and complaints, plan defects, render, write."""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.core.records import COMPLAINT_FIELDS, TRANSFER_FIELDS
from simulator.layouts import EXPORT_HEADERS
from ringgraph.core.progress import SILENT, Progress

from simulator import damaged, platform_export
from simulator import defects, fields, identity as ident, negatives, payments, render, rings, table, vocab
from simulator.config import GENERATOR_VERSION, ScenarioConfig
from simulator.orgs import OrgNamer
from simulator.people import People
from simulator.population import plain_genuine
from simulator.streams import stream
from simulator.writers import sha256_file, write_csv, write_table, write_xlsx

BANK_CSV = "exports/bank_tickets.csv"
CF_CSV = "exports/consumer_finance_tickets.csv"
PLATFORM_XLSX = "exports/platform_tickets.xlsx"
TRANSFERS_CSV = "exports/fee_transfers.csv"
COMPLAINT_FILES = (BANK_CSV, CF_CSV, PLATFORM_XLSX)   # index = institution type
FILE_HEADERS = ("bank_csv", "consumer_finance_gb18030", "platform_xlsx")
FILE_ENCODINGS = ("utf-8", "gb18030", None)
ID_PREFIX = ("BK", "XF", "PT")
XLSX_SHEET = "工单"
CROSS_FILE_DUP_SHARE = 0.85
OVERFLOW_FILE = 0   # platform rows past the workbook cap go to the bank CSV
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


def _yyyymmdd(ts: np.ndarray) -> list[int]:
    return ident.yyyymmdd(np.asarray(ts, dtype=np.int64) // fields.DAY).tolist()


def _complaint_ids(rng, all_c, n_total: int) -> np.ndarray:
    seq = (rng.permutation(n_total) + 1).tolist()
    types = vocab.INST_TYPE[all_c["institution"]].tolist()
    days = _yyyymmdd(all_c["ts"])
    return np.array([f"{ID_PREFIX[t]}{d}{s:07d}" for t, d, s in zip(types, days, seq)],
                    dtype=object)


def _place(rng, file_of: np.ndarray, n_files: int, pairs: list[tuple[int, int]]):
    """Shuffle each file's rows; the later row of each pair comes after the earlier one.

    Returns
    -------
    tuple
        ``(orders, pos)``: row indices per file in file order, and each row's 1-based
        record number within its file.
    """
    orders = []
    pos = np.zeros(len(file_of), dtype=np.int64)
    for f in range(n_files):
        rows = np.flatnonzero(file_of == f)
        order = rows[rng.permutation(len(rows))]
        pos[order] = np.arange(1, len(order) + 1)
        orders.append(order)
    for first, later in pairs:
        if file_of[first] == file_of[later] and pos[later] < pos[first]:
            f = int(file_of[first])
            a, b = pos[first], pos[later]
            orders[f][a - 1], orders[f][b - 1] = later, first
            pos[first], pos[later] = b, a
    return orders, pos


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
    out = Path(out_dir)
    seed = int(cfg.seed)
    day_lo, day_hi = fields.day_number(cfg.start), fields.day_number(cfg.end)
    people = People()
    certs = fields.CertIssuer(stream(seed, "certs"))
    accounts = fields.AccountIssuer()
    namer = OrgNamer(stream(seed, "orgs"))

    # ---- planted rings
    plan = rings.plan(cfg.n_rings, cfg.complaints, seed)
    counts = Counter(style for _, style in plan)
    scale = rings.ring_scale(dict(counts), cfg.complaints)
    ctx = rings.RingContext(seed=seed, people=people, certs=certs, accounts=accounts,
                            namer=namer, day_lo=day_lo, day_hi=day_hi,
                            camouflage=float(cfg.camouflage), scale=scale)
    with progress.task("rings", total=len(plan)) as t:
        infos, ring_blocks, ring_trs = rings.build_all(ctx, plan, t)
    ring_c = table.concat(ring_blocks, table.COMPLAINT_COLS)

    # ---- hard-negative groups with their own people
    gc = negatives.GroupCounts.for_scale(cfg.complaints)
    gids = negatives.GroupIds()
    with progress.task("negatives", total=3) as t:
        lf_block, lf_tr, lf_accounts = negatives.lawfirms(
            stream(seed, "neg:lawfirm"), people, certs, accounts, namer, gids, gc.lawfirm,
            day_lo, day_hi)
        t.advance()
        fam_block = negatives.families(stream(seed, "neg:family"), people, certs, gids,
                                        gc.family, day_lo, day_hi)
        t.advance()
        rep_block = negatives.repeats(stream(seed, "neg:repeat"), people, certs, gids,
                                       gc.repeat, day_lo, day_hi)
        t.advance()
    neg_c = table.concat([lf_block, fam_block, rep_block], table.COMPLAINT_COLS)

    # ---- defect budget (quarantine rows are extra complaints generated below)
    n_bad = int(round(cfg.bad_row_rate * cfg.complaints))
    n_bad_c, n_bad_t = defects.split_budget(n_bad)
    c_kinds = defects.allocate(n_bad_c, defects.COMPLAINT_KINDS)
    t_kinds = defects.allocate(n_bad_t, defects.TRANSFER_KINDS)
    q_kinds = [k for k in c_kinds if defects.COMPLAINT_KINDS[k][1] == defects.QUARANTINE]
    f_kinds = [k for k in c_kinds if defects.COMPLAINT_KINDS[k][1] == defects.FIELD]

    # ---- the genuine population
    n_plain = cfg.complaints - table.nrows(ring_c) - table.nrows(neg_c)
    if n_plain < cfg.complaints // 3:
        raise ValueError("rings and hard negatives leave too few genuine complaints; "
                         "lower `rings` or raise `complaints`")
    with progress.task("population", total=n_plain + len(q_kinds)) as t:
        plain = plain_genuine(stream(seed, "population"), people, n_plain, certs, day_lo,
                              day_hi, t)
        extras = plain_genuine(stream(seed, "quarantine-rows"), people, len(q_kinds), certs,
                               day_lo, day_hi, t)
    negatives.nat_overlay(stream(seed, "neg:nat"), plain, gids, gc.nat_ip, cfg.nat_ip_share)
    negatives.switchboard_overlay(stream(seed, "neg:switchboard"), plain, gids, gc.switchboard,
                                  cfg.switchboard_rate)
    comp = table.concat([ring_c, neg_c, plain], table.COMPLAINT_COLS)
    n = table.nrows(comp)
    with progress.task("identities", total=1):
        people.finalize(stream(seed, "people"))

    # ---- transfers: ring fees, law-firm fees, ordinary payments
    with progress.task("transfers", total=1) as t:
        rng_pay = stream(seed, "payments")
        borrowers = np.unique(comp["person"])
        n_ord = int(round(cfg.transfers_per_borrower * len(borrowers)))
        payers = borrowers[rng_pay.integers(0, len(borrowers), n_ord)] if n_ord else borrowers[:0]
        ord_block, ord_accounts = payments.ordinary_payments(
            rng_pay, payers, people.region_idx[payers], accounts, day_lo, day_hi)
        trs = table.concat(ring_trs + [lf_tr, ord_block], table.TRANSFER_COLS)
        t.advance()

    # ---- files, ids and the xlsx cap
    with progress.task("plan defects", total=1):
        q = len(q_kinds)
        all_c = table.concat([comp, extras], table.COMPLAINT_COLS)
        rng_def = stream(seed, "defects")
        cid = _complaint_ids(stream(seed, "ids"), all_c, n + q)
        file_of = vocab.INST_TYPE[all_c["institution"]].astype(np.int64)
        n_dup = int(round(cfg.duplicate_rate * cfg.complaints))
        overflow = 0
        if cfg.xlsx_max_rows is not None:
            primary_cap = max(0, int(cfg.xlsx_max_rows) - n_dup - q)
            xl = np.flatnonzero(file_of[:n] == render.XLSX)
            if len(xl) > primary_cap:
                move = np.sort(stream(seed, "xlsx-cap").choice(xl, len(xl) - primary_cap,
                                                               replace=False))
                file_of[move] = OVERFLOW_FILE
                overflow = len(move)

        # ---- pick rows for field defects, id conflicts and duplicates (all disjoint)
        n_conf = q_kinds.count("id_conflict")
        if len(f_kinds) + n_conf + n_dup > n:
            raise ValueError("bad_row_rate + duplicate_rate too high for this size")
        perm = rng_def.permutation(n)
        field_rows = perm[:len(f_kinds)]
        conflict_orig = perm[len(f_kinds):len(f_kinds) + n_conf]
        dup_src = perm[len(f_kinds) + n_conf:len(f_kinds) + n_conf + n_dup]
        pairs: list[tuple[int, int]] = []
        conf_iter = iter(conflict_orig.tolist())
        surplus = np.zeros(n + q, dtype=bool)
        for i, kind in enumerate(q_kinds):
            row = n + i
            if kind == "empty_id":
                cid[row] = ""
            elif kind == "id_conflict":
                orig = next(conf_iter)
                cid[row] = cid[orig]
                file_of[row] = file_of[orig]
                pairs.append((orig, row))
            elif kind == "too_many_columns":
                surplus[row] = True
                if file_of[row] == render.XLSX:
                    file_of[row] = OVERFLOW_FILE
        if cfg.xlsx_max_rows is not None:
            # Quarantine rows never push the workbook past its cap.
            extra_xl = np.flatnonzero(file_of[n:] == render.XLSX)
            primaries_xl = int((file_of[:n] == render.XLSX).sum())
            room = max(0, int(cfg.xlsx_max_rows) - n_dup - primaries_xl)
            for j in extra_xl[room:].tolist():
                file_of[n + j] = OVERFLOW_FILE
        never_mask = np.zeros(n + q, dtype=bool)
        never_mask[field_rows[np.array(f_kinds, dtype=object) == "id_checksum"]] = True

    # ---- render cells, then damage the planned ones
    with progress.task("render", total=n + q) as t:
        cells, is_dt, amount_num = render.render_complaints(
            stream(seed, "render"), all_c, people, file_of, cid,
            masked_id_rate=cfg.masked_id_rate, masked_phone_rate=cfg.masked_phone_rate,
            never_mask=never_mask)
        t.advance(n + q)
    parts = render.split_ts(all_c["ts"])
    for row, kind in zip(field_rows.tolist(), f_kinds):
        person = int(all_c["person"][row])
        fld = defects.COMPLAINT_KINDS[kind][0]
        if kind == "id_checksum":
            cells[fld][row] = defects.corrupt(kind, rng_def, value=people.id_number[person])
        elif fld == "received_at":
            cells[fld][row] = defects.corrupt(kind, rng_def,
                                              ts_parts=tuple(int(p[row]) for p in parts))
            is_dt[row] = False
        elif kind == "invalid_phone":
            cells[fld][row] = defects.corrupt(kind, rng_def, digits=people.phone[person])
        else:
            cells[fld][row] = defects.corrupt(kind, rng_def)
            if fld == "overdue_amount":
                amount_num[row] = np.nan

    # ---- exact duplicates: the same rendered complaint written again
    with progress.task("duplicates", total=1):
        rng_dup = stream(seed, "duplicates")
        n_cross = int(round(n_dup * CROSS_FILE_DUP_SHARE))
        src_file = file_of[dup_src]
        target = src_file.copy()
        shift = rng_dup.integers(1, 3, n_cross)
        target[:n_cross] = (src_file[:n_cross] + shift) % 3
        if cfg.xlsx_max_rows is not None:
            room = int(cfg.xlsx_max_rows) - int((file_of == render.XLSX).sum())
            to_xl = np.flatnonzero(target == render.XLSX)
            for j in to_xl[max(0, room):].tolist():
                target[j] = (render.XLSX + 1 + int(src_file[j] == 0)) % 3
        copy_rows = np.arange(n + q, n + q + n_dup)
        src_dt = is_dt[dup_src]
        copy_dt = src_dt & (target == render.XLSX)
        copy_time = cells["received_at"][dup_src].copy()
        lost = src_dt & (target != render.XLSX)
        copy_time[lost] = np.array(render.iso_times(all_c["ts"][dup_src][lost]), dtype=object)
        for f in COMPLAINT_FIELDS:
            cells[f] = np.concatenate([cells[f], copy_time if f == "received_at"
                                       else cells[f][dup_src]])
        is_dt = np.concatenate([is_dt, copy_dt])
        amount_num = np.concatenate([amount_num, amount_num[dup_src]])
        ts_all = np.concatenate([all_c["ts"], all_c["ts"][dup_src]])
        file_all = np.concatenate([file_of, target])
        surplus = np.concatenate([surplus, np.zeros(n_dup, dtype=bool)])
        pairs += [(int(s), int(c)) for s, c in zip(dup_src.tolist(), copy_rows.tolist())]
        orders, pos = _place(stream(seed, "order"), file_all, 3, pairs)

    # ---- the workbook (pure-Python xlsxwriter, the slow part) is written by a forked
    # child while this process renders transfers and writes the CSVs, when it is big.
    xl_header = [EXPORT_HEADERS["platform_xlsx"][k] for k in COMPLAINT_FIELDS]
    xl_args = (out / PLATFORM_XLSX, xl_header, [cells[k] for k in COMPLAINT_FIELDS],
               orders[render.XLSX])
    xl_kwargs = dict(sheet=XLSX_SHEET, created=_created(seed, cfg.end),
                     time_col=COMPLAINT_FIELDS.index("received_at"), ts=ts_all,
                     is_datetime=is_dt, amount_col=COMPLAINT_FIELDS.index("overdue_amount"),
                     amount_num=amount_num)
    child = None
    if len(orders[render.XLSX]) >= PARALLEL_XLSX_ROWS and "fork" in mp.get_all_start_methods():
        child = mp.get_context("fork").Process(target=write_xlsx, args=xl_args,
                                               kwargs=xl_kwargs, daemon=True)
        child.start()

    try:
        # ---- transfers: ids, defects, render
        with progress.task("render transfers", total=1):
            rng_tdef = stream(seed, "transfer-defects")
            n_t = table.nrows(trs)
            tq = [k for k in t_kinds if defects.TRANSFER_KINDS[k][1] == defects.QUARANTINE]
            tf = [k for k in t_kinds if defects.TRANSFER_KINDS[k][1] == defects.FIELD]
            if n_t == 0:
                tq, tf = [], []
            src = rng_tdef.integers(0, max(1, n_t), len(tq))
            trs_all = table.concat([trs, table.take(trs, src)], table.TRANSFER_COLS) if tq else trs
            n_ta = table.nrows(trs_all)
            tseq = (stream(seed, "transfer-ids").permutation(n_ta) + 1).tolist()
            tid = np.array([f"{d}{s:012d}" for d, s in zip(_yyyymmdd(trs_all["ts"]), tseq)],
                           dtype=object)
            t_field_rows = rng_tdef.permutation(n_t)[:len(tf)] if n_t else np.zeros(0, np.int64)
            t_never = np.zeros(n_ta, dtype=bool)
            t_never[t_field_rows[np.array(tf, dtype=object) == "id_checksum"]] = True
            tcells = render.render_transfers(stream(seed, "transfer-render"), trs_all, people, tid,
                                             masked_id_rate=cfg.masked_id_rate, never_mask=t_never)
            for i, kind in enumerate(tq):
                fld = defects.TRANSFER_KINDS[kind][0]
                tcells[fld][n_t + i] = ""
            for row, kind in zip(t_field_rows.tolist(), tf):
                fld = defects.TRANSFER_KINDS[kind][0]
                value = ""
                if kind == "id_checksum":
                    value = people.id_number[int(trs_all["payer"][row])]
                tcells[fld][row] = defects.corrupt(kind, rng_tdef, value=value)
            t_order = stream(seed, "transfer-order").permutation(n_ta)
            t_pos = np.zeros(n_ta, dtype=np.int64)
            t_pos[t_order] = np.arange(1, n_ta + 1)

        # ---- write the CSV exports
        summary = ScenarioSummary(out_dir=str(out))
        files: dict[str, dict] = {}
        for f, rel in enumerate(COMPLAINT_FILES):
            if f == render.XLSX:
                continue
            header_map = EXPORT_HEADERS[FILE_HEADERS[f]]
            with progress.task(f"write {rel}", total=len(orders[f])) as t:
                rows = write_csv(out / rel, [header_map[k] for k in COMPLAINT_FIELDS],
                                 [cells[k] for k in COMPLAINT_FIELDS], orders[f],
                                 encoding=FILE_ENCODINGS[f], surplus=surplus, task=t)
            files[rel] = {"rows": rows}
        header_map = EXPORT_HEADERS["transfers_csv"]
        with progress.task(f"write {TRANSFERS_CSV}", total=n_ta) as t:
            rows = write_csv(out / TRANSFERS_CSV, [header_map[k] for k in TRANSFER_FIELDS],
                             [tcells[k] for k in TRANSFER_FIELDS], t_order, lineterminator="\n",
                             task=t)
        files[TRANSFERS_CSV] = {"rows": rows}

        # ---- ground truth
        with progress.task("write truth", total=6) as t:
            files.update(_write_truth(out, cfg, comp, people, infos, gids, cid, file_all, pos,
                                      field_rows, f_kinds, q_kinds, n, copy_rows, dup_src,
                                      trs, tid, t_pos, t_field_rows, tf, tq, n_t,
                                      lf_accounts + ord_accounts, t))

        with progress.task(f"write {PLATFORM_XLSX}", total=len(orders[render.XLSX])) as t:
            if child is None:
                write_xlsx(*xl_args, **xl_kwargs, task=t)
            else:
                child.join()
                if child.exitcode != 0:
                    raise RuntimeError(f"workbook writer failed (exit code {child.exitcode})")
                t.advance(len(orders[render.XLSX]))
        files[PLATFORM_XLSX] = {"rows": len(orders[render.XLSX])}
    except BaseException:
        # Never leave the workbook writer running behind a failed simulation.
        if child is not None and child.is_alive():
            child.terminate()
            child.join()
        raise

    if cfg.export_style == "platform":   # same records, a platform's export shapes
        files = platform_export.write_platform_exports(
            out, files, [*COMPLAINT_FILES, TRANSFERS_CSV], cells, orders, ts_all, tcells,
            t_order, trs_all["ts"])
    if cfg.damaged_files:
        files.update(damaged.write_damaged(out / "damaged", seed, out))
    with progress.task("checksums", total=len(files)) as t:
        for rel in sorted(files):
            files[rel]["sha256"] = sha256_file(out / rel)
            t.advance()
    files = {k: files[k] for k in sorted(files)}
    ring_mask = comp["ring_id"] != ""
    summary.files = files
    summary.complaints = n
    summary.ring_complaints = int(ring_mask.sum())
    summary.rings = len(infos)
    summary.negative_groups = len(gids.rows)
    summary.negative_complaints = int((comp["group_id"] != "").sum())
    summary.bad_rows = len(c_kinds) + len(tq) + len(tf)
    summary.duplicates = n_dup
    summary.transfers = n_t
    summary.xlsx_overflow = overflow
    meta = {
        "generator": "ringgraph-simulator",
        "generator_version": GENERATOR_VERSION,
        "seed": seed,
        "config": cfg.to_dict(),
        "period": {"start": cfg.start, "end": cfg.end},
        "ring_scale": round(scale, 6),
        "styles": {s: int(counts.get(s, 0)) for s in rings.STYLES},
        "counts": {k: v for k, v in summary.to_dict().items() if k not in ("files", "out_dir")},
        "xlsx_overflow": {"rows": overflow, "routed_to": COMPLAINT_FILES[OVERFLOW_FILE],
                          "cap": cfg.xlsx_max_rows},
        "files": files,
    }
    (out / "scenario.json").write_text(
        json.dumps(meta, ensure_ascii=False, sort_keys=True, indent=2) + "\n", encoding="utf-8")
    return summary


def _created(seed: int, end: str) -> dt.datetime:
    """Workbook creation time: after the last intake day, offset by the seed (never "now")."""
    last = dt.datetime.fromisoformat(end) + dt.timedelta(days=1)
    return last + dt.timedelta(seconds=int(seed) % (86_400 * 30))


def _write_truth(out: Path, cfg, comp, people: People, infos, gids, cid, file_all, pos,
                 field_rows, f_kinds, q_kinds, n, copy_rows, dup_src, trs, tid, t_pos,
                 t_field_rows, tf, tq, n_t, account_rows, task) -> dict[str, dict]:
    files: dict[str, dict] = {}

    def put(rel, header, rows):
        """Write one truth table and remember its row count."""
        files[rel] = {"rows": write_table(out / rel, header, rows)}
        task.advance()

    # complaints.csv, sorted by complaint id
    ids = cid[:n]
    order = np.argsort(ids.astype(str), kind="stable")
    person_id = people.id_number[comp["person"]]
    put("truth/complaints.csv",
        ["complaint_id", "ring_id", "style", "group_id", "group_type", "person_id"],
        zip(ids[order].tolist(), comp["ring_id"][order].tolist(), comp["style"][order].tolist(),
            comp["group_id"][order].tolist(), comp["group_type"][order].tolist(),
            person_id[order].tolist()))

    in_ring = np.flatnonzero(comp["ring_id"] != "")
    codes, uniq = pd.factorize(comp["ring_id"][in_ring])
    k = len(uniq)
    members = comp["person"][in_ring]
    n_c = np.bincount(codes, minlength=k)
    n_b = np.bincount(np.unique(codes * (people.n + 1) + members) // (people.n + 1), minlength=k)
    n_p = np.bincount(np.unique(codes * 1000 + people.prov[members]) // 1000, minlength=k)
    at = {r: i for i, r in enumerate(uniq.tolist())}
    ring_rows = []
    for info in infos:
        i = at.get(info.ring_id)
        c, b, p = (0, 0, 0) if i is None else (int(n_c[i]), int(n_b[i]), int(n_p[i]))
        ring_rows.append((info.ring_id, info.style, "|".join(info.orgs), c, b, p,
                          int(info.camouflaged)))
    put("truth/rings.csv", ["ring_id", "style", "orgs", "n_complaints", "n_borrowers",
                            "n_provinces", "camouflaged"], ring_rows)

    gcount = Counter(comp["group_id"][comp["group_id"] != ""].tolist())
    put("truth/negatives.csv", ["group_id", "group_type", "n_complaints"],
        [(g, t, gcount.get(g, 0)) for g, t in gids.rows])

    bad = []
    for row, kind in zip(field_rows.tolist(), f_kinds):
        bad.append((COMPLAINT_FILES[file_all[row]], int(pos[row]), cid[row], kind,
                    defects.FIELD, defects.COMPLAINT_KINDS[kind][0]))
    for i, kind in enumerate(q_kinds):
        row = n + i
        bad.append((COMPLAINT_FILES[file_all[row]], int(pos[row]), cid[row], kind,
                    defects.QUARANTINE, defects.COMPLAINT_KINDS[kind][0]))
    for row, kind in zip(t_field_rows.tolist(), tf):
        bad.append((TRANSFERS_CSV, int(t_pos[row]), tid[row], kind, defects.FIELD,
                    defects.TRANSFER_KINDS[kind][0]))
    for i, kind in enumerate(tq):
        row = n_t + i
        tid_cell = "" if kind == "empty_id" else tid[row]
        bad.append((TRANSFERS_CSV, int(t_pos[row]), tid_cell, kind, defects.QUARANTINE,
                    defects.TRANSFER_KINDS[kind][0]))
    bad.sort(key=lambda r: (r[0], r[1]))
    put("truth/bad_rows.csv", ["file", "row", "complaint_id", "kind", "expected", "field"], bad)

    dups = [(COMPLAINT_FILES[file_all[c]], int(pos[c]), cid[s], COMPLAINT_FILES[file_all[s]],
             int(pos[s])) for c, s in zip(copy_rows.tolist(), dup_src.tolist())]
    dups.sort(key=lambda r: (r[0], r[1]))
    put("truth/duplicates.csv", ["file", "row", "complaint_id", "duplicate_of_file",
                                 "duplicate_of_row"], dups)

    # accounts.csv: every payee account, what it is and how many paid into it
    codes, uniq = pd.factorize(trs["payee_account"])
    n_tr = np.bincount(codes, minlength=len(uniq)) if len(uniq) else np.zeros(0, np.int64)
    pair = np.unique(codes.astype(np.int64) * (people.n + 1) + trs["payer"])
    n_pay = np.bincount(pair // (people.n + 1), minlength=len(uniq)) if len(uniq) else n_tr
    stats = {a: (int(p), int(t)) for a, p, t in zip(uniq.tolist(), n_pay.tolist(),
                                                     n_tr.tolist())}
    acc_rows = [(a, h, "ring_fee", info.ring_id, "") for info in infos for a, h in info.accounts]
    acc_rows += list(account_rows)
    put("truth/accounts.csv", ["account", "holder", "kind", "ring_id", "group_id", "n_payers",
                               "n_transfers"],
        sorted((a, h, k, r, g) + stats.get(a, (0, 0)) for a, h, k, r, g in acc_rows))
    return files
