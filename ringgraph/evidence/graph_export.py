"""Graph files of a pack: GraphML for Gephi, yEd and Cytoscape, and the offline network view.

Both show the case under the pack's PII mode: node ids are the pack's entity ids, labels
the display values. GraphML is written by networkx from nodes and links in sorted order,
so the same data gives the same bytes.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import networkx as nx
import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.atomic import atomic_write, write_text
from ringgraph.core.safetext import xml_safe
from ringgraph.viz.network import network_view
from ringgraph.case.extract import CaseData, props_of
from ringgraph.case.view import view_frames
from ringgraph.evidence.pii_modes import MaskedRedactor, PseudonymRedactor, Redactor
from ringgraph.evidence.tables import Display

_NONCE = re.compile(r"'nonce-([A-Za-z0-9_-]+)'")


def graphml(case: CaseData, red: Redactor, persons: pd.DataFrame, links: pd.DataFrame,
            path: Path) -> Path:
    """Write the case as GraphML (a directed multigraph; node and edge attributes are
    strings or numbers, never personal data beyond what the PII mode shows)."""
    d = Display(case, red)
    g = nx.MultiDiGraph(name=f"ringgraph {case.ring.ring_id}", pii_mode=red.mode)
    cprops = case.complaint_props()
    members = set(case.borrowers()) | set(case.complaint_ids)
    for label, key, source, row in zip(case.nodes["label"], case.nodes["key"],
                                       case.nodes["source"], case.nodes["row"]):
        attrs = {"type": label, "label": d.show(label, key),
                 "member": key in members and label in (m.COMPLAINT, m.PERSON),
                 "source": "" if source is None else str(source),
                 "row": int(row) if row == row and row is not None else -1}
        if label == m.COMPLAINT:
            p = cprops.get(key, {})
            attrs.update(received_at=str(p.get("received_at") or ""),
                         province=str(p.get("province") or ""),
                         channel=str(p.get("channel") or ""))
        g.add_node(d.id(label, key), **attrs)
    for i, r in enumerate(links.itertuples(index=False), start=1):
        g.add_edge(r.src_id, r.dst_id, key=f"L{i:05d}", rel=r.rel, at=r.at,
                   amount=float(r.amount) if r.amount else 0.0,
                   transfer_id=r.transfer_id, complaint_ids=r.complaint_ids,
                   source=r.source, row=int(r.row) if r.row else -1)
    _xml_safe_graph(g)
    with atomic_write(path, "wb") as fh:
        nx.write_graphml(g, fh, encoding="utf-8", prettyprint=True)
    return path


def _xml_safe_graph(g: nx.MultiDiGraph) -> None:
    """Make every id and text attribute XML 1.0 text, in place (a NUL or ESC in a device id
    would otherwise make the whole file unreadable to Gephi, yEd and Cytoscape)."""
    for k, v in list(g.graph.items()):
        g.graph[k] = xml_safe(v)
    bad = {n: xml_safe(n) for n in g.nodes if isinstance(n, str) and xml_safe(n) != n}
    if bad:
        nx.relabel_nodes(g, bad, copy=False)
    for _, attrs in g.nodes(data=True):
        for k, v in attrs.items():
            attrs[k] = xml_safe(v)
    for _, _, attrs in g.edges(data=True):
        for k, v in attrs.items():
            attrs[k] = xml_safe(v)


def _view_frames(case: CaseData, red: Redactor) -> tuple[pd.DataFrame, pd.DataFrame, bool]:
    """Members, organisers and the identifiers two or more members share, as graph frames
    for :func:`ringgraph.viz.network_view`, transformed for the PII mode; also whether the
    view should mask (masked mode masks with the view's own rules)."""
    nodes, edges = view_frames(case)

    def scrub_props(label: str, raw) -> str:
        import json

        p = dict(props_of(raw))
        if label == m.COMPLAINT:
            if "text" in p:
                p["text"] = red.text(p["text"])
            if p.get("loan_account"):
                p["loan_account"] = red.loan_account(p["loan_account"])
        if "memo" in p:
            p["memo"] = red.text(p["memo"])
        return json.dumps(p, ensure_ascii=False, sort_keys=True)

    nodes["props"] = [scrub_props(lb, p) for lb, p in zip(nodes["label"], nodes["props"])]
    edges["props"] = [scrub_props("", p) for p in edges["props"]]
    if isinstance(red, PseudonymRedactor):
        d = Display(case, red)
        personal_labels = (m.PERSON, m.PHONE, m.AGENT, m.ACCOUNT, m.DEVICE, m.IP)
        personal = nodes["label"].isin(personal_labels).to_numpy()
        names = []
        for lb, k, n in zip(nodes["label"], nodes["key"], nodes["name"]):
            n = "" if n is None or n != n else str(n)
            if lb == m.ACCOUNT:
                # A company payee keeps its name; a person's is not shown at all (the
                # account's token is its label).
                names.append(n if red.payee(k, n) == n else "")
            elif lb in personal_labels:
                names.append(d.show(lb, k))
            else:
                names.append(n)
        nodes["name"] = names
        nodes["key"] = [d.id(lb, k) if p else k for lb, k, p in zip(
            nodes["label"], nodes["key"], personal)]
        for end in ("src", "dst"):
            edges[f"{end}_key"] = [d.id(lb, k) if lb in personal_labels else k
                                   for lb, k in zip(edges[f"{end}_label"], edges[f"{end}_key"])]
        return nodes, edges, False
    return nodes, edges, isinstance(red, MaskedRedactor)


def network_html(case: CaseData, red: Redactor, path: Path) -> Path:
    """Write the offline interactive network view (vis-network inlined, text escaped)."""
    nodes, edges, mask = _view_frames(case, red)
    r = case.ring
    title = (f"{r.ring_id} · 得分 score {r.score:.2f} · {r.size} 投诉 complaints · "
             f"{case.borrower_count()} 借款人 borrowers")
    subtitle = (f"成员、组织者与两名以上成员共用的标识 members, organisers and identifiers "
                f"shared by two or more members · PII: {red.mode}")
    # The layout (igraph) draws from Python's global RNG: seed it for identical bytes on
    # every export, then give the caller's RNG state back.
    state = random.getstate()
    try:
        random.seed(0)
        view = network_view(nodes, edges, title=title, subtitle=subtitle, mask=mask)
    finally:
        random.setstate(state)
    page = view.html
    # The page's CSP nonce is random per render. A pack must be byte-identical on
    # re-export, so derive it from the page itself: still unguessable by whoever wrote the
    # complaint texts (it depends on the whole page), and the CSP still refuses any script
    # that does not carry it.
    found = _NONCE.search(page)
    if found:
        import hashlib

        nonce = found.group(1)
        fixed = hashlib.sha256(page.replace(nonce, "").encode("utf-8")).hexdigest()[:24]
        page = page.replace(nonce, fixed)
    write_text(path, page)
    return path
