"""Baseline: python-louvain (Blondel et al.) on a networkx copy of the complaint graph."""

from __future__ import annotations

import numpy as np

from ringgraph.analysis.project import ComplaintGraph
from ringgraph.analysis.detect.base import BaseDetector, register


@register
class LouvainDetector(BaseDetector):
    """python-louvain ``best_partition``; by default on the raw unweighted graph (baseline).

    Parameters
    ----------
    weighted : bool
        Use the projection's weights (False: every shared identifier link counts 1).
    resolution : float
        Modularity resolution.
    min_size : int
        Smallest community (in complaints) reported.
    seed : int
        Random seed passed to python-louvain.

    Examples
    --------
    >>> from ringgraph.analysis.detect.checks import toy_graph
    >>> det = LouvainDetector(seed=0).fit(toy_graph())
    >>> sorted(len(c) for c in det.communities_)
    [8, 8, 8, 8]
    """

    name = "louvain"

    def __init__(self, weighted: bool = False, resolution: float = 1.0, min_size: int = 3,
                 seed: int = 0) -> None:
        self.weighted = weighted
        self.resolution = resolution
        self.min_size = min_size
        self.seed = seed

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        import community as community_louvain  # python-louvain's import name

        part = community_louvain.best_partition(
            graph.to_networkx(weighted=self.weighted), resolution=float(self.resolution),
            random_state=int(self.seed))
        return np.array([part[i] for i in range(graph.n)], dtype=np.int64)
