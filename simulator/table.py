"""Column blocks: the structured (not yet rendered) complaint and transfer records.

Generators build blocks of equal-length numpy columns that refer to people by index. Cell
text (phone formats, date formats, masking) is rendered later in one pass, after defects and
duplicates are planned, so every component works on clean values.
"""

from __future__ import annotations

import numpy as np

# Column name → (dtype, default) of a complaint block.
COMPLAINT_COLS: dict[str, tuple[object, object]] = {
    "person": (np.int64, -1),
    "ts": (np.int64, 0),               # seconds since epoch, naive Asia/Shanghai time
    "channel": (object, ""),
    "contact_person": (np.int64, -1),  # whose registered phone is the call-back number
    "contact_literal": (object, ""),   # a call-back number that is nobody's mobile
    "agent_person": (np.int64, -1),
    "agent_org": (object, ""),
    "institution": (np.int64, 0),      # index into vocab.INSTITUTIONS
    "loan_account": (object, ""),
    "amount": (np.float64, 0.0),
    "demands": (object, ""),
    "text": (object, ""),
    "ip": (object, ""),
    "device": (object, ""),
    "attachments": (object, ""),
    "ring_id": (object, ""),
    "style": (object, ""),
    "group_id": (object, ""),
    "group_type": (object, ""),
}

TRANSFER_COLS: dict[str, tuple[object, object]] = {
    "payer": (np.int64, -1),
    "ts": (np.int64, 0),
    "payee_account": (object, ""),
    "payee_name": (object, ""),
    "amount": (np.float64, 0.0),
    "memo": (object, ""),
    "ring_id": (object, ""),
    "group_id": (object, ""),
}


def block(spec: dict[str, tuple[object, object]], n: int, **cols) -> dict[str, np.ndarray]:
    """A block of ``n`` rows; given columns are broadcast, others take their default."""
    out = {}
    for name, (dtype, default) in spec.items():
        if name in cols and cols[name] is not None:
            v = np.asarray(cols[name], dtype=dtype)
            out[name] = np.broadcast_to(v, (n,)).copy() if v.ndim == 0 else v.copy()
            if len(out[name]) != n:
                raise ValueError(f"column {name} has {len(out[name])} rows, expected {n}")
        else:
            out[name] = np.full(n, default, dtype=dtype)
    unknown = set(cols) - set(spec)
    if unknown:
        raise ValueError(f"unknown columns: {sorted(unknown)}")
    return out


def complaints(n: int, **cols) -> dict[str, np.ndarray]:
    """A complaint block (see :data:`COMPLAINT_COLS`)."""
    return block(COMPLAINT_COLS, n, **cols)


def transfers(n: int, **cols) -> dict[str, np.ndarray]:
    """A transfer block (see :data:`TRANSFER_COLS`)."""
    return block(TRANSFER_COLS, n, **cols)


def concat(blocks: list[dict[str, np.ndarray]], spec: dict) -> dict[str, np.ndarray]:
    """Stack blocks row-wise."""
    blocks = [b for b in blocks if b and len(next(iter(b.values()))) > 0]
    if not blocks:
        return block(spec, 0)
    return {k: np.concatenate([b[k] for b in blocks]) for k in spec}


def nrows(b: dict[str, np.ndarray]) -> int:
    """Row count of a block."""
    return len(next(iter(b.values()))) if b else 0


def take(b: dict[str, np.ndarray], idx) -> dict[str, np.ndarray]:
    """Rows ``idx`` of a block."""
    return {k: v[idx] for k, v in b.items()}
