"""Scenario configuration: every knob of the simulator, JSON round-trippable."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, fields

GENERATOR_VERSION = "1.0.0"
PROFILES = ("default", "wide")


@dataclass
class ScenarioConfig:
    """All parameters of one simulated scenario.

    Parameters
    ----------
    complaints : int
        Distinct complaints (ring + genuine). Quarantine-only bad rows and duplicate rows
        come on top of this.
    seed : int
        Seed of every random stream; same config → byte-identical files.
    rings : int or None
        Number of planted rings; ``None`` scales with ``complaints`` (8 per 5,000, at least
        one of each style). The style mix is kept either way.
    camouflage : float
        0..1. How hard rings hide: identifier rotation and paraphrasing of the camouflaged
        style, and the share of other rings that also partly camouflage.
    bad_row_rate : float
        Bad rows (all kinds, all exports) per distinct complaint.
    duplicate_rate : float
        Exact duplicate rows per distinct complaint.
    masked_id_rate : float
        Share of resident-ID cells printed masked (``430421********123X``).
    masked_phone_rate : float
        Share of phone cells printed masked (``138****5678``).
    switchboard_rate : float
        Share of genuine tickets whose call-back number is a customer-service switchboard.
    nat_ip_share : float
        Share of genuine APP/web tickets sent from a few carrier-NAT / public Wi-Fi IPs.
    transfers_per_borrower : float
        Ordinary (non-fee) payments per borrower in the transfer export.
    xlsx_max_rows : int or None
        Cap on data rows in the platform workbook; the excess goes to the bank CSV and is
        recorded in ``scenario.json``. ``None`` means no cap.
    start, end : str
        ISO dates bounding intake times.
    export_style : str
        ``bank`` (CSV/XLSX exports with Chinese headers) or ``platform`` (the same records
        as a platform's JSON Lines plus a payments CSV without serials).
    damaged_files : bool
        Also write ``damaged/``: one file per kind of damaged export, with a manifest.
    profile : str
        ``"default"`` (the knobs above, fixed mixes of rings and hard negatives) or
        ``"wide"``: every knob of rings and negatives is drawn per scenario from wide
        ranges (:mod:`simulator.wide`); ``camouflage``, ``switchboard_rate``,
        ``nat_ip_share`` and ``rings`` are then drawn too.
    call_logs : bool
        Also write collection call logs for every loan with their ground truth
        (:mod:`simulator.calls`); genuine complaint texts are then rebuilt to allege what
        the simulator decided, so the complaint exports differ from a run without logs.
    """

    complaints: int = 5000
    seed: int = 0
    rings: int | None = None
    camouflage: float = 0.5
    bad_row_rate: float = 0.01
    duplicate_rate: float = 0.01
    masked_id_rate: float = 0.05
    masked_phone_rate: float = 0.03
    switchboard_rate: float = 0.02
    nat_ip_share: float = 0.12
    transfers_per_borrower: float = 0.6
    xlsx_max_rows: int | None = 150_000
    start: str = "2024-01-01"
    end: str = "2025-10-31"
    export_style: str = "bank"
    damaged_files: bool = False
    profile: str = "default"
    call_logs: bool = False
    lenders: int = 0

    def __post_init__(self) -> None:
        if int(self.complaints) != self.complaints or self.complaints < 300:
            raise ValueError("complaints must be an integer >= 300")
        if self.rings is not None and (int(self.rings) != self.rings or self.rings < 0):
            raise ValueError("rings must be None or an integer >= 0")
        for name in ("camouflage", "bad_row_rate", "duplicate_rate", "masked_id_rate",
                     "masked_phone_rate", "switchboard_rate", "nat_ip_share"):
            v = getattr(self, name)
            if not (0.0 <= float(v) <= 1.0) or math.isnan(float(v)):
                raise ValueError(f"{name} must be within 0..1")
        if self.bad_row_rate > 0.2 or self.duplicate_rate > 0.2:
            raise ValueError("bad_row_rate and duplicate_rate must be <= 0.2")
        if self.transfers_per_borrower < 0:
            raise ValueError("transfers_per_borrower must be >= 0")
        if self.xlsx_max_rows is not None and self.xlsx_max_rows < 1:
            raise ValueError("xlsx_max_rows must be None or >= 1")
        if self.export_style not in ("bank", "platform"):
            raise ValueError("export_style must be 'bank' or 'platform'")
        if self.profile not in PROFILES:
            raise ValueError(f"profile must be one of {', '.join(PROFILES)}")
        if self.lenders and not 2 <= int(self.lenders) <= 22:
            raise ValueError("lenders must be 0 (one combined export) or 2..22")
        if self.lenders and self.export_style != "bank":
            raise ValueError("lenders write their own CSV layouts: export_style must be 'bank'")
        if self.start >= self.end:
            raise ValueError("start must be before end")

    @property
    def n_rings(self) -> int:
        """Planted rings: the override, else 8 per 5,000 complaints (at least 5)."""
        if self.rings is not None:
            return int(self.rings)
        return max(5, int(round(self.complaints * 8 / 5000)))

    def to_dict(self) -> dict:
        """Plain dict of every field (JSON-serialisable).

        The default profile (and ``call_logs`` when off) is left out so default scenarios
        keep the bytes of their ``scenario.json`` from before these knobs existed.
        """
        d = asdict(self)
        if d["profile"] == "default":
            del d["profile"]
        if not d["call_logs"]:
            del d["call_logs"]
        if not d["lenders"]:   # likewise for scenarios that are not split over lenders
            del d["lenders"]
        return d

    @classmethod
    def from_dict(cls, data: dict) -> "ScenarioConfig":
        """Build from :meth:`to_dict` output; unknown keys are an error (typo safety)."""
        known = {f.name for f in fields(cls)}
        unknown = set(data) - known
        if unknown:
            raise ValueError(f"unknown ScenarioConfig keys: {sorted(unknown)}")
        return cls(**data)

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict` (sorted keys)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "ScenarioConfig":
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))
