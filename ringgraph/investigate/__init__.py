"""The investigator's API: look a value up, see its neighbourhood, open a ring, show, plot.

Five calls answer the everyday questions in a notebook:

- :func:`lookup` — "who else used this phone?": a raw phone, resident ID, name, org name,
  device, IP, account or certificate number, normalised the way ETL keys nodes;
- :func:`neighbourhood` — the nodes and relationships within k hops of one node;
- :func:`ring` — one detected ring as a case: members, linking identifiers, complaints with
  their texts, provinces, timeline, fee transfers and amounts, forged-material reuse;
- :func:`show` — an interactive offline network view of either (masked by default);
- :func:`timeline` — complaints over time with the fee transfers below.

Personal data is masked in everything these functions display (``shown`` columns, views,
plots, redacted texts) unless ``mask=False``; raw keys stay out of what is displayed but are
kept (``hits["key"]``, ``hits.ref(i)``) so the next call can use them. Nothing here logs or
prints values. A value that is not there is said in one line: ``lookup`` shows "not found"
with suggestions, ``neighbourhood`` raises :class:`NotFoundError` (a ``RingGraphError``).

Examples
--------
A tiny store: two borrowers whose complaints give the same contact phone.

>>> import pandas as pd
>>> from ringgraph.store import DuckDBStore
>>> store = DuckDBStore(":memory:")
>>> _ = store.write(*_example_frames())
>>> hits = lookup(store, "138 0013 8000")
>>> hits.message()
"1 found 找到 for '138******8000'"
>>> hits.ref(0), hits.iloc[0]["found_by"], int(hits.iloc[0]["degree"])
(('Phone', '+8613800138000'), '电话号码 phone number', 2)
>>> lookup(store, "139 0000 0000").message()
"not found 未找到: '139******0000'"
>>> sub = neighbourhood(store, hits, hops=2)
>>> sub.counts()
{'Complaint': 2, 'Person': 2, 'Phone': 1}
>>> show(sub).n_nodes
5
"""

from __future__ import annotations

import json

import pandas as pd

from ringgraph.investigate.browser import RingBrowser, ring_browser, rings_frame
from ringgraph.investigate.graph_stats import degrees, graph_stats, hubs
from ringgraph.investigate.lookup import LookupResult, NotFoundError, lookup
from ringgraph.investigate.preview import PagePreview, page_preview
from ringgraph.investigate.ring_case import RingCase, ring
from ringgraph.investigate.subgraph import Subgraph, neighbourhood
from ringgraph.case.texts import SideBySide, side_by_side
from ringgraph.investigate.table_style import styled, table_html
from ringgraph.investigate.tuning import pr_curve
from ringgraph.investigate.verdict_form import VerdictForm, verdict_form
from ringgraph.viz.network import NetworkView, network_view


def show(obj, **kw) -> NetworkView:
    """Interactive offline network view of a :class:`Subgraph` or :class:`RingCase`.

    Keyword arguments go to :func:`ringgraph.viz.network_view` (``mask``, ``max_nodes``,
    ``height``, ``title`` …). Leave the result as a cell's last expression to display it,
    or ``.save("ring.html")`` it.
    """
    if isinstance(obj, (Subgraph, RingCase)):
        return obj.show(**kw)
    if isinstance(obj, tuple) and len(obj) == 2:
        return network_view(*obj, **kw)
    raise TypeError(f"cannot show a {type(obj).__name__}; expected Subgraph or RingCase")


def timeline(obj, **kw):
    """Complaints over time (and fee transfers for a ring) as a matplotlib Figure.

    ``obj`` is a :class:`RingCase`, a :class:`Subgraph` or a complaints DataFrame with a
    ``received_at`` column.
    """
    from ringgraph.viz.plots import timeline_plot

    if isinstance(obj, RingCase):
        return obj.timeline(**kw)
    if isinstance(obj, Subgraph):
        kw.setdefault("title", f"{obj.title} 时间线 timeline")
        return timeline_plot(obj.complaints(), None, **kw)
    if isinstance(obj, pd.DataFrame):
        return timeline_plot(obj, None, **kw)
    raise TypeError(f"no timeline for a {type(obj).__name__}")


def _example_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two complaints by two borrowers sharing one contact phone (for the examples)."""
    node = lambda label, key, name, props="{}": {  # noqa: E731 - table of literals
        "label": label, "key": key, "name": name, "props": props, "source": "demo.csv",
        "row": 1, "at": None}
    nodes = pd.DataFrame([
        node("Complaint", "C1", "C1", json.dumps({"text": "催收太多", "province": "湖南"})),
        node("Complaint", "C2", "C2", json.dumps({"text": "要求停息挂账", "province": "广东"})),
        node("Person", "11010519491231002X", "张三"),
        node("Person", "440104199305034812", "李四"),
        node("Phone", "+8613800138000", "+8613800138000", '{"kind":"mobile"}'),
    ])
    edge = lambda rel, sl, sk, dl, dk: {  # noqa: E731
        "rel": rel, "src_label": sl, "src_key": sk, "dst_label": dl, "dst_key": dk, "eid": "",
        "props": "{}", "source": "demo.csv", "row": 1, "at": None}
    edges = pd.DataFrame([
        edge("FILED", "Person", "11010519491231002X", "Complaint", "C1"),
        edge("FILED", "Person", "440104199305034812", "Complaint", "C2"),
        edge("CONTACT", "Complaint", "C1", "Phone", "+8613800138000"),
        edge("CONTACT", "Complaint", "C2", "Phone", "+8613800138000"),
    ])
    return nodes, edges


__all__ = ["ring_browser", "RingBrowser", "rings_frame", "lookup", "LookupResult", "NotFoundError", "neighbourhood", "ring", "show", "timeline", "Subgraph", "RingCase",
           "SideBySide", "side_by_side", "page_preview", "PagePreview", "degrees", "hubs", "graph_stats", "pr_curve",
           "verdict_form", "VerdictForm", "styled", "table_html"]
