"""The ingest report: what happened to every file and record of one ingest run.

No personal data: files, counts, reason codes, header names and organisation merges only
(complaint ids stay in memory for ``ringgraph link``, out of the JSON).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ringgraph.core.atomic import output_error, write_text


@dataclass
class FileReport:
    source: str
    kind: str = ""
    records: int = 0
    loaded: int = 0
    duplicates: int = 0
    quarantined: int = 0
    unmapped_headers: list[str] = field(default_factory=list)
    error: str = ""
    note: str = ""                  # e.g. "empty file", "header only", "ids derived"
    # Unmapped columns whose values look like identifiers → the field suggested for them.
    suggested_mapping: dict[str, str] = field(default_factory=dict)


@dataclass
class IngestReport:
    store: str
    as_of: str
    files: list[FileReport] = field(default_factory=list)
    quarantine_by_reason: dict[str, int] = field(default_factory=dict)
    field_issues_by_reason: dict[str, int] = field(default_factory=dict)
    nodes_added: int = 0
    edges_added: int = 0
    org_merges: list[dict] = field(default_factory=list)
    # Complaint ids this run read (loaded or found already loaded); kept out of the JSON
    # report, which must stay small and free of personal data.
    complaint_ids: list[str] = field(default_factory=list, repr=False)

    @property
    def records(self) -> int:
        return sum(f.records for f in self.files)

    @property
    def loaded(self) -> int:
        return sum(f.loaded for f in self.files)

    @property
    def errors(self) -> list[str]:
        return [f.error for f in self.files if f.error]

    @property
    def partial(self) -> bool:
        """Some files could not be read while others were: the CLI exits 4."""
        return bool(self.errors) and any(f.loaded or f.duplicates or not f.error
                                         for f in self.files)

    def to_json(self) -> str:
        d = asdict(self)
        d.pop("complaint_ids")
        d["totals"] = {"records": self.records, "loaded": self.loaded,
                       "duplicates": sum(f.duplicates for f in self.files),
                       "quarantined": sum(f.quarantined for f in self.files)}
        return json.dumps(d, ensure_ascii=False, sort_keys=True, indent=2)

    def write(self, path: str | Path) -> Path:
        """Save the report (JSON) atomically; a full disk or missing permission raises
        :class:`~ringgraph.core.errors.OutputError` naming the cause and the path."""
        p = Path(path)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise output_error(exc, p) from None
        return write_text(p, self.to_json() + "\n")
