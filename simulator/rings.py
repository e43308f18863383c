"""Planted rings, one builder per style of the reference cases.

Every ring's borrowers are ordinary people (their own registered phones, IDs from their own
provinces); what ties them together is what the ring adds: agents and organisations on the
ticket, the agents' phones as call-back numbers, a few office devices and IPs, forged
material packages, template scripts, and fee transfers to the ring's accounts.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from simulator import fields, identity as ident, orgs, table, texts, vocab
from simulator.people import People
from simulator.streams import hex_strings, stream

JINAN = "jinan_alliance"
TWO_COMPANY = "two_company_fee"
SMALL_TEAM = "small_team"
NEW_SIM = "new_sim_handover"
CAMOUFLAGED = "camouflaged"
STYLES = (JINAN, TWO_COMPANY, SMALL_TEAM, NEW_SIM, CAMOUFLAGED)
# Default mix per 8 rings (8 rings per 5,000 complaints).
STYLE_WEIGHTS = {JINAN: 1, TWO_COMPANY: 1, SMALL_TEAM: 3, NEW_SIM: 1, CAMOUFLAGED: 2}
RINGS_PER_COMPLAINT = 8 / 5000
# Expected complaints per ring of each style at scale 1, used to scale rings down in tiny
# scenarios so that rings never swamp the genuine population.
EXPECTED_SIZE = {JINAN: 182, TWO_COMPANY: 66, SMALL_TEAM: 14, NEW_SIM: 16, CAMOUFLAGED: 30}
MAX_RING_SHARE = 0.25

RING_CHANNEL_W = (0.25, 0.12, 0.33, 0.2, 0.0, 0.1)   # order of vocab.CHANNELS
TEAM_CHANNEL_W = (0.15, 0.1, 0.5, 0.25, 0.0, 0.0)
CAMO_CHANNEL_W = (0.15, 0.1, 0.45, 0.25, 0.0, 0.05)


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


def style_counts(n_rings: int) -> dict[str, int]:
    """Split ``n_rings`` over the styles keeping the default mix.

    With five or more rings every style gets at least one; below five the first styles in
    :data:`STYLES` order get one each.
    """
    if n_rings < len(STYLES):
        return {s: int(i < n_rings) for i, s in enumerate(STYLES)}
    total_w = sum(STYLE_WEIGHTS.values())
    target = {s: n_rings * w / total_w for s, w in STYLE_WEIGHTS.items()}
    counts = {s: max(1, int(math.floor(t))) for s, t in target.items()}
    # Largest remainder, deterministic tie-break by style order.
    while sum(counts.values()) < n_rings:
        s = max(STYLES, key=lambda k: (target[k] - counts[k], -STYLES.index(k)))
        counts[s] += 1
    while sum(counts.values()) > n_rings:
        s = max((k for k in STYLES if counts[k] > 1),
                key=lambda k: (counts[k] - target[k], -STYLES.index(k)))
        counts[s] -= 1
    return counts


def ring_scale(counts: dict[str, int], complaints: int) -> float:
    """Size factor that keeps planted complaints under :data:`MAX_RING_SHARE`."""
    expected = sum(EXPECTED_SIZE[s] * c for s, c in counts.items())
    if expected <= 0:
        return 1.0
    return min(1.0, MAX_RING_SHARE * complaints / expected)


def plan(n_rings: int, complaints: int, seed: int) -> list[tuple[str, str]]:
    """Ring ids and styles, interleaved so ids say nothing about the style."""
    counts = style_counts(n_rings)
    styles = [s for s in STYLES for _ in range(counts[s])]
    order = stream(seed, "ring-plan").permutation(len(styles))
    width = max(4, len(str(n_rings)))
    return [(f"R{i + 1:0{width}d}", styles[j]) for i, j in enumerate(order.tolist())]


# -------------------------------------------------------------------------- helpers
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
def build_jinan(rng, ctx: RingContext, ring_id: str, camo: bool):
    """Hunan front company, 3–6 agents, 100–160 borrowers over ~11 provinces."""
    c = ctx.camouflage if camo else 0.0
    org = ctx.namer.company(places=vocab.HUNAN_PLACES, business="法律咨询服务", bracket=False)
    info = RingInfo(ring_id, JINAN, [org], camo)
    agents = ctx.people.add(rng, int(rng.integers(3, 7)), prov=ident.HUNAN)
    nb = _scaled(rng, 100, 160, ctx.scale, 6)
    provs = _provinces(rng, min(11, max(2, nb // 8)), include=ident.HUNAN)
    persons = ctx.people.add(rng, nb, prov=provs[rng.integers(0, len(provs), nb)])
    owner = np.repeat(np.arange(nb), _per_person(rng, nb, 0.4))
    n = len(owner)
    agent_of_person = agents[rng.integers(0, len(agents), nb)]
    agent_of = agent_of_person[owner]
    org_cells = np.array([orgs.variant(org, rng, 0.35 + 0.5 * c) for _ in range(n)], dtype=object)
    if camo:
        drop = rng.random(n) < 0.3
        agent_of = np.where(drop, -1, agent_of)
        org_cells[drop] = ""
    contact = np.where(rng.random(n) < 0.9, agent_of_person[owner], persons[owner])
    k_dev = int(rng.integers(2, 5))
    devices = list(ident.draw_devices(rng, k_dev))
    ips = list(ident.draw_ips(rng, k_dev))
    region = int(ident.regions_of(ident.HUNAN)[rng.integers(0, 6)])
    pkg = _forged_package(rng, ctx, ["贫困证明", "重度抑郁症诊断书"], region)
    demand_p = dict(vocab.RING_DEMAND_P, 精神赔偿=0.9)
    block = _assemble(rng, ctx, info, persons, owner, RING_CHANNEL_W, _window(rng, ctx, 90, 180),
                      agent_of=agent_of, org_cells=org_cells, contact=contact, devices=devices,
                      ips=ips, scripts=texts.make_scripts(rng, int(rng.integers(2, 4)), True),
                      paraphrase=0.35 * c, pkg=pkg, p_doc=0.9, p_rescan=0.15 + 0.5 * c,
                      p_poa=0.5, demand_p=demand_p)
    holders = [org] * int(rng.integers(2, 4))
    info.accounts = list(zip(ctx.accounts.new(rng, len(holders), "corporate"), holders))
    fees = np.round(rng.integers(5, 201, nb) * 100.0, 2)
    tr = _fees(rng, ring_id, persons, _first_ts(owner, block["ts"], nb), fees,
               info.accounts, vocab.MEMO_RING_FEE, p_split=0.2)
    return info, block, tr


def build_two_company(rng, ctx: RingContext, ring_id: str, camo: bool):
    """Two companies sharing 2–3 payee accounts; borrowers pay 25 % of their total debt."""
    c = ctx.camouflage if camo else 0.0
    org_a = ctx.namer.company(places=("宁夏", "银川"), business="法律咨询服务", bracket=False)
    org_b = ctx.namer.company(places=vocab.CITY_PLACES, business="法务服务", bracket=True)
    info = RingInfo(ring_id, TWO_COMPANY, [org_a, org_b], camo)
    n_staff = int(rng.integers(2, 5))
    staff = ctx.people.add(rng, n_staff, prov=np.array([ident.NINGXIA, ident.GUANGDONG])[
        rng.integers(0, 2, n_staff)])
    nb = _scaled(rng, 30, 80, ctx.scale, 5)
    provs = _provinces(rng, int(rng.integers(4, 9)))
    persons = ctx.people.add(rng, nb, prov=provs[rng.integers(0, len(provs), nb)])
    owner = np.repeat(np.arange(nb), _per_person(rng, nb, 0.2))
    n = len(owner)
    company = rng.integers(0, 2, n)
    org_cells = np.array([orgs.variant((org_a, org_b)[k], rng, 0.4 + 0.5 * c)
                          for k in company.tolist()], dtype=object)
    agent_of = np.where(rng.random(n) < 0.6 - 0.3 * c, staff[rng.integers(0, len(staff), n)], -1)
    contact = np.where(rng.random(n) < 0.8, staff[rng.integers(0, len(staff), n)],
                       persons[owner])
    k_dev = int(rng.integers(1, 4))
    region = int(ident.regions_of(ident.NINGXIA)[rng.integers(0, 4)])
    pkg = _forged_package(rng, ctx, ["贫困证明", "癌症病历", "重度抑郁症诊断书"][: int(rng.integers(2, 4))],
                          region)
    block = _assemble(rng, ctx, info, persons, owner, RING_CHANNEL_W, _window(rng, ctx, 60, 150),
                      agent_of=agent_of, org_cells=org_cells, contact=contact,
                      devices=list(ident.draw_devices(rng, k_dev)),
                      ips=list(ident.draw_ips(rng, k_dev)),
                      scripts=texts.make_scripts(rng, int(rng.integers(2, 4)), True),
                      paraphrase=0.35 * c, pkg=pkg, p_doc=0.85, p_rescan=0.2 + 0.5 * c,
                      p_poa=0.4)
    rep = ctx.people.add(rng, 1, prov=ident.NINGXIA)
    holders = [org_a, org_b, str(ctx.people.names(rep)[0])][: int(rng.integers(2, 4))]
    kinds = ["corporate", "corporate", "personal"]
    info.accounts = [(ctx.accounts.new(rng, 1, kinds[i])[0], h) for i, h in enumerate(holders)]
    debt = np.zeros(nb)
    np.add.at(debt, owner, block["amount"])
    tr = _fees(rng, ring_id, persons, _first_ts(owner, block["ts"], nb),
               np.round(debt * 0.25, 2), info.accounts, vocab.MEMO_TWO_COMPANY)
    return info, block, tr


def build_small_team(rng, ctx: RingContext, ring_id: str, camo: bool):
    """2–3 agents filing in borrowers' own names from their own 1–2 devices."""
    c = ctx.camouflage if camo else 0.0
    info = RingInfo(ring_id, SMALL_TEAM, [], camo)
    home = int(ident.draw_provinces(rng, 1)[0])
    agents = ctx.people.add(rng, int(rng.integers(2, 4)), prov=home)
    nb = _scaled(rng, 6, 15, ctx.scale, 4)
    provs = _provinces(rng, int(rng.integers(2, 5)), include=home)
    persons = ctx.people.add(rng, nb, prov=provs[rng.integers(0, len(provs), nb)])
    owner = np.repeat(np.arange(nb), _per_person(rng, nb, 0.25))
    n = len(owner)
    contact = np.where(rng.random(n) < 0.4 - 0.2 * c, agents[rng.integers(0, len(agents), n)],
                       persons[owner])
    k_dev = int(rng.integers(1, 3)) + (1 if camo else 0)
    region = int(ident.regions_of(home)[0])
    pkg = _forged_package(rng, ctx, ["贫困证明", "重度抑郁症诊断书", "癌症病历"][: int(rng.integers(1, 3))],
                          region)
    block = _assemble(rng, ctx, info, persons, owner, TEAM_CHANNEL_W, _window(rng, ctx, 30, 90),
                      contact=contact, devices=list(ident.draw_devices(rng, k_dev)),
                      ips=list(ident.draw_ips(rng, k_dev)),
                      scripts=texts.make_scripts(rng, int(rng.integers(1, 3)), False),
                      paraphrase=0.35 * c, pkg=pkg, p_doc=0.6, p_rescan=0.2 + 0.5 * c)
    payee = agents[int(rng.integers(0, len(agents)))]
    info.accounts = [(ctx.accounts.new(rng, 1, "personal")[0], str(ctx.people.names(payee)))]
    fees = np.round(rng.integers(5, 201, nb) * 100.0, 2)
    tr = _fees(rng, ring_id, persons, _first_ts(owner, block["ts"], nb), fees,
               info.accounts, vocab.MEMO_RING_FEE)
    return info, block, tr


def _fresh_sim_block(rng, ctx: RingContext, n: int) -> np.ndarray:
    """Consecutive or near-consecutive numbers in one virtual-operator block."""
    while True:
        prefix = ident.VIRTUAL_PREFIXES[int(rng.integers(len(ident.VIRTUAL_PREFIXES)))]
        seg = int(rng.integers(1000, 10000))
        key = (prefix, seg)
        if key in ctx.sim_blocks:
            continue
        ctx.sim_blocks.add(key)
        gaps = np.where(rng.random(n) < 0.7, 1, rng.integers(2, 4, n))
        start = int(rng.integers(0, 10000 - int(gaps.sum()) - 1))
        tail = start + np.cumsum(gaps)
        return prefix * 10**8 + seg * 10**4 + tail


def build_new_sim(rng, ctx: RingContext, ring_id: str, camo: bool):
    """One device files for 8–20 borrowers, each with a freshly issued SIM."""
    c = ctx.camouflage if camo else 0.0
    front = ctx.namer.company(places=vocab.ORG_PLACES, business="法律咨询服务")
    info = RingInfo(ring_id, NEW_SIM, [front], camo)
    nb = _scaled(rng, 8, 20, ctx.scale, 4)
    provs = _provinces(rng, int(rng.integers(2, 7)))
    persons = ctx.people.add(rng, nb, prov=provs[rng.integers(0, len(provs), nb)],
                             phone=_fresh_sim_block(rng, ctx, nb))
    owner = np.repeat(np.arange(nb), _per_person(rng, nb, 0.15))
    n = len(owner)
    k_ip = int(rng.integers(1, 3))
    channel_w = (0.0, 0.0, 0.85, 0.15, 0.0, 0.0)
    region = int(ident.draw_regions(rng, provs[:1])[0])
    pkg = _forged_package(rng, ctx, ["贫困证明"], region)
    block = _assemble(rng, ctx, info, persons, owner, channel_w, _window(rng, ctx, 14, 35),
                      devices=list(ident.draw_devices(rng, 1 + (1 if camo else 0))),
                      ips=list(ident.draw_ips(rng, k_ip)),
                      scripts=texts.make_scripts(rng, int(rng.integers(1, 3)), False),
                      paraphrase=0.35 * c, pkg=pkg, p_doc=0.5, p_rescan=0.2 + 0.5 * c)
    info.accounts = [(ctx.accounts.new(rng, 1, "corporate")[0], front)]
    fees = np.round(rng.integers(50, 201, nb) * 100.0, 2)
    tr = _fees(rng, ring_id, persons, _first_ts(owner, block["ts"], nb), fees,
               info.accounts, vocab.MEMO_RING_FEE)
    return info, block, tr


def build_camouflaged(rng, ctx: RingContext, ring_id: str, camo: bool = True):
    """20–40 complaints rotating every identifier through small pools."""
    c = ctx.camouflage
    share = 4.0 - 2.0 * c          # complaints per pooled identifier
    org = ctx.namer.company()
    info = RingInfo(ring_id, CAMOUFLAGED, [org], True)
    n = _scaled(rng, 20, 40, ctx.scale, 6)
    nb = max(3, int(round(n * 0.9)))
    provs = _provinces(rng, int(rng.integers(3, 9)))
    persons = ctx.people.add(rng, nb, prov=provs[rng.integers(0, len(provs), nb)])
    owner = np.sort(np.concatenate([np.arange(nb), rng.integers(0, nb, n - nb)]))
    agents = ctx.people.add(rng, int(rng.integers(2, 4)), prov=provs[0])
    agent_of = np.where(rng.random(n) < 0.45, agents[_rotate(rng, n, len(agents))], -1)
    org_rate = max(0.1, 0.5 - 0.35 * c)
    org_cells = np.array([orgs.variant(org, rng, 0.85) if rng.random() < org_rate else ""
                          for _ in range(n)], dtype=object)
    # Call-back numbers from a pool of burner SIMs registered to strangers.
    uses_pool = rng.random(n) < 0.7
    k_phone = max(2, math.ceil(uses_pool.sum() / share))
    burners = ctx.people.add(rng, k_phone)
    contact = persons[owner].copy()
    contact[uses_pool] = burners[_rotate(rng, int(uses_pool.sum()), k_phone)]
    # Rotate devices over the APP tickets and IPs over the APP/web ones only, so each
    # pooled identifier really shows on just a few tickets.
    channel = fields.draw_channels(rng, n, CAMO_CHANNEL_W)
    app = np.flatnonzero(channel == vocab.APP)
    online = np.flatnonzero((channel == vocab.APP) | (channel == vocab.WEB))
    k_dev = max(2, math.ceil(len(app) / share))
    k_ip = max(2, math.ceil(len(online) / share))
    dev_pick = np.zeros(n, dtype=np.int64)
    dev_pick[app] = _rotate(rng, len(app), k_dev)
    ip_pick = np.zeros(n, dtype=np.int64)
    ip_pick[online] = _rotate(rng, len(online), k_ip)
    # Forged documents re-scanned: fresh hashes, certificate numbers rotated over a pool.
    has_doc = np.flatnonzero(rng.random(n) < 0.8).tolist()
    n_docs = len(has_doc)
    k_cert = max(2, math.ceil(n_docs / share))
    region = int(ident.draw_regions(rng, provs[:1])[0])
    doc_types = [vocab.FORGED_DOCS[i % 3] for i in range(k_cert)]
    pool = _forged_package(rng, ctx, doc_types, region)
    cert_pick = _rotate(rng, n_docs, k_cert).tolist()
    att = np.full(n, "", dtype=object)
    for j, i in enumerate(has_doc):
        d = pool[cert_pick[j]]
        sha = d["hash"] if rng.random() < 0.2 * (1 - c) else hex_strings(rng, 1, 64)[0]
        parts = [fields.attachment(d["type"], sha, d["issuer"], d["cert"])]
        if rng.random() < 0.3:
            parts.append(fields.attachment("身份证复印件", hex_strings(rng, 1, 64)[0]))
        att[i] = "；".join(parts)
    block = _assemble(rng, ctx, info, persons, owner, CAMO_CHANNEL_W, _window(rng, ctx, 60, 240),
                      agent_of=agent_of, org_cells=org_cells, contact=contact,
                      devices=list(ident.draw_devices(rng, k_dev)),
                      ips=list(ident.draw_ips(rng, k_ip)),
                      dev_pick=dev_pick, ip_pick=ip_pick, channel=channel,
                      scripts=texts.make_scripts(rng, int(rng.integers(2, 4)), True),
                      paraphrase=0.4 + 0.5 * c, attachments=att)
    mules = ctx.people.add(rng, max(2, math.ceil(nb / (2 * share))))
    info.accounts = list(zip(ctx.accounts.new(rng, len(mules), "personal"),
                             ctx.people.names(mules).tolist()))
    fees = np.round(rng.integers(5, 201, nb) * 100.0, 2)
    tr = _fees(rng, ring_id, persons, _first_ts(owner, block["ts"], nb), fees,
               info.accounts, vocab.MEMO_RING_FEE, acc_pick=_rotate(rng, nb, len(mules)))
    return info, block, tr


BUILDERS = {JINAN: build_jinan, TWO_COMPANY: build_two_company, SMALL_TEAM: build_small_team,
            NEW_SIM: build_new_sim, CAMOUFLAGED: build_camouflaged}


def build_all(ctx: RingContext, ring_plan: list[tuple[str, str]], progress_task=None):
    """Build every planned ring.

    Returns
    -------
    tuple
        ``(infos, complaint_blocks, transfer_blocks)``, one block of each per ring.
    """
    infos, blocks, trs = [], [], []
    for ring_id, style in ring_plan:
        rng = stream(ctx.seed, f"ring:{ring_id}")
        camo = style == CAMOUFLAGED or rng.random() < 0.3 * ctx.camouflage
        info, block, tr = BUILDERS[style](rng, ctx, ring_id, camo)
        infos.append(info)
        blocks.append(block)
        trs.append(tr)
        if progress_task is not None:
            progress_task.advance(1)
    return infos, blocks, trs
