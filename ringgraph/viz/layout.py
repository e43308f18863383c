"""Where nodes start and how vis-network moves them: igraph positions computed before the
page is written, then a short stabilisation with physics switched off after it."""

from __future__ import annotations

import math

import numpy as np

FONT_FACE = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
             '"Microsoft YaHei", "PingFang SC", sans-serif')


def layout(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Fruchterman–Reingold positions, deterministic (fixed circular start), scaled so a
    typical edge is about 90 px long."""
    if n == 0:
        return np.zeros((0, 2))
    import igraph as ig

    g = ig.Graph(n=n, edges=list(zip(src.tolist(), dst.tolist())), directed=False)
    angle = np.linspace(0, 2 * math.pi, n, endpoint=False)
    start = np.column_stack([np.cos(angle), np.sin(angle)]) * math.sqrt(n) * 3
    xy = np.asarray(g.layout_fruchterman_reingold(seed=start.tolist(), niter=300).coords)
    if len(src):
        length = np.median(np.hypot(*(xy[src] - xy[dst]).T))
        if length > 0:
            xy = xy * (90.0 / length)
    return xy - xy.mean(axis=0)


def options(n_nodes: int, physics: bool) -> dict:
    # Short stabilisation from precomputed positions; smooth edges off (vis' "dynamic"
    # smoothing adds a hidden physics node per edge) and improvedLayout off (it clusters
    # the whole graph first, which takes seconds beyond a few hundred nodes).
    iterations = 150 if n_nodes <= 600 else 80
    # Small views get longer springs: there is room, and labels then do not overlap.
    spring = 130 if n_nodes <= 80 else 95 if n_nodes <= 400 else 80
    return {
        "autoResize": True,
        "layout": {"improvedLayout": False, "randomSeed": 7},
        "physics": {
            "enabled": bool(physics) and n_nodes > 1,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -3500, "centralGravity": 0.2,
                          "springLength": spring, "springConstant": 0.03, "damping": 0.5,
                          "avoidOverlap": 0.2},
            "maxVelocity": 40, "minVelocity": 2.0, "timestep": 0.5,
            "stabilization": {"enabled": True, "iterations": iterations,
                              "updateInterval": 10, "fit": True},
        },
        "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": n_nodes > 300,
                        "hideEdgesOnZoom": n_nodes > 600, "multiselect": True},
        "nodes": {"borderWidth": 1,
                  "font": {"size": 11, "face": FONT_FACE, "color": "#222",
                           "strokeWidth": 3, "strokeColor": "#ffffff"},
                  "scaling": {"label": {"enabled": False, "drawThreshold": 6}}},
        "edges": {"smooth": False, "width": 1,
                  "arrows": {"to": {"enabled": True, "scaleFactor": 0.35}},
                  "color": {"color": "#a0acb8", "highlight": "#333333", "hover": "#555555",
                            "inherit": False, "opacity": 0.8},
                  "font": {"size": 8, "face": FONT_FACE, "color": "#666", "align": "middle",
                           "strokeWidth": 2, "strokeColor": "#ffffff"},
                  # Relationship labels only when zoomed in (zoom ≥ ~1.1): at overview
                  # zoom dozens of overlapping labels would hide the nodes.
                  "scaling": {"label": {"enabled": False, "drawThreshold": 9}}},
    }
