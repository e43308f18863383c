"""Back at the lender: re-identify its own members of pooled rings.

A per-lender result names the lender's own ticket ids and the tokens that tie them to each
ring. With the consortium key the lender recomputes the tokens of its own identifiers and
maps each back to its stored value; other lenders' members stay counts per institution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ringgraph.analysis.project import CERT
from ringgraph.core import model as m
from ringgraph.core.errors import InputError
from ringgraph.pool.pooled import RESULT_FORMAT
from ringgraph.pool.tokens import OPTIONAL, TOKENISED, key_fingerprint, tokens
from ringgraph.store.base import GraphStore


@dataclass
class PooledRingView:
    """One pooled ring as its lender sees it: own complaints in full, others as counts."""

    ring_id: str
    score: float
    lenders: int
    facts: dict
    evidence_kinds: list
    others: dict[str, int]
    own: pd.DataFrame = field(repr=False)


def token_index(store: GraphStore, key: str) -> dict[str, tuple[str, str]]:
    """Token → (label, stored key) for every identifier of the lender's own store."""
    out: dict[str, tuple[str, str]] = {}
    for label in TOKENISED + OPTIONAL:
        keys = store.nodes(label)["key"].astype(str).to_numpy()
        out.update(zip(tokens(label, keys, key).tolist(), ((label, k) for k in keys)))
    certs = store.node_property(m.DOCUMENT, "cert_no").dropna().astype(str)
    certs = certs[certs != ""].unique()
    out.update(zip(tokens(m.DOCUMENT, ["cert:" + c for c in certs], key).tolist(),
                   ((CERT, c) for c in certs)))
    return out


def read_result(path: Path) -> dict:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{path}: not a pooled result (unreadable JSON)") from None
    if data.get("format") != RESULT_FORMAT:
        raise InputError(f"{path}: not a pooled result (format {data.get('format')!r})")
    return data


def pooled_rings(store: GraphStore, result_path: Path, key: str) -> list[PooledRingView]:
    """The rings of ``for-<lender>/rings.json`` with the lender's own members re-identified
    from ``store``. Refuses a result pooled under another key."""
    data = read_result(result_path)
    if data["key_fingerprint"] != key_fingerprint(key):
        raise InputError(f"{result_path}: pooled under another key (fingerprint "
                         f"{data['key_fingerprint']}, yours {key_fingerprint(key)})")
    index = token_index(store, key)
    complaints = _own_complaints(store)
    views = []
    for r in data["rings"]:
        rows = []
        for c in r["own_complaints"]:
            linked = [index.get(x["token"], (x["type"], x["token"])) for x in c["linked_by"]]
            rows.append({"complaint_id": c["complaint_id"], "linked_by": linked})
        own = pd.DataFrame(rows, columns=["complaint_id", "linked_by"]).merge(
            complaints, on="complaint_id", how="left")
        if own["person"].isna().any():
            raise InputError(f"{result_path}: ring {r['ring_id']} names complaints this "
                             f"store does not hold; is it {data['lender']}'s store?")
        others = {k: v for k, v in r["complaints_by_lender"].items() if k != data["lender"]}
        views.append(PooledRingView(r["ring_id"], r["score"], r["lenders"], r["facts"],
                                    r["evidence_kinds"], others, own))
    return views


def _own_complaints(store: GraphStore) -> pd.DataFrame:
    """The lender's complaints with borrower, time, province, channel, demands and text."""
    props = {k: store.node_property(m.COMPLAINT, k)
             for k in ("received_at", "province", "channel", "demands", "text")}
    out = pd.DataFrame(props)
    out.index.name = "complaint_id"
    filed = store.edges((m.FILED,)).drop_duplicates("dst_key").set_index("dst_key")["src_key"]
    names = store.nodes(m.PERSON).set_index("key")["name"]
    out["person"] = out.index.map(filed).fillna("")
    out["name"] = out["person"].map(names).fillna("")
    return out.reset_index()
