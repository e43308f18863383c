"""Calls as numpy columns: compliant routine calls, breaches of the red lines, look-alikes.

Every generator returns a :class:`Calls` block (one row per call); :mod:`simulator.calls`
stacks them. Times are epoch seconds of naive Asia/Shanghai local time, like every other
simulated timestamp. Targets: ``OWN`` (the debtor's registered phone), ``OWN2`` (a second
number of the debtor's own, always labelled 本人 in the log), ``THIRD`` (anyone else).
"""

from __future__ import annotations

import numpy as np

from simulator.fields import DAY
from simulator.streams import weighted_choice

OWN, OWN2, THIRD = 0, 1, 2
HOUR = 3600
# Office-hour profile of routine calls (08:00–21:59).
_DAY_H = np.array([0] * 8 + [6, 10, 10, 8, 4, 6, 9, 9, 8, 6, 5, 4, 3, 2], dtype=np.float64)
_NIGHT_H = np.array([22, 23, 0, 1, 2, 3, 4, 5, 6, 7])
_NIGHT_W = np.array([8, 6, 2.5, 1.5, 1, 0.7, 0.7, 1, 2.5, 6])

# Third-party contacts every loan has: relation (as the lender's system records it).
CONTACT_KINDS = ("母亲", "父亲", "配偶", "兄弟姐妹", "同事", "单位", "朋友", "紧急联系人")
COLS = ("loan", "ts", "out", "target", "contact", "planted")


def block(loan, ts, out, target, contact=None, planted=0) -> dict[str, np.ndarray]:
    """A call block; ``contact`` indexes the loan's third-party contacts (-1 for own
    numbers); ``planted`` records why a call exists (for tests and debugging only)."""
    n = len(loan)
    return {"loan": np.asarray(loan, np.int64), "ts": np.asarray(ts, np.int64),
            "out": np.broadcast_to(np.asarray(out, bool), (n,)).copy(),
            "target": np.broadcast_to(np.asarray(target, np.int64), (n,)).copy(),
            "contact": (np.full(n, -1, np.int64) if contact is None
                        else np.asarray(contact, np.int64)),
            "planted": np.broadcast_to(np.asarray(planted, np.int64), (n,)).copy()}


def concat(blocks: list[dict]) -> dict[str, np.ndarray]:
    """Stack call blocks."""
    return {k: np.concatenate([b[k] for b in blocks]) for k in COLS}


def day_times(rng, day: np.ndarray) -> np.ndarray:
    """A routine time on each given day (08:00:00–21:59:59)."""
    h = weighted_choice(rng, len(day), _DAY_H)
    return day * DAY + h * HOUR + rng.integers(0, HOUR, len(day))


def own_target(rng, n: int, has2: np.ndarray) -> np.ndarray:
    """Registered phone mostly, the second own number for a share where the debtor has one."""
    return np.where(has2 & (rng.random(n) < 0.3), OWN2, OWN)


def routine(rng, start_day: np.ndarray, end_day: np.ndarray, has2: np.ndarray,
            sel: np.ndarray) -> dict[str, np.ndarray]:
    """Compliant calls: on distinct days of each loan's period, one to three a day.

    Distinct days come from a per-loan cumulative sum of positive gaps, so no day gets a
    second batch by accident.
    """
    loans = np.flatnonzero(sel)
    span = (end_day - start_day)[loans]
    density = rng.uniform(0.08, 0.45, len(loans))
    n_days = np.maximum(1, np.round(span * density).astype(np.int64))
    loan = np.repeat(loans, n_days)
    mean_gap = np.repeat(span / n_days, n_days)
    gap = 1 + np.floor(rng.exponential(np.maximum(mean_gap - 1, 0.01))).astype(np.int64)
    seg = np.cumsum(n_days) - n_days
    cum = np.cumsum(gap)
    off = cum - np.repeat(cum[seg] - gap[seg], n_days) - 1   # first day: its gap minus one
    keep = off < np.repeat(span, n_days)
    loan, day = loan[keep], (start_day[loan] + off)[keep]
    per = weighted_choice(rng, len(day), (0.55, 0.3, 0.15)) + 1
    loan, day = np.repeat(loan, per), np.repeat(day, per)
    ts = day_times(rng, day)
    return block(loan, ts, True, own_target(rng, len(loan), has2[loan]))


def boundaries(rng, loans: np.ndarray, start_day: np.ndarray, has2: np.ndarray):
    """Lawful edge cases before a loan's routine period: a call at 08:00:00 and one at
    21:59:xx, three calls late one day and two early the next (never four on one day)."""
    n = len(loans)
    d1 = start_day[loans] - 3
    d2 = d1 + 1
    ts = np.concatenate([
        d1 * DAY + 8 * HOUR,                                   # 08:00:00 sharp
        d1 * DAY + 21 * HOUR + 59 * 60 + rng.integers(0, 60, n),   # 21:59:xx
        d1 * DAY + 21 * HOUR + rng.integers(0, 1800, n),
        d2 * DAY + 8 * HOUR + rng.integers(0, 1800, n),
        d2 * DAY + 8 * HOUR + 1800 + rng.integers(0, 1800, n),
    ])
    loan = np.tile(loans, 5)
    return block(loan, ts, True, own_target(rng, len(loan), has2[loan]), planted=9)


def inbound(rng, loans: np.ndarray, start_day, end_day, has2) -> dict[str, np.ndarray]:
    """Debtors calling the collector back, at any hour (an inbound call breaks no rule)."""
    k = rng.integers(1, 5, len(loans))
    loan = np.repeat(loans, k)
    day = start_day[loan] + (rng.random(len(loan)) * (end_day - start_day)[loan]).astype(
        np.int64)
    hour = np.where(rng.random(len(loan)) < 0.35, _NIGHT_H[rng.integers(0, 10, len(loan))],
                    weighted_choice(rng, len(loan), _DAY_H))
    ts = day * DAY + hour * HOUR + rng.integers(0, HOUR, len(loan))
    return block(loan, ts, False, own_target(rng, len(loan), has2[loan]), planted=8)


def night(rng, loan: np.ndarray, t0: np.ndarray, has2, why: int) -> dict[str, np.ndarray]:
    """One to three outbound calls 22:00–07:59 around ``t0``; some exactly at 22:00:00
    or 07:59:59, the edges of the rule."""
    k = weighted_choice(rng, len(loan), (0.55, 0.3, 0.15)) + 1
    lo, base = np.repeat(loan, k), np.repeat(t0 // DAY, k)
    day = base + rng.integers(0, 4, len(lo))
    h = _NIGHT_H[weighted_choice(rng, len(lo), _NIGHT_W)]
    sec = rng.integers(0, HOUR, len(lo))
    edge = rng.random(len(lo))
    h = np.where(edge < 0.08, 22, np.where(edge < 0.16, 7, h))
    sec = np.where(edge < 0.08, 0, np.where(edge < 0.16, HOUR - 1, sec))
    return block(lo, day * DAY + h * HOUR + sec, True, own_target(rng, len(lo), has2[lo]),
                 planted=why)


def excess(rng, loan: np.ndarray, t0: np.ndarray, has2, why: int) -> dict[str, np.ndarray]:
    """One or two days with four to twelve daytime calls to the debtor."""
    days = weighted_choice(rng, len(loan), (0.7, 0.3)) + 1
    lo, base = np.repeat(loan, days), np.repeat(t0 // DAY, days)
    day = base + np.arange(len(lo)) - np.repeat(np.cumsum(days) - days, days)
    per = weighted_choice(rng, len(lo), (0.3, 0.2, 0.15, 0.1, 0.1, 0.05, 0.04, 0.03, 0.03)) + 4
    lo, day = np.repeat(lo, per), np.repeat(day, per)
    return block(lo, day_times(rng, day), True, own_target(rng, len(lo), has2[lo]),
                 planted=why)


def third(rng, loan: np.ndarray, t0: np.ndarray, n_contacts: int, why: int):
    """One to five daytime calls to the loan's third-party contacts within ten days."""
    k = weighted_choice(rng, len(loan), (0.35, 0.25, 0.2, 0.1, 0.1)) + 1
    lo, base = np.repeat(loan, k), np.repeat(t0 // DAY, k)
    day = base + rng.integers(0, 10, len(lo))
    contact = rng.integers(0, n_contacts, len(lo))
    return block(lo, day_times(rng, day), True, THIRD, contact=contact, planted=why)
