"""Baseline: connected components of the shared-identifier graph.

The classic fraud-ring recipe (shared PII → connected components). Hubs the projection
cut stay cut; within that, any chain of shared identifiers joins two complaints.
"""

from __future__ import annotations

import numpy as np

from ringgraph.analysis.project import ComplaintGraph
from ringgraph.analysis.detect.base import BaseDetector, register


@register
class ComponentsDetector(BaseDetector):
    """Connected components (weights ignored; optionally only edges of weight ≥ ``min_weight``).

    Parameters
    ----------
    min_weight : float
        Edges lighter than this are ignored before taking components.
    min_size : int
        Smallest component (in complaints) reported.
    seed : int
        Unused (components are deterministic); kept for the shared contract.

    Examples
    --------
    >>> import pandas as pd
    >>> from ringgraph.analysis.project import build_graph
    >>> complaints = pd.DataFrame({"complaint_id": ["A", "B", "C", "D"]})
    >>> inc = pd.DataFrame({"complaint_id": ["A", "B", "B", "C"], "ident_type": "Device",
    ...                     "ident": ["d1", "d1", "d2", "d2"]})
    >>> ComponentsDetector(min_size=2).fit(build_graph(complaints, inc)).labels_.tolist()
    [0, 0, 0, -1]
    """

    name = "wcc"

    def __init__(self, min_weight: float = 0.0, min_size: int = 3, seed: int = 0) -> None:
        self.min_weight = min_weight
        self.min_size = min_size
        self.seed = seed

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        import igraph as ig

        keep = graph.weight >= self.min_weight
        g = ig.Graph(n=graph.n, edges=np.column_stack([graph.src[keep], graph.dst[keep]])
                     .tolist(), directed=False)
        return np.asarray(g.connected_components().membership)
