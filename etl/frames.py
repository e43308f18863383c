"""Canonical, de-duplicated rows → graph frames (nodes and edges with provenance).

Input tables carry canonical string columns plus ``source`` and ``row``. Output follows
:mod:`ringgraph.model`. Field-level problems (a bad phone, an impossible date) null the
field and are returned as issues; the row still loads.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ringgraph.core import model as m

from etl import normalize as nz

ISSUE_COLUMNS = ["source", "row", "field", "reason", "message"]


@dataclass
class Frames:
    nodes: pd.DataFrame
    edges: pd.DataFrame
    issues: pd.DataFrame


def _json_lines(df: pd.DataFrame, repeats: bool = False) -> pd.Series:
    """One JSON object string per row; keys in column order, so bytes are reproducible.

    With ``repeats``, each distinct row is written once and shared: most payloads (a
    phone's kind, a person's ID kind and province) take a handful of values across
    millions of rows.
    """
    if df.empty:
        return pd.Series([], dtype=object, index=df.index)
    codes = np.arange(len(df))
    rows = df
    if repeats:
        codes = df.groupby(list(df.columns), sort=False, dropna=False).ngroup().to_numpy()
        rows = df.iloc[pd.Series(np.arange(len(df))).groupby(codes).first().to_numpy()]
    text = rows.to_json(orient="records", lines=True, force_ascii=False, date_format="iso")
    lines = np.array(text.rstrip("\n").split("\n"), dtype=object)
    return pd.Series(lines[codes], index=df.index, dtype=object)


def _time_str(ts: pd.Series) -> pd.Series:
    return ts.dt.strftime("%Y-%m-%d %H:%M:%S").astype(object).where(ts.notna(), None)


def _issues(df: pd.DataFrame, result: pd.DataFrame, field: str) -> pd.DataFrame:
    bad = result["issue"] != ""
    if not bad.any():
        return pd.DataFrame(columns=ISSUE_COLUMNS)
    return pd.DataFrame({
        "source": df.loc[bad, "source"].to_numpy(), "row": df.loc[bad, "row"].to_numpy(),
        "field": field, "reason": result.loc[bad, "issue"].to_numpy(),
        "message": f"{field} nulled: " + result.loc[bad, "issue"].str.lower().to_numpy(),
    })


def _nodes(label: str, key: pd.Series, name: pd.Series, props: pd.Series | None,
           base: pd.DataFrame, at: pd.Series | None = None) -> pd.DataFrame:
    keep = key.fillna("") != ""
    out = pd.DataFrame({
        "label": label, "key": key[keep].to_numpy(), "name": name[keep].to_numpy(),
        "props": (props[keep].to_numpy() if props is not None else "{}"),
        "source": base.loc[keep, "source"].to_numpy(), "row": base.loc[keep, "row"].to_numpy(),
        "at": (at[keep].to_numpy() if at is not None else None),
    })
    return out


def _edges(rel: str, src_label: str, src: pd.Series, dst_label: str, dst: pd.Series,
           base: pd.DataFrame, at: pd.Series | None, eid: pd.Series | None = None,
           props: pd.Series | None = None) -> pd.DataFrame:
    keep = (src.fillna("") != "") & (dst.fillna("") != "")
    return pd.DataFrame({
        "rel": rel, "src_label": src_label, "src_key": src[keep].to_numpy(),
        "dst_label": dst_label, "dst_key": dst[keep].to_numpy(),
        "eid": (eid[keep].to_numpy() if eid is not None else ""),
        "props": (props[keep].to_numpy() if props is not None else "{}"),
        "source": base.loc[keep, "source"].to_numpy(), "row": base.loc[keep, "row"].to_numpy(),
        "at": (at[keep].to_numpy() if at is not None else None),
    })


def person_keys(ids: pd.DataFrame, names: pd.Series) -> pd.Series:
    """Person key: the checked resident ID; a masked ID only together with the name."""
    key = pd.Series("", index=ids.index, dtype=object)
    full = ids["kind"] == "full"
    key[full] = ids.loc[full, "value"]
    masked = (ids["kind"] == "masked") & (names != "")
    key[masked] = ids.loc[masked, "value"] + "|" + names[masked]
    return key


def complaint_frames(df: pd.DataFrame, as_of: dt.datetime,
                     org_merges: list | None = None) -> Frames:
    """Graph frames for de-duplicated complaint rows (canonical columns + source, row).

    ``org_merges`` (from :func:`etl.resolve.resolve_orgs`) maps variant org keys onto their
    canonical key; the Org node records its aliases and the merges it absorbed.
    """
    df = df.reset_index(drop=True)
    v, issues = _complaint_values(df, as_of, org_merges)
    nodes, edges = _complaint_nodes(df, v), _complaint_edges(df, v)
    docs = _document_frames(df, v["cid"], v["at"])
    if docs is not None:
        nodes.append(docs[0])
        edges.append(docs[1])
    return Frames(nodes=_finish_nodes(nodes), edges=_finish_edges(edges),
                  issues=pd.concat([i for i in issues if not i.empty] or
                                   [pd.DataFrame(columns=ISSUE_COLUMNS)], ignore_index=True))


def _complaint_values(df: pd.DataFrame, as_of: dt.datetime, org_merges: list | None
                      ) -> tuple[dict, list[pd.DataFrame]]:
    """Every normalised column a complaint's nodes and edges are made of, and the field
    issues normalising them raised."""
    issues = []

    def checked(field: str, result: pd.DataFrame) -> pd.DataFrame:
        issues.append(_issues(df, result, field))
        return result

    t = checked("received_at", nz.parse_times(df["received_at"], as_of))
    names = nz.normalize_person_names(df["name"])
    checked("name", pd.DataFrame({"issue": np.where(names == "", nz.NAME_MISSING, "")}))
    ids = checked("id_number", nz.normalize_ids(df["id_number"], as_of.date()))
    v = {f: checked(f, nz.normalize_phones(df[f]))
         for f in ("phone", "contact_phone", "agent_phone")}
    v["amount"] = checked("overdue_amount", nz.parse_amounts(df["overdue_amount"]))
    v["ip"] = checked("ip", nz.normalize_ips(df["ip"]))
    org = nz.normalize_org_names(df["agent_org"])
    merged = {mg.variant: mg for mg in (org_merges or [])}
    if merged:
        org["key"] = org["key"].map(lambda k: merged[k].canonical if k in merged else k)
    agent_name = nz.normalize_person_names(df["agent_name"])
    # Masked phones never become Phone nodes: a node would link on the mask alone.
    linkable = {f: v[f]["value"].where(v[f]["kind"] != "masked", "") for f in
                ("phone", "contact_phone", "agent_phone")}
    # An agent is a name within an organisation (their phones hang off the node), or, with
    # no organisation given, a name with a phone. A bare name is no identity: common names
    # would link strangers, so it stays on the complaint only.
    agent_key = pd.Series("", index=df.index, dtype=object)
    with_org = (agent_name != "") & (org["key"] != "")
    with_phone = (agent_name != "") & ~with_org & (linkable["agent_phone"] != "")
    agent_key[with_org] = agent_name[with_org] + "|org:" + org["key"][with_org]
    agent_key[with_phone] = agent_name[with_phone] + "|" + linkable["agent_phone"][with_phone]
    v.update(at=_time_str(t["value"]), names=names, ids=ids, org=org, merged=merged,
             agent_name=agent_name, agent_key=agent_key, linkable=linkable,
             device=nz.normalize_devices(df["device"]),
             province=nz.normalize_provinces(df["province"]),
             demands=nz.normalize_demands(df["demands"]),
             inst=nz.normalize_org_names(df["institution"]), channel=nz.clean_values(df["channel"]),
             pkey=person_keys(ids, names), cid=df["complaint_id"].astype(str).str.strip())
    return v, issues


def _complaint_nodes(df: pd.DataFrame, v: dict) -> list[pd.DataFrame]:
    at, ids, contact = v["at"], v["ids"], v["contact_phone"]
    complaint_props = _json_lines(pd.DataFrame({
        "received_at": at, "channel": v["channel"], "province": v["province"],
        "institution": v["inst"]["display"], "demands": v["demands"],
        "overdue_amount": v["amount"]["value"],
        "loan_account": nz._clean(df["loan_account"]), "text": df["text"].fillna(""),
        "contact_phone_masked": contact["value"].where(contact["kind"] == "masked", ""),
        "agent_name": v["agent_name"],
    }))
    person_props = _json_lines(pd.DataFrame({
        "id_kind": ids["kind"], "id_province": ids["province"], "province": v["province"],
    }), repeats=True)
    ip = v["ip"]
    nodes = [
        _nodes(m.COMPLAINT, v["cid"], v["cid"], complaint_props, df, at),
        _nodes(m.PERSON, v["pkey"], v["names"], person_props, df, at),
        _nodes(m.INSTITUTION, v["inst"]["key"], v["inst"]["display"], None, df, at),
        _nodes(m.DEVICE, v["device"], v["device"], None, df, at),
        _nodes(m.IP, ip["value"], ip["value"],
               _json_lines(pd.DataFrame({"private": ip["private"]}), repeats=True), df, at),
        _nodes(m.AGENT, v["agent_key"], v["agent_name"], None, df, at),
        _nodes(m.ORG, v["org"]["key"], v["org"]["display"], _org_props(v["org"], v["merged"]),
               df, at),
    ]
    for f in ("phone", "contact_phone", "agent_phone"):
        key = v["linkable"][f]
        kind = _json_lines(pd.DataFrame({"kind": v[f]["kind"]}), repeats=True)
        nodes.append(_nodes(m.PHONE, key, key, kind, df, at))
    return nodes


def _complaint_edges(df: pd.DataFrame, v: dict) -> list[pd.DataFrame]:
    at, cid, pkey, agent_key = v["at"], v["cid"], v["pkey"], v["agent_key"]
    org_key, ph = v["org"]["key"], v["linkable"]
    return [
        _edges(m.FILED, m.PERSON, pkey, m.COMPLAINT, cid, df, at),
        _edges(m.AGAINST, m.COMPLAINT, cid, m.INSTITUTION, v["inst"]["key"], df, at),
        _edges(m.HAS_PHONE, m.PERSON, pkey, m.PHONE, ph["phone"], df, at),
        _edges(m.CONTACT, m.COMPLAINT, cid, m.PHONE, ph["contact_phone"], df, at),
        _edges(m.SUBMITTED_FROM, m.COMPLAINT, cid, m.DEVICE, v["device"], df, at),
        _edges(m.SUBMITTED_FROM, m.COMPLAINT, cid, m.IP, v["ip"]["value"], df, at),
        _edges(m.REPRESENTED_BY, m.COMPLAINT, cid, m.AGENT, agent_key, df, at),
        _edges(m.WORKS_FOR, m.AGENT, agent_key, m.ORG, org_key, df, at),
        _edges(m.VIA_ORG, m.COMPLAINT, cid, m.ORG, org_key, df, at),
        _edges(m.HAS_PHONE, m.AGENT, agent_key, m.PHONE, ph["agent_phone"], df, at),
    ]


def _document_frames(df: pd.DataFrame, cid: pd.Series, at: pd.Series
                     ) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """Document nodes and ATTACHED edges of the rows' attachments (None without any)."""
    docs = nz.parse_attachments(df["attachments"])
    if docs.empty:
        return None
    base = df.loc[docs["pos"], ["source", "row"]].reset_index(drop=True)
    doc_key = pd.Series(np.where(docs["sha256"] != "", "sha256:" + docs["sha256"],
                                 "cert:" + docs["cert_no"]), dtype=object)
    doc_at = at.loc[docs["pos"]].reset_index(drop=True)
    doc_props = _json_lines(docs[["doc_type", "sha256", "issuer", "cert_no"]], repeats=True)
    return (_nodes(m.DOCUMENT, doc_key, docs["doc_type"], doc_props, base, doc_at),
            _edges(m.ATTACHED, m.COMPLAINT, cid.loc[docs["pos"]].reset_index(drop=True),
                   m.DOCUMENT, doc_key, base, doc_at))


def _org_props(org: pd.DataFrame, merged: dict) -> pd.Series:
    """Per row, the props its Org node gets: every display variant of the key seen in this
    load, and the merges into it (so a reviewer sees what was folded together)."""
    keyed = org[org["key"] != ""]
    aliases = keyed.groupby("key")["display"].agg(lambda v: sorted(set(v)))
    absorbed: dict[str, list] = {}
    for mg in merged.values():
        absorbed.setdefault(mg.canonical, []).append({"key": mg.variant, "score": mg.score})
    props = {k: json.dumps({"aliases": aliases.get(k, []),
                            "merged_from": sorted(absorbed.get(k, []), key=lambda d: d["key"])},
                           ensure_ascii=False, sort_keys=True)
             for k in aliases.index}
    return org["key"].map(lambda k: props.get(k, "{}"))


def transfer_frames(df: pd.DataFrame, as_of: dt.datetime) -> Frames:
    """Graph frames for de-duplicated fee-transfer rows: Person -[:PAID]-> Account."""
    df = df.reset_index(drop=True)
    issues = []
    t = nz.parse_times(df["paid_at"], as_of)
    issues.append(_issues(df, t, "paid_at"))
    at = _time_str(t["value"])
    amount = nz.parse_amounts(df["amount"])
    issues.append(_issues(df, amount, "amount"))
    names = nz.normalize_person_names(df["payer_name"])
    ids = nz.normalize_ids(df["payer_id_number"], as_of.date())
    issues.append(_issues(df, ids, "payer_id_number"))
    pkey = person_keys(ids, names)
    account = nz.clean_values(df["payee_account"]).str.replace(r"[\s-]", "", regex=True)
    payee = nz.clean_values(df["payee_name"])
    person_props = _json_lines(pd.DataFrame({
        "id_kind": ids["kind"], "id_province": ids["province"], "province": ids["province"],
    }), repeats=True)
    paid_props = _json_lines(pd.DataFrame({"amount": amount["value"],
                                           "memo": nz.clean_values(df["memo"])}))
    nodes = [
        _nodes(m.PERSON, pkey, names, person_props, df, at),
        _nodes(m.ACCOUNT, account, payee, None, df, at),
    ]
    edges = [_edges(m.PAID, m.PERSON, pkey, m.ACCOUNT, account, df, at,
                    eid=df["transfer_id"].astype(str).str.strip(), props=paid_props)]
    return Frames(nodes=_finish_nodes(nodes), edges=_finish_edges(edges),
                  issues=pd.concat([i for i in issues if not i.empty] or
                                   [pd.DataFrame(columns=ISSUE_COLUMNS)], ignore_index=True))


def _finish_nodes(parts: list[pd.DataFrame]) -> pd.DataFrame:
    nodes = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=m.NODE_COLUMNS)],
                      ignore_index=True)
    # The earliest (source, row) carries the provenance; sources are ingested in sorted order.
    return _earliest_of_each(nodes, ["label", "key"])[list(m.NODE_COLUMNS)]


def _finish_edges(parts: list[pd.DataFrame]) -> pd.DataFrame:
    edges = pd.concat([p for p in parts if not p.empty] or [pd.DataFrame(columns=m.EDGE_COLUMNS)],
                      ignore_index=True)
    ident = ["rel", "src_label", "src_key", "dst_label", "dst_key", "eid"]
    return _earliest_of_each(edges, ident)[list(m.EDGE_COLUMNS)]


def _earliest_of_each(frame: pd.DataFrame, ident: list[str]) -> pd.DataFrame:
    """One row per ``ident``, the one with the smallest (source, row), sorted by ``ident``.

    The same as a stable ``sort_values(ident + ["source", "row"])`` followed by
    ``drop_duplicates(ident)``, but sorting integer codes (``factorize(sort=True)`` orders
    values as ``sort_values`` does; missing values last) instead of strings.
    """
    codes = []
    for c in ident + ["source", "row"]:
        k, uniques = pd.factorize(frame[c], sort=True)
        codes.append(np.where(k < 0, len(uniques), k))
    order = np.lexsort(codes[::-1])   # stable: ties keep their input order
    first = np.ones(len(order), dtype=bool)
    if len(order) > 1:
        ends = [k[order] for k in codes[:len(ident)]]
        first[1:] = np.logical_or.reduce([e[1:] != e[:-1] for e in ends])
    return frame.iloc[order[first]].reset_index(drop=True)


def merge_frames(parts: list[Frames]) -> Frames:
    """Concatenate frames of several tables, keeping the first provenance of each fact."""
    return Frames(
        nodes=_finish_nodes([p.nodes for p in parts]),
        edges=_finish_edges([p.edges for p in parts]),
        issues=pd.concat([p.issues for p in parts if not p.issues.empty] or
                         [pd.DataFrame(columns=ISSUE_COLUMNS)], ignore_index=True),
    )


def dumps(obj) -> str:
    """Compact JSON with sorted keys for reproducible report bytes."""
    return json.dumps(obj, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
