"""``ringgraph share``: one lender's store → a share pack with nothing personal in clear.

A share pack is a folder of graph frames in the model's own columns (``nodes.csv``,
``edges.csv``) in which every personal key is a keyed token (:mod:`ringgraph.pool.tokens`),
every personal display value is dropped, complaint texts are replaced by MinHash
signatures (seeded from the key), and borrowers carry a household token in place of their
surname and ID region; plus ``manifest.json`` (format, lender, key fingerprint, options,
counts, file hashes) and ``SHA256SUMS``, as evidence packs have. The same store and key
always give the same bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from ringgraph.analysis.project import HOUSEHOLD, SIGNATURE, household_keys
from ringgraph.core import model as m
from ringgraph.core.errors import InputError
from ringgraph.core.progress import SILENT, Progress
from ringgraph.core.settings import ProjectionParams
from ringgraph.core.textsim import SHARE_PERM, minhash_signatures, signatures_to_text
from ringgraph.evidence.manifest import write_manifest
from ringgraph.core.atomic import write_text
from ringgraph.pool.tokens import (OPTIONAL, TOKENISED, is_clear_service, key_fingerprint,
                                   minhash_seed, tokens)
from ringgraph.store.base import GraphStore

FORMAT = "ringgraph-share-pack"
FORMAT_VERSION = 1
NODES, EDGES = "nodes.csv", "edges.csv"
COMPLAINT_FIELDS = ("received_at", "channel", "province", "institution", "demands")


def tokenised_labels(orgs: bool = False, documents: bool = False) -> tuple[str, ...]:
    """Labels whose keys travel as tokens: personal ones always, orgs/documents by option."""
    return TOKENISED + tuple(lbl for lbl, on in zip(OPTIONAL, (orgs, documents)) if on)


def store_lender(store: GraphStore) -> str:
    """The institution most of the store's complaints are against (the lender's own name)."""
    ends = store.edge_ends((m.AGAINST,))
    if ends.empty:
        raise InputError("the store holds no complaint against an institution: nothing to share")
    inst = store.nodes(m.INSTITUTION).set_index("key")["name"].fillna("")
    counts = ends["dst_key"].value_counts()
    top = sorted(counts[counts == counts.max()].index)[0]
    return str(inst.get(top) or top)


def share_frames(store: GraphStore, key: str, labels: tuple[str, ...], lender: str,
                 progress: Progress = SILENT) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The store's graph frames with every key of ``labels`` tokenised, personal display
    values dropped, texts as signatures (see the module docstring)."""
    nodes, edges = store.nodes(), store.edges()
    empty = nodes.iloc[:0]
    by_label = {lbl: part for lbl, part in nodes.groupby("label", sort=True)}
    with progress.task("tokenising identifiers", total=3) as t:
        new_key = {lbl: _key_map(by_label.get(lbl, empty)["key"], lbl, labels, key)
                   for lbl in m.NODE_LABELS}
        t.advance()
        out_nodes = pd.concat([_share_nodes(store, by_label.get(lbl, empty), lbl,
                                            new_key[lbl], labels, key)
                               for lbl in m.NODE_LABELS], ignore_index=True)
        t.advance()
        out_edges = _share_edges(edges, new_key, key)
        t.advance()
    for frame in (out_nodes, out_edges):
        frame["source"] = lender
    out_nodes = out_nodes.sort_values(["label", "key"], kind="stable")
    out_edges = out_edges.sort_values(list(m.EDGE_COLUMNS[:6]), kind="stable")
    return (out_nodes.reset_index(drop=True)[list(m.NODE_COLUMNS)],
            out_edges.reset_index(drop=True)[list(m.EDGE_COLUMNS)])


def _key_map(keys: pd.Series, label: str, labels: tuple[str, ...], key: str) -> pd.Series:
    keys = keys.astype(str)
    if label not in labels:
        return pd.Series(keys.to_numpy(), index=keys.to_numpy())
    clear = keys.map(lambda v: is_clear_service(label, v)).to_numpy(dtype=bool)
    out = np.where(clear, keys.to_numpy(dtype=object), tokens(label, keys.to_numpy(), key))
    return pd.Series(out, index=keys.to_numpy())


def _props(rows: list[dict]) -> list[str]:
    return [json.dumps(r, ensure_ascii=False, sort_keys=True) for r in rows]


def _share_nodes(store: GraphStore, n: pd.DataFrame, label: str, new_key: pd.Series,
                 labels: tuple[str, ...], key: str) -> pd.DataFrame:
    """One label's nodes as shared: tokenised keys, only what the pool needs in props."""
    n = n.reset_index(drop=True)
    props = [m.props_of(p) for p in n["props"].tolist()]
    out = pd.DataFrame({"label": label, "key": n["key"].astype(str).map(new_key).to_numpy(),
                        "row": n["row"].to_numpy(), "at": n["at"].to_numpy()})
    names = n["name"].fillna("").astype(str)
    if label == m.COMPLAINT:
        texts = [str(p.get("text") or "") for p in props]
        sig = signatures_to_text(minhash_signatures(texts, num_perm=SHARE_PERM,
                                                   seed=minhash_seed(key)))
        rows = [{**{f: p.get(f) for f in COMPLAINT_FIELDS}, SIGNATURE: s}
                for p, s in zip(props, sig)]
        out["name"], out["props"] = out["key"], _props(rows)
    elif label == m.PERSON:
        hh = household_keys(n["key"].astype(str), names)
        out["name"] = ""
        out["props"] = _props([{HOUSEHOLD: h} for h in tokens(m.PERSON, ["household\x1f" + v
                                                                          for v in hh], key)])
    elif label in labels:
        keep = {m.PHONE: ("kind",), m.IP: ("private",), m.DOCUMENT: ("doc_type", "issuer")
                }.get(label, ())
        rows = [{k: p[k] for k in keep if k in p} for p in props]
        if label == m.DOCUMENT:   # the certificate number travels as a token too
            certs = tokens(m.DOCUMENT, ["cert:" + str(p.get("cert_no") or "") if
                                        p.get("cert_no") else "" for p in props], key)
            rows = [dict(r, cert_no=c) if c else r for r, c in zip(rows, certs)]
        shown = {m.PHONE, m.DEVICE, m.IP}
        out["name"] = out["key"] if label in shown else (
            names.to_numpy() if label == m.DOCUMENT else "")
        out["props"] = _props(rows)
    else:   # organisations, documents, institutions in clear: not personal data
        out["name"], out["props"] = names.to_numpy(), n["props"].fillna("{}").to_numpy()
    return out


def _share_edges(e: pd.DataFrame, new_key: dict[str, pd.Series], key: str) -> pd.DataFrame:
    """Edges with both ends re-keyed; a transfer keeps its amount and only an everyday memo
    word (what the projection's fee rule reads), its serial as a token."""
    e = e.reset_index(drop=True).copy()
    for end in ("src", "dst"):
        keys = e[f"{end}_key"].astype(str)
        out = keys.copy()
        for lbl, mapping in new_key.items():
            sel = (e[f"{end}_label"] == lbl).to_numpy()
            if sel.any():
                out[sel] = keys[sel].map(mapping).fillna(keys[sel])
        e[f"{end}_key"] = out
    words = ProjectionParams().everyday_memo_words
    paid = (e["rel"] == m.PAID).to_numpy()
    props = np.full(len(e), "{}", dtype=object)
    # Only transfers carry properties the pool reads: one JSON document per transfer.
    for i, p in zip(np.flatnonzero(paid).tolist(), e.loc[paid, "props"].tolist()):
        d = m.props_of(p)
        memo = str(d.get("memo") or "")
        props[i] = json.dumps({"amount": d.get("amount"),
                               "memo": next((w for w in words if w in memo), "")},
                              ensure_ascii=False, sort_keys=True)
    e["props"] = props
    e["eid"] = np.where(paid, tokens(m.PAID, e["eid"].fillna("").to_numpy(), key),
                        e["eid"].fillna("").to_numpy(dtype=object))
    return e


def write_share_pack(store: GraphStore, out: Path, key: str, *, lender: str | None = None,
                     tokenise_orgs: bool = False, tokenise_documents: bool = False,
                     progress: Progress = SILENT) -> dict:
    """Write the share pack of ``store`` into folder ``out``; returns its manifest.

    Parameters
    ----------
    store : GraphStore
    out : Path
        Pack folder (created; only the pack's own files are written in it).
    key : str
        The consortium key (:func:`ringgraph.pool.tokens.pool_key`).
    lender : str, optional
        The sharing institution's name [default: the one most complaints are against].
    tokenise_orgs, tokenise_documents : bool
        Also tokenise organisation names and document hashes / certificate numbers.
    """
    lender = lender or store_lender(store)
    labels = tokenised_labels(tokenise_orgs, tokenise_documents)
    nodes, edges = share_frames(store, key, labels, lender, progress)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_text(out / NODES, nodes.to_csv(index=False, lineterminator="\n"))
    write_text(out / EDGES, edges.to_csv(index=False, lineterminator="\n"))
    counts = nodes["label"].value_counts()
    manifest = {"format": FORMAT, "format_version": FORMAT_VERSION, "lender": lender,
                "key_fingerprint": key_fingerprint(key), "tokenised": sorted(labels),
                "minhash": {"num_perm": SHARE_PERM, "k": 4, "bits": 32,
                            "seed": "derived from the key"},
                "counts": {lbl: int(counts.get(lbl, 0)) for lbl in m.NODE_LABELS},
                "relationships": int(len(edges))}
    fingerprint, _ = write_manifest(out, manifest, [NODES, EDGES])
    return dict(manifest, pack_fingerprint=fingerprint)
