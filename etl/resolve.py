"""Entity resolution for organisation names: variants that exact normalisation misses.

:func:`etl.normalize.org_key` already folds width, 繁→简, spaces, bracket style and company
suffixes. What is left are near-identical keys (a dropped or mistyped character). Those are
merged only when their similarity reaches a high threshold, because a wrong merge would
link two unrelated organisations' clients; every merge is returned with its score so it can
be reviewed (the ingest report lists them and the Org node keeps them in ``merged_from``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class ResolveParams:
    """Limits of org-name resolution."""

    # Indel edits (insertions + deletions) allowed between two keys; a substitution is 2.
    org_max_indel: int = 1
    # Short names differ by one character far too easily ("华信咨询" vs "华鑫咨询").
    org_min_length: int = 8

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Merge:
    """One reviewed-able merge decision: ``variant`` is loaded as ``canonical``."""

    variant: str
    canonical: str
    score: float

    def to_dict(self) -> dict:
        return asdict(self)


def resolve_orgs(new_counts: dict[str, int], known_keys: list[str],
                 params: ResolveParams | None = None) -> list[Merge]:
    """Map near-duplicate org keys onto one canonical key.

    Keys already in the store (``known_keys``) are canonical first; among new keys the
    more frequent one wins (ties: sorted order), so the outcome does not depend on input
    order and a typo seen once folds into the spelling seen often.

    Parameters
    ----------
    new_keys : dict
        Org keys of this load with how many records use each.
    known_keys : list of str
        Org keys already in the store.
    params : ResolveParams, optional

    Returns
    -------
    list of Merge
        One per variant key merged away, with its similarity score.

    Examples
    --------
    >>> merges = resolve_orgs({"湖南聚和法律咨询服务": 40, "湖南聚和法律咨询服": 1}, [])
    >>> [m.to_dict() for m in merges]
    [{'variant': '湖南聚和法律咨询服', 'canonical': '湖南聚和法律咨询服务', 'score': 94.7}]
    >>> resolve_orgs({"宁夏佳和法律咨询服务": 3, "宁夏仁和法律咨询服务": 2}, [])  # other brand
    []
    >>> resolve_orgs({"华信咨询": 3, "华信咨": 2}, [])   # too short to risk a merge
    []
    """
    from rapidfuzz import fuzz, process
    from rapidfuzz.distance import Indel

    params = params or ResolveParams()
    known = sorted({k for k in known_keys if k})
    order = sorted((k for k in new_counts if k and k not in set(known)),
                   key=lambda k: (-new_counts[k], k))
    canonical = [k for k in known if len(k) >= params.org_min_length]
    merges: list[Merge] = []
    for key in order:
        if len(key) < params.org_min_length:
            continue
        best = process.extractOne(key, canonical, scorer=Indel.distance,
                                  score_cutoff=params.org_max_indel) if canonical else None
        if best is not None:
            merges.append(Merge(key, best[0], round(float(fuzz.ratio(key, best[0])), 1)))
        else:
            canonical.append(key)
    return merges
