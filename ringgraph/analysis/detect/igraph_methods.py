"""igraph's own community methods: multilevel (Louvain) and label propagation.

igraph draws randomness from a Python ``random``-like generator set process-wide; each fit
installs a ``random.Random(seed)`` for the duration of the call and restores the previous
generator, so a seed reproduces a result without touching anyone else's randomness.
"""

from __future__ import annotations

import random
from contextlib import contextmanager

import numpy as np

from ringgraph.analysis.project import ComplaintGraph
from ringgraph.analysis.detect.base import BaseDetector, register


@contextmanager
def igraph_seed(seed: int):
    import igraph as ig

    ig.set_random_number_generator(random.Random(int(seed)))
    try:
        yield
    finally:
        ig.set_random_number_generator(random)


@register
class MultilevelDetector(BaseDetector):
    """Louvain as implemented by igraph (``community_multilevel``), on projection weights.

    Parameters
    ----------
    resolution : float
        Modularity resolution.
    min_size : int
        Smallest community (in complaints) reported.
    seed : int
        Seed of igraph's random generator during the fit.

    Examples
    --------
    >>> from ringgraph.analysis.detect.checks import toy_graph
    >>> sorted(len(c) for c in MultilevelDetector(seed=0).fit(toy_graph()).communities_)
    [8, 8, 8, 8]
    """

    name = "louvain_igraph"

    def __init__(self, resolution: float = 1.0, min_size: int = 3, seed: int = 0) -> None:
        self.resolution = resolution
        self.min_size = min_size
        self.seed = seed

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        with igraph_seed(self.seed):
            part = graph.to_igraph().community_multilevel(weights="weight",
                                                          resolution=float(self.resolution))
        return np.asarray(part.membership)


@register
class LabelPropagationDetector(BaseDetector):
    """Label propagation (Raghavan et al.) with projection weights, via igraph.

    Parameters
    ----------
    min_size : int
        Smallest community (in complaints) reported.
    seed : int
        Seed of igraph's random generator during the fit.

    Examples
    --------
    >>> from ringgraph.analysis.detect.checks import toy_graph
    >>> det = LabelPropagationDetector(seed=0).fit(toy_graph())
    >>> len(det.communities_) >= 3
    True
    """

    name = "label_propagation"

    def __init__(self, min_size: int = 3, seed: int = 0) -> None:
        self.min_size = min_size
        self.seed = seed

    def _membership(self, graph: ComplaintGraph) -> np.ndarray:
        with igraph_seed(self.seed):
            part = graph.to_igraph().community_label_propagation(weights="weight")
        return np.asarray(part.membership)
