"""Interactive network views: one self-contained, offline HTML page per view.

The page draws with vis-network, the library pyvis wraps; its JS and CSS are read from the
installed pyvis package and inlined, and the page is rendered from our own Jinja template.
pyvis 0.3.2 itself is not used to build pages, because of its traps:

- its template loads Bootstrap from a CDN even with ``cdn_resources="in_line"`` (and
  vis-network too in the default ``"local"`` mode), so a page opened on an air-gapped
  machine breaks or leaks that it was opened;
- it assigns a node's title with ``innerHTML`` as soon as the title contains ``href``,
  which turns complaint text into markup (script injection through a tooltip);
- ``Network.show``/``notebook=True`` write files into the working directory and display an
  ``IFrame`` pointing at them, which JupyterLab does not serve;
- ``add_node``/``add_edge`` scan Python lists (quadratic) and assert ``str``/``int`` ids;
- its defaults (smooth "dynamic" edges, improved layout, physics always on) make a
  few hundred nodes spin for minutes.

Here every piece of input text reaches the page either through Jinja autoescaping or inside
a JSON ``<script>`` block escaped so it cannot close the block, and the page's JavaScript
puts text into tooltips with ``textContent`` only. A Content-Security-Policy with a nonce
refuses any script we did not write and any network fetch. Node ids are integers, so no
key (a phone number, an ID) is written into the page when masking is on.

Positions are computed with igraph before the page is written; vis-network then runs a short
stabilisation from them and switches physics off, so a 500-node ring settles in about a
second. Views larger than ``max_nodes`` are summarised (identifiers collapsed by type, the
most connected ones kept) with a message saying so, instead of freezing the browser.
"""

from __future__ import annotations

import html
import json
import math
import secrets
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata, resources
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.core import model as m
from ringgraph.viz.describe import LABEL_TEXT, edge_lines, node_lines, props_of, shown, text_redactor

MAX_NODES = 1500
"""Largest view drawn node by node; larger ones are summarised."""
KEEP_TOP = 60
"""How many of the most connected identifiers a summarised view keeps as their own nodes."""

MEMBER_COLOUR = "#d62728"
FONT_FACE = ('"Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", '
             '"Microsoft YaHei", "PingFang SC", sans-serif')

# Colour and shape per label. Shapes with the label outside the node, so long Chinese
# labels do not inflate node sizes; a colour-blind-safe palette (Tableau 10).
STYLE: dict[str, tuple[str, str]] = {
    m.COMPLAINT: ("#4e79a7", "square"),
    m.PERSON: ("#59a14f", "dot"),
    m.PHONE: ("#f28e2b", "triangle"),
    m.DEVICE: ("#b6992d", "triangleDown"),
    m.IP: ("#8c8c8c", "triangleDown"),
    m.AGENT: ("#e15759", "star"),
    m.ORG: ("#9d2a2a", "hexagon"),
    m.DOCUMENT: ("#b07aa1", "diamond"),
    m.ACCOUNT: ("#9c755f", "diamond"),
    m.INSTITUTION: ("#bab0ac", "hexagon"),
}
IDENTIFIER_LABELS = (m.PHONE, m.DEVICE, m.IP, m.AGENT, m.ORG, m.DOCUMENT, m.ACCOUNT,
                     m.INSTITUTION)

_TEMPLATE = "network.html.j2"


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's minified JS and CSS as shipped inside the pyvis package (9.1.2).

    Checked once: an asset that could close its ``<script>``/``<style>`` element would
    break the page, and an absolute URL in it could make the browser fetch something.
    """
    root = resources.files("pyvis") / "lib" / "vis-9.1.2"
    js = (root / "vis-network.min.js").read_text(encoding="utf-8")
    css = (root / "vis-network.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("the vis-network asset in pyvis cannot be inlined safely")
    if "url(http" in css.replace(" ", "").lower():
        raise RuntimeError("the vis-network CSS in pyvis refers to a remote resource")
    return js, css


@lru_cache(maxsize=1)
def _template():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("ringgraph.viz", "templates"),
        autoescape=True, undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    return env.get_template(_TEMPLATE)


def _script_json(obj) -> str:
    """JSON safe inside an HTML ``<script>`` element: no ``<``, ``>`` or ``&`` (so no
    ``</script>`` or ``<!--``), and no U+2028/2029 (line breaks to old JS parsers).

    >>> _script_json({"t": "</script><img src=x onerror=alert(1)>&"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e\\\\u0026"}'
    """
    text = json.dumps(obj, ensure_ascii=False, allow_nan=False)
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"),
                    ("\u2028", "\\u2028"), ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


@dataclass
class NetworkView:
    """A rendered network view: a standalone offline HTML page plus what it shows.

    Display it in JupyterLab by leaving it as the last expression of a cell (it renders in
    a sandboxed ``srcdoc`` iframe, no file or server needed), or :meth:`save` it and open
    the file in any browser.

    Attributes
    ----------
    html : str
        The whole page (vis-network inlined; nothing is fetched).
    n_nodes, n_edges : int
        What the page draws (after summarising).
    total_nodes, total_edges : int
        What the view was asked to show.
    summarised : bool
        True when the view was above ``max_nodes`` and identifiers were collapsed by type.
    message : str
        Why the view is summarised (empty otherwise).
    """

    html: str
    n_nodes: int
    n_edges: int
    total_nodes: int
    total_edges: int
    summarised: bool = False
    message: str = ""
    title: str = ""
    height: str = "640px"
    counts: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(self.html, encoding="utf-8")
        return p

    def _repr_html_(self) -> str:
        # JupyterLab cannot show pyvis' IFrame(file) (the file is not served from the
        # kernel's cwd). A srcdoc iframe carries the page itself; sandbox="allow-scripts"
        # without allow-same-origin gives it an opaque origin, so even a hostile page could
        # not reach the notebook, its cookies or its kernel.
        height = int(str(self.height).removesuffix("px") or 640) + 110
        note = (f'<p style="margin:4px 0;color:#8a5a00">{html.escape(self.message)}</p>'
                if self.message else "")
        return (f'{note}<iframe sandbox="allow-scripts" title="{html.escape(self.title)}" '
                f'style="width:100%;height:{height}px;border:1px solid #ddd" '
                f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>')

    def __repr__(self) -> str:
        extra = f", summarised from {self.total_nodes} nodes" if self.summarised else ""
        return f"<NetworkView {self.n_nodes} nodes, {self.n_edges} relationships{extra}>"


# --------------------------------------------------------------------------- building
def _frames(nodes: pd.DataFrame, edges: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    nodes = nodes.copy()
    for col, default in (("name", ""), ("props", "{}"), ("ring_id", ""), ("focus", False),
                         ("count", 1), ("examples", None)):
        if col not in nodes.columns:
            nodes[col] = default
    nodes["ring_id"] = nodes["ring_id"].fillna("").astype(str)
    nodes["focus"] = nodes["focus"].fillna(False).astype(bool)
    nodes = nodes.drop_duplicates(["label", "key"]).reset_index(drop=True)
    edges = edges.copy()
    for col in ("eid", "props", "source", "row", "at"):
        if col not in edges.columns:
            edges[col] = None
    if "count" not in edges.columns:
        edges["count"] = 1
    known = set(zip(nodes["label"], nodes["key"]))
    keep = [(a, b) in known and (c, d) in known for a, b, c, d in zip(
        edges["src_label"], edges["src_key"], edges["dst_label"], edges["dst_key"])]
    return nodes, edges[keep].reset_index(drop=True)


def _degrees(nodes: pd.DataFrame, edges: pd.DataFrame) -> np.ndarray:
    ends = pd.concat([
        pd.DataFrame({"label": edges["src_label"], "key": edges["src_key"]}),
        pd.DataFrame({"label": edges["dst_label"], "key": edges["dst_key"]})])
    deg = ends.groupby(["label", "key"]).size()
    idx = pd.MultiIndex.from_arrays([nodes["label"], nodes["key"]])
    return deg.reindex(idx).fillna(0).to_numpy(dtype=np.int64)


def summarise(nodes: pd.DataFrame, edges: pd.DataFrame, keep_top: int = KEEP_TOP,
              mask: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Collapse a large view: one node per label (ring members and others apart), keeping
    focus nodes and the ``keep_top`` most connected identifiers as their own nodes.

    Relationships between collapsed nodes are merged, with their number as ``count``.

    >>> n = pd.DataFrame({"label": ["Phone"] + ["Complaint"] * 3, "key": ["p", "a", "b", "c"]})
    >>> e = pd.DataFrame({"rel": "CONTACT", "src_label": "Complaint", "src_key": ["a", "b", "c"],
    ...                   "dst_label": "Phone", "dst_key": "p"})
    >>> sn, se = summarise(n, e, keep_top=1)
    >>> sn[["label", "count"]].values.tolist(), se["count"].tolist()
    ([['Phone', 1], ['Complaint', 3]], [3])
    """
    nodes, edges = _frames(nodes, edges)
    deg = _degrees(nodes, edges)
    is_ident = nodes["label"].isin(IDENTIFIER_LABELS).to_numpy()
    order = np.lexsort((nodes["key"].to_numpy(), -deg))
    top = [i for i in order if is_ident[i] and deg[i] >= 2][:keep_top]
    individual = set(top) | set(np.flatnonzero(nodes["focus"].to_numpy()))

    rep_key: list[str] = []
    for i, row in enumerate(nodes.itertuples(index=False)):
        if i in individual:
            rep_key.append(row.key)
        else:
            side = "ring" if row.ring_id else "other"
            rep_key.append(f"group:{row.label}:{side}")
    nodes = nodes.assign(rep=rep_key, degree=deg)

    singles = nodes[nodes["rep"] == nodes["key"]].drop(columns=["rep", "degree"])
    grouped = nodes[nodes["rep"] != nodes["key"]]
    groups = []
    for (label, rep), g in grouped.groupby(["label", "rep"], sort=True):
        g = g.sort_values(["degree", "key"], ascending=[False, True])
        examples = [shown(label, k, nm, mask) for k, nm in zip(g["key"].head(5),
                                                              g["name"].head(5))]
        ring_ids = sorted({r for r in g["ring_id"] if r})
        groups.append({"label": label, "key": rep, "name": "", "props": "{}",
                       "ring_id": ",".join(ring_ids[:3]), "focus": False, "count": len(g),
                       "examples": examples})
    out_nodes = pd.concat([singles, pd.DataFrame(groups)], ignore_index=True) \
        if groups else singles.reset_index(drop=True)

    rep = dict(zip(zip(nodes["label"], nodes["key"]), nodes["rep"]))
    e = edges.assign(src_key=[rep[(a, b)] for a, b in zip(edges["src_label"], edges["src_key"])],
                     dst_key=[rep[(a, b)] for a, b in zip(edges["dst_label"], edges["dst_key"])])
    e = e[(e["src_label"] != e["dst_label"]) | (e["src_key"] != e["dst_key"])]
    amounts = [props_of(p).get("amount") for p in e["props"]]
    e = e.assign(amount=pd.to_numeric(pd.Series(amounts, index=e.index, dtype=object),
                                      errors="coerce"))
    agg = (e.groupby(["rel", "src_label", "src_key", "dst_label", "dst_key"], sort=True)
           .agg(count=("count", "sum"), amount=("amount", "sum"), source=("source", "first"),
                row=("row", "first"), at=("at", "first"))
           .reset_index())
    agg["props"] = [json.dumps({"amount": round(float(a), 2)} if a and a == a else {})
                    for a in agg["amount"]]
    agg["eid"] = ""
    many = agg["count"] > 1
    agg.loc[many, ["source", "row", "at"]] = None
    return out_nodes, agg.drop(columns=["amount"])


def _layout(n: int, src: np.ndarray, dst: np.ndarray) -> np.ndarray:
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


def _options(n_nodes: int, physics: bool) -> dict:
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


def network_view(nodes: pd.DataFrame, edges: pd.DataFrame, title: str = "",
                 subtitle: str | None = None, mask: bool = True, max_nodes: int = MAX_NODES,
                 keep_top: int = KEEP_TOP, height: str = "640px", physics: bool = True,
                 csp: bool = True, people=None) -> NetworkView:
    """Render graph frames as an interactive, offline network view.

    Parameters
    ----------
    nodes : DataFrame
        ``label, key, name, props`` (as read from a store); optional ``ring_id`` (members of
        a flagged ring are drawn with a red ring) and ``focus`` (drawn larger).
    edges : DataFrame
        ``rel, src_label, src_key, dst_label, dst_key`` and optionally ``props, source,
        row, at``; relationships whose ends are not in ``nodes`` are dropped.
    title, subtitle : str
        Page heading (escaped).
    mask : bool
        Mask personal data (phones, IDs, names, accounts, IPs, devices) in labels and
        tooltips, and person names, phone numbers and IDs inside complaint texts and memos
        (however they are written; see :mod:`ringgraph.core.redact`).
    max_nodes : int
        Above this many nodes the view is summarised (see :func:`summarise`).
    height : str
        CSS height of the drawing area.
    physics : bool
        Run a short stabilisation before freezing the layout.
    csp : bool
        Add the Content-Security-Policy (only the tests switch it off, to check that
        escaping alone already stops injected markup).
    people : TextRedactor, optional
        The people to find in texts, e.g. every person of the store
        (:func:`ringgraph.store.people.people_redactor`; :mod:`ringgraph.investigate`
        passes it). Default: the names of the view's own borrowers and agents.

    Returns
    -------
    NetworkView

    Examples
    --------
    >>> n = pd.DataFrame({"label": ["Complaint", "Phone"], "key": ["C1", "+8613812345678"],
    ...                   "name": ["C1", "+8613812345678"], "props": ["{}", "{}"]})
    >>> e = pd.DataFrame({"rel": ["CONTACT"], "src_label": ["Complaint"], "src_key": ["C1"],
    ...                   "dst_label": ["Phone"], "dst_key": ["+8613812345678"]})
    >>> view = network_view(n, e, title="<b>demo</b>")
    >>> view.n_nodes, view.n_edges, "+8613812345678" in view.html, "<b>demo" in view.html
    (2, 1, False, False)
    >>> "src=http" in view.html.replace('"', "").replace("'", "")   # nothing remote
    False
    """
    nodes, edges = _frames(nodes, edges)
    total_nodes, total_edges = len(nodes), len(edges)
    message = ""
    if total_nodes > max_nodes:
        nodes, edges = summarise(nodes, edges, keep_top=keep_top, mask=mask)
        message = (f"此视图有 {total_nodes:,} 个节点、{total_edges:,} 条关系，超过交互视图上限 "
                   f"{max_nodes:,}：已按类型合并标识符，仅保留连接最多的 {keep_top} 个。"
                   f" / This view has {total_nodes:,} nodes and {total_edges:,} relationships, "
                   f"above the limit of {max_nodes:,} for an interactive view: showing a "
                   f"summary with identifiers collapsed by type (the {keep_top} most "
                   f"connected kept). Narrow it (fewer hops, one ring) or raise max_nodes.")
    deg = _degrees(nodes, edges)
    index = {k: i for i, k in enumerate(zip(nodes["label"], nodes["key"]))}
    src = np.array([index[k] for k in zip(edges["src_label"], edges["src_key"])], dtype=np.int64)
    dst = np.array([index[k] for k in zip(edges["dst_label"], edges["dst_key"])], dtype=np.int64)
    xy = _layout(len(nodes), src, dst)

    # The people to find in complaint texts when masking: the store's, else the view's.
    if people is None:
        names = nodes.loc[nodes["label"].isin([m.PERSON, m.AGENT]), "name"].dropna()
        people = text_redactor(names.astype(str).tolist())
    vis_nodes = []
    for i, row in enumerate(nodes.itertuples(index=False)):
        colour, shape = STYLE.get(row.label, ("#999999", "dot"))
        count = int(row.count) if row.count == row.count else 1
        if str(row.key).startswith("group:"):
            label = f"{LABEL_TEXT.get(row.label, row.label)} ×{count:,}"
            tip = [(LABEL_TEXT.get(row.label, row.label), f"{count:,} 个（已合并 collapsed）")]
            if row.ring_id:
                tip.append(("团伙成员 ring members", row.ring_id))
            tip += [("例 e.g.", x) for x in (row.examples or [])]
            size = 14 + 6 * math.log10(max(count, 1))
        else:
            props = props_of(row.props)
            label = shown(row.label, row.key, row.name, mask)
            tip = node_lines(row.label, row.key, row.name, props, mask, people)
            size = 7 + 3.2 * math.sqrt(deg[i])
            if row.ring_id:
                tip.append(("团伙 ring", row.ring_id))
        # Identifiers carry the story of a ring: their labels stay readable when zoomed
        # out, while the many complaint and borrower labels appear only on zooming in.
        font = 11 if row.label in (m.COMPLAINT, m.PERSON) and count == 1 else \
            round(13 + min(11.0, 1.3 * math.sqrt(max(deg[i], count))), 1)
        size = min(size * (1.4 if row.focus else 1.0), 48)
        member = bool(row.ring_id)
        node = {
            "id": i, "label": label, "shape": shape, "size": round(size, 1),
            "x": round(float(xy[i, 0]), 1), "y": round(float(xy[i, 1]), 1),
            "color": {"background": colour, "border": MEMBER_COLOUR if member else "#ffffff",
                      "highlight": {"background": colour, "border": "#000000"},
                      "hover": {"background": colour, "border": "#000000"}},
            "borderWidth": 2.5 if member else 1, "borderWidthSelected": 4,
            "tip": [[k, v] for k, v in tip], "group": row.label, "font": {"size": font},
        }
        if row.label not in (m.COMPLAINT, m.PERSON):
            # Heavier hubs repel harder, which clears room around the shared identifiers
            # (the interesting part of a ring) instead of burying them under members.
            node["mass"] = round(1 + min(6.0, math.sqrt(deg[i]) / 2), 2)
        if row.focus:
            node["borderWidth"] = 4
            node["color"]["border"] = "#000000"
            node["font"] = {"size": max(font, 16), "bold": True}
        vis_nodes.append(node)

    vis_edges = []
    for j, row in enumerate(edges.itertuples(index=False)):
        count = int(row.count) if row.count == row.count else 1
        label = row.rel if count == 1 else f"{row.rel} ×{count:,}"
        props = props_of(row.props)
        amount = props.get("amount")
        if row.rel == m.PAID and isinstance(amount, (int, float)) and amount == amount:
            label += f" ¥{amount:,.0f}"
        tip = edge_lines(row.rel, props, row.source, row.row, row.at,
                         people if mask else None)
        if count > 1:
            tip.insert(1, ("数量", f"{count:,}"))
        vis_edges.append({"id": j, "from": int(src[j]), "to": int(dst[j]), "label": label,
                          "width": round(1 + 1.5 * math.log10(count), 2),
                          "tip": [[k, v] for k, v in tip]})

    counts = nodes.groupby("label")["count"].sum().astype(int).to_dict() \
        if len(nodes) else {}
    legend = [{"colour": STYLE[lb][0], "text": f"{LABEL_TEXT[lb]} {counts[lb]:,}"}
              for lb in m.NODE_LABELS if lb in counts]
    members = int(nodes.loc[nodes["ring_id"] != "", "count"].sum()) if len(nodes) else 0
    if subtitle is None:
        subtitle = (f"{total_nodes:,} 个节点 nodes · {total_edges:,} 条关系 relationships"
                    + (" · 个人信息已脱敏 PII masked" if mask else " · 未脱敏 PII shown"))
    js, css = vis_assets()
    data = {"nodes": vis_nodes, "edges": vis_edges,
            "options": _options(len(vis_nodes), physics),
            "loadingText": "布局中 laying out…", "readyText": "拖动 drag · 滚轮缩放 zoom · "
                                                         "悬停查看详情 hover for details"}
    try:
        version = metadata.version("ringgraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        version = "dev"
    page = _template().render(
        title=title or "ringgraph network", subtitle=subtitle, message=message,
        legend=legend, has_members=members > 0,
        member_text=f"团伙成员（投诉与借款人）ring members (complaints, borrowers) {members:,}",
        member_colour=MEMBER_COLOUR,
        height=height, loading_text="布局中 laying out…", data_json=_script_json(data),
        vis_js=js, vis_css=css, nonce=secrets.token_urlsafe(18), csp=csp, version=version)
    return NetworkView(html=page, n_nodes=len(vis_nodes), n_edges=len(vis_edges),
                       total_nodes=total_nodes, total_edges=total_edges,
                       summarised=bool(message), message=message, title=title, height=height,
                       counts=counts)
