"""Scenarios split over lenders: one export folder per lender, rings spread across them.

A 反催收 outfit files for each client against every lender the client owes, so with
``ScenarioConfig(lenders=N)`` most ring members file again against one to three more lenders
(within days: one letter sent to all), every complaint is against one of ``N`` lenders,
and each lender writes its own export — its own headers and encoding — to
``lender-01/`` … . Ground truth stays one table over all lenders (``truth/complaints.csv``)
plus ``truth/lenders.csv`` (which lender holds which ticket). Fee transfers go to the
lender of the payer's first complaint (the bank that sees the payment). Bad-row and
duplicate truth keep the row numbers of the combined files, which are not written.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core.records import COMPLAINT_FIELDS, TRANSFER_FIELDS
from simulator import fields, table, vocab
from simulator.layouts import EXPORT_HEADERS
from simulator.streams import stream
from simulator.writers import write_csv, write_table

# Lenders export CSV: banks and consumer-finance companies (22 of them).
LENDER_POOL = np.flatnonzero(vocab.INST_TYPE != vocab.PLATFORM)
MAX_LENDERS = len(LENDER_POOL)
# (header layout, encoding, line end) of each lender's export, by lender number.
STYLES = (("bank_csv", "utf-8", "\r\n"), ("consumer_finance_gb18030", "gb18030", "\r\n"),
          ("platform_xlsx", "utf-8", "\n"), ("consumer_finance_gb18030", "utf-8", "\n"),
          ("bank_csv", "gb18030", "\n"))
# Of the ring members: how many lenders each files against (1 … 4).
OWES_P = np.array([0.25, 0.35, 0.25, 0.15])


def lender_institutions(n: int) -> np.ndarray:
    """Institution indices of the ``n`` lenders: the largest by weight, ties in list order."""
    order = np.argsort(-vocab.INST_WEIGHT[LENDER_POOL], kind="stable")
    return np.sort(LENDER_POOL[order[:n]])


def spread(run) -> None:
    """Remap every complaint onto the lenders and file ring members against several."""
    n_lenders = int(run.cfg.lenders)
    rng = stream(run.seed, "lenders")
    lenders = lender_institutions(n_lenders)
    w = vocab.INST_WEIGHT[lenders] / vocab.INST_WEIGHT[lenders].sum()
    remap = np.where(np.isin(np.arange(len(vocab.INSTITUTIONS)), lenders),
                     np.arange(len(vocab.INSTITUTIONS)),
                     lenders[rng.choice(len(lenders), len(vocab.INSTITUTIONS), p=w)])
    for block in (run.comp, run.extras):
        block["institution"] = remap[block["institution"]]
    run.comp = table.concat([run.comp, _ring_copies(rng, run.comp, lenders, w, run.day_hi)],
                            table.COMPLAINT_COLS)
    run.n = table.nrows(run.comp)
    run.lenders = lenders


def _ring_copies(rng, comp, lenders, w, day_hi) -> dict[str, np.ndarray]:
    """Each ring member's first complaint filed again against other lenders, days later."""
    ring = np.flatnonzero(comp["ring_id"] != "")
    person = comp["person"][ring]
    _, first = np.unique(person, return_index=True)
    src = ring[np.sort(first)]
    owes = rng.choice(len(OWES_P), len(src), p=OWES_P) + 1
    rows, insts = [], []
    for s, k in zip(src.tolist(), owes.tolist()):
        others = lenders[lenders != comp["institution"][s]]
        p = w[lenders != comp["institution"][s]]
        for inst in rng.choice(others, min(k - 1, len(others)), replace=False, p=p / p.sum()):
            rows.append(s)
            insts.append(int(inst))
    copies = table.take(comp, np.array(rows, dtype=np.int64))
    copies["institution"] = np.array(insts, dtype=np.int64)
    copies["loan_account"] = fields.loan_accounts(rng, copies["institution"])
    later = rng.integers(3600, 6 * fields.DAY, len(rows))
    copies["ts"] = np.minimum(copies["ts"] + later, (day_hi + 1) * fields.DAY - 1)
    return copies


def write_lender_exports(run, files: dict[str, dict]) -> dict[str, dict]:
    """Replace the combined exports with one folder per lender; returns the file list."""
    lenders = run.lenders
    inst_all = np.concatenate([run.all_c["institution"],
                               run.all_c["institution"][run.dup_src]])
    rows_all = np.concatenate(run.orders)
    # A row that reuses another's ticket id (an id-conflict defect) is an error inside one
    # export: it stays with the lender of the id's first row.
    ids = pd.Series(run.cells["complaint_id"][: len(inst_all)]).astype(str).str.strip()
    first = pd.Series(np.arange(len(ids))).groupby(ids.to_numpy()).transform("min")
    inst_all = inst_all[first.to_numpy()]
    payer_lender = _payer_lenders(run)
    for rel in [r for r in files if r.startswith("exports/")]:
        (run.out / rel).unlink()
        del files[rel]
    if (run.out / "exports").is_dir() and not any((run.out / "exports").iterdir()):
        (run.out / "exports").rmdir()
    for i, inst in enumerate(lenders.tolist()):
        layout, enc, eol = STYLES[i % len(STYLES)]
        folder = f"lender-{i + 1:02d}/exports"
        mine = rows_all[inst_all[rows_all] == inst]
        header = [EXPORT_HEADERS[layout][k] for k in COMPLAINT_FIELDS]
        rel = f"{folder}/tickets.csv"
        files[rel] = {"rows": write_csv(run.out / rel, header,
                                        [run.cells[k] for k in COMPLAINT_FIELDS], mine,
                                        encoding=enc, lineterminator=eol,
                                        surplus=run.surplus)}
        t_rows = run.t_order[payer_lender[run.t_order] == inst]
        rel = f"{folder}/fee_transfers.csv"
        t_header = [EXPORT_HEADERS["transfers_csv"][k] for k in TRANSFER_FIELDS]
        files[rel] = {"rows": write_csv(run.out / rel, t_header,
                                        [run.tcells[k] for k in TRANSFER_FIELDS], t_rows,
                                        encoding=enc, lineterminator=eol)}
    ids = run.cid[:run.n]
    order = np.argsort(ids.astype(str), kind="stable")
    names = vocab.INST_NAME[run.comp["institution"]]
    files["truth/lenders.csv"] = {"rows": write_table(
        run.out / "truth/lenders.csv", ["complaint_id", "lender"],
        zip(ids[order].tolist(), names[order].tolist()))}
    return files


def _payer_lenders(run) -> np.ndarray:
    """Per transfer row, the lender of the payer's first complaint (else a lender drawn
    from the transfer's own stream)."""
    comp, lenders = run.comp, run.lenders
    first = {}
    for p, inst, ts in sorted(zip(comp["person"].tolist(), comp["institution"].tolist(),
                                  comp["ts"].tolist()), key=lambda r: (r[0], r[2])):
        first.setdefault(p, inst)
    rng = stream(run.seed, "lender-transfers")
    fallback = lenders[rng.integers(0, len(lenders), table.nrows(run.trs_all))]
    return np.array([first.get(int(p), int(f)) for p, f in
                     zip(run.trs_all["payer"].tolist(), fallback.tolist())], dtype=np.int64)
