"""Hubs recognised by their shape in the data, not by a fixed degree.

A customer-service switchboard written in as the call-back number, a carrier-NAT address
or a payment platform's account is shared by many complaints that have nothing else in
common, and those complaints look like a random draw of the whole data: they come from as
many provinces (and lenders) as any random sample of that size would. A ring's phone or
account is the opposite: its complaints also share agents, organisations, documents,
devices or fee accounts with each other, and they cluster where the ring works. So an
identifier is a hub when

* *cohesion* — the share of its complaints that share some other identifier (not an IP, not
  the borrower) with a complaint of another borrower behind the same identifier — is at
  most ``max_cohesion``, and
* *spread* — distinct provinces (and institutions, where known) of its complaints divided
  by the number a random sample of the same size from this data would reach — is at least
  ``min_spread``.

Shape is only measurable on enough complaints: identifiers on fewer than
``min_complaints`` are never hubs (and link little anyway).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.core import model as m

HUB_TYPES = (m.PHONE, m.IP, m.ACCOUNT, m.DEVICE)
_NOT_COHESIVE = (m.PERSON, m.IP)


def _expected_distinct(values: pd.Series, sizes: np.ndarray) -> np.ndarray:
    """Expected distinct values in a random sample of each size from ``values``."""
    p = values[values != ""].value_counts(normalize=True).to_numpy()
    if not len(p):
        return np.zeros(len(sizes))
    return (1.0 - (1.0 - p)[None, :] ** sizes[:, None]).sum(axis=1)


def _spread(members: pd.DataFrame, column: str, complaints: pd.DataFrame) -> pd.Series:
    """Observed / expected distinct ``column`` values per candidate ``g``."""
    v = members.assign(val=complaints[column].to_numpy()[members["complaint"].to_numpy()])
    v = v[v["val"] != ""]
    obs = v.groupby("g")["val"].nunique()
    n = v.groupby("g").size()
    exp = _expected_distinct(complaints[column], n.to_numpy())
    return (obs / pd.Series(exp, index=n.index).where(lambda s: s > 0)).fillna(0.0)


def shape_hubs(complaints: pd.DataFrame, inc: pd.DataFrame, min_complaints: int = 10,
               max_cohesion: float = 0.25, min_spread: float = 0.6) -> pd.DataFrame:
    """Identifiers that are hubs by shape (see module docstring).

    Parameters
    ----------
    complaints : DataFrame
        In graph order, with ``person``, ``province`` and optionally ``institution``.
    inc : DataFrame
        ``complaint`` (position in ``complaints``), ``ident_type``, ``ident``, ``degree``.

    Returns
    -------
    DataFrame
        ``ident_type, ident, degree, cohesion, spread`` of the hubs.
    """
    cols = ["ident_type", "ident", "degree", "cohesion", "spread"]
    if "province" not in complaints.columns or inc.empty:
        return pd.DataFrame(columns=cols)
    cand = inc[(inc["degree"] >= min_complaints) & inc["ident_type"].isin(HUB_TYPES)]
    if cand.empty:
        return pd.DataFrame(columns=cols)
    g, uniq = pd.factorize(pd.MultiIndex.from_frame(cand[["ident_type", "ident"]]), sort=True)
    members = pd.DataFrame({"g": g, "complaint": cand["complaint"].to_numpy()})
    person = (complaints["person"].to_numpy(dtype=object) if "person" in complaints.columns
              else np.full(len(complaints), "", dtype=object))
    own = np.where(person == "", "c" + complaints.index.astype(str).to_numpy(), person)
    other = inc[~inc["ident_type"].isin(_NOT_COHESIVE)][["complaint", "ident_type", "ident"]]
    both = members.merge(other, on="complaint")
    ctype = np.array([u[0] for u in uniq], dtype=object)[both["g"].to_numpy()]
    cident = np.array([u[1] for u in uniq], dtype=object)[both["g"].to_numpy()]
    both = both[(both["ident_type"].to_numpy() != ctype) | (both["ident"].to_numpy() != cident)]
    both = both.assign(who=own[both["complaint"].to_numpy()])
    n_who = both.groupby(["g", "ident_type", "ident"])["who"].transform("nunique")
    cohesive = both[n_who >= 2].groupby("g")["complaint"].nunique()
    size = members.groupby("g")["complaint"].nunique()
    cohesion = (cohesive.reindex(size.index).fillna(0) / size)
    spread = _spread(members, "province", complaints)
    if "institution" in complaints.columns and (complaints["institution"] != "").any():
        spread = (spread + _spread(members, "institution", complaints).reindex(
            spread.index).fillna(0.0)) / 2
    spread = spread.reindex(size.index).fillna(0.0)
    hub = (cohesion <= max_cohesion) & (spread >= min_spread)
    idx = size.index[hub.to_numpy()]
    out = pd.DataFrame({"ident_type": [uniq[i][0] for i in idx],
                        "ident": [uniq[i][1] for i in idx],
                        "degree": size[idx].to_numpy(), "cohesion": cohesion[idx].round(4)
                        .to_numpy(), "spread": spread[idx].round(4).to_numpy()})
    return out[cols]
