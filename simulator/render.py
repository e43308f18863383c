"""Rendering structured records into the cell text institutions actually export.

Times and amounts are written in the mixed formats of hand-kept ticket systems; IDs and
phones are masked on a share of rows; everything else is copied as generated. The output
is one object array of strings per canonical field (see ``etl.schema``).
"""

from __future__ import annotations

import numpy as np

from simulator import identity as ident, vocab
from simulator.people import People
from simulator.streams import weighted_choice

XLSX = 2  # file code of the platform workbook (files: 0 bank csv, 1 cf csv, 2 xlsx)

TIME_FORMATS = ("iso_space", "slash_minutes", "chinese", "compact", "iso_t_offset")
TIME_FORMAT_W = (0.45, 0.2, 0.12, 0.08, 0.15)
XLSX_DATETIME_RATE = 0.85


def split_ts(ts: np.ndarray):
    """Epoch seconds → (year, month, day, hour, minute, second) integer arrays."""
    t = np.asarray(ts, dtype=np.int64).astype("datetime64[s]")
    d = t.astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    sec = (t - d.astype("datetime64[s]")).astype(np.int64)
    return (y.astype(np.int64) + 1970, (m - y.astype("datetime64[M]")).astype(np.int64) + 1,
            (d - m.astype("datetime64[D]")).astype(np.int64) + 1, sec // 3600, sec // 60 % 60,
            sec % 60)


def format_time(parts, k: int) -> str:
    """One time in format ``k`` of :data:`TIME_FORMATS`."""
    y, mo, d, h, mi, s = parts
    if k == 0:
        return f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d}"
    if k == 1:
        return f"{y}/{mo}/{d} {h:02d}:{mi:02d}"
    if k == 2:
        return f"{y}年{mo}月{d}日 {h:02d}:{mi:02d}"
    if k == 3:
        return f"{y:04d}{mo:02d}{d:02d} {h:02d}{mi:02d}{s:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}+08:00"


def render_times(rng: np.random.Generator, ts: np.ndarray, fmt: np.ndarray | None = None):
    """Mixed-format time cells for epoch seconds ``ts``."""
    n = len(ts)
    if fmt is None:
        fmt = weighted_choice(rng, n, TIME_FORMAT_W)
    cols = [c.tolist() for c in split_ts(ts)]
    return [format_time(p, k) for *p, k in zip(*cols, fmt.tolist())]


def iso_times(ts: np.ndarray) -> list[str]:
    """``YYYY-MM-DD HH:MM:SS`` cells (lossless; used when a datetime cell is re-exported)."""
    cols = [c.tolist() for c in split_ts(ts)]
    return [format_time(p, 0) for p in zip(*cols)]


AMOUNT_FORMAT_W = (0.55, 0.25, 0.1, 0.1)   # plain, thousands commas, 万, whole yuan


def render_amounts(rng: np.random.Generator, amounts: np.ndarray):
    """Amount cells and, where the cell is a plain number, its numeric value (else NaN)."""
    n = len(amounts)
    fmt = weighted_choice(rng, n, AMOUNT_FORMAT_W).tolist()
    wan_digits = rng.integers(1, 3, n).tolist()
    cells, nums = [], np.full(n, np.nan)
    for i, (a, k, wd) in enumerate(zip(np.asarray(amounts, dtype=float).tolist(), fmt,
                                       wan_digits)):
        if k == 2 and a >= 10_000:
            cells.append(f"{a / 10_000:.{wd}f}万")
        elif k == 1:
            cells.append(f"{a:,.2f}")
        elif k == 3:
            s = f"{a:.0f}"
            cells.append(s)
            nums[i] = float(s)
        else:
            s = f"{a:.2f}"
            cells.append(s)
            nums[i] = float(s)
    return np.array(cells, dtype=object), nums


def render_ids(rng: np.random.Generator, ids: np.ndarray, mask_rate: float,
               never_mask: np.ndarray | None = None) -> np.ndarray:
    """Resident-ID cells, a share masked in one of the two printed styles."""
    n = len(ids)
    mask = rng.random(n) < mask_rate
    if never_mask is not None:
        mask &= ~never_mask
    style = rng.integers(0, 2, n)
    out = np.asarray(ids, dtype=object).copy()
    for i in np.flatnonzero(mask).tolist():
        out[i] = ident.mask_id(out[i], int(style[i]))
    return out


def _phone_digits(people: People, idx: np.ndarray) -> np.ndarray:
    out = np.full(len(idx), "", dtype=object)
    has = idx >= 0
    out[has] = people.phone[idx[has]]
    return out


def _names(people: People, idx: np.ndarray) -> np.ndarray:
    out = np.full(len(idx), "", dtype=object)
    has = idx >= 0
    out[has] = people.name[idx[has]]
    return out


def render_complaints(rng: np.random.Generator, c: dict[str, np.ndarray], people: People,
                      file_of: np.ndarray, complaint_id: np.ndarray, *, masked_id_rate: float,
                      masked_phone_rate: float, never_mask: np.ndarray):
    """Cell text of every complaint row.

    Returns
    -------
    tuple
        ``(cells, is_datetime, amount_num)``: ``cells`` maps canonical field → object
        array; ``is_datetime`` marks workbook rows whose time is written as a real Excel
        datetime (their ``received_at`` cell text is empty); ``amount_num`` holds the
        numeric amount where the cell is a plain number.
    """
    n = len(c["person"])
    person = c["person"]
    is_dt = (file_of == XLSX) & (rng.random(n) < XLSX_DATETIME_RATE)
    times = np.array(render_times(rng, c["ts"]), dtype=object)
    times[is_dt] = ""
    names = people.name[person].copy()
    # A few names typed with stray whitespace.
    odd = np.flatnonzero(rng.random(n) < 0.01)
    for i, k in zip(odd.tolist(), rng.integers(0, 3, len(odd)).tolist()):
        nm = names[i]
        names[i] = (" " + nm, nm + " ", nm[:1] + " " + nm[1:])[k]
    contact = _phone_digits(people, c["contact_person"])
    lit = c["contact_literal"] != ""
    contact[lit] = c["contact_literal"][lit]
    amount_cells, amount_num = render_amounts(rng, c["amount"])
    cells = {
        "complaint_id": complaint_id,
        "received_at": times,
        "channel": c["channel"],
        "name": names,
        "id_number": render_ids(rng, people.id_number[person], masked_id_rate, never_mask),
        "phone": np.array(ident.render_phones(rng, people.phone[person], masked_phone_rate),
                          dtype=object),
        "contact_phone": np.array(ident.render_phones(rng, contact, masked_phone_rate),
                                  dtype=object),
        "province": ident.province_labels(rng, people.prov[person]),
        "institution": vocab.INST_NAME[c["institution"]],
        "loan_account": c["loan_account"],
        "overdue_amount": amount_cells,
        "demands": c["demands"],
        "text": c["text"],
        "agent_name": _names(people, c["agent_person"]),
        "agent_phone": np.array(ident.render_phones(rng, _phone_digits(people, c["agent_person"]),
                                                    masked_phone_rate), dtype=object),
        "agent_org": c["agent_org"],
        "ip": c["ip"],
        "device": c["device"],
        "attachments": c["attachments"],
    }
    return cells, is_dt, amount_num


def render_transfers(rng: np.random.Generator, t: dict[str, np.ndarray], people: People,
                     transfer_id: np.ndarray, *, masked_id_rate: float,
                     never_mask: np.ndarray) -> dict[str, np.ndarray]:
    """Cell text of every transfer row (canonical transfer fields)."""
    n = len(t["payer"])
    amt = np.asarray(t["amount"], dtype=float).tolist()
    commas = (rng.random(n) < 0.15).tolist()
    amount = np.array([f"{a:,.2f}" if c else f"{a:.2f}" for a, c in zip(amt, commas)],
                      dtype=object)
    return {
        "transfer_id": transfer_id,
        "paid_at": np.array(render_times(rng, t["ts"]), dtype=object),
        "payer_name": people.name[t["payer"]],
        "payer_id_number": render_ids(rng, people.id_number[t["payer"]], masked_id_rate,
                                      never_mask),
        "payee_account": t["payee_account"],
        "payee_name": t["payee_name"],
        "amount": amount,
        "memo": t["memo"],
    }
