"""Interactive network views: one self-contained, offline HTML page per view.

The page draws with vis-network (the library pyvis wraps), shipped inside this package
(``ringgraph/viz/vendor/vis-network``, with its licences) and inlined; the page is rendered
from our own Jinja template. pyvis 0.3.2 itself is not used to build pages, because of its
traps:

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
from ringgraph.viz.describe import (LABEL_TEXT, edge_lines, node_lines, props_of, shown,
                                    text_redactor)
from ringgraph.viz.layout import FONT_FACE, layout, options  # noqa: F401 - FONT_FACE re-exported
from ringgraph.viz.view_frames import KEEP_TOP, degrees, summarise, view_frames

MAX_NODES = 1500
"""Largest view drawn node by node; larger ones are summarised."""

MEMBER_COLOUR = "#d62728"
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

_TEMPLATE = "network.html.j2"


@lru_cache(maxsize=1)
def vis_assets() -> tuple[str, str]:
    """vis-network's minified JS and CSS (9.1.2, vendored in ``viz/vendor/vis-network``).

    Checked once: an asset that could close its ``<script>``/``<style>`` element would
    break the page, and an absolute URL in it could make the browser fetch something.
    """
    root = resources.files("ringgraph.viz") / "vendor" / "vis-network"
    js = (root / "vis-network.min.js").read_text(encoding="utf-8")
    css = (root / "vis-network.min.css").read_text(encoding="utf-8")
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("the vendored vis-network asset cannot be inlined safely")
    if "url(http" in css.replace(" ", "").lower() or "sourcemappingurl" in (js + css).lower():
        raise RuntimeError("the vendored vis-network asset refers to another resource")
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
    height: str = "560px"
    counts: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> Path:
        """Write the page to ``path`` (UTF-8) and return the path."""
        p = Path(path)
        p.parent.mkdir(parents=True, exist_ok=True)
        from ringgraph.core.atomic import write_text

        write_text(p, self.html)
        return p

    def _repr_html_(self) -> str:
        # JupyterLab cannot show pyvis' IFrame(file) (the file is not served from the
        # kernel's cwd). A srcdoc iframe carries the page itself; sandbox="allow-scripts"
        # without allow-same-origin gives it an opaque origin, so even a hostile page could
        # not reach the notebook, its cookies or its kernel.
        height = int(str(self.height).removesuffix("px") or 560) + 150
        note = (f'<p style="margin:4px 0;color:#8a5a00">{html.escape(self.message)}</p>'
                if self.message else "")
        return (f'{note}<iframe sandbox="allow-scripts allow-downloads" title="{html.escape(self.title)}" '
                f'style="width:100%;height:{height}px;border:1px solid #ddd" '
                f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>')

    def __repr__(self) -> str:
        extra = f", summarised from {self.total_nodes} nodes" if self.summarised else ""
        return f"<NetworkView {self.n_nodes} nodes, {self.n_edges} relationships{extra}>"


# --------------------------------------------------------------------------- building
def _page(vis_nodes: list[dict], vis_edges: list[dict], counts: dict, members: int, *,
          title: str, subtitle: str, message: str, height: str, physics: bool, csp: bool
          ) -> str:
    """The HTML page: our template with the data block, legend and inlined vis-network."""
    legend = [{"colour": STYLE[lb][0], "text": f"{LABEL_TEXT[lb]} {counts[lb]:,}", "label": lb}
              for lb in m.NODE_LABELS if lb in counts]
    js, css = vis_assets()
    data = {"nodes": vis_nodes, "edges": vis_edges,
            "options": options(len(vis_nodes), physics),
            "loadingText": "布局中 laying out…",
            "readyText": "拖动 drag · 单击后滚轮缩放 click, then wheel to zoom (或 or "
                         "Ctrl+滚轮 wheel) · 悬停查看详情 hover for details",
            "pngName": _png_name(title)}
    try:
        version = metadata.version("ringgraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        version = "dev"
    return _template().render(
        title=title or "ringgraph network", subtitle=subtitle, message=message,
        legend=legend, has_members=members > 0,
        member_text=f"团伙成员（投诉与借款人）ring members (complaints, borrowers) {members:,}",
        member_colour=MEMBER_COLOUR,
        height=height, loading_text="布局中 laying out…", data_json=_script_json(data),
        vis_js=js, vis_css=css, nonce=secrets.token_urlsafe(18), csp=csp, version=version)


def _png_name(title: str) -> str:
    """A file name for the PNG export: the title's letters, digits and CJK only."""
    safe = "".join(ch if ch.isalnum() else "-" for ch in str(title or ""))[:60].strip("-")
    return f"{safe or 'ringgraph-view'}.png"


def _vis_nodes(nodes: pd.DataFrame, deg: np.ndarray, xy: np.ndarray, mask: bool, people
               ) -> list[dict]:
    """vis-network node objects: label, shape, size, position, colours, tooltip lines."""
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
            "tip": [[k, v] for k, v in tip], "type": row.label, "font": {"size": font},
            "member": member,
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

    return vis_nodes


def _vis_edges(edges: pd.DataFrame, src: np.ndarray, dst: np.ndarray, people=None
               ) -> list[dict]:
    """vis-network edge objects: relationship (×count, fee amount), width, tooltip lines."""
    vis_edges = []
    for j, row in enumerate(edges.itertuples(index=False)):
        count = int(row.count) if row.count == row.count else 1
        label = row.rel if count == 1 else f"{row.rel} ×{count:,}"
        props = props_of(row.props)
        amount = props.get("amount")
        if row.rel == m.PAID and isinstance(amount, (int, float)) and amount == amount:
            label += f" ¥{amount:,.0f}"
        tip = edge_lines(row.rel, props, row.source, row.row, row.at, people)
        if count > 1:
            tip.insert(1, ("数量", f"{count:,}"))
        vis_edges.append({"id": j, "from": int(src[j]), "to": int(dst[j]), "label": label,
                          "width": round(1 + 1.5 * math.log10(count), 2),
                          "tip": [[k, v] for k, v in tip]})

    return vis_edges


def _summary_note(total_nodes: int, total_edges: int, max_nodes: int, keep_top: int) -> str:
    return (f"此视图有 {total_nodes:,} 个节点、{total_edges:,} 条关系，超过交互视图上限 "
            f"{max_nodes:,}：已按类型合并标识符，仅保留连接最多的 {keep_top} 个。"
            f" / This view has {total_nodes:,} nodes and {total_edges:,} relationships, "
            f"above the limit of {max_nodes:,} for an interactive view: showing a "
            f"summary with identifiers collapsed by type (the {keep_top} most "
            f"connected kept). Narrow it (fewer hops, one ring) or raise max_nodes.")


def network_view(nodes: pd.DataFrame, edges: pd.DataFrame, title: str = "",
                 subtitle: str | None = None, mask: bool = True, max_nodes: int = MAX_NODES,
                 keep_top: int = KEEP_TOP, height: str = "560px", physics: bool = True,
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
    nodes, edges = view_frames(nodes, edges)
    total_nodes, total_edges = len(nodes), len(edges)
    message = ""
    if total_nodes > max_nodes:
        nodes, edges = summarise(nodes, edges, keep_top=keep_top, mask=mask)
        message = _summary_note(total_nodes, total_edges, max_nodes, keep_top)
    deg = degrees(nodes, edges)
    index = {k: i for i, k in enumerate(zip(nodes["label"], nodes["key"]))}
    src = np.array([index[k] for k in zip(edges["src_label"], edges["src_key"])], dtype=np.int64)
    dst = np.array([index[k] for k in zip(edges["dst_label"], edges["dst_key"])], dtype=np.int64)
    # The people to find in complaint texts when masking: the store's, else the view's.
    if people is None:
        names = nodes.loc[nodes["label"].isin([m.PERSON, m.AGENT]), "name"].dropna()
        people = text_redactor(names.astype(str).tolist())
    vis_nodes = _vis_nodes(nodes, deg, layout(len(nodes), src, dst), mask, people)
    vis_edges = _vis_edges(edges, src, dst, people if mask else None)
    counts = nodes.groupby("label")["count"].sum().astype(int).to_dict() \
        if len(nodes) else {}
    members = int(nodes.loc[nodes["ring_id"] != "", "count"].sum()) if len(nodes) else 0
    if subtitle is None:
        subtitle = (f"{total_nodes:,} 个节点 nodes · {total_edges:,} 条关系 relationships"
                    + (" · 个人信息已脱敏 PII masked" if mask else " · 未脱敏 PII shown"))
    page = _page(vis_nodes, vis_edges, counts, members, title=title, subtitle=subtitle,
                 message=message, height=height, physics=physics, csp=csp)
    return NetworkView(html=page, n_nodes=len(vis_nodes), n_edges=len(vis_edges),
                       total_nodes=total_nodes, total_edges=total_edges,
                       summarised=bool(message), message=message, title=title, height=height,
                       counts=counts)
