"""Stable ring identity: a ring keeps its id from one detection run to the next.

Detection numbers rings by rank (``RG0001`` …), which changes whenever data or settings
change, so notes and evidence packs citing an id would point at another ring after the next
run. Here each ring of a new result is matched to the rings of the previous run by member
overlap (Jaccard on complaint ids, one-to-one by the Hungarian algorithm, pairs below
``MIN_JACCARD`` never matched) and keeps the matched ring's id. Unmatched rings get a new id
``RG-<year>-<n>``; ``n`` continues after the highest number ever issued that year, read from
the store's ring-id table, which is never pruned, so an id is never issued twice. Each ring
records its lineage (``continued``, ``new``, ``split`` or ``merged``, with the previous rings
that gave it most of their members or most of its own), and previous rings that found no
successor are retired in the store with the rings they went into.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import numpy as np
import pandas as pd

from ringgraph.analysis.result import RingResult
from ringgraph.store.base import RING_ID_COLUMNS, GraphStore

MIN_JACCARD = 0.5
ID_PATTERN = re.compile(r"^RG-(\d{4})-(\d+)$")


def overlaps(current: dict[str, list], previous: dict[str, list]) -> pd.DataFrame:
    """``cur, prev, shared, cur_size, prev_size, jaccard`` for every pair of rings that share
    at least one complaint."""
    def frame(sets: dict, col: str) -> pd.DataFrame:
        pairs = [(k, c) for k, members in sets.items() for c in members]
        return pd.DataFrame(pairs, columns=[col, "complaint"]).drop_duplicates()

    cur, prev = frame(current, "cur"), frame(previous, "prev")
    ov = cur.merge(prev, on="complaint").groupby(["cur", "prev"]).size().rename("shared")
    ov = ov.reset_index()
    ov["cur_size"] = ov["cur"].map(cur.groupby("cur").size()).astype(np.int64)
    ov["prev_size"] = ov["prev"].map(prev.groupby("prev").size()).astype(np.int64)
    ov["jaccard"] = ov["shared"] / (ov["cur_size"] + ov["prev_size"] - ov["shared"])
    return ov.sort_values(["cur", "prev"], kind="stable").reset_index(drop=True)


def match(ov: pd.DataFrame, min_jaccard: float = MIN_JACCARD) -> dict[str, str]:
    """One-to-one ``current → previous`` matching maximising total Jaccard (Hungarian)."""
    from scipy.optimize import linear_sum_assignment

    ov = ov[ov["jaccard"] >= min_jaccard]
    if ov.empty:
        return {}
    rows, r_idx = np.unique(ov["cur"].to_numpy(dtype=str), return_inverse=True)
    cols, c_idx = np.unique(ov["prev"].to_numpy(dtype=str), return_inverse=True)
    jac = np.zeros((len(rows), len(cols)))
    jac[r_idx, c_idx] = ov["jaccard"].to_numpy()
    ri, ci = linear_sum_assignment(jac, maximize=True)
    return {str(rows[i]): str(cols[j]) for i, j in zip(ri, ci) if jac[i, j] > 0}


def next_number(issued: pd.Series, year: int) -> int:
    """The first number not yet issued in ``year`` among the ring ids ``issued``."""
    nums = [int(mt.group(2)) for mt in map(ID_PATTERN.match, issued.astype(str))
            if mt and int(mt.group(1)) == year]
    return max(nums, default=0) + 1


def _sources(ov: pd.DataFrame) -> dict[str, list[dict]]:
    """Previous rings each current ring came from: those that gave it most of their members
    or most of its own."""
    big = ov[(2 * ov["shared"] >= ov["prev_size"]) | (2 * ov["shared"] >= ov["cur_size"])]
    return {cur: [{"ring_id": r.prev, "shared": int(r.shared),
                   "jaccard": round(float(r.jaccard), 4)} for r in g.itertuples()]
            for cur, g in big.groupby("cur")}


def assign_ids(result: RingResult, registry: pd.DataFrame, year: int,
               now: str = "") -> pd.DataFrame:
    """Give every ring of ``result`` its stable id and lineage (in place).

    Parameters
    ----------
    result : RingResult
        Fresh from detection, rings numbered by rank.
    registry : DataFrame
        The store's ring-id table (``RING_ID_COLUMNS``); its active rows are the previous
        run's rings.
    year : int
        Year written into new ids.
    now : str
        Timestamp recorded in the registry rows.

    Returns
    -------
    DataFrame
        Registry rows to upsert: every current ring (active) and every previous ring that
        no longer exists (retired, with ``into``).
    """
    active = registry[registry["active"].astype(bool)]
    previous = {r.ring_id: json.loads(r.members) for r in active.itertuples()}
    told = {r.ring_id: json.loads(r.lineage or "null") for r in active.itertuples()}
    current = {r.ring_id: r.complaint_ids for r in result.rings}
    ov = overlaps(current, previous)
    matched, sources = match(ov), _sources(ov)
    counter = next_number(registry["ring_id"], year)
    renamed: dict[str, str] = {}
    for ring in result.rings:  # rank order, so new ids follow the ranking
        prev = matched.get(ring.ring_id)
        came = sources.get(ring.ring_id, [])
        if prev is None:
            new_id, counter = f"RG-{year}-{counter:04d}", counter + 1
            status = "new" if not came else ("split" if len(came) == 1 else "merged")
        else:
            new_id = prev
            status = "merged" if len(came) > 1 else "continued"
        before = set(previous.get(prev, ()))
        if prev is not None and before == set(ring.complaint_ids) and told.get(prev):
            # Unchanged: keep the story of how it came to be, so re-running detection on
            # the same data writes the same rings.json.
            ring.lineage = told[prev]
        else:
            ring.lineage = {"status": status, "previous": prev, "from": came,
                            "added": len(set(ring.complaint_ids) - before) if prev else None,
                            "removed": len(before - set(ring.complaint_ids)) if prev else None}
        renamed[ring.ring_id] = new_id
        ring.ring_id = new_id
    return _registry_rows(result, active, ov, matched, renamed, now)


def _registry_rows(result: RingResult, active: pd.DataFrame, ov: pd.DataFrame,
                   matched: dict, renamed: dict, now: str) -> pd.DataFrame:
    rows = [(r.ring_id, json.dumps(r.complaint_ids, ensure_ascii=False),
             json.dumps(r.lineage, ensure_ascii=False, sort_keys=True), True, now)
            for r in result.rings]
    kept = set(matched.values())
    for r in active.itertuples():
        if r.ring_id in kept:
            continue
        went = ov[(ov["prev"] == r.ring_id) & ((2 * ov["shared"] >= ov["prev_size"])
                                               | (2 * ov["shared"] >= ov["cur_size"]))]
        into = sorted(renamed[c] for c in went["cur"])
        lineage = dict(json.loads(r.lineage or "{}"), retired=now, into=into)
        rows.append((r.ring_id, r.members, json.dumps(lineage, ensure_ascii=False,
                                                      sort_keys=True), False, now))
    return pd.DataFrame(rows, columns=list(RING_ID_COLUMNS))


def track_rings(store: GraphStore, result: RingResult, year: int | None = None) -> RingResult:
    """Stable ids for ``result``'s rings from ``store``'s ring-id table, and the table
    updated for the next run. The store must be open for writing."""
    when = dt.datetime.now(dt.timezone.utc)
    rows = assign_ids(result, store.ring_ids(), year or when.year,
                      when.isoformat(timespec="seconds"))
    store.write_ring_ids(rows)
    return result
