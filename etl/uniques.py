"""Normalise each distinct value once: exports repeat provinces, organisations, agents,
channels, devices and IPs thousands of times, and a rule applied to a column gives the same
answer for equal cells. :func:`per_unique` runs a column rule on the column's distinct values
and takes the answers back to every row, so the rule itself stays the one home of its logic.
"""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd

# Below this share of distinct values, factorising and taking back pays for itself.
_WORTH_IT = 0.9


def per_unique(rule):
    """Wrap a column rule ``rule(s, *args) -> Series | DataFrame`` (aligned with ``s``) so
    it runs on the distinct values of ``s`` only; the result is the same as ``rule(s)``.

    >>> calls = []
    >>> @per_unique
    ... def upper(s):
    ...     calls.append(len(s))
    ...     return s.str.upper()
    >>> upper(pd.Series(["a", "b", "a", "a"], index=[5, 6, 7, 8])).tolist(), calls
    (['A', 'B', 'A', 'A'], [2])
    """

    @functools.wraps(rule)
    def on_distinct(s: pd.Series, *args, **kwargs):
        codes, uniques = pd.factorize(np.asarray(s, dtype=object), use_na_sentinel=False)
        if len(uniques) >= _WORTH_IT * len(s):
            return rule(s, *args, **kwargs)
        out = rule(pd.Series(uniques, dtype=object, name=s.name), *args, **kwargs)
        return take_back(out, codes, s.index)

    return on_distinct


def take_back(out, codes: np.ndarray, index: pd.Index):
    """Rows ``codes`` of a per-distinct-value result ``out``, re-indexed as ``index``."""
    taken = out.iloc[codes]
    return taken.set_axis(index, axis=0)


def explode_per_unique(rule):
    """Like :func:`per_unique` for a rule that explodes cells into parts: ``rule(s)``
    returns one row per part with ``pos`` (the index label of its cell), parts of a cell
    in order, cells in index order. The rule runs on distinct cells; every cell gets the
    parts of its value.
    """

    @functools.wraps(rule)
    def on_distinct(s: pd.Series, *args, **kwargs):
        codes, uniques = pd.factorize(np.asarray(s, dtype=object), use_na_sentinel=False)
        if len(uniques) >= _WORTH_IT * len(s):
            return rule(s, *args, **kwargs)
        parts = rule(pd.Series(uniques, dtype=object, name=s.name), *args, **kwargs)
        if parts.empty:
            return parts
        # Parts are in cell order, so those of distinct value u are rows start[u]:+count[u].
        count = np.bincount(parts["pos"].to_numpy(dtype=np.int64), minlength=len(uniques))
        start = np.concatenate([[0], np.cumsum(count)[:-1]])
        per_row = count[codes]
        row = np.repeat(np.arange(len(s)), per_row)
        first = np.repeat(start[codes], per_row)
        offset = np.arange(len(row)) - np.repeat(np.cumsum(per_row) - per_row, per_row)
        out = parts.iloc[first + offset].reset_index(drop=True)
        out["pos"] = s.index.to_numpy()[row]
        return out

    return on_distinct
