"""``ringgraph`` command line: one module per pipeline stage, registered on one group.

    ringgraph simulate --complaints 5000 --seed 7 --out data/demo/scenario
    ringgraph ingest data/demo/scenario --db data/demo/ringgraph.duckdb
    ringgraph detect --db data/demo/ringgraph.duckdb --out data/demo/results
    ringgraph evaluate --truth data/demo/scenario --rings data/demo/results/rings.csv
    ringgraph link NEW_EXPORTS --db data/demo/ringgraph.duckdb
    ringgraph export --ring RG0001 --out evidence/RG0001 ; ringgraph verify evidence/RG0001.zip
    ringgraph mapping suggest EXPORT.csv     # a header mapping for an unseen export
    ringgraph neo4j start|stop|status|import
    ringgraph triage --by-agency agencies.csv   # complaints' allegations vs call logs

The group, shared options and exit codes live in :mod:`ringgraph.cli.app`.
"""

from ringgraph.cli import (detect, evaluate, export, ingest, link, mapping, neo4j,  # noqa: F401
                           pool, review, share, simulate, train, triage)
from ringgraph.cli.app import cli, main

__all__ = ["cli", "main"]
