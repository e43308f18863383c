"""The error classes every layer shares: one base the CLI maps to a one-line message.

A :class:`RingGraphError` is something the user can act on; its message is one line that
names the file, row, field or run concerned, never personal data.
"""

from __future__ import annotations


class RingGraphError(Exception):
    """Base of every error the user can fix; the CLI prints it as one line, exit 1."""


class OutputError(RingGraphError):
    """A file could not be written (disk full, file too large, no permission, read-only
    file system, …). The message names the cause and the path; nothing half-written is
    left in its place."""


class IncompleteIngestError(RingGraphError):
    """The store's last ingest run started but never completed (killed, crashed, disk
    full): results computed from it would silently miss data."""


__all__ = ["RingGraphError", "OutputError", "IncompleteIngestError"]
