"""The ``wide`` profile: every knob drawn per scenario, so the simulator can still fail you.

A detector tuned on one fixed mix of rings and negatives learns that mix. Here each
scenario draws its own: how many rings of which style, how hard they camouflage, whether
they name an organisation, rotate agents or take fees into personal accounts, how small a
team is (3–8 borrowers); how many lawful firms, legal-aid centres and online firms (5–60
clients over 1–8 provinces), families sharing household-register scans, genuine complaint
waves after a scandal, switchboards and NAT gateways, and at what rates. The knobs drawn
are recorded in ``scenario.json`` (``wide``).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, replace

import numpy as np

from simulator import lawful, negatives, rings, table
from simulator.config import ScenarioConfig
from simulator.streams import stream


@dataclass
class WideKnobs:
    """The knobs of one wide-profile scenario (drawn by :func:`draw`)."""

    style_weights: dict
    rings_per_5k: float
    small_team_min: int
    org_drop: float
    rotate_agents: float
    personal_fees: float
    lawfirms_per_5k: float
    legal_aid: int
    online_firms: int
    families_per_5k: float
    hukou_share: float
    waves: int
    switchboards: int
    nat_ips: int

    def to_dict(self) -> dict:
        return asdict(self)


def draw(cfg: ScenarioConfig) -> tuple[ScenarioConfig, WideKnobs]:
    """The effective config and the knobs of a wide scenario (from its seed only)."""
    rng = stream(cfg.seed, "wide:knobs")
    knobs = WideKnobs(
        style_weights={s: round(float(rng.uniform(0.3, 3.0)), 3) for s in rings.STYLES},
        rings_per_5k=round(float(rng.uniform(5, 14)), 3),
        small_team_min=3, org_drop=round(float(rng.uniform(0, 0.6)), 3),
        rotate_agents=round(float(rng.uniform(0, 0.5)), 3),
        personal_fees=round(float(rng.uniform(0, 0.7)), 3),
        lawfirms_per_5k=round(float(rng.uniform(2, 10)), 3),
        legal_aid=int(rng.integers(0, 4)), online_firms=int(rng.integers(0, 4)),
        families_per_5k=round(float(rng.uniform(5, 25)), 3),
        hukou_share=round(float(rng.uniform(0.3, 0.9)), 3),
        waves=int(rng.integers(0, 5)), switchboards=int(rng.integers(1, 7)),
        nat_ips=int(rng.integers(2, 13)))
    n_rings = max(len(rings.STYLES), int(round(cfg.complaints * knobs.rings_per_5k / 5000)))
    eff = replace(cfg, camouflage=round(float(rng.uniform(0.0, 1.0)), 3),
                  switchboard_rate=round(float(rng.uniform(0.003, 0.04)), 4),
                  nat_ip_share=round(float(rng.uniform(0.02, 0.25)), 4), rings=n_rings)
    return eff, knobs


def plan(knobs: WideKnobs, n_rings: int, seed: int) -> list[tuple[str, str]]:
    """Ring ids and styles: at least two small teams, the rest by the drawn weights."""
    rng = stream(seed, "wide:plan")
    w = np.array([knobs.style_weights[s] for s in rings.STYLES])
    styles = [rings.SMALL_TEAM, rings.SMALL_TEAM] + [
        rings.STYLES[i] for i in rng.choice(len(w), size=max(0, n_rings - 2), p=w / w.sum())]
    order = rng.permutation(len(styles))
    width = max(4, len(str(n_rings)))
    return [(f"R{i + 1:0{width}d}", styles[j]) for i, j in enumerate(order.tolist())]


def vary_rings(knobs: WideKnobs, seed: int, people, accounts, infos, blocks, trs) -> None:
    """Per-ring variations on the built rings (in place): small teams cut to 3–8
    borrowers, organisation names dropped, agents rotated, fees into personal accounts."""
    for k, info in enumerate(infos):
        rng = stream(seed, f"wide:ring:{info.ring_id}")
        b, tr = blocks[k], trs[k]
        if info.style == rings.SMALL_TEAM:
            persons = np.unique(b["person"])
            keep = rng.choice(persons, size=min(len(persons), int(rng.integers(
                knobs.small_team_min, 9))), replace=False)
            blocks[k] = b = table.take(b, np.flatnonzero(np.isin(b["person"], keep)))
            trs[k] = tr = table.take(tr, np.flatnonzero(np.isin(tr["payer"], keep)))
        n = table.nrows(b)
        if rng.random() < knobs.org_drop:
            b["agent_org"] = np.full(n, "", dtype=object)
            info.orgs = []
        if rng.random() < knobs.rotate_agents:
            pool = people.add(rng, int(rng.integers(3, 7)))
            has = b["agent_person"] >= 0
            b["agent_person"][has] = pool[rng.integers(0, len(pool), int(has.sum()))]
        if rng.random() < knobs.personal_fees and table.nrows(tr):
            holder = str(people.names(people.add(rng, 1))[0])
            acc = accounts.new(rng, 1, "personal")[0]
            tr["payee_account"] = np.full(table.nrows(tr), acc, dtype=object)
            tr["payee_name"] = np.full(table.nrows(tr), holder, dtype=object)
            info.accounts = [(acc, holder)]


def switchboards(rng, count: int) -> list[str]:
    """Switchboards: service numbers (95xxx, 400) and ordinary-looking landlines of
    lenders' and collection agencies' call centres, which no number format gives away."""
    out = []
    for i in range(count):
        if i % 3 == 0:
            out.append(f"400-{rng.integers(600, 999)}-{rng.integers(1000, 10000)}")
        else:
            area = ("010", "021", "0755", "020", "0571", "028", "027")[int(rng.integers(7))]
            out.append(f"{area}-{rng.integers(5000_0000, 9000_0000)}")
    return out


def hard_negatives(run) -> None:
    """The wide mix of hard negatives (sets ``run.neg_c``, ``run.lf_tr``,
    ``run.lf_accounts``, ``run.group_counts``)."""
    knobs, seed, people, certs, gids = run.knobs, run.seed, run.people, run.certs, run.gids
    scale = run.cfg.complaints / 5000
    lo, hi = run.day_lo, run.day_hi
    blocks, trs, accs = [], [], []
    for kind, count in ((negatives.LAWFIRM, max(1, round(knobs.lawfirms_per_5k * scale))),
                        (lawful.LEGAL_AID, knobs.legal_aid),
                        (lawful.ONLINE_FIRM, knobs.online_firms)):
        b, tr, acc = lawful.firms(stream(seed, f"wide:{kind}"), people, certs, run.accounts,
                                  run.namer, gids, kind, count, lo, hi)
        blocks.append(b)
        trs.append(tr)
        accs += acc
    rng = stream(seed, "wide:family")
    fam = negatives.families(rng, people, certs, gids,
                             max(2, round(knobs.families_per_5k * scale)), lo, hi)
    groups = [np.flatnonzero(fam["group_id"] == g) for g in np.unique(fam["group_id"])]
    lawful.share_hukou(rng, fam, [g for g in groups if rng.random() < knobs.hukou_share],
                       people)
    boards = switchboards(stream(seed, "wide:boards"), knobs.switchboards)
    run.boards = boards
    wave = lawful.waves(stream(seed, "wide:wave"), people, certs, gids, knobs.waves, lo, hi,
                        boards)
    rep = negatives.repeats(stream(seed, "neg:repeat"), people, certs, gids,
                            max(3, run.cfg.complaints // 250), lo, hi)
    run.neg_c = table.concat(blocks + [fam, wave, rep], table.COMPLAINT_COLS)
    run.lf_tr = table.concat(trs, table.TRANSFER_COLS)
    run.lf_accounts = accs
    run.group_counts = negatives.GroupCounts(lawfirm=0, family=0, repeat=0,
                                             nat_ip=knobs.nat_ips,
                                             switchboard=knobs.switchboards)
