"""Every person the store knows, by name: what free-text redaction looks for.

A complaint text names people who are not in the view or pack it is shown in (the
borrower's spouse, another client of the same outfit); masking only the names of the
view's own nodes leaves those readable. These names come from the whole store, read once
and kept per store until its contents change.
"""

from __future__ import annotations

import weakref

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core import redact as pii
from ringgraph.store.base import GraphStore

__all__ = ["known_people", "people_redactor"]

_CACHE: "weakref.WeakKeyDictionary[GraphStore, tuple[tuple, dict, pii.TextRedactor]]" = \
    weakref.WeakKeyDictionary()


def people_of(nodes: pd.DataFrame) -> dict[str, tuple[str, str]]:
    """Names of the people among ``nodes`` (``label, key, name``): borrowers, agents and
    private payees, each mapped to ``(label, key)`` of the first node (in label and key
    order) that carries it. Names shorter than two characters are left out."""
    out: dict[str, tuple[str, str]] = {}
    rows = nodes[nodes["label"].isin([m.PERSON, m.AGENT, m.ACCOUNT])]
    rows = rows.sort_values(["label", "key"], kind="stable")
    for label, key, name in zip(rows["label"], rows["key"], rows["name"]):
        if label == m.ACCOUNT:
            n = "" if not isinstance(name, str) or pii.is_org_name(name) else name
        else:
            n = pii.person_name(label, str(key), name)
        if len(n) >= 2:
            out.setdefault(n, (label, str(key)))
    return out


def known_people(store: GraphStore) -> dict[str, tuple[str, str]]:
    """Every person name in the store → ``(label, key)`` of a node that carries it.

    Parameters
    ----------
    store : GraphStore

    Returns
    -------
    dict
        Borrowers' and agents' names and private payees' names (see :func:`people_of`).
    """
    return _cached(store)[0]


def people_redactor(store: GraphStore) -> pii.TextRedactor:
    """A :class:`~ringgraph.core.redact.TextRedactor` that knows every person of the store,
    built once per store and rebuilt only when the store's counts change."""
    return _cached(store)[1]


def _cached(store: GraphStore) -> tuple[dict, pii.TextRedactor]:
    stamp = tuple(sorted(store.counts().items()))
    try:
        hit = _CACHE.get(store)
    except TypeError:  # a store that cannot be weakly referenced: no cache
        hit = None
    if hit is not None and hit[0] == stamp:
        return hit[1], hit[2]
    frames = [store.nodes(label)[["label", "key", "name"]]
              for label in (m.PERSON, m.AGENT, m.ACCOUNT)]
    frames = [f for f in frames if len(f)]
    nodes = pd.concat(frames, ignore_index=True) if frames else \
        pd.DataFrame(columns=["label", "key", "name"])
    people = people_of(nodes)
    redactor = pii.TextRedactor(people)
    try:
        _CACHE[store] = (stamp, people, redactor)
    except TypeError:
        pass
    return people, redactor
