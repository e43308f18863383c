"""Post-detection refinement: peel off complaints that hang on a ring by one thread.

Modularity happily adds a complaint whose only tie to a community is one shared
identifier — a ring member's landlord who also rents to a genuine borrower, say. An
investigator would not call that complaint part of the ring. A member is kept only when it
shares at least ``min_links`` distinct identifiers with the rest of its community, or a
reused document (file or certificate number), which is strong evidence on its own, or one
identifier plus the ring's script (its text a near-duplicate of a core member's). A
community without such a core (no member with two threads) is left whole: there is
nothing to peel it off from, and scoring decides whether it is a ring.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.project import CERT, ComplaintGraph, shared_signatures
from ringgraph.core import model as m
from ringgraph.core.textsim import estimate_similarity, shingles

STRONG_TYPES = (m.DOCUMENT, CERT)
# Unrelated complaints share a few percent of their character 4-grams; one script filled
# in for different borrowers shares far more.
SCRIPT_SIMILARITY = 0.25


def peripheral_members(graph: ComplaintGraph, labels: np.ndarray, min_links: int = 2
                       ) -> np.ndarray:
    """Boolean mask of complaints to drop from their community (see module docstring).

    Examples
    --------
    >>> import pandas as pd
    >>> from ringgraph.analysis.project import build_graph
    >>> complaints = pd.DataFrame({"complaint_id": list("ABCD")})
    >>> inc = pd.DataFrame({"complaint_id": list("ABCABCD"),
    ...                     "ident_type": ["Device"] * 3 + ["Phone"] * 3 + ["Account"],
    ...                     "ident": ["d"] * 3 + ["p"] * 3 + ["acct"]})
    >>> inc = pd.concat([inc, pd.DataFrame({"complaint_id": ["C"], "ident_type": ["Account"],
    ...                                     "ident": ["acct"]})])
    >>> g = build_graph(complaints, inc)
    >>> peripheral_members(g, np.array([0, 0, 0, 0])).tolist()
    [False, False, False, True]
    """
    labels = np.asarray(labels)
    inc = graph.incidence[["complaint", "ident_type", "ident"]]
    inc = inc.assign(community=labels[inc["complaint"].to_numpy()])
    inc = inc[inc["community"] >= 0]
    keys = ["community", "ident_type", "ident"]
    users = inc.groupby(keys)["complaint"].transform("nunique")
    shared = inc[users >= 2]
    links = shared.groupby("complaint").size()
    strong = shared[shared["ident_type"].isin(STRONG_TYPES)].groupby("complaint").size()
    n = pd.Series(0, index=np.arange(graph.n)).add(links, fill_value=0)
    s = pd.Series(0, index=np.arange(graph.n)).add(strong, fill_value=0)
    weak = (labels >= 0) & (n.to_numpy() < min_links) & (s.to_numpy() == 0)
    # Peel only off a knit core: where no two members share more than one thread (a small
    # team tied by one fee account, say) the community is kept whole and scoring judges it.
    core = pd.Series(labels[(labels >= 0) & ~weak]).value_counts()
    has_core = pd.Series(labels).map(core).fillna(0).to_numpy() >= 2
    drop = weak & has_core
    if "text" in graph.complaints.columns and (n.to_numpy()[drop] >= 1).any():
        drop &= ~_scripted(graph, labels, drop & (n.to_numpy() >= 1), ~weak)
    return drop


def _scripted(graph: ComplaintGraph, labels: np.ndarray, candidates: np.ndarray,
              core: np.ndarray, sample: int = 40) -> np.ndarray:
    """Candidates whose text is a near-duplicate (character-4-gram Jaccard at least
    ``SCRIPT_SIMILARITY``) of a core member's: the ring's script is their second thread."""
    out = np.zeros(graph.n, dtype=bool)
    sig = shared_signatures(graph.complaints, np.arange(graph.n))
    texts = graph.complaints["text"].fillna("").astype(str).to_numpy()
    for comm in np.unique(labels[candidates]).tolist():
        members = np.flatnonzero(core & (labels == comm))
        members = members[np.linspace(0, len(members) - 1, min(sample, len(members)))
                          .astype(int)]
        if sig is not None:   # pooled: signatures instead of texts
            for i in np.flatnonzero(candidates & (labels == comm)).tolist():
                sim = estimate_similarity(sig, np.full(len(members), i), members)
                out[i] = bool((sim >= SCRIPT_SIMILARITY).any())
            continue
        ref = [shingles(t) for t in texts[members]]
        for i in np.flatnonzero(candidates & (labels == comm)).tolist():
            a = shingles(texts[i])
            out[i] = any(len(a & b) / len(a | b) >= SCRIPT_SIMILARITY for b in ref if a or b)
    return out
