"""Scenario simulator: raw institution exports with planted rings and labelled ground truth.

>>> from simulator import ScenarioConfig, simulate      # doctest: +SKIP
>>> summary = simulate(ScenarioConfig(complaints=5000, seed=7), Path("out/s7"))  # doctest: +SKIP

Writes ``exports/`` (bank CSV in UTF-8, consumer-finance CSV in GB18030, platform XLSX, fee
transfers CSV), ``truth/`` (complaints, rings, negatives, bad rows, duplicates, accounts) and
``scenario.json`` (version, seed, config, file hashes and row counts).
"""

from simulator.config import GENERATOR_VERSION, ScenarioConfig
from simulator.scenario import ScenarioSummary, simulate

__all__ = ["GENERATOR_VERSION", "ScenarioConfig", "ScenarioSummary", "simulate"]
