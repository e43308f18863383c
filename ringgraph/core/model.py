"""The graph model: node labels, relationship types and the columns of graph frames.

Labels and relationship types are a contract shared by ETL, both stores, detectors and
evidence packs. They are defined here once; stores build their queries only from these
constants, never from input text.

Graph frames are two pandas DataFrames:

``nodes``
    one row per node: ``label, key, name, props, source, row, at``. ``key`` is a stable
    string derived from the node's normalised value and unique within its label; ``name``
    is the display value (may hold PII, never logged); ``props`` is a JSON object string
    with the remaining properties (sorted keys, so identical input gives identical bytes).
``edges``
    one row per relationship: ``rel, src_label, src_key, dst_label, dst_key, eid, props,
    source, row, at``. ``eid`` tells apart several relationships of one type between the
    same two nodes (a transfer id for ``PAID``; empty otherwise). ``source`` and ``row`` are
    the provenance (export file path relative to the ingested folder, and the 1-based data
    record number, header excluded), ``at`` the event time (Asia/Shanghai, naive) where
    known.

Both node and relationship identity ignore provenance: loading the same fact twice keeps the
first provenance, so re-ingesting a file changes nothing.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

SCHEMA_VERSION = 2

# Node labels.
COMPLAINT = "Complaint"
PERSON = "Person"
PHONE = "Phone"
DEVICE = "Device"
IP = "IP"
AGENT = "Agent"
ORG = "Org"
DOCUMENT = "Document"
ACCOUNT = "Account"
INSTITUTION = "Institution"

NODE_LABELS: tuple[str, ...] = (
    COMPLAINT, PERSON, PHONE, DEVICE, IP, AGENT, ORG, DOCUMENT, ACCOUNT, INSTITUTION,
)
# Pseudo-labels of the projection (not nodes): a Document's certificate number is an
# identifier of its own, and near-duplicate complaint texts are a derived link.
CERT = "Cert"
TEXT = "Text"
# What complaints and borrowers share: every node label but the two they are.
IDENTIFIER_LABELS: tuple[str, ...] = (PHONE, DEVICE, IP, AGENT, ORG, DOCUMENT, ACCOUNT,
                                      INSTITUTION)

# Relationship types.
FILED = "FILED"
AGAINST = "AGAINST"
HAS_PHONE = "HAS_PHONE"
CONTACT = "CONTACT"
SUBMITTED_FROM = "SUBMITTED_FROM"
REPRESENTED_BY = "REPRESENTED_BY"
WORKS_FOR = "WORKS_FOR"
VIA_ORG = "VIA_ORG"
ATTACHED = "ATTACHED"
PAID = "PAID"


@dataclass(frozen=True)
class RelSpec:
    """One allowed relationship: type and the labels at each end (direction as written)."""

    rel: str
    src: str
    dst: str


RELATIONSHIPS: tuple[RelSpec, ...] = (
    RelSpec(FILED, PERSON, COMPLAINT),
    RelSpec(AGAINST, COMPLAINT, INSTITUTION),
    RelSpec(HAS_PHONE, PERSON, PHONE),
    RelSpec(CONTACT, COMPLAINT, PHONE),
    RelSpec(SUBMITTED_FROM, COMPLAINT, DEVICE),
    RelSpec(SUBMITTED_FROM, COMPLAINT, IP),
    RelSpec(REPRESENTED_BY, COMPLAINT, AGENT),
    RelSpec(WORKS_FOR, AGENT, ORG),
    RelSpec(VIA_ORG, COMPLAINT, ORG),
    RelSpec(HAS_PHONE, AGENT, PHONE),
    RelSpec(ATTACHED, COMPLAINT, DOCUMENT),
    RelSpec(PAID, PERSON, ACCOUNT),
)

REL_TYPES: tuple[str, ...] = tuple(dict.fromkeys(r.rel for r in RELATIONSHIPS))
ALLOWED_TRIPLES: frozenset[tuple[str, str, str]] = frozenset(
    (r.src, r.rel, r.dst) for r in RELATIONSHIPS
)

NODE_COLUMNS: tuple[str, ...] = ("label", "key", "name", "props", "source", "row", "at")
EDGE_COLUMNS: tuple[str, ...] = (
    "rel", "src_label", "src_key", "dst_label", "dst_key", "eid", "props", "source", "row",
    "at",
)


def check_label(label: str) -> str:
    """Return ``label`` if it is a model node label, else raise ``ValueError``."""
    if label not in NODE_LABELS:
        raise ValueError(f"unknown node label {label!r}; expected one of {NODE_LABELS}")
    return label


def check_rel(rel: str) -> str:
    """Return ``rel`` if it is a model relationship type, else raise ``ValueError``."""
    if rel not in REL_TYPES:
        raise ValueError(f"unknown relationship type {rel!r}; expected one of {REL_TYPES}")
    return rel


def props_of(value) -> dict:
    """A node's or relationship's ``props`` JSON as a dict (``{}`` when empty or broken)."""
    if isinstance(value, dict):
        return value
    if not isinstance(value, str) or not value:
        return {}
    try:
        out = json.loads(value)
    except ValueError:
        return {}
    return out if isinstance(out, dict) else {}
