"""``network.html``: the offline interactive network (vis-network inlined, text escaped)."""

from __future__ import annotations

from pathlib import Path

from ringgraph.evidence.graph_export import network_html
from ringgraph.evidence.writers import register

NAME = "network.html"


@register("network", order=5, files={NAME: "交互式关系网络（离线） interactive network, offline"})
def write_network(ctx, folder: Path) -> list[str]:
    network_html(ctx.case, ctx.red, folder / NAME)
    return [NAME]
