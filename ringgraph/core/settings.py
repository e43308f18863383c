"""Settings of the analysis steps: plain dataclasses that round-trip through JSON.

One home for every tunable number, so a result can record exactly what produced it
(``RingResult.projection`` / ``.scoring``) and a later step (``ringgraph link``, a re-run)
can rebuild the same settings with ``from_dict``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from ringgraph.core import model as m

CERT, TEXT = m.CERT, m.TEXT


class _Settings:
    """``to_dict``/``from_dict`` for a settings dataclass (unknown keys are an error)."""

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict):
        d = dict(d)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ValueError(f"unknown {cls.__name__} setting(s): {', '.join(unknown)}")
        defaults = cls()
        for name, value in d.items():
            # JSON has no tuples: give back the type the default has.
            if isinstance(getattr(defaults, name), tuple):
                d[name] = tuple(value)
        return cls(**d)


def _default_trust() -> dict[str, float]:
    return {m.DOCUMENT: 3.0, CERT: 3.0, m.ACCOUNT: 2.0, m.PERSON: 2.0, m.DEVICE: 1.5,
            m.PHONE: 1.5, m.AGENT: 1.5, m.ORG: 1.0, m.IP: 0.5, TEXT: 1.0}


def _default_max_degree() -> dict[str, int]:
    return {m.DOCUMENT: 400, CERT: 400, m.ACCOUNT: 100, m.PERSON: 60, m.DEVICE: 200,
            m.PHONE: 200, m.AGENT: 400, m.ORG: 600, m.IP: 100}


@dataclass
class ProjectionParams(_Settings):
    """Settings of the projection; round-trips through JSON."""

    trust: dict[str, float] = field(default_factory=_default_trust)
    max_degree: dict[str, int] = field(default_factory=_default_max_degree)
    link_service_numbers: bool = False
    # Fees are hundreds to tens of thousands of yuan; everyday payments (shops, utilities,
    # payment platforms) are small and would tie genuine borrowers together.
    min_fee_amount: float = 1000.0
    # Transfers whose memo names an everyday purpose (rent, utilities, shopping) are not
    # fees either: a ring member's landlord also collects from genuine tenants.
    everyday_memo_words: tuple[str, ...] = ("房租", "租金", "押金", "水电", "电费", "水费",
                                            "燃气", "物业", "货款", "购物", "网购", "消费",
                                            "餐费", "话费", "学费")
    # An IP behind which this many distinct devices submitted is carrier NAT / public
    # Wi-Fi, not an office: a ring's office has a handful of devices.
    nat_device_fanout: int = 8
    # Near-duplicate texts (MinHash/LSH, character 4-grams) add a link of weight
    # trust["Text"] × similarity, but only between complaints that already share some
    # identifier with someone: a copied template alone never pulls a complainant in.
    # Off by default: scripts circulate between outfits, and on the 100k benchmark these
    # links glued different rings together (ring F1 0.997 → 0.55). Template similarity
    # still counts as evidence when a ring is scored (ringgraph.score).
    text_links: bool = False
    text_min_similarity: float = 0.5
    # Hubs by shape (ringgraph.analysis.hubs): switchboards, NAT addresses and platform
    # accounts are cut when their complaints are otherwise unrelated and spread like a
    # random sample of the data. The per-type degree caps above stay as a backstop.
    hub_min_complaints: int = 10
    hub_max_cohesion: float = 0.25
    hub_min_spread: float = 0.6


@dataclass
class ScoreParams(_Settings):
    """Scoring settings; round-trip through JSON."""

    weights: dict[str, float] = field(default_factory=lambda: {
        "sharing": 0.10, "spread": 0.05, "representation": 0.05, "fees": 0.05, "material": 0.20,
        "handover": 0.15, "demands": 0.15, "templates": 0.15, "burst": 0.10})
    threshold: float = 0.25
    # Households (relatives count once) a flagged ring must span: small teams have 3.
    min_borrowers: int = 3
    # Independent kinds of misconduct evidence a flagged ring must show.
    min_evidence_kinds: int = 2
    burst_days: int = 30
    # Texts compared per community for template similarity (a sample keeps it cheap).
    template_sample: int = 40
    # Similarity above the data's own background that counts as a shared script.
    template_min_excess: float = 0.10
    # Share of pressure demands above the data's own rate that counts as evidence.
    pressure_min_excess: float = 0.25
    # Registered mobiles this close in number are one block of freshly issued SIMs.
    sim_block_gap: int = 20
    # A member must share this many identifiers with its ring (see ringgraph.refine).
    min_member_links: int = 2
    seed: int = 0
