"""The result object: rings with scores and reasons, plus everything needed to reproduce them.

One :class:`RingResult` is what detection produces and what evaluation, notebooks and
evidence packs consume. It records the detector, its parameters and seed, the projection
and scoring settings, the fingerprints of the data and of the projected graph, and the
library versions; it round-trips through JSON.
"""

from __future__ import annotations

import json
import platform
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path

import pandas as pd

_VERSIONED = ("ringgraph", "numpy", "pandas", "duckdb", "igraph", "python-louvain", "networkx")


def library_versions() -> dict[str, str]:
    """Versions of Python and of the libraries that shape a result."""
    out = {"python": platform.python_version()}
    for name in _VERSIONED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


@dataclass
class Ring:
    """One candidate ring (a community), flagged or not, with its evidence."""

    ring_id: str
    rank: int
    score: float
    flagged: bool
    complaint_ids: list[str]
    features: dict
    points: dict
    reasons: list[dict]
    shared_identifiers: list[dict]
    # Where the ring's id comes from (ringgraph.analysis.lineage) and the investigators'
    # verdict on it (ringgraph.analysis.verdicts); None when detection ran without them.
    lineage: dict | None = None
    verdict: dict | None = None

    @property
    def size(self) -> int:
        return len(self.complaint_ids)

    @property
    def borrowers(self) -> int:
        """Borrowers as :mod:`ringgraph.core.borrowers` defines them (distinct identified
        filers + complaints with no identified filer, one each), counted by scoring."""
        return int(self.features.get("borrowers", 0))

    @property
    def misconduct_points(self) -> dict[str, float]:
        """Points from misconduct evidence (material, handover, demands, templates, burst)."""
        from ringgraph.analysis.score import split_points

        return split_points(self.points)["misconduct"]

    @property
    def context_points(self) -> dict[str, float]:
        """Points from context a lawful firm also shows (sharing, spread, representation,
        fees): never enough to flag a ring."""
        from ringgraph.analysis.score import split_points

        return split_points(self.points)["context"]

    @property
    def misconduct_reasons(self) -> list[dict]:
        """Reasons marked ``kind == "misconduct"``, strongest first."""
        return [r for r in self.reasons if r.get("kind") == "misconduct"]

    @property
    def context_reasons(self) -> list[dict]:
        """Reasons marked ``kind == "context"``, strongest first."""
        return [r for r in self.reasons if r.get("kind", "context") == "context"]


@dataclass
class RingResult:
    """Rings found by one detector run on one graph."""

    detector: str
    params: dict
    seed: int
    projection: dict
    scoring: dict
    graph_fingerprint: str
    data_fingerprint: str
    n_complaints: int
    rings: list[Ring] = field(default_factory=list)
    versions: dict = field(default_factory=library_versions)

    def flagged(self) -> list[Ring]:
        """Rings at or above the threshold, best first."""
        return [r for r in self.rings if r.flagged]

    def ring(self, ring_id: str) -> Ring:
        for r in self.rings:
            if r.ring_id == ring_id:
                return r
        raise KeyError(f"no ring {ring_id!r} in this result")

    def points_split(self, flagged_only: bool = True) -> pd.DataFrame:
        """Per ring: ``ring_id, score, flagged, misconduct, context`` (points of each kind)
        and the misconduct evidence kinds, for showing why a ring was or was not flagged."""
        rows = [(r.ring_id, r.score, r.flagged, round(sum(r.misconduct_points.values()), 4),
                 round(sum(r.context_points.values()), 4),
                 ", ".join(r.features.get("evidence_kinds") or []))
                for r in self.rings if r.flagged or not flagged_only]
        return pd.DataFrame(rows, columns=["ring_id", "score", "flagged", "misconduct",
                                           "context", "misconduct_kinds"])

    def labels(self, flagged_only: bool = True) -> pd.DataFrame:
        """``complaint_id, ring_id, score`` for complaints in (flagged) rings, sorted."""
        rows = [(c, r.ring_id, r.score) for r in self.rings
                if r.flagged or not flagged_only for c in r.complaint_ids]
        df = pd.DataFrame(rows, columns=["complaint_id", "ring_id", "score"])
        return df.sort_values(["ring_id", "complaint_id"], kind="stable").reset_index(drop=True)

    def evaluate(self, truth: pd.DataFrame, min_jaccard: float = 0.5) -> dict:
        """Ring-level precision/recall/F1 and ARI of the flagged rings against ``truth``."""
        from ringgraph.analysis.evaluate import ring_metrics

        return ring_metrics(self.labels(), truth, min_jaccard)

    # -- serialisation -------------------------------------------------------------
    def to_dict(self) -> dict:
        return asdict(self)

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True, indent=1)

    @classmethod
    def from_dict(cls, d: dict) -> "RingResult":
        d = dict(d)
        d["rings"] = [Ring(**r) for r in d.get("rings", [])]
        return cls(**d)

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> "RingResult":
        p = Path(text_or_path) if not str(text_or_path).lstrip().startswith("{") else None
        text = p.read_text(encoding="utf-8") if p else str(text_or_path)
        return cls.from_dict(json.loads(text))

    def write(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``rings.csv`` (flagged complaints) and ``rings.json`` (everything).

        Both files are replaced together or not at all: a full disk or a missing permission
        raises :class:`~ringgraph.core.errors.OutputError` and leaves the previous pair
        whole (never a truncated ``rings.csv`` beside an older ``rings.json``).
        """
        from ringgraph.core.atomic import output_error, write_many

        out = Path(out_dir)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, out) from None
        csv_path, json_path = out / "rings.csv", out / "rings.json"
        table = self.labels().to_csv(index=False, float_format="%.4f", lineterminator="\n")
        write_many({csv_path: table.encode("utf-8"),
                    json_path: (self.to_json() + "\n").encode("utf-8")})
        return {"rings_csv": csv_path, "rings_json": json_path}
