"""Scripted grievances: allegations the lender's own call logs contradict, repeated across a
community (misconduct evidence for ring scoring), and the genuine grievances inside it.

A ring's script often accuses the collector of the same thing for every client (calls at
night, calls to the family) whether or not it happened. One borrower whose log shows none
of what she alleges proves little — people misremember, and a log may be incomplete. Many
members of one community alleging *the same* kind of breach, each contradicted by the log
(triage status ``unsupported``), is a pattern a lawful complainant population does not
show. It counts as misconduct evidence only when

* at least ``SCRIPTED_MIN_BORROWERS`` (3) borrowers allege one kind of breach and the logs
  show none of what each of them alleges, and
* they are at least ``SCRIPTED_MIN_SHARE`` (50 %) of the community's borrowers whose
  complaints the logs can check (triage status other than ``no_logs``).

Full marks at ``SCRIPTED_FULL_BORROWERS`` (5) such borrowers; the component's weight is
``ScoreParams.weights["scripted"]`` when given, else ``SCRIPTED_WEIGHT``.

A member whose grievance the logs support (status ``supported`` or ``partly``, on any of
her complaints) never adds to the score: she is counted only in the denominator (borrowers the logs can check), so a
ring with many genuine grievances scores *less* on this component, and she is listed
apart in reports and packs as a genuine grievance inside the ring.

The component exists only when the store holds call logs: without them features, points,
reasons and the recorded scoring parameters are exactly those of a store without this
module.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.conduct import allegations as al
from ringgraph.core.borrowers import borrower_keys

SCRIPTED_MIN_BORROWERS = 3
SCRIPTED_MIN_SHARE = 0.5
SCRIPTED_FULL_BORROWERS = 5
SCRIPTED_WEIGHT = 0.15
GENUINE = ("supported", "partly")
SCRIPTED_FEATURES = ("logged_borrowers", "scripted_borrowers", "scripted_share",
                     "genuine_borrowers", "scripted_allegation")
# What a code alleges, in words (the reason's text).
ALLEGED_TEXT = {al.ALLEGE_NIGHT_CALL: ("夜间（22:00–8:00）催收来电", "calls at night (22:00–08:00)"),
                al.ALLEGE_EXCESSIVE_CALLS: ("一天超过 3 次催收来电", "more than 3 calls a day"),
                al.ALLEGE_THIRD_PARTY: ("向家人、同事或通讯录联系人催收",
                                        "collection calls to family, colleagues or contacts")}


def scripted_params(params) -> dict:
    """The thresholds and weight used, recorded with a result that used call logs."""
    return {"min_borrowers": SCRIPTED_MIN_BORROWERS, "min_share": SCRIPTED_MIN_SHARE,
            "full_borrowers": SCRIPTED_FULL_BORROWERS,
            "weight": float(params.weights.get("scripted", SCRIPTED_WEIGHT))}


def scripted_features(community: pd.Series, borrower: pd.Series,
                      triage: pd.DataFrame) -> pd.DataFrame:
    """Per community: borrowers the logs can check, the largest group of borrowers alleging
    one kind of breach the logs contradict, its share, genuine grievances, and the code.

    Parameters
    ----------
    community : Series
        Community of each complaint (``-1``: none), indexed by complaint id.
    borrower : Series
        Borrower key of each complaint, same index.
    triage : DataFrame
        :func:`ringgraph.analysis.conduct.triage.triage` output.

    Returns
    -------
    DataFrame
        Index community, columns ``SCRIPTED_FEATURES`` (communities without any checked
        complaint are absent).
    """
    t = triage.set_index("complaint_id")[["alleged", "status"]]
    c = pd.DataFrame({"community": community, "borrower": borrower}).join(t, how="inner")
    c = c[(c["community"] >= 0) & (c["status"] != "no_logs")]
    out = pd.DataFrame({"logged_borrowers": c.groupby("community")["borrower"].nunique()})
    genuine = c[c["status"].isin(GENUINE)]
    out["genuine_borrowers"] = genuine.groupby("community")["borrower"].nunique()
    # A borrower the logs back on any complaint is a genuine grievance, never a script.
    backed = pd.MultiIndex.from_frame(genuine[["community", "borrower"]])
    un = c[(c["status"] == "unsupported")
           & ~pd.MultiIndex.from_frame(c[["community", "borrower"]]).isin(backed)]
    parts = [un[un["alleged"].str.contains(code, regex=False)].assign(code=code)
             for code in al.ALLEGATION_CODES]
    per = pd.concat(parts).groupby(["community", "code"])["borrower"].nunique()
    per = per.rename("n").reset_index().sort_values(["community", "n", "code"],
                                                    ascending=[True, False, True],
                                                    kind="stable")
    best = per.drop_duplicates("community").set_index("community")
    out["scripted_borrowers"] = best["n"]
    out["scripted_allegation"] = best["code"]
    out[["logged_borrowers", "genuine_borrowers", "scripted_borrowers"]] = out[
        ["logged_borrowers", "genuine_borrowers", "scripted_borrowers"]].fillna(0).astype(
        np.int64)
    out["scripted_allegation"] = out["scripted_allegation"].fillna("").astype(object)
    out["scripted_share"] = (out["scripted_borrowers"]
                             / out["logged_borrowers"].where(out["logged_borrowers"] > 0)
                             ).fillna(0.0).round(4)
    return out[list(SCRIPTED_FEATURES)]


def is_scripted(feats: dict) -> bool:
    """Whether a community's features show a scripted grievance (evidence, not noise)."""
    return (feats.get("scripted_borrowers", 0) >= SCRIPTED_MIN_BORROWERS
            and feats.get("scripted_share", 0.0) >= SCRIPTED_MIN_SHARE)


def scripted_points(feats: pd.DataFrame, params) -> pd.Series:
    """Points of the ``scripted`` component per community (0 unless :func:`is_scripted`)."""
    n = feats["scripted_borrowers"]
    ok = (n >= SCRIPTED_MIN_BORROWERS) & (feats["scripted_share"] >= SCRIPTED_MIN_SHARE)
    weight = float(params.weights.get("scripted", SCRIPTED_WEIGHT))
    return ((n / SCRIPTED_FULL_BORROWERS).clip(0.0, 1.0) * weight).where(ok, 0.0).round(4)


def scripted_text(feats: dict) -> tuple[str, str]:
    """The reason's words: how many borrowers allege what, of how many the logs check."""
    n, of = int(feats["scripted_borrowers"]), int(feats["logged_borrowers"])
    pct = round(100 * feats["scripted_share"])
    zh_what, en_what = ALLEGED_TEXT.get(feats["scripted_allegation"],
                                        (feats["scripted_allegation"],) * 2)
    return (f"{n} 名借款人（可用催收记录核对的 {of} 名中的 {pct}%）投诉{zh_what}，"
            f"但机构自己的通话记录中没有任何相应的违规，疑似统一话术编造的诉由",
            f"{n} borrowers ({pct}% of the {of} whose complaints the call logs can check) "
            f"allege {en_what}, yet the lender's own call logs show none of it: a scripted "
            f"grievance")


def store_grievances(store, complaint_ids) -> pd.DataFrame | None:
    """:func:`genuine_members` of ``complaint_ids`` by ``store``'s call logs (``None`` when
    the store holds none: nothing was checked)."""
    if not store.call_count():
        return None
    from ringgraph.analysis.conduct.triage import triage

    return genuine_members(triage(store), complaint_ids)


def genuine_members(triage: pd.DataFrame, complaint_ids) -> pd.DataFrame:
    """The triage rows of ``complaint_ids`` whose grievance the logs support (status
    ``supported`` or ``partly``), by complaint id."""
    t = triage[triage["complaint_id"].isin(set(complaint_ids))
               & triage["status"].isin(GENUINE)]
    return t.sort_values("complaint_id", kind="stable").reset_index(drop=True)


def add_scripted(feats: pd.DataFrame, points: pd.DataFrame, complaints: pd.DataFrame,
                 labels: np.ndarray, triage: pd.DataFrame, params
                 ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``feats`` with the ``SCRIPTED_FEATURES`` columns and ``points`` with the ``scripted``
    component, for every community (zeros where the logs check nothing)."""
    ids = complaints["complaint_id"].to_numpy(dtype=object)
    borrower = pd.Series(borrower_keys(complaints["complaint_id"], complaints["person"])
                         .to_numpy(), index=ids)
    sf = scripted_features(pd.Series(np.asarray(labels), index=ids), borrower, triage)
    sf = sf.reindex(feats.index)
    for col in SCRIPTED_FEATURES:
        if col == "scripted_allegation":
            sf[col] = sf[col].fillna("").astype(object)
        elif col == "scripted_share":
            sf[col] = sf[col].fillna(0.0).astype(float)
        else:
            sf[col] = sf[col].fillna(0).astype(np.int64)
    feats = pd.concat([feats, sf], axis=1)
    points = points.assign(scripted=scripted_points(feats, params))
    return feats, points
