"""The errors a user can act on, one base for all layers.

Every layer raises a subclass of :class:`RingGraphError` for a problem the user can fix
(bad input, an unreachable store, a missing key); the message names the file, row, field or
option and is safe to print (no personal data, no credentials). The CLI maps the base class
to exit code 1 in one place (:mod:`ringgraph.cli.app`); anything else is a bug (exit 3).
"""

from __future__ import annotations


class RingGraphError(Exception):
    """A problem the user can fix; the message is one printable line."""

    exit_code = 1


class InputError(RingGraphError):
    """An export, mapping or argument file that cannot be used as it is."""


class OutputError(RingGraphError):
    """A result file that cannot be written (disk full, permissions), naming the path."""


class EvidenceError(RingGraphError, ValueError):
    """A ring case or evidence pack that cannot be made or verified as asked."""


class IncompleteIngestError(RingGraphError):
    """The store's last ingest run started but never completed (killed, crashed, disk
    full): results computed from it would silently miss data."""
