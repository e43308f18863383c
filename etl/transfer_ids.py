"""Stable ids for transfers whose statement carries no serial number.

The id is a hash of payer, payee, amount and time, plus the record's position among its
identical twins in the same file (two equal payments on one day are two payments). The
position is counted across chunks, so the same file always gives the same ids and
re-ingesting it adds nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core.keys import clean_digits

CONTENT = ("payer_id_number", "payer_name", "payee_account", "amount", "paid_at")


def derive_transfer_ids(frame: pd.DataFrame, twins: dict[str, int]) -> pd.Series:
    """``D`` + 16 hex digits per row of ``frame`` (file order); ``twins`` carries the twin
    counts of the file's earlier chunks and is updated in place.

    >>> f = pd.DataFrame({c: ["x", "x", "y"] for c in CONTENT})
    >>> ids = derive_transfer_ids(f, {}); ids[0] != ids[1], ids[0] == derive_transfer_ids(f, {})[0]
    (True, True)
    """
    vals = pd.DataFrame({c: clean_digits(frame[c].astype(object)) for c in CONTENT})
    # "1,000.00" and "1000" are one amount.
    amt = vals["amount"].str.replace(",", "", regex=False)
    amt = amt.str.replace(r"^(\d+)\.0*$", r"\1", regex=True)
    vals["amount"] = amt.str.replace(r"^(\d+\.\d*?)0+$", r"\1", regex=True)
    return stable_ids(vals, twins, "D")


def stable_ids(vals: pd.DataFrame, twins: dict[str, int], prefix: str) -> pd.Series:
    """``prefix`` + 16 hex digits per row: a hash of the row's values and its position among
    identical twins (``twins`` carries earlier chunks' counts and is updated in place)."""
    frame = vals
    h = pd.Series(np.char.mod("%016x", pd.util.hash_pandas_object(vals, index=False).to_numpy()),
                  index=frame.index, dtype=object)
    pos = h.groupby(h, sort=False).cumcount() + h.map(twins).fillna(0).astype("int64")
    counts = h.value_counts()
    before = pd.Series(twins, dtype="int64").reindex(counts.index).fillna(0).astype("int64")
    twins.update((counts + before).to_dict())
    key = pd.DataFrame({"h": h, "pos": pos.astype("int64")})
    ids = np.char.mod("%016x", pd.util.hash_pandas_object(key, index=False).to_numpy())
    return pd.Series(np.char.add(prefix, ids), index=frame.index, dtype=object)
