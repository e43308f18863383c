"""Detectors behind one estimator API, found by name in :data:`REGISTRY`.

=====================  ==================================================================
name                   what it is
=====================  ==================================================================
``leiden``             Leiden (igraph, modularity) on the weighted projection: default
``louvain``            python-louvain; unweighted by default: the plain-Louvain baseline
``louvain_igraph``     igraph's multilevel Louvain on the weighted projection
``label_propagation``  igraph label propagation on the weighted projection
``wcc``                connected components of the shared-identifier graph: baseline
``wcc_jaccard``        the classic shared-PII recipe: Jaccard-filtered components: baseline
``gds_leiden``         Leiden inside Neo4j (Graph Data Science): ``--engine gds``
``gds_louvain``        Louvain inside Neo4j (Graph Data Science): ``--engine gds``
``gds_wcc``            connected components inside Neo4j (Graph Data Science): ``--engine gds``
=====================  ==================================================================
"""

from ringgraph.analysis.detect.base import REGISTRY, BaseDetector, get_detector, register
from ringgraph.analysis.detect.classic import ClassicJaccardDetector
from ringgraph.analysis.detect.components import ComponentsDetector
from ringgraph.analysis.detect.igraph_methods import LabelPropagationDetector, MultilevelDetector
from ringgraph.analysis.detect.leiden import LeidenDetector
from ringgraph.analysis.detect.louvain import LouvainDetector
from ringgraph.analysis.detect.gds import GdsDetector


def engine_name(name: str, engine: str = "python") -> str:
    """Registry name of detector ``name`` on ``engine`` (``gds`` detectors are ``gds_<name>``)."""
    return name if engine == "python" else f"{engine}_{name}"


__all__ = ["REGISTRY", "BaseDetector", "get_detector", "register", "ClassicJaccardDetector",
           "ComponentsDetector", "GdsDetector", "engine_name", "LabelPropagationDetector", "LeidenDetector",
           "LouvainDetector", "MultilevelDetector"]
