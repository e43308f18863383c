"""Rows of the exports: ids, file of each row, planned defects, rendering, duplicates.

The steps of :func:`simulator.scenario.simulate` between building complaints and writing
files. Each takes the simulation's state (``run``) and adds what it produced to it.
"""

from __future__ import annotations

import numpy as np

from ringgraph.core.records import COMPLAINT_FIELDS
from simulator import defects, fields, identity as ident, render, table, vocab
from simulator.streams import stream

ID_PREFIX = ("BK", "XF", "PT")
CROSS_FILE_DUP_SHARE = 0.85
OVERFLOW_FILE = 0   # platform rows past the workbook cap go to the bank CSV


def yyyymmdd(ts: np.ndarray) -> list[int]:
    return ident.yyyymmdd(np.asarray(ts, dtype=np.int64) // fields.DAY).tolist()


def complaint_ids(rng, all_c, n_total: int) -> np.ndarray:
    seq = (rng.permutation(n_total) + 1).tolist()
    types = vocab.INST_TYPE[all_c["institution"]].tolist()
    days = yyyymmdd(all_c["ts"])
    return np.array([f"{ID_PREFIX[t]}{d}{s:07d}" for t, d, s in zip(types, days, seq)],
                    dtype=object)


def place(rng, file_of: np.ndarray, n_files: int, pairs: list[tuple[int, int]]):
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


def assign_files(run) -> None:
    """Complaint ids, the export file of each row, and the workbook's row cap."""
    cfg, seed, n = run.cfg, run.seed, run.n
    q = len(run.q_kinds)
    run.all_c = table.concat([run.comp, run.extras], table.COMPLAINT_COLS)
    run.cid = complaint_ids(stream(seed, "ids"), run.all_c, n + q)
    file_of = vocab.INST_TYPE[run.all_c["institution"]].astype(np.int64)
    run.n_dup = int(round(cfg.duplicate_rate * cfg.complaints))
    run.overflow = 0
    if cfg.xlsx_max_rows is not None:
        primary_cap = max(0, int(cfg.xlsx_max_rows) - run.n_dup - q)
        xl = np.flatnonzero(file_of[:n] == render.XLSX)
        if len(xl) > primary_cap:
            move = np.sort(stream(seed, "xlsx-cap").choice(xl, len(xl) - primary_cap,
                                                           replace=False))
            file_of[move] = OVERFLOW_FILE
            run.overflow = len(move)
    run.file_of = file_of


def pick_defect_rows(run) -> None:
    """Rows for field defects, id conflicts and duplicates (all disjoint)."""
    cfg, n, q_kinds, f_kinds, file_of = run.cfg, run.n, run.q_kinds, run.f_kinds, run.file_of
    q = len(q_kinds)
    n_conf = q_kinds.count("id_conflict")
    if len(f_kinds) + n_conf + run.n_dup > n:
        raise ValueError("bad_row_rate + duplicate_rate too high for this size")
    run.rng_def = stream(run.seed, "defects")
    perm = run.rng_def.permutation(n)
    run.field_rows = perm[:len(f_kinds)]
    conflict_orig = perm[len(f_kinds):len(f_kinds) + n_conf]
    run.dup_src = perm[len(f_kinds) + n_conf:len(f_kinds) + n_conf + run.n_dup]
    run.pairs = []
    conf_iter = iter(conflict_orig.tolist())
    run.surplus = np.zeros(n + q, dtype=bool)
    for i, kind in enumerate(q_kinds):
        row = n + i
        if kind == "empty_id":
            run.cid[row] = ""
        elif kind == "id_conflict":
            orig = next(conf_iter)
            run.cid[row] = run.cid[orig]
            file_of[row] = file_of[orig]
            run.pairs.append((orig, row))
        elif kind == "too_many_columns":
            run.surplus[row] = True
            if file_of[row] == render.XLSX:
                file_of[row] = OVERFLOW_FILE
    if cfg.xlsx_max_rows is not None:
        # Quarantine rows never push the workbook past its cap.
        extra_xl = np.flatnonzero(file_of[n:] == render.XLSX)
        primaries_xl = int((file_of[:n] == render.XLSX).sum())
        room = max(0, int(cfg.xlsx_max_rows) - run.n_dup - primaries_xl)
        for j in extra_xl[room:].tolist():
            file_of[n + j] = OVERFLOW_FILE
    run.never_mask = np.zeros(n + q, dtype=bool)
    run.never_mask[run.field_rows[np.array(f_kinds, dtype=object) == "id_checksum"]] = True


def render_cells(run) -> None:
    """Render every cell, then damage the cells planned as field defects."""
    cfg, all_c, people, rng_def = run.cfg, run.all_c, run.people, run.rng_def
    total = run.n + len(run.q_kinds)
    with run.progress.task("render", total=total) as t:
        cells, is_dt, amount_num = render.render_complaints(
            stream(run.seed, "render"), all_c, people, run.file_of, run.cid,
            masked_id_rate=cfg.masked_id_rate, masked_phone_rate=cfg.masked_phone_rate,
            never_mask=run.never_mask)
        t.advance(total)
    parts = render.split_ts(all_c["ts"])
    for row, kind in zip(run.field_rows.tolist(), run.f_kinds):
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
    run.cells, run.is_dt, run.amount_num = cells, is_dt, amount_num


def duplicates(run) -> None:
    """Exact duplicates: the same rendered complaint written again; then row order."""
    cfg, n, q, n_dup, dup_src = run.cfg, run.n, len(run.q_kinds), run.n_dup, run.dup_src
    file_of, cells, all_c = run.file_of, run.cells, run.all_c
    with run.progress.task("duplicates", total=1):
        rng_dup = stream(run.seed, "duplicates")
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
        run.copy_rows = np.arange(n + q, n + q + n_dup)
        src_dt = run.is_dt[dup_src]
        copy_dt = src_dt & (target == render.XLSX)
        copy_time = cells["received_at"][dup_src].copy()
        lost = src_dt & (target != render.XLSX)
        copy_time[lost] = np.array(render.iso_times(all_c["ts"][dup_src][lost]), dtype=object)
        for f in COMPLAINT_FIELDS:
            cells[f] = np.concatenate([cells[f], copy_time if f == "received_at"
                                       else cells[f][dup_src]])
        run.is_dt = np.concatenate([run.is_dt, copy_dt])
        run.amount_num = np.concatenate([run.amount_num, run.amount_num[dup_src]])
        run.ts_all = np.concatenate([all_c["ts"], all_c["ts"][dup_src]])
        run.file_all = np.concatenate([file_of, target])
        run.surplus = np.concatenate([run.surplus, np.zeros(n_dup, dtype=bool)])
        run.pairs += [(int(s), int(c)) for s, c in zip(dup_src.tolist(),
                                                       run.copy_rows.tolist())]
        run.orders, run.pos = place(stream(run.seed, "order"), run.file_all, 3, run.pairs)


def render_transfers(run) -> None:
    """Transfer ids, defects and cells."""
    seed, trs, people = run.seed, run.trs, run.people
    with run.progress.task("render transfers", total=1):
        rng_tdef = stream(seed, "transfer-defects")
        n_t = table.nrows(trs)
        tq = [k for k in run.t_kinds if defects.TRANSFER_KINDS[k][1] == defects.QUARANTINE]
        tf = [k for k in run.t_kinds if defects.TRANSFER_KINDS[k][1] == defects.FIELD]
        if n_t == 0:
            tq, tf = [], []
        src = rng_tdef.integers(0, max(1, n_t), len(tq))
        trs_all = table.concat([trs, table.take(trs, src)], table.TRANSFER_COLS) if tq else trs
        n_ta = table.nrows(trs_all)
        tseq = (stream(seed, "transfer-ids").permutation(n_ta) + 1).tolist()
        tid = np.array([f"{d}{s:012d}" for d, s in zip(yyyymmdd(trs_all["ts"]), tseq)],
                       dtype=object)
        t_field_rows = rng_tdef.permutation(n_t)[:len(tf)] if n_t else np.zeros(0, np.int64)
        t_never = np.zeros(n_ta, dtype=bool)
        t_never[t_field_rows[np.array(tf, dtype=object) == "id_checksum"]] = True
        tcells = render.render_transfers(stream(seed, "transfer-render"), trs_all, people, tid,
                                         masked_id_rate=run.cfg.masked_id_rate,
                                         never_mask=t_never)
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
    run.n_t, run.n_ta, run.tq, run.tf, run.tid = n_t, n_ta, tq, tf, tid
    run.trs_all = trs_all
    run.t_field_rows, run.tcells, run.t_order, run.t_pos = t_field_rows, tcells, t_order, t_pos
