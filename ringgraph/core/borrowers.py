"""Who counts as a borrower of a ring: the one definition every table, view, report and
score uses.

A ring's borrowers are the distinct identified people who filed its complaints, plus each
complaint with no identified filer counted as one borrower of its own (a complaint is always
somebody's, and leaving such complaints out would make a ring of unidentified filers look
like no one's). In words, as the reports say it: "借款人数 = 已识别的不同投诉人 + 未识别投诉人
的投诉（每件计一人） borrowers = distinct identified filers + complaints with no identified
filer, one each".
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import pandas as pd

UNIDENTIFIED = "complaint:"
"""Prefix of the stand-in borrower key of a complaint with no identified filer."""

DEFINITION = ("借款人数 = 已识别的不同投诉人 + 未识别投诉人的投诉（每件计一人）。 "
              "Borrowers = distinct identified filers + complaints with no identified "
              "filer, each counted as one.")


def borrower_keys(complaint_ids: pd.Series, filers: pd.Series) -> pd.Series:
    """The borrower key of each complaint (vectorised): its filer's key, else
    ``"complaint:" + complaint_id``.

    >>> borrower_keys(pd.Series(["C1", "C2", "C3"]), pd.Series(["P1", "", None])).tolist()
    ['P1', 'complaint:C2', 'complaint:C3']
    """
    f = filers.fillna("").astype(str)
    return f.where(f != "", UNIDENTIFIED + complaint_ids.astype(str))


def count_borrowers(complaint_ids: Iterable[str], filer: Mapping[str, str]) -> int:
    """Borrowers of these complaints, ``filer`` mapping complaint id → filer key.

    >>> count_borrowers(["C1", "C2", "C3", "C4"], {"C1": "P1", "C2": "P1", "C3": ""})
    3
    """
    return len({filer.get(c) or UNIDENTIFIED + c for c in complaint_ids})


def unidentified(complaint_ids: Iterable[str], filer: Mapping[str, str]) -> list[str]:
    """The complaints among ``complaint_ids`` with no identified filer, sorted."""
    return sorted(c for c in complaint_ids if not filer.get(c))


__all__ = ["UNIDENTIFIED", "DEFINITION", "borrower_keys", "count_borrowers", "unidentified"]
