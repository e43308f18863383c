"""Bad rows and exact duplicates: what a loader must quarantine, flag, or de-duplicate.

Quarantine defects (the row cannot be loaded) are *extra* rows on top of the scenario's
distinct complaints, so the ground truth of complaints never depends on a lost row. Field
defects damage one cell of a real complaint, which stays in the ground truth.
"""

from __future__ import annotations

import numpy as np

QUARANTINE, FIELD = "quarantine", "field"

# kind → (canonical field, expected handling, weight)
COMPLAINT_KINDS: dict[str, tuple[str, str, float]] = {
    "empty_id": ("complaint_id", QUARANTINE, 0.08),
    "id_conflict": ("complaint_id", QUARANTINE, 0.08),
    "too_many_columns": ("", QUARANTINE, 0.08),
    "id_checksum": ("id_number", FIELD, 0.12),
    "impossible_date": ("received_at", FIELD, 0.10),
    "future_date": ("received_at", FIELD, 0.10),
    "unparseable_date": ("received_at", FIELD, 0.10),
    "invalid_phone": ("phone", FIELD, 0.12),
    "non_numeric_amount": ("overdue_amount", FIELD, 0.10),
    "empty_name": ("name", FIELD, 0.10),
}
TRANSFER_KINDS: dict[str, tuple[str, str, float]] = {
    "empty_id": ("transfer_id", QUARANTINE, 0.2),
    "empty_account": ("payee_account", QUARANTINE, 0.2),
    "id_checksum": ("payer_id_number", FIELD, 0.2),
    "non_numeric_amount": ("amount", FIELD, 0.2),
    "unparseable_date": ("paid_at", FIELD, 0.2),
}
TRANSFER_SHARE = 0.1

UNPARSEABLE_DATES = ("上周三", "去年12月", "待补录", "见附件", "三月中旬", "昨天下午", "不详")
NON_NUMERIC_AMOUNTS = ("约五千", "两万左右", "不详", "待核实", "三万多", "见合同")


def allocate(n: int, kinds: dict[str, tuple[str, str, float]]) -> list[str]:
    """Exactly ``n`` kinds split by weight (largest remainder), in a fixed order."""
    names = list(kinds)
    w = np.array([kinds[k][2] for k in names])
    target = n * w / w.sum()
    counts = np.floor(target).astype(int)
    for j in np.argsort(-(target - counts), kind="stable")[: n - counts.sum()]:
        counts[j] += 1
    return [k for k, c in zip(names, counts.tolist()) for _ in range(c)]


def split_budget(n_bad: int) -> tuple[int, int]:
    """Bad rows for the complaint exports and for the transfer export."""
    n_t = int(round(n_bad * TRANSFER_SHARE))
    return n_bad - n_t, n_t


def corrupt(kind: str, rng: np.random.Generator, *, value: str = "", ts_parts=None,
            digits: str = "") -> str:
    """The damaged cell for a field defect.

    Parameters
    ----------
    kind : str
        A field-defect kind from :data:`COMPLAINT_KINDS` / :data:`TRANSFER_KINDS`.
    rng : numpy.random.Generator
        Stream of the defect planner.
    value : str
        Current cell (the full resident ID for ``id_checksum``).
    ts_parts : tuple, optional
        (year, month, day, hour, minute, second) of the true time, for date defects.
    digits : str
        The true 11-digit phone, for ``invalid_phone``.
    """
    from simulator.render import TIME_FORMATS, format_time

    if kind == "id_checksum":
        good = value[17]
        wrong = [c for c in "0123456789X" if c != good]
        return value[:17] + wrong[int(rng.integers(len(wrong)))]
    if kind == "impossible_date":
        y, _, _, h, mi, s = ts_parts
        forms = (f"{y}-02-30 {h:02d}:{mi:02d}:{s:02d}", f"{y}/4/31 {h}:{mi:02d}",
                 f"{y}-13-05 {h:02d}:{mi:02d}:00", f"{y}年6月31日 {h:02d}:{mi:02d}",
                 f"{y}-11-31T{h:02d}:{mi:02d}:{s:02d}+08:00", f"{y}0230 {h:02d}{mi:02d}{s:02d}")
        return forms[int(rng.integers(len(forms)))]
    if kind == "future_date":
        _, mo, d, h, mi, s = ts_parts
        y = int(rng.integers(2031, 2036))
        return format_time((y, mo, min(d, 28), h, mi, s), int(rng.integers(len(TIME_FORMATS))))
    if kind == "unparseable_date":
        return UNPARSEABLE_DATES[int(rng.integers(len(UNPARSEABLE_DATES)))]
    if kind == "invalid_phone":
        forms = (digits[:7], "12" + digits[2:], digits + str(int(rng.integers(10))),
                 "2" + digits[1:])
        return forms[int(rng.integers(len(forms)))]
    if kind == "non_numeric_amount":
        return NON_NUMERIC_AMOUNTS[int(rng.integers(len(NON_NUMERIC_AMOUNTS)))]
    if kind == "empty_name":
        return ""
    raise ValueError(f"not a field defect: {kind}")
