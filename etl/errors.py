"""Errors and reason codes of reading exports (shared by every reader module)."""

from __future__ import annotations

from ringgraph.core.errors import InputError

# Quarantine reason codes raised while reading.
ROW_FIELD_COUNT = "ROW_FIELD_COUNT"
ROW_BLANK = "ROW_BLANK"
ROW_NOT_JSON = "ROW_NOT_JSON"
ENCODING = "ENCODING"
JSON_TOO_DEEP = "JSON_TOO_DEEP"
# Field issue codes raised while reading (the record loads).
ROW_SHORT = "ROW_SHORT"
FIELD_TRUNCATED = "FIELD_TRUNCATED"
NUL_STRIPPED = "NUL_STRIPPED"


class ExportError(InputError):
    """A whole file cannot be read; the message names the file and what is wrong."""


class EmptyExport(ExportError):
    """A file with no header at all (empty, or a byte-order mark only): listed, not an error."""
