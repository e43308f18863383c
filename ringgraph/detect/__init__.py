"""Detectors behind one estimator API, found by name in :data:`REGISTRY`."""

from .base import REGISTRY, BaseDetector, get_detector, register
from .components import ComponentsDetector
from .leiden import LeidenDetector
from .louvain import LouvainDetector

__all__ = ["REGISTRY", "BaseDetector", "get_detector", "register", "ComponentsDetector",
           "LeidenDetector", "LouvainDetector"]
