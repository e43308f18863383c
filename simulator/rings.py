"""Planted rings, one builder per style of the reference cases.

Every ring's borrowers are ordinary people (their own registered phones, IDs from their own
provinces); what ties them together is what the ring adds: agents and organisations on the
ticket, the agents' phones as call-back numbers, a few office devices and IPs, forged
material packages, template scripts, and fee transfers to the ring's accounts.
"""

from __future__ import annotations

import math
import numpy as np

from simulator import fields, identity as ident, orgs, texts, vocab
from simulator.streams import hex_strings, stream
from simulator.ring_parts import (  # noqa: F401 - RingContext, RingInfo: part of this API
    RingContext, RingInfo, _assemble, _fees, _first_ts, _forged_package, _per_person,
    _provinces, _rotate, _scaled, _window)

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
