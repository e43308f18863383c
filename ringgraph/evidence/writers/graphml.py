"""``graph.graphml`` for Gephi, yEd and Cytoscape."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.graph_export import graphml
from ringgraph.evidence.writers import register

NAME = "graph.graphml"


@register("graphml", order=20, files={NAME: "GraphML 图 (Gephi, yEd, Cytoscape)"})
def write_graphml(ctx, folder: Path) -> list[str]:
    graphml(ctx.case, ctx.red, ctx.persons, ctx.links, folder / NAME)
    return [NAME]
