"""``ringgraph pool``: share packs → one pooled store → the ordinary pipeline → per-lender
results that name no other lender's tickets.

Packs are verified (every file against ``SHA256SUMS`` and the manifest) and must carry one
key fingerprint. Their frames are written into one store as they are — tokens become
identifier nodes, complaints keep their institution — and
:func:`ringgraph.analysis.pipeline.detect_rings` runs on it unchanged (texts compared through
the packs' signatures). The pool writes ``rings.csv`` (``complaint_id, institution,
ring_id, score``) for the operator and ``for-<lender>/rings.json`` for each lender: its own
complaints of each flagged ring, the tokens that tie them to the ring (tokens of its own
values only), and ring-level counts.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd

from ringgraph.analysis.detect import get_detector
from ringgraph.analysis.pipeline import find_rings, identifier_names
from ringgraph.analysis.project import project
from ringgraph.core import model as m
from ringgraph.core.atomic import write_json, write_text
from ringgraph.core.errors import InputError
from ringgraph.core.progress import SILENT, Progress
from ringgraph.evidence.manifest import MANIFEST, SUMS, listed_files, sha256_file
from ringgraph.pool.share import EDGES, FORMAT, NODES
from ringgraph.store.base import GraphStore

RESULT_FORMAT = "ringgraph-pool-result"
RING_FACTS = ("complaints", "borrowers", "households", "provinces", "template_similarity",
              "template_background", "first_at", "last_at")


def read_pack(folder: Path) -> dict:
    """A verified pack's manifest (with ``path``). One-line :class:`InputError` otherwise."""
    folder = Path(folder)
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise InputError(f"{folder}: not a share pack (no readable {MANIFEST})") from None
    if manifest.get("format") != FORMAT:
        raise InputError(f"{folder}: not a share pack (format {manifest.get('format')!r})")
    listed = listed_files(folder) or []
    sums = dict((line[66:], line[:64]) for line in
                (folder / SUMS).read_text(encoding="utf-8").splitlines() if len(line) > 66)
    for name in sorted(set(manifest.get("files", {})) | {NODES, EDGES, MANIFEST}):
        path = folder / name
        if name not in listed or not path.is_file():
            raise InputError(f"{folder}: {name} missing from the pack or from {SUMS}")
        digest = sha256_file(path)
        want = manifest["files"].get(name, {}).get("sha256", digest)
        if digest != sums.get(name) or digest != want:
            raise InputError(f"{folder}: {name} does not match its SHA-256 (changed after "
                             "sharing)")
    return dict(manifest, path=str(folder))


def check_fingerprints(packs: list[dict]) -> str:
    """The one key fingerprint of all packs; refuses packs made with another key."""
    fps = sorted({p["key_fingerprint"] for p in packs})
    if len(fps) > 1:
        first = packs[0]["key_fingerprint"]
        odd = [p["path"] for p in packs if p["key_fingerprint"] != first]
        raise InputError(f"share packs made with different keys: {', '.join(odd)} "
                         f"do not match {packs[0]['path']} (key fingerprints differ)")
    return fps[0]


def _frames(pack: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    read = dict(dtype=str, keep_default_na=False, encoding="utf-8")
    nodes = pd.read_csv(Path(pack["path"]) / NODES, **read)
    edges = pd.read_csv(Path(pack["path"]) / EDGES, **read)
    for f in (nodes, edges):
        f["row"] = pd.to_numeric(f["row"], errors="coerce").astype("Int64")
        f["at"] = f["at"].where(f["at"] != "", None)
    return nodes, edges


def ticket_owners(packs: list[dict]) -> dict[str, str]:
    """Ticket id → lender over all packs, read before anything is loaded. Refuses a ticket
    id two lenders both shared (one line naming both)."""
    owner: dict[str, str] = {}
    for pack in packs:
        nodes = pd.read_csv(Path(pack["path"]) / NODES, usecols=["label", "key"], dtype=str,
                            keep_default_na=False, encoding="utf-8")
        ids = nodes.loc[nodes["label"] == m.COMPLAINT, "key"].tolist()
        clash = sorted(set(ids) & set(owner))
        if clash:
            raise InputError(f"{pack['path']}: {len(clash)} ticket ids also shared by "
                             f"{owner[clash[0]]}; give each lender its own id prefix")
        owner.update(dict.fromkeys(ids, pack["lender"]))
    return owner


def load_packs(store: GraphStore, packs: list[dict], progress: Progress = SILENT
               ) -> dict[str, set]:
    """Write every pack into ``store``; returns, per lender, the identifiers (node keys and
    certificate numbers) its own pack holds."""
    held: dict[str, set] = {}
    with progress.task("loading share packs", total=len(packs)) as t:
        for pack in packs:
            nodes, edges = _frames(pack)
            certs = [m.props_of(p).get("cert_no") for p in
                     nodes.loc[nodes["label"] == m.DOCUMENT, "props"]]
            held.setdefault(pack["lender"], set()).update(
                set(nodes["key"]) | {c for c in certs if c})
            store.write(nodes, edges)
            t.advance()
    return held


def lender_folder(lender: str) -> str:
    """``for-<lender>`` with path separators and control characters replaced."""
    return "for-" + (re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", lender).strip(". ") or "_")


def pool_packs(paths: list[Path], store: GraphStore, out: Path, *, seed: int = 0,
               progress: Progress = SILENT) -> dict:
    """Verify packs, load them into ``store`` (empty), detect rings, write the results.

    Returns the pool record (also written as ``pool.json``).
    """
    packs = sorted((read_pack(p) for p in paths), key=lambda p: (p["lender"], p["path"]))
    fingerprint = check_fingerprints(packs)
    if store.counts().get(m.COMPLAINT, 0):
        raise InputError("the pooled store already holds complaints: pool into an empty store")
    owner = ticket_owners(packs)
    held = load_packs(store, packs, progress)
    # detect_rings' two steps, kept apart only to read the graph's incidence afterwards.
    graph = project(store, progress=progress)
    result = find_rings(graph, get_detector("leiden", seed=seed), names=identifier_names(store),
                        data_fingerprint=store.fingerprint(), progress=progress)
    out.mkdir(parents=True, exist_ok=True)
    flagged = result.flagged()
    rows = [(c, owner.get(c, ""), r.ring_id, f"{r.score:.4f}") for r in flagged
            for c in r.complaint_ids]
    table = pd.DataFrame(rows, columns=["complaint_id", "institution", "ring_id", "score"])
    table = table.sort_values(["ring_id", "complaint_id"], kind="stable")
    write_text(out / "rings.csv", table.to_csv(index=False, lineterminator="\n"))
    links = _own_links(result, graph)
    lenders = sorted({p["lender"] for p in packs})
    for lender in lenders:
        rings = [_lender_ring(r, lender, owner, links, held[lender]) for r in flagged
                 if any(owner.get(c) == lender for c in r.complaint_ids)]
        (out / lender_folder(lender)).mkdir(exist_ok=True)
        write_json(out / lender_folder(lender) / "rings.json", {
            "format": RESULT_FORMAT, "lender": lender, "key_fingerprint": fingerprint,
            "detector": result.detector, "params": result.params,
            "scoring": result.scoring, "projection": result.projection,
            "lenders_pooled": len(lenders), "rings": rings})
    record = {"format": RESULT_FORMAT, "key_fingerprint": fingerprint,
              "packs": [{"lender": p["lender"], "pack_fingerprint": _sums_hash(p["path"]),
                         "complaints": p["counts"].get(m.COMPLAINT, 0)} for p in packs],
              "detector": result.detector, "seed": seed,
              "rings_flagged": len(flagged), "communities": len(result.rings),
              "complaints": result.n_complaints}
    write_json(out / "pool.json", record)
    return record


def _sums_hash(path: str) -> str:
    return sha256_file(Path(path) / SUMS)


def _own_links(result, graph) -> dict[str, list[tuple[str, str]]]:
    """Per complaint of a flagged ring, the (type, token) pairs it shares with another
    complaint of that ring: always values of the complaint's own lender."""
    ids = graph.complaints["complaint_id"].to_numpy(dtype=object)
    ring_of = {c: r.ring_id for r in result.flagged() for c in r.complaint_ids}
    inc = graph.incidence.assign(complaint_id=ids[graph.incidence["complaint"].to_numpy()])
    inc = inc.assign(ring=inc["complaint_id"].map(ring_of)).dropna(subset=["ring"])
    users = inc.groupby(["ring", "ident_type", "ident"])["complaint_id"].transform("nunique")
    inc = inc[users >= 2].sort_values(["complaint_id", "ident_type", "ident"])
    links: dict[str, list[tuple[str, str]]] = {}
    for c, t, k in zip(inc["complaint_id"], inc["ident_type"], inc["ident"]):
        links.setdefault(c, []).append((t, k))
    return links


def _lender_ring(ring, lender: str, owner: dict[str, str], links: dict, held: set) -> dict:
    """What one lender may see of a ring: its own tickets, ring-level counts only, and
    only tokens its own pack holds (a token of another lender's value would invite the
    key-holding lender to guess that value)."""
    own = sorted(c for c in ring.complaint_ids if owner.get(c) == lender)
    per_lender = pd.Series([owner.get(c, "") for c in ring.complaint_ids]).value_counts()
    f = ring.features
    return {
        "ring_id": ring.ring_id, "score": ring.score,
        "own_complaints": [{"complaint_id": c,
                            "linked_by": [{"type": t, "token": k}
                                          for t, k in sorted(set(links.get(c, [])))
                                          if k in held]}
                           for c in own],
        "lenders": int(len(per_lender)),
        "complaints_by_lender": {k: int(v) for k, v in sorted(per_lender.items())},
        "facts": {k: f.get(k) for k in RING_FACTS},
        "evidence_kinds": f.get("evidence_kinds", []),
        "context_kinds": f.get("context_kinds", []),
        "points": ring.points,
    }
