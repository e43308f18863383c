"""Ground-truth tables of a simulated scenario (``truth/*.csv``)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pandas as pd

from simulator import defects
from simulator.people import People
from simulator.writers import write_table

BANK_CSV = "exports/bank_tickets.csv"
CF_CSV = "exports/consumer_finance_tickets.csv"
PLATFORM_XLSX = "exports/platform_tickets.xlsx"
TRANSFERS_CSV = "exports/fee_transfers.csv"
COMPLAINT_FILES = (BANK_CSV, CF_CSV, PLATFORM_XLSX)   # index = institution type


def write_truth(run, task) -> dict[str, dict]:
    """Write ``truth/*.csv`` of a finished simulation (``run``, see
    :mod:`simulator.scenario`); one ``task`` step per table. Returns rows per file."""
    out, comp, cid, n = run.out, run.comp, run.cid, run.n
    files: dict[str, dict] = {}

    def put(rel, header, rows):
        """Write one truth table and remember its row count."""
        files[rel] = {"rows": write_table(out / rel, header, rows)}
        task.advance()

    # complaints.csv, sorted by complaint id
    ids = cid[:n]
    order = np.argsort(ids.astype(str), kind="stable")
    person_id = run.people.id_number[comp["person"]]
    put("truth/complaints.csv",
        ["complaint_id", "ring_id", "style", "group_id", "group_type", "person_id"],
        zip(ids[order].tolist(), comp["ring_id"][order].tolist(), comp["style"][order].tolist(),
            comp["group_id"][order].tolist(), comp["group_type"][order].tolist(),
            person_id[order].tolist()))
    put("truth/rings.csv", ["ring_id", "style", "orgs", "n_complaints", "n_borrowers",
                            "n_provinces", "camouflaged"], _ring_rows(comp, run.people, run.infos))
    gcount = Counter(comp["group_id"][comp["group_id"] != ""].tolist())
    put("truth/negatives.csv", ["group_id", "group_type", "n_complaints"],
        [(g, t, gcount.get(g, 0)) for g, t in run.gids.rows])
    put("truth/bad_rows.csv", ["file", "row", "complaint_id", "kind", "expected", "field"],
        _bad_rows(run))
    file_all, pos = run.file_all, run.pos
    dups = [(COMPLAINT_FILES[file_all[c]], int(pos[c]), cid[s], COMPLAINT_FILES[file_all[s]],
             int(pos[s])) for c, s in zip(run.copy_rows.tolist(), run.dup_src.tolist())]
    dups.sort(key=lambda r: (r[0], r[1]))
    put("truth/duplicates.csv", ["file", "row", "complaint_id", "duplicate_of_file",
                                 "duplicate_of_row"], dups)
    put("truth/accounts.csv", ["account", "holder", "kind", "ring_id", "group_id", "n_payers",
                               "n_transfers"], _account_rows(run))
    return files


def _ring_rows(comp, people: People, infos) -> list[tuple]:
    """One row per planted ring: style, orgs and its complaint/borrower/province counts."""
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
    return ring_rows


def _bad_rows(run) -> list[tuple]:
    """Every planted bad row: file, record number, id, kind, expected handling, field."""
    cid, file_all, pos, tid, t_pos = run.cid, run.file_all, run.pos, run.tid, run.t_pos
    bad = []
    for row, kind in zip(run.field_rows.tolist(), run.f_kinds):
        bad.append((COMPLAINT_FILES[file_all[row]], int(pos[row]), cid[row], kind,
                    defects.FIELD, defects.COMPLAINT_KINDS[kind][0]))
    for i, kind in enumerate(run.q_kinds):
        row = run.n + i
        bad.append((COMPLAINT_FILES[file_all[row]], int(pos[row]), cid[row], kind,
                    defects.QUARANTINE, defects.COMPLAINT_KINDS[kind][0]))
    for row, kind in zip(run.t_field_rows.tolist(), run.tf):
        bad.append((TRANSFERS_CSV, int(t_pos[row]), tid[row], kind, defects.FIELD,
                    defects.TRANSFER_KINDS[kind][0]))
    for i, kind in enumerate(run.tq):
        row = run.n_t + i
        tid_cell = "" if kind == "empty_id" else tid[row]
        bad.append((TRANSFERS_CSV, int(t_pos[row]), tid_cell, kind, defects.QUARANTINE,
                    defects.TRANSFER_KINDS[kind][0]))
    bad.sort(key=lambda r: (r[0], r[1]))
    return bad


def _account_rows(run) -> list[tuple]:
    """Every payee account, what it is and how many paid into it."""
    trs, people = run.trs, run.people
    codes, uniq = pd.factorize(trs["payee_account"])
    n_tr = np.bincount(codes, minlength=len(uniq)) if len(uniq) else np.zeros(0, np.int64)
    pair = np.unique(codes.astype(np.int64) * (people.n + 1) + trs["payer"])
    n_pay = np.bincount(pair // (people.n + 1), minlength=len(uniq)) if len(uniq) else n_tr
    stats = {a: (int(p), int(t)) for a, p, t in zip(uniq.tolist(), n_pay.tolist(),
                                                     n_tr.tolist())}
    acc_rows = [(a, h, "ring_fee", info.ring_id, "") for info in run.infos
                for a, h in info.accounts]
    acc_rows += list(run.lf_accounts + run.ord_accounts)
    return sorted((a, h, k, r, g) + stats.get(a, (0, 0)) for a, h, k, r, g in acc_rows)
