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

import importlib

# Name → module, or (module, attribute); attribute None is the module. Loaded on first use (PEP 562), so `ringgraph verify` or `--help` do not pay
# for pandas, igraph and matplotlib they never use.
_EXPORTS = {
    "investigate": ("ringgraph.investigate", None),   # the module itself
    "DETECTORS": ("ringgraph.analysis.detect", "REGISTRY"),
    "get_detector": "ringgraph.analysis.detect",
    "load_truth": "ringgraph.analysis.evaluate",
    "ring_metrics": "ringgraph.analysis.evaluate",
    "detect_rings": "ringgraph.analysis.pipeline",
    "find_rings": "ringgraph.analysis.pipeline",
    "identifier_names": "ringgraph.analysis.pipeline",
    "rings_table": "ringgraph.analysis.pipeline",
    "ProjectionParams": "ringgraph.core.settings",
    "project": "ringgraph.analysis.project",
    "Ring": "ringgraph.analysis.result",
    "RingResult": "ringgraph.analysis.result",
    "ScoreParams": "ringgraph.core.settings",
    "RingGraphError": "ringgraph.core.errors",
    "EvidenceError": "ringgraph.core.errors",
    "SILENT": "ringgraph.core.progress",
    "RichProgress": "ringgraph.core.progress",
    "TqdmProgress": "ringgraph.core.progress",
    "tqdm": "ringgraph.core.progress",
    "KEY_ENV": "ringgraph.evidence",
    "export_pack": "ringgraph.evidence",
    "verify_pack": "ringgraph.evidence",
    "zip_path_of": "ringgraph.evidence",
    "GraphStore": "ringgraph.store",
    "open_store": "ringgraph.store",
    "degree_plot": "ringgraph.viz",
    "network_view": "ringgraph.viz",
    "pr_curve_plot": "ringgraph.viz",
    "ScenarioConfig": "simulator",
    "write_share_pack": "ringgraph.pool.share",
    "pool_packs": "ringgraph.pool.pooled",
    "pooled_rings": "ringgraph.pool.view",
    "POOL_KEY_ENV": "ringgraph.pool.tokens",
    # The verdict loop (issue 15): verdicts on rings and the learned scorer.
    "LearnedScorer": "ringgraph.analysis.learned",
    "VERDICTS": "ringgraph.analysis.verdicts",
    "record_verdict": "ringgraph.analysis.verdicts",
    "fit_scorer": "ringgraph.analysis.learned_fit",
    "label_communities": "ringgraph.analysis.learned_fit",
    "training_params": "ringgraph.analysis.learned_fit",
    "expected_calibration_error": "ringgraph.analysis.learned",
    "reliability_plot": "ringgraph.viz",
    # Collection conduct (issue 18): complaints' allegations against the call logs.
    "triage": "ringgraph.analysis.conduct.triage",
    "conduct": "ringgraph.analysis.conduct.triage",
    "agency_compliance": "ringgraph.analysis.conduct.triage",
    "allegations": "ringgraph.analysis.conduct.allegations",
    "complaint_calls": "ringgraph.analysis.conduct.calls_of",
    "calls_timeline_plot": "ringgraph.viz.conduct_plots",
    "agency_plot": "ringgraph.viz.conduct_plots",
}


def ingest(paths, store, **kwargs):
    """Read export files or folders into ``store`` (see :func:`etl.ingest.ingest`)."""
    from etl.ingest import ingest as run

    return run(list(paths), store, **kwargs)


def simulate(config, out, **kwargs):
    """Write a labelled scenario (see :func:`simulator.simulate`)."""
    from simulator import simulate as run

    return run(config, out, **kwargs)


def __getattr__(name: str):
    target = _EXPORTS.get(name)
    if target is None:
        raise AttributeError(f"module 'ringgraph' has no attribute {name!r}")
    module, attr = target if isinstance(target, tuple) else (target, name)
    mod = importlib.import_module(module)
    value = mod if attr is None else getattr(mod, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = ["ingest", "simulate", *_EXPORTS]
