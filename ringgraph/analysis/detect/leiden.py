"""Leiden community detection on the weighted complaint graph (igraph's implementation)."""

from __future__ import annotations

import numpy as np

from ringgraph.analysis.project import ComplaintGraph
from ringgraph.analysis.detect.base import BaseDetector, register
from ringgraph.analysis.detect.igraph_methods import igraph_seed


@register
class LeidenDetector(BaseDetector):
    """Leiden (Traag et al. 2019) optimising modularity with a resolution parameter.

    igraph's ``community_leiden`` defaults to the CPM quality function, whose resolution is
    not comparable with modularity's; this detector always asks for ``modularity``. igraph's
    implementation is used rather than leidenalg's: the same algorithm and objective, about
    ten times faster here on graphs with many isolated complaints.

    Parameters
    ----------
    resolution : float
        Modularity resolution; higher splits more.
    n_iterations : int
        Leiden iterations (negative: until the partition is stable).
    min_size : int
        Smallest community (in complaints) reported.
    seed : int
        Seed of igraph's random generator during the fit.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from ringgraph.analysis.project import build_graph
    >>> complaints = pd.DataFrame({"complaint_id": [f"C{i}" for i in range(6)]})
    >>> inc = pd.DataFrame({"complaint_id": ["C0", "C1", "C2", "C3", "C4", "C5"],
    ...                     "ident_type": "Phone", "ident": ["p1"] * 3 + ["p2"] * 3})
    >>> det = LeidenDetector(min_size=3, seed=1).fit(build_graph(complaints, inc))
    >>> det.labels_.tolist()
    [0, 0, 0, 1, 1, 1]
    """

    name = "leiden"

    def __init__(self, resolution: float = 1.0, n_iterations: int = -1, min_size: int = 3,
                 seed: int = 0) -> None:
        self.resolution = resolution
        self.n_iterations = n_iterations
        self.min_size = min_size
        self.seed = seed

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        with igraph_seed(self.seed):
            part = graph.to_igraph().community_leiden(
                objective_function="modularity", weights="weight",
                resolution=float(self.resolution), n_iterations=int(self.n_iterations))
        return np.asarray(part.membership)
