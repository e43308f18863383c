"""Text that is safe to put in XML and safe to show to a reader.

Two rules, one home:

- :func:`xml_safe` — XML 1.0 forbids most C0 controls (NUL, BEL, ESC, …), lone surrogates
  and U+FFFE/U+FFFF, even as character references; a file holding one is refused by every
  XML reader (Gephi, yEd, Cytoscape). Each such character becomes a visible ``〈U+001B〉``.
- :func:`display_safe` — for what people read (reports): additionally control characters
  and the invisible characters that change how text reads (bidi overrides and isolates such
  as U+202E, zero-width spaces, the byte-order mark) are shown as ``〈U+202E〉``, so a name
  reads as it is stored. Tables (CSV) keep the stored value.
"""

from __future__ import annotations

import re

# Tab, newline and carriage return are the only C0 characters XML 1.0 allows.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# C0/C1 controls (but tab, newline and carriage return), DEL, bidi marks/embeddings/overrides/isolates,
# zero-width space, word joiner, BOM, and the non-characters.
_HIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u061c\u200b\u200e\u200f\u202a-\u202e"
                     "\u2060\u2066-\u2069\ufeff\ud800-\udfff\ufffe\uffff]")


def _mark(mt: re.Match) -> str:
    return f"〈U+{ord(mt.group(0)):04X}〉"


def xml_safe(text: str) -> str:
    """``text`` with every character XML 1.0 forbids shown as ``〈U+XXXX〉``.

    >>> xml_safe("dev\\x00ice\\x1b[31m\\ufffe")
    'dev〈U+0000〉ice〈U+001B〉[31m〈U+FFFE〉'
    >>> xml_safe("张三\\t\\n")
    '张三\\t\\n'
    """
    return _XML_FORBIDDEN.sub(_mark, text) if isinstance(text, str) else text


def display_safe(text: str) -> str:
    """``text`` with control and invisible direction-changing characters made visible.

    >>> display_safe("贾\\u202e凤\\x07")
    '贾〈U+202E〉凤〈U+0007〉'
    >>> display_safe("第一行\\n第二行")
    '第一行\\n第二行'
    """
    return _HIDDEN.sub(_mark, text) if isinstance(text, str) else text


__all__ = ["xml_safe", "display_safe"]
