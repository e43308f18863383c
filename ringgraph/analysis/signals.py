"""Signals measured on every community at once: hand-over, pressure demands, bursts,
template texts against the data's own background, link density (used by
:mod:`ringgraph.analysis.score`)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.project import ComplaintGraph, shared_signatures
from ringgraph.core.textsim import (background_signature_similarity, background_similarity,
                                    mean_jaccard, mean_signature_similarity)

PRESSURE = r"精神赔偿|媒体曝光|曝光"


def handover_borrowers(c: pd.DataFrame, on_device: pd.DataFrame, gap: int) -> pd.Series:
    """Borrowers whose identity was handed over: a complaint presented as their own (no
    representative on the ticket) from a device another household also used, a registered
    mobile another household also has, or a mobile within ``gap`` of another household's
    (a block of freshly issued SIMs).

    A firm that files for its clients from its office computer names itself on the ticket:
    that is representation (context), not someone else acting as the borrower.
    """
    if "represented" in c.columns:
        own = c.index[~c["represented"].astype(bool)]
        on_device = on_device[on_device["complaint"].isin(own)]
    hits = [on_device[["community", "borrower"]]]
    p = c[c["own_phone"] != ""][["community", "borrower", "household", "own_phone"]]
    per_phone = p.groupby(["community", "own_phone"])["household"].transform("nunique")
    hits.append(p[per_phone >= 2][["community", "borrower"]])
    digits = p["own_phone"].str.replace(r"\D", "", regex=True)
    p = p.assign(num=pd.to_numeric(digits.where(digits.str.len().between(11, 15)),
                                   errors="coerce")).dropna(subset=["num"])
    p = p.drop_duplicates(["community", "borrower"]).sort_values(["community", "num"])
    same = p["community"].to_numpy()[1:] == p["community"].to_numpy()[:-1]
    close = same & (np.diff(p["num"].to_numpy()) <= gap) & (
        p["household"].to_numpy()[1:] != p["household"].to_numpy()[:-1])
    near = np.zeros(len(p), dtype=bool)
    near[1:] |= close
    near[:-1] |= close
    hits.append(p[near][["community", "borrower"]])
    return pd.concat(hits).groupby("community")["borrower"].nunique()


def pressure(demands: pd.Series) -> pd.Series:
    """Whether each complaint makes a pressure demand."""
    d = demands.fillna("").astype(str)
    return d.str.contains(PRESSURE, regex=True) | (
        d.str.contains("停息挂账", regex=False) & d.str.contains("征信修复", regex=False))


def burst_share(c: pd.DataFrame, days: int) -> pd.Series:
    """Largest share of a community's complaints inside any ``days``-day window."""
    t = c.dropna(subset=["at"]).sort_values(["community", "at"], kind="stable")
    if t.empty:
        return pd.Series(dtype=float)
    sec = t["at"].to_numpy().astype("datetime64[s]").astype(np.int64)
    sec = sec - sec.min()
    group = pd.factorize(t["community"])[0].astype(np.int64)
    # Offsetting each community by more than the whole time range keeps searches inside it.
    key = group * (int(sec.max()) + 2 * 86400 * days + 1) + sec
    ends = np.searchsorted(key, key + np.int64(days) * 86400, side="right")
    within = pd.Series(ends - np.arange(len(key)), index=t.index)
    best = within.groupby(t["community"]).max()
    return best / c.groupby("community").size()


def template_similarity(graph: ComplaintGraph, c: pd.DataFrame, sample: int) -> pd.Series:
    """Mean pairwise character-4-gram Jaccard of (a sample of) each community's texts."""
    if "text" not in graph.complaints.columns:
        return pd.Series(dtype=float)
    out = {}
    texts = graph.complaints["text"].to_numpy(dtype=object)
    # Members of each community in index order, from one sort (no per-community lookups).
    order = np.lexsort((c.index.to_numpy(), c["community"].to_numpy()))
    comm_sorted = c["community"].to_numpy()[order]
    idx_sorted = c.index.to_numpy()[order]
    bounds = np.flatnonzero(np.r_[True, comm_sorted[1:] != comm_sorted[:-1], True])
    for lo, hi in zip(bounds[:-1].tolist(), bounds[1:].tolist()):
        if hi - lo < 2:
            continue
        # An evenly spread sample, not the first members: ids carry dates and sources.
        idx = idx_sorted[lo:hi][np.linspace(0, hi - lo - 1, min(sample, hi - lo)).astype(int)]
        sig = shared_signatures(graph.complaints, idx)
        out[comm_sorted[lo]] = (mean_jaccard(texts[idx].tolist()) if sig is None
                                else mean_signature_similarity(sig))
    return pd.Series(out, dtype=float)


def template_background(graph: ComplaintGraph, seed: int) -> float:
    """How alike two random complaints of this data are (see ``textsim``)."""
    if "text" not in graph.complaints.columns:
        return 0.0
    sig = shared_signatures(graph.complaints, np.arange(graph.n))
    if sig is not None:
        return background_signature_similarity(sig, seed=seed)
    return background_similarity(graph.complaints["text"].tolist(), seed=seed)


def link_density(graph: ComplaintGraph, labels: np.ndarray, sizes: pd.Series) -> pd.Series:
    """Share of a community's complaint pairs linked by at least one shared identifier."""
    ls, ld = labels[graph.src], labels[graph.dst]
    inside = (ls == ld) & (ls >= 0)
    counts = pd.Series(ls[inside]).value_counts()
    pairs = sizes * (sizes - 1) / 2
    return (counts.reindex(sizes.index).fillna(0) / pairs.where(pairs > 0)).fillna(0.0)
