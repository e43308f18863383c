"""Look a raw value up the way ETL keys nodes: "who else used this phone?"."""

from __future__ import annotations

import html

import pandas as pd

from ringgraph.core import keys
from ringgraph.core import model as m
from ringgraph.core.errors import RingGraphError
from ringgraph.store.base import GraphStore
from ringgraph.viz.describe import LABEL_TEXT, shown as _shown

# How a hit was found, in words (the candidate forms of ringgraph.core.keys.candidates).
FOUND_BY: dict[str, str] = {
    "raw": "原样 as typed", "phone": "电话号码 phone number", "resident ID": "身份证号 resident ID",
    "name": "姓名 name", "org": "机构 organisation", "org name": "机构名称 organisation name",
    "account": "账号 account", "IP": "IP 地址 IP address", "device": "设备 device",
    "document": "材料/证书编号 document / certificate", "partial": "名称片段 part of a name",
}
# Labels whose names are searched for fragments and offered as suggestions: organisations
# are not personal data, so naming them in a "did you mean" is safe.
NAMED_LABELS = (m.ORG, m.INSTITUTION)
COLUMNS = ["label", "key", "shown", "found_by", "degree"]


class NotFoundError(RingGraphError, KeyError):
    """A node asked for by key is not in the store (one printable line)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class LookupResult:
    """The nodes matching a looked-up value; displays "not found" with suggestions when empty.

    Index it like a DataFrame (``hits["label"]``, ``hits.iloc[0]``); ``hits.table`` is what is
    displayed: no ``key`` column when masked (keys are raw IDs and phones), but every row
    can still be passed on, e.g. ``neighbourhood(store, hits)`` or ``hits.ref(1)``.

    Attributes
    ----------
    hits : DataFrame
        ``label, key, shown, found_by, degree``.
    query : str
        The value looked up, as shown (masked when it looks personal and ``mask``).
    suggestions : list of str
        Similar organisation names when nothing was found.
    mask : bool
    """

    def __init__(self, hits: pd.DataFrame, query: str, suggestions: list[str], mask: bool):
        self.hits, self.query, self.suggestions, self.mask = hits, query, suggestions, mask

    def __len__(self) -> int:
        return len(self.hits)

    def __getitem__(self, item):
        return self.hits[item]

    def __getattr__(self, name):
        if name in ("hits", "__setstate__"):  # not yet set (copy, pickle)
            raise AttributeError(name)
        return getattr(self.hits, name)

    def ref(self, i: int = 0) -> tuple[str, str]:
        """``(label, key)`` of hit ``i``, for :func:`neighbourhood`."""
        row = self.hits.iloc[i]
        return row["label"], row["key"]

    @property
    def table(self) -> pd.DataFrame:
        """The hits as displayed: type, shown value, how found, relationships."""
        t = self.hits.assign(label=self.hits["label"].map(lambda lb: LABEL_TEXT.get(lb, lb)))
        cols = ["label", "shown", "found_by", "degree"] + ([] if self.mask else ["key"])
        return t[cols].rename(columns={
            "label": "类型 type", "shown": "值 value", "found_by": "匹配方式 found by",
            "degree": "关系数 relationships", "key": "键 key"})

    def message(self) -> str:
        """One line: how many hits, or "not found" with suggestions."""
        if len(self.hits):
            return f"{len(self.hits)} found 找到 for {self.query!r}"
        msg = f"not found 未找到: {self.query!r}"
        if self.suggestions:
            msg += " · did you mean 您是否要找: " + "、".join(self.suggestions)
        return msg

    def __repr__(self) -> str:
        return self.message() + ("\n" + self.table.to_string() if len(self.hits) else "")

    def _repr_html_(self) -> str:
        head = f"<p>{html.escape(self.message())}</p>"
        return head + (self.table.to_html(index=False) if len(self.hits) else "")


def lookup(store: GraphStore, value: str, mask: bool = True, suggest: int = 5) -> LookupResult:
    """Nodes matching a raw value typed or pasted by an investigator.

    The value is tried as typed and in every normalised form it could take (phone → E.164,
    resident ID, person name, org key and display name, device, IP, account, document hash
    or certificate number; see :func:`ringgraph.core.keys.candidates`), each as an exact
    match on a node's key or name; a value with letters or Chinese characters also finds
    organisations whose name contains it (``岳阳聚和`` finds ``岳阳聚和法务咨询有限公司``).

    Parameters
    ----------
    store : GraphStore
    value : str
        E.g. ``"138 1234 5678"``, ``"0086-138-1234-5678"``, an 18-digit ID, ``"张三"``,
        ``"廣律（深圳）法務服務"``, ``"BL2024-83300631"``.
    mask : bool
        Mask personal data in what is displayed (and leave the raw ``key`` out of it).
    suggest : int
        Up to this many similar organisation names when nothing is found.

    Returns
    -------
    LookupResult
        ``hits`` holds ``label, key, shown, found_by, degree``; most specific type first.
    """
    hits = []
    for cand in keys.candidates(value):
        found = store.lookup(cand.value)
        if len(found):
            hits.append(found.assign(found_by=FOUND_BY.get(cand.matched_as, cand.matched_as)))
    fragment = keys.clean(str(value or "")).strip()
    named = None
    if not hits and len(fragment) >= 2 and any(not ch.isdigit() for ch in fragment):
        named = _named_nodes(store)
        hits.append(_partial(named, fragment))
    query = _shown_query(value, mask)
    if not hits or not sum(len(h) for h in hits):
        named = _named_nodes(store) if named is None else named
        return LookupResult(pd.DataFrame(columns=COLUMNS), query,
                            _suggestions(named, fragment, suggest), mask)
    df = pd.concat(hits, ignore_index=True).drop_duplicates(["label", "key"])
    df["shown"] = [_shown(lb, k, n, mask) for lb, k, n in zip(df["label"], df["key"], df["name"])]
    df["degree"] = [len(store.neighbourhood(lb, k, 1)[1]) for lb, k in zip(df["label"], df["key"])]
    order = {lb: i for i, lb in enumerate(m.NODE_LABELS)}
    df = df.assign(_o=df["label"].map(order)).sort_values(["_o", "degree", "key"],
                                                          ascending=[True, False, True])
    return LookupResult(df[COLUMNS].reset_index(drop=True), query, [], mask)


def _named_nodes(store: GraphStore) -> pd.DataFrame:
    return pd.concat([store.nodes(lb) for lb in NAMED_LABELS], ignore_index=True)


def _partial(named: pd.DataFrame, fragment: str) -> pd.DataFrame:
    """Organisations whose name or key contains the fragment (any script or width)."""
    forms = {fragment, keys.org_display(fragment), keys.org_key(fragment)} - {""}
    text = named["name"].fillna("").astype(str) + "\0" + named["key"].astype(str)
    hit = pd.Series(False, index=named.index)
    for f in forms:
        hit |= text.str.contains(f, regex=False)
    return named[hit].assign(found_by=FOUND_BY["partial"])


def _suggestions(named: pd.DataFrame, fragment: str, n: int) -> list[str]:
    if not fragment or not len(named) or n <= 0:
        return []
    from rapidfuzz import fuzz, process

    names = named["name"].fillna("").astype(str).drop_duplicates().tolist()
    best = process.extract(keys.org_display(fragment) or fragment, names,
                           scorer=fuzz.partial_ratio, limit=n, score_cutoff=60)
    return [name for name, _score, _i in best]


def _shown_query(value, mask: bool) -> str:
    """The query as it may be displayed: digits-heavy values (phones, IDs) masked."""
    v = str(value or "").strip()
    digits = sum(ch.isdigit() for ch in v)
    if mask and digits >= 7:
        return v[:3] + "*" * max(0, len(v) - 7) + v[-4:]
    return v
