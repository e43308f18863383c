"""Which part of a ring case a network picture shows: one rule for the notebook's ring view
and the evidence pack's ``network.html``.

A ring picture holds the members (complaints and the borrowers who filed them), the
organisers (agents, organisations) and the identifiers that two or more members share; a
borrower's own phone or a one-off attachment is noise there (the tables list everything).
Institutions complained against are hubs shared by everyone and are left out unless asked.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.case.extract import CaseData
from ringgraph.core import model as m

ORGANISER_LABELS = (m.AGENT, m.ORG)


def view_frames(case: CaseData, *, shared_only: bool = True, institutions: bool = False
                ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Nodes and relationships of the ring picture, raw (no masking).

    Parameters
    ----------
    case : CaseData
    shared_only : bool
        Keep only identifiers two or more of the ring's borrowers touch (members and
        organisers always stay); ``False`` keeps every node of the case.
    institutions : bool
        Keep the institutions complained against.

    Returns
    -------
    nodes, edges : DataFrame
        The case's frames restricted to the picture; nodes carry ``ring_id`` (the ring's id
        on members, else ``""``) and ``focus`` (False).
    """
    nodes = case.nodes
    if shared_only:
        reach = case.reach()
        shared = {(r.label, r.key) for r in reach.itertuples(index=False)
                  if len(r.borrowers) >= 2}
        always = (m.COMPLAINT, m.PERSON) + ORGANISER_LABELS
        nodes = nodes[[lb in always or (lb, k) in shared
                       for lb, k in zip(nodes["label"], nodes["key"])]]
    if not institutions:
        nodes = nodes[nodes["label"] != m.INSTITUTION]
    nodes = nodes.copy()
    known = set(zip(nodes["label"], nodes["key"]))
    e = case.edges
    edges = e[[(a, b) in known and (c, d) in known for a, b, c, d in zip(
        e["src_label"], e["src_key"], e["dst_label"], e["dst_key"])]].copy()
    members = set(case.complaint_ids) | set(case.borrowers())
    nodes["ring_id"] = [case.ring.ring_id if lb in (m.COMPLAINT, m.PERSON) and k in members
                        else "" for lb, k in zip(nodes["label"], nodes["key"])]
    nodes["focus"] = False
    return nodes.reset_index(drop=True), edges.reset_index(drop=True)
