"""Wide-profile hard negatives: lawful representation, household registers, genuine waves.

* ``lawfirm`` / ``legal_aid`` / ``online_firm`` — licensed firms and legal-aid centres with
  5–60 clients over 1–8 provinces: lawyers on the ticket, the firm's office phone as the
  call-back number, fixed or percentage fees by transfer into one firm account (legal aid
  is free), genuine texts and documents, modest demands, filings spread over months. Two
  clients may be relatives sharing one household-register scan.
* household registers — family members attach the same 户口本 scan (:func:`share_hukou`).
* ``wave`` — after a real collection scandal, unrelated borrowers of one lender complain
  within days in similar words, many writing the lender's switchboard as call-back number
  and more of them than usual asking for mental damages.

Each may show one signal that looks like misconduct (an online firm filing from its office
computers, a wave's burst, wording and demands) but never the corroborated pattern of a
ring: forged material reused across strangers, scripts, pressure, identity hand-over.
"""

from __future__ import annotations

import numpy as np

from simulator import fields, identity as ident, table, vocab
from simulator.negatives import GroupIds, _stack
from simulator.population import genuine_complaints
from simulator.streams import hex_strings, weighted_choice

LEGAL_AID, ONLINE_FIRM, WAVE = "legal_aid", "online_firm", "wave"
LAWFIRM_CHANNEL_W = (0.35, 0.2, 0.05, 0.05, 0.2, 0.15)
ONLINE_CHANNEL_W = (0.2, 0.05, 0.35, 0.4, 0.0, 0.0)
SCANDAL_LINES = (
    "近日媒体曝光{inst}委托的催收公司违规爆通讯录，我也遭遇了同样的情况。",
    "看到新闻报道{inst}外包催收人员威胁借款人家属，我的家人也多次被骚扰。",
    "{inst}催收员冒充公检法人员打电话恐吓，新闻已经报道，我也是受害者。",
)


def _firm_name(namer, kind: str, city: str) -> str:
    if kind == LEGAL_AID:
        return f"{city}法律援助中心"
    return namer.law_firm(city)


def firms(rng, people, certs, accounts, namer, ids: GroupIds, kind: str, count: int,
          day_lo: int, day_hi: int):
    """``count`` lawful firms of ``kind`` (``lawfirm``, ``legal_aid``, ``online_firm``).

    Returns
    -------
    tuple
        ``(complaint_block, transfer_block, account_rows)``.
    """
    if count == 0:
        return table.complaints(0), table.transfers(0), []
    blocks, trs, acc_rows = [], [], []
    for _ in range(count):
        b, tr, acc = _one_firm(rng, people, certs, accounts, namer, ids, kind, day_lo, day_hi)
        blocks.append(b)
        trs.append(tr)
        acc_rows += acc
    return (table.concat(blocks, table.COMPLAINT_COLS),
            table.concat(trs, table.TRANSFER_COLS), acc_rows)


def _clients(rng, people, kind: str, home: int, n: int) -> np.ndarray:
    """Clients from 1–8 provinces around the firm (a legal-aid centre serves its own)."""
    k_prov = 1 if kind == LEGAL_AID else int(rng.integers(4 if kind == ONLINE_FIRM else 1, 9))
    provs = np.unique(np.concatenate([[home], ident.draw_provinces(rng, k_prov - 1)]))
    clients = people.add(rng, n, prov=provs[rng.integers(0, len(provs), n)])
    if n >= 4 and rng.random() < 0.5:
        # Two clients share one household register: a relative with the same surname, or a
        # spouse with another surname, in the same county.
        a = clients[0]
        same = people.surnames(np.array([a]))[0] if rng.random() < 0.5 else None
        clients[1] = people.add(rng, 1, region=int(people.regions(np.array([a]))[0]),
                                surname=same)[0]
    return clients


def _one_firm(rng, people, certs, accounts, namer, ids, kind, day_lo, day_hi):
    home = int(ident.draw_provinces(rng, 1)[0])
    regs = ident.regions_of(home)
    city = ident.REGION_CITY[int(regs[rng.integers(len(regs))])]
    firm = _firm_name(namer, kind, city)
    gid = ids.new(kind)
    n_clients = int(rng.integers(5, 61))
    clients = _clients(rng, people, kind, home, n_clients)
    lawyers = people.add(rng, int(rng.integers(1, 5)), prov=home)
    office = people.add(rng, 1, prov=home)[0]          # the firm's office line
    span = int(rng.integers(90, 541))
    lo = int(rng.integers(day_lo, max(day_lo + 1, day_hi - span)))
    w = ONLINE_CHANNEL_W if kind == ONLINE_FIRM else LAWFIRM_CHANNEL_W
    ch = fields.draw_channels(rng, n_clients, w)
    b = genuine_complaints(rng, people, clients, certs, lo, min(day_hi, lo + span), channel=ch,
                           demand_p=vocab.LAWFIRM_DEMAND_P, growth=0.0)
    lawyer = lawyers[rng.integers(0, len(lawyers), n_clients)]
    represented = rng.random(n_clients) < 0.95
    b["agent_person"] = np.where(represented, lawyer, -1)
    b["agent_org"] = np.where(represented & (rng.random(n_clients) < 0.9), firm, "").astype(object)
    b["contact_person"] = np.where(rng.random(n_clients) < rng.uniform(0.3, 0.95), office,
                                   b["contact_person"])
    if kind == ONLINE_FIRM and rng.random() < 0.5:
        # An online firm may file through the platform itself, from its office computers.
        online = np.flatnonzero(ch == vocab.APP)
        b["device"][online] = ident.draw_devices(rng, 2)[rng.integers(0, 2, len(online))]
    names = people.names(lawyer)
    cover = rng.random(n_clients) < rng.uniform(0.0, 0.8)
    for i in np.flatnonzero(represented & cover).tolist():
        b["text"][i] = b["text"][i] + f"现已委托{firm}{names[i]}律师代为沟通。"
    if n_clients >= 4 and (people.regions(clients[0:1])[0] == people.regions(clients[1:2])[0]):
        share_hukou(rng, b, [np.array([0, 1])], people)
    b["group_id"] = np.full(n_clients, gid, dtype=object)
    b["group_type"] = np.full(n_clients, kind, dtype=object)
    if kind == LEGAL_AID:
        return b, table.transfers(0), []
    acc = accounts.new(rng, 1, "corporate")[0]
    if rng.random() < 0.5:
        fee = np.full(n_clients, float(rng.integers(30, 301)) * 100.0)
    else:
        fee = np.round(b["amount"] * rng.uniform(0.03, 0.15), 2).clip(1000.0, None)
    ts = b["ts"] - rng.integers(5, 60, n_clients) * fields.DAY
    memo = np.array(vocab.MEMO_LAWFIRM, dtype=object)[rng.integers(0, len(vocab.MEMO_LAWFIRM),
                                                                   n_clients)]
    tr = table.transfers(n_clients, payer=clients, ts=ts, payee_account=acc, payee_name=firm,
                         amount=fee, memo=memo, group_id=gid)
    return b, tr, [(acc, firm, kind, "", gid)]


def share_hukou(rng, block, groups: list[np.ndarray], people) -> None:
    """Attach one household-register scan per group to every member's complaints."""
    for rows in groups:
        if len(rows) == 0:
            continue
        region = int(people.regions(block["person"][rows[:1]])[0])
        issuer = f"{ident.REGION_CITY[region]}公安局户政科"
        doc = fields.attachment("户口本", hex_strings(rng, 1, 64)[0], issuer)
        for i in rows.tolist():
            att = block["attachments"][i]
            block["attachments"][i] = f"{att}；{doc}" if att else doc


def waves(rng, people, certs, ids: GroupIds, count: int, day_lo: int, day_hi: int,
          switchboards: list[str]):
    """Genuine complaint waves after collection scandals (see module docstring)."""
    if count == 0:
        return table.complaints(0)
    groups, insts, starts, sizes = [], [], [], []
    for _ in range(count):
        k = int(rng.integers(20, 151))
        groups.append((ids.new(WAVE), people.add(rng, k)))
        insts.append(int(fields.draw_institutions(rng, 1)[0]))
        starts.append(int(rng.integers(day_lo, max(day_lo + 1, day_hi - 12))))
        sizes.append(k)
    gid, gtype, bounds = _stack(groups, WAVE)
    members = np.concatenate([m for _, m in groups])
    sz = np.array(sizes)
    inst = np.repeat(np.array(insts), sz)
    lo = np.repeat(np.array(starts), sz)
    hi = lo + np.repeat(rng.integers(2, 11, count), sz)
    # Victims of a scandal ask for more than usual, mental damages included.
    demand_p = dict(vocab.GENUINE_DEMAND_P, 精神赔偿=float(rng.uniform(0.05, 0.5)))
    b = genuine_complaints(rng, people, members, certs, lo, hi, inst=inst, growth=0.0,
                           demand_p=demand_p)
    line = weighted_choice(rng, len(members), (1, 1, 1))
    names = vocab.INST_NAME[inst]
    for i in range(len(members)):
        b["text"][i] = SCANDAL_LINES[line[i]].format(inst=names[i]) + b["text"][i]
    if switchboards:
        board = np.repeat(rng.integers(0, len(switchboards), count), sz)
        use = rng.random(len(members)) < np.repeat(rng.uniform(0.0, 0.6, count), sz)
        b["contact_person"][use] = -1
        b["contact_literal"][use] = np.array(switchboards, dtype=object)[board[use]]
    b["group_id"], b["group_type"] = gid, gtype
    return b
