"""Post-detection refinement: peel off complaints that hang on a ring by one thread.

Modularity happily adds a complaint whose only tie to a community is one shared
identifier — a ring member's landlord who also rents to a genuine borrower, say. An
investigator would not call that complaint part of the ring. A member is kept only when it
shares at least ``min_links`` distinct identifiers with the rest of its community, or a
reused document (file or certificate number), which is strong evidence on its own.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.project import CERT, ComplaintGraph
from ringgraph.core import model as m

STRONG_TYPES = (m.DOCUMENT, CERT)


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
    drop = (labels >= 0) & (n.to_numpy() < min_links) & (s.to_numpy() == 0)
    return drop
