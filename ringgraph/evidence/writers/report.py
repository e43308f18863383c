"""The report model both report writers render (built once per export)."""

from __future__ import annotations

import dataclasses
from functools import lru_cache
from importlib import metadata

from ringgraph.core.safetext import display_safe
from ringgraph.evidence.report_model import Report
from ringgraph.evidence.report_sections import build_report

# Files every pack has whatever the writers produce before the reports are drawn.
_ALWAYS = ("manifest.json", "SHA256SUMS")


@lru_cache(maxsize=1)
def tool_version() -> str:
    try:
        return metadata.version("ringgraph")
    except metadata.PackageNotFoundError:  # pragma: no cover - running from a checkout
        return "dev"


def displayable(value):
    """``value`` (a :class:`Report` or any part of it) with every text passed through
    :func:`~ringgraph.core.safetext.display_safe`: HTML and PDF then show a bidi override
    or a control character as ``〈U+202E〉`` instead of obeying it. Bytes (figures) and
    numbers are kept."""
    if isinstance(value, str):
        return display_safe(value)
    if isinstance(value, list):
        return [displayable(v) for v in value]
    if isinstance(value, tuple):
        return tuple(displayable(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.replace(value, **{f.name: displayable(getattr(value, f.name))
                                             for f in dataclasses.fields(value)})
    return value


def case_report(ctx) -> Report:
    """The :class:`Report` of ``ctx``, kept on the context so HTML and PDF share it."""
    cached = getattr(ctx, "_report", None)
    if cached is not None:
        return cached
    from ringgraph.evidence.manifest import MANIFEST_DESCRIPTIONS, git_commit
    from ringgraph.evidence.writers import descriptions, writers

    reports = {n for w in writers() if w.order >= 90 for n in w.files}
    present = set(ctx.written) | reports | set(_ALWAYS)
    every = descriptions()
    # The reports first: the list reads from what the recipient opens first.
    files = {**{n: every[n] for n in every if n in reports},
             **{n: d for n, d in every.items() if n not in reports}, **MANIFEST_DESCRIPTIONS}
    provenance = {"tool_version": tool_version(), "git_commit": git_commit()[0],
                  "store": ctx.case.store_kind,
                  "files": [(n, d) for n, d in files.items() if n in present]}
    report = displayable(build_report(ctx.case, ctx.red, ctx.complaints, ctx.persons,
                                      ctx.identifiers, ctx.figures, ctx.record, provenance))
    ctx._report = report
    return report
