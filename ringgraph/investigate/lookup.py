"""Look a raw value up the way ETL keys nodes: "who else used this phone?"."""

from __future__ import annotations

import pandas as pd

from ringgraph.core import keys
from ringgraph.core import model as m
from ringgraph.store.base import GraphStore
from ringgraph.viz.describe import shown as _shown


def lookup(store: GraphStore, value: str, mask: bool = True) -> pd.DataFrame:
    """Nodes matching a raw value typed or pasted by an investigator.

    The value is tried as typed and in every normalised form it could take (phone → E.164,
    resident ID, person name, org key and display name, device, IP, account, document hash
    or certificate number; see :func:`ringgraph.keys.candidates`), each as an exact match
    on a node's key or name.

    Parameters
    ----------
    store : GraphStore
    value : str
        E.g. ``"138 1234 5678"``, ``"0086-138-1234-5678"``, an 18-digit ID, ``"张三"``,
        ``"廣律（深圳）法務服務"``, ``"BL2024-83300631"``.
    mask : bool
        Mask personal data in the ``shown`` column.

    Returns
    -------
    DataFrame
        ``label, key, shown, matched_as, degree`` — ``key`` is what :func:`neighbourhood`
        takes; ``degree`` counts the node's relationships. Empty when nothing matches.
    """
    hits = []
    for cand in keys.candidates(value):
        found = store.lookup(cand.value)
        if len(found):
            hits.append(found.assign(matched_as=cand.matched_as))
    cols = ["label", "key", "shown", "matched_as", "degree"]
    if not hits:
        return pd.DataFrame(columns=cols)
    df = pd.concat(hits, ignore_index=True).drop_duplicates(["label", "key"])
    df["shown"] = [_shown(lb, k, n, mask) for lb, k, n in zip(df["label"], df["key"], df["name"])]
    df["degree"] = [len(store.neighbourhood(lb, k, 1)[1]) for lb, k in zip(df["label"], df["key"])]
    order = {lb: i for i, lb in enumerate(m.NODE_LABELS)}
    df = df.assign(_o=df["label"].map(order)).sort_values(["_o", "degree", "key"],
                                                          ascending=[True, False, True])
    return df[cols].reset_index(drop=True)
