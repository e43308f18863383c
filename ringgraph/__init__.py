"""ringgraph: find coordinated anti-debt-collection (反催收) complaint rings.

The public API a notebook or script needs; everything else is an implementation detail.

>>> import ringgraph as rg                                              # doctest: +SKIP
>>> rg.simulate(rg.ScenarioConfig(complaints=3000, seed=7), "data/s")    # doctest: +SKIP
>>> with rg.open_store("duckdb", "data/g.duckdb") as store:             # doctest: +SKIP
...     report = rg.ingest(["data/s"], store)
...     result = rg.detect_rings(store, "leiden")
>>> rg.rings_table(result)                                              # doctest: +SKIP
>>> case = rg.investigate.ring(result, store, "RG0001"); case.show()    # doctest: +SKIP
>>> rg.export_pack(store, result, "RG0001", "evidence/RG0001")          # doctest: +SKIP

Layers (each imports only those below it; checked by the import-linter contract in
``pyproject.toml``): ``core`` (model, identifier keys, redaction, text similarity, errors,
records) ← ``store`` (DuckDB, Neo4j) ← ``analysis`` (projection, detectors, scoring, the
``detect_rings`` pipeline, results, linking, evaluation) ← ``case`` (one ring-case
extractor) ← ``viz`` ← ``investigate`` / ``evidence`` ← ``cli``. ETL (``etl``) and the
scenario simulator (``simulator``) are packages of their own; this module wires them in for
notebooks through :func:`ingest` and :func:`simulate`, imported on first call.
"""

from __future__ import annotations

from ringgraph import investigate
from ringgraph.analysis.detect import REGISTRY as DETECTORS, get_detector
from ringgraph.analysis.evaluate import load_truth, ring_metrics
from ringgraph.analysis.pipeline import detect_rings, find_rings, identifier_names, rings_table
from ringgraph.analysis.project import ProjectionParams, project
from ringgraph.analysis.result import Ring, RingResult
from ringgraph.analysis.score import ScoreParams
from ringgraph.core.errors import RingGraphError
from ringgraph.core.progress import SILENT, RichProgress, TqdmProgress, tqdm
from ringgraph.evidence import KEY_ENV, EvidenceError, export_pack, verify_pack, zip_path_of
from ringgraph.store import GraphStore, open_store
from ringgraph.viz import degree_plot, network_view, pr_curve_plot
# The verdict loop (issue 15): verdicts on rings and the learned scorer.
from ringgraph.analysis.learned import LearnedScorer
from ringgraph.analysis.verdicts import VERDICTS, record_verdict


def ingest(paths, store: GraphStore, **kwargs):
    """Read export files or folders into ``store`` (see :func:`etl.ingest.ingest`)."""
    from etl.ingest import ingest as run

    return run(list(paths), store, **kwargs)


def simulate(config, out, **kwargs):
    """Write a labelled scenario (see :func:`simulator.simulate`)."""
    from simulator import simulate as run

    return run(config, out, **kwargs)


def __getattr__(name: str):
    # ScenarioConfig lives in the simulator package, loaded only when asked for.
    if name == "ScenarioConfig":
        from simulator import ScenarioConfig

        return ScenarioConfig
    raise AttributeError(f"module 'ringgraph' has no attribute {name!r}")


__all__ = [
    "open_store", "GraphStore", "ingest", "simulate", "ScenarioConfig",
    "project", "ProjectionParams", "detect_rings", "find_rings", "identifier_names",
    "get_detector", "DETECTORS", "ScoreParams", "RingResult", "Ring", "rings_table",
    "load_truth", "ring_metrics", "investigate", "network_view", "degree_plot",
    "pr_curve_plot", "export_pack", "verify_pack", "zip_path_of", "KEY_ENV",
    "EvidenceError", "RingGraphError", "RichProgress", "TqdmProgress", "SILENT", "tqdm",
]
__all__ += ["record_verdict", "VERDICTS", "LearnedScorer"]
