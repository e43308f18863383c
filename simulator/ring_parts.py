"""The pieces every planted ring is built from: the ring's context and record, its time
window and provinces, forged material packages, template texts, online submissions, fee
transfers, and the assembly of one ring's complaints (used by :mod:`simulator.rings`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from simulator import fields, identity as ident, orgs, table, texts, vocab
from simulator.people import People
from simulator.streams import hex_strings


@dataclass
class RingInfo:
    """Ground truth of one ring."""

    ring_id: str
    style: str
    orgs: list[str] = field(default_factory=list)
    camouflaged: bool = False
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (account, holder)


@dataclass
class RingContext:
    """What every ring builder shares."""

    seed: int
    people: People
    certs: fields.CertIssuer
    accounts: fields.AccountIssuer
    namer: orgs.OrgNamer
    day_lo: int
    day_hi: int
    camouflage: float
    scale: float
    sim_blocks: set = field(default_factory=set)


def _scaled(rng, lo: int, hi: int, scale: float, floor: int) -> int:
    return max(floor, int(round(int(rng.integers(lo, hi + 1)) * scale)))


def _window(rng, ctx: RingContext, lo_days: int, hi_days: int) -> tuple[int, int]:
    span = ctx.day_hi - ctx.day_lo
    length = min(int(rng.integers(lo_days, hi_days + 1)), span)
    start = ctx.day_lo + int(rng.integers(0, span - length + 1))
    return start, start + length


def _provinces(rng, k: int, include: int | None = None) -> np.ndarray:
    k = min(k, len(ident.PROVINCES))
    p = ident.PROV_WEIGHT / ident.PROV_WEIGHT.sum()
    chosen = rng.choice(len(p), size=k, replace=False, p=p)
    if include is not None and include not in chosen:
        chosen[0] = include
    return chosen


def _per_person(rng, n_persons: int, p_two: float) -> np.ndarray:
    return np.where(rng.random(n_persons) < p_two, 2, 1)


def _distinct_institutions(rng, owner: np.ndarray) -> np.ndarray:
    inst = fields.draw_institutions(rng, len(owner))
    # A borrower's second complaint is about another lender.
    same = np.flatnonzero((owner[1:] == owner[:-1]) & (inst[1:] == inst[:-1])) + 1
    for i in same.tolist():
        while inst[i] == inst[i - 1]:
            inst[i] = fields.draw_institutions(rng, 1)[0]
    return inst


def _rotate(rng, m: int, k: int) -> np.ndarray:
    """Balanced assignment of ``m`` uses to ``k`` pool members (each used m/k times)."""
    k = max(1, min(k, m)) if m else 1
    return rng.permutation(np.arange(m) % k)


def _fmt_amount(a: float) -> str:
    return f"{a:,.2f}" if a >= 10_000 else f"{a:.2f}"


_DOC_ISSUER = {"贫困证明": ("village", "civil"), "重度抑郁症诊断书": ("psych",),
               "癌症病历": ("cancer",)}


def _forged_package(rng, ctx: RingContext, doc_types, region_idx: int) -> list[dict]:
    certs = ctx.certs.numbers(rng, list(doc_types))
    pkg = []
    for t, c in zip(doc_types, certs):
        kinds = _DOC_ISSUER[t]
        pkg.append({"type": t, "hash": hex_strings(rng, 1, 64)[0], "cert": c,
                    "issuer": fields.issuer_name(kinds[int(rng.integers(len(kinds)))],
                                                 region_idx, rng)})
    return pkg


def _forged_cells(rng, pkg: list[dict], n: int, p_any: float, p_rescan: float,
                  org_names: np.ndarray | None = None, p_poa: float = 0.0) -> np.ndarray:
    """Attachment cells drawing on a forged package.

    Reused files keep the package hash; re-scanned ones get a fresh hash but keep the
    certificate number and issuer. A power of attorney (委托书) issued by the ticket's
    organisation is added on a share of tickets.
    """
    m = len(pkg)
    fresh = iter(hex_strings(rng, n * (m + 2), 64))
    u = rng.random((n, 3))
    k = rng.integers(1, m + 1, n) if m else np.zeros(n, dtype=np.int64)
    order = np.argsort(rng.random((n, max(m, 1))), axis=1).tolist()
    rescan = (rng.random((n, max(m, 1))) < p_rescan).tolist()
    u = u.tolist()
    k = k.tolist()
    out = np.full(n, "", dtype=object)
    for i in range(n):
        parts = []
        if m and u[i][0] < p_any:
            for j in order[i][: k[i]]:
                d = pkg[j]
                sha = next(fresh) if rescan[i][j] else d["hash"]
                parts.append(fields.attachment(d["type"], sha, d["issuer"], d["cert"]))
        if org_names is not None and org_names[i] and u[i][1] < p_poa:
            parts.append(fields.attachment("委托书", next(fresh), org_names[i], ""))
        if u[i][2] < 0.3:
            parts.append(fields.attachment("身份证复印件", next(fresh)))
        out[i] = "；".join(parts)
    return out


def _texts(rng, scripts, people: People, persons, inst, amounts, agents, org_cells,
           paraphrase: float) -> np.ndarray:
    n = len(persons)
    which = rng.integers(0, len(scripts), n).tolist()
    names = people.names(persons)
    agent_names = np.where(agents >= 0, people.names(np.maximum(agents, 0)), "")
    out = []
    for i in range(n):
        agent = str(agent_names[i])
        out.append(texts.fill_script(
            scripts[which[i]], rng, name=names[i],
            inst=vocab.INST_NAME[inst[i]], amount=_fmt_amount(float(amounts[i])),
            agent=agent, org=str(org_cells[i]) if org_cells is not None else "",
            paraphrase=paraphrase))
    return np.array(out, dtype=object)


def _online(rng, channel: np.ndarray, devices: list[str], ips: list[str],
            dev_pick: np.ndarray | None = None, ip_pick: np.ndarray | None = None):
    n = len(channel)
    app = channel == vocab.APP
    has_ip = app | (channel == vocab.WEB)
    dev = np.full(n, "", dtype=object)
    ip = np.full(n, "", dtype=object)
    if dev_pick is None:
        dev_pick = rng.integers(0, len(devices), n)
    if ip_pick is None:
        # An office device mostly goes out through its own line.
        ip_pick = np.where(rng.random(n) < 0.8, dev_pick % len(ips), rng.integers(0, len(ips), n))
    dev[app] = np.array(devices, dtype=object)[dev_pick[app] % len(devices)]
    ip[has_ip] = np.array(ips, dtype=object)[ip_pick[has_ip] % len(ips)]
    return ip, dev


def _fees(rng, ring_id: str, payers: np.ndarray, first_ts: np.ndarray,
          amounts: np.ndarray, accounts: list[tuple[str, str]], memos,
          acc_pick: np.ndarray | None = None, p_split: float = 0.0) -> dict[str, np.ndarray]:
    """Fee transfers, paid a few days to weeks before the borrower's first complaint."""
    n = len(payers)
    if acc_pick is None:
        acc_pick = rng.integers(0, len(accounts), n)
    split = rng.random(n) < p_split
    reps = np.where(split, 2, 1)
    payer = np.repeat(payers, reps)
    amt = np.repeat(amounts, reps) / np.repeat(reps, reps)
    pick = np.repeat(acc_pick, reps)
    days_before = rng.integers(3, 45, len(payer))
    ts = (np.repeat(first_ts - first_ts % fields.DAY, reps) - days_before * fields.DAY
          + rng.integers(8 * 3600, 21 * 3600, len(payer)))
    acc = np.array([a for a, _ in accounts], dtype=object)[pick]
    holder = np.array([h for _, h in accounts], dtype=object)[pick]
    memo = np.array(memos, dtype=object)[rng.integers(0, len(memos), len(payer))]
    return table.transfers(len(payer), payer=payer, ts=ts, payee_account=acc,
                           payee_name=holder, amount=np.round(amt, 2), memo=memo,
                           ring_id=ring_id)


def _first_ts(owner: np.ndarray, ts: np.ndarray, n_persons: int) -> np.ndarray:
    first = np.full(n_persons, np.iinfo(np.int64).max, dtype=np.int64)
    np.minimum.at(first, owner, ts)
    return first


def _assemble(rng, ctx: RingContext, info: RingInfo, persons: np.ndarray, owner: np.ndarray,
              channel_w, window, *, agent_of=None, org_cells=None, contact=None,
              devices=None, ips=None, dev_pick=None, ip_pick=None, scripts=None,
              paraphrase: float = 0.0, pkg=None, p_doc: float = 0.9, p_rescan: float = 0.15,
              p_poa: float = 0.0, demand_p=None, attachments=None,
              channel=None) -> dict[str, np.ndarray]:
    """Complaint block of a ring from per-complaint choices (``owner`` indexes ``persons``)."""
    n = len(owner)
    filer = persons[owner]
    if channel is None:
        channel = fields.draw_channels(rng, n, channel_w)
    inst = _distinct_institutions(rng, owner)
    ts = fields.times_in_window(rng, channel, window[0], window[1])
    amounts = fields.overdue_amounts(rng, n, median=40_000)
    ip, dev = _online(rng, channel, devices, ips, dev_pick, ip_pick)
    agents = agent_of if agent_of is not None else np.full(n, -1, dtype=np.int64)
    if attachments is None:
        attachments = _forged_cells(rng, pkg or [], n, p_doc, p_rescan, org_cells, p_poa)
    block = table.complaints(
        n, person=filer, ts=ts, channel=channel,
        contact_person=filer if contact is None else contact,
        agent_person=agents, agent_org=org_cells, institution=inst,
        loan_account=fields.loan_accounts(rng, inst), amount=amounts,
        demands=texts.demand_cells(rng, n, demand_p or vocab.RING_DEMAND_P),
        text=_texts(rng, scripts, ctx.people, filer, inst, amounts, agents, org_cells,
                    paraphrase),
        ip=ip, device=dev, attachments=attachments,
        ring_id=info.ring_id, style=info.style,
    )
    return block


# --------------------------------------------------------------------------- styles
