"""Hard negatives: genuine complaints that look like a ring on exactly one signal.

* ``lawfirm`` — a real law firm: one lawyer (agent + org on the ticket) and 2–5 local
  clients with genuine texts and documents and modest demands.
* ``family`` — 2–4 relatives (same surname and county) sharing a device and/or a phone.
* ``repeat`` — one person filing 2–6 complaints about their own loan over months.
* ``nat_ip`` — carrier-NAT / public Wi-Fi addresses shared by many genuine APP/web tickets.
* ``switchboard`` — customer-service numbers written in as the call-back number.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import fields, identity as ident, table, vocab
from simulator.orgs import OrgNamer
from simulator.people import People
from simulator.population import genuine_complaints
from simulator.streams import weighted_choice

LAWFIRM, FAMILY, NAT_IP = "lawfirm", "family", "nat_ip"
REPEAT, SWITCHBOARD = "repeat", "switchboard"
GROUP_TYPES = (LAWFIRM, FAMILY, NAT_IP, REPEAT, SWITCHBOARD)
LAWFIRM_CHANNEL_W = (0.35, 0.2, 0.05, 0.05, 0.2, 0.15)


@dataclass
class GroupCounts:
    """How many groups of each kind a scenario gets."""

    lawfirm: int
    family: int
    repeat: int
    nat_ip: int
    switchboard: int

    @classmethod
    def for_scale(cls, complaints: int) -> "GroupCounts":
        """Counts that grow with the scenario (a few of each even when tiny)."""
        return cls(lawfirm=max(2, complaints // 1250), family=max(2, complaints // 500),
                   repeat=max(3, complaints // 250),
                   nat_ip=int(np.clip(2 + complaints // 100_000, 2, 12)),
                   switchboard=2 if complaints < 3000 else 3)


class GroupIds:
    """Sequential hard-negative group ids ``N0001``…"""

    def __init__(self, width: int = 4) -> None:
        self.width = width
        self.count = 0
        self.rows: list[tuple[str, str]] = []   # (group_id, group_type)

    def new(self, group_type: str) -> str:
        """Register a new group of ``group_type`` and return its id."""
        self.count += 1
        gid = f"N{self.count:0{self.width}d}"
        self.rows.append((gid, group_type))
        return gid


def _stack(groups: list[tuple[str, np.ndarray]], gtype: str):
    """Group ids and row slices for groups laid out one after another."""
    sizes = np.array([len(m) for _, m in groups], dtype=np.int64)
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    gid = np.repeat(np.array([g for g, _ in groups], dtype=object), sizes)
    return gid, np.full(len(gid), gtype, dtype=object), bounds


def lawfirms(rng, people: People, certs, accounts: fields.AccountIssuer, namer: OrgNamer,
             ids: GroupIds, count: int, day_lo: int, day_hi: int):
    """Legitimate law firms with a handful of local clients each.

    Returns
    -------
    tuple
        ``(complaint_block, transfer_block, account_rows)``.
    """
    if count == 0:
        return table.complaints(0), table.transfers(0), []
    groups, lawyers, firms, starts = [], [], [], []
    for _ in range(count):
        prov = int(ident.draw_provinces(rng, 1)[0])
        regs = ident.regions_of(prov)
        home = int(regs[rng.integers(len(regs))])
        city = ident.REGION_CITY[home]
        local = regs[ident.REGION_CITY[regs] == city]
        lawyers.append(int(people.add(rng, 1, region=home)[0]))
        firms.append(namer.law_firm(city))
        k = int(rng.integers(2, 6))
        clients = people.add(rng, k, region=local[rng.integers(0, len(local), k)])
        groups.append((ids.new(LAWFIRM), clients))
        starts.append(int(rng.integers(day_lo, max(day_lo + 1, day_hi - 300))))
    gid, gtype, bounds = _stack(groups, LAWFIRM)
    sizes = np.diff(bounds)
    clients = np.concatenate([m for _, m in groups])
    n = len(clients)
    lo = np.repeat(np.array(starts), sizes)
    ch = fields.draw_channels(rng, n, LAWFIRM_CHANNEL_W)
    b = genuine_complaints(rng, people, clients, certs, lo, np.minimum(day_hi, lo + 300),
                           channel=ch, demand_p=vocab.LAWFIRM_DEMAND_P, growth=0.0)
    lawyer = np.repeat(np.array(lawyers, dtype=np.int64), sizes)
    firm = np.repeat(np.array(firms, dtype=object), sizes)
    represented = rng.random(n) < 0.9
    b["agent_person"] = np.where(represented, lawyer, -1)
    b["agent_org"] = np.where(represented & (rng.random(n) < 0.9), firm, "").astype(object)
    b["contact_person"] = np.where(rng.random(n) < 0.4, lawyer, b["contact_person"])
    lawyer_name = people.names(lawyer)
    for i in np.flatnonzero(represented & (rng.random(n) < 0.5)).tolist():
        b["text"][i] = b["text"][i] + f"现已委托{firm[i]}{lawyer_name[i]}律师代为沟通。"
    b["group_id"], b["group_type"] = gid, gtype
    accs = accounts.new(rng, count, "corporate")
    acc_rows = [(a, f, "lawfirm", "", g) for a, f, (g, _) in zip(accs, firms, groups)]
    ts = b["ts"] - rng.integers(5, 60, n) * fields.DAY
    tr = table.transfers(n, payer=clients, ts=ts,
                         payee_account=np.repeat(np.array(accs, dtype=object), sizes),
                         payee_name=firm, amount=np.round(rng.integers(30, 301, n) * 100.0, 2),
                         memo=np.array(vocab.MEMO_LAWFIRM, dtype=object)[
                             rng.integers(0, len(vocab.MEMO_LAWFIRM), n)],
                         group_id=gid)
    return b, tr, acc_rows


def families(rng, people: People, certs, ids: GroupIds, count: int, day_lo: int, day_hi: int):
    """Families sharing a device (home broadband too) and/or one member's phone."""
    if count == 0:
        return table.complaints(0)
    groups, modes, starts = [], [], []
    for _ in range(count):
        k = int(rng.integers(2, 5))
        region = int(ident.draw_regions(rng, ident.draw_provinces(rng, 1))[0])
        surname = ident.SURNAME_CHARS[weighted_choice(rng, 1, ident.SURNAME_WEIGHTS)[0]]
        groups.append((ids.new(FAMILY), people.add(rng, k, region=region, surname=surname)))
        modes.append(int(weighted_choice(rng, 1, (0.4, 0.3, 0.3))[0]))   # device, phone, both
        starts.append(int(rng.integers(day_lo, max(day_lo + 1, day_hi - 180))))
    gid, gtype, bounds = _stack(groups, FAMILY)
    sizes = np.diff(bounds)
    members = np.concatenate([m for _, m in groups])
    n = len(members)
    mode = np.repeat(np.array(modes), sizes)
    share_device = (mode == 0) | (mode == 2)
    ch = fields.draw_channels(rng, n)
    ch[share_device] = vocab.APP
    lo = np.repeat(np.array(starts), sizes)
    b = genuine_complaints(rng, people, members, certs, lo, np.minimum(day_hi, lo + 180),
                           channel=ch, growth=0.0)
    devices = np.repeat(ident.draw_devices(rng, count), sizes)
    ips = np.repeat(ident.draw_ips(rng, count), sizes)
    b["device"][share_device] = devices[share_device]
    b["ip"][share_device] = ips[share_device]
    holder = members[bounds[:-1] + (rng.random(count) * sizes).astype(np.int64)]
    share_phone = (mode == 1) | (mode == 2)
    b["contact_person"][share_phone] = np.repeat(holder, sizes)[share_phone]
    b["group_id"], b["group_type"] = gid, gtype
    return b


def repeats(rng, people: People, certs, ids: GroupIds, count: int, day_lo: int, day_hi: int):
    """One person filing 2–6 complaints about their own loan over months."""
    if count == 0:
        return table.complaints(0)
    sizes = rng.integers(2, 7, count)
    persons = people.add(rng, count)
    groups = [(ids.new(REPEAT), np.repeat(p, k)) for p, k in zip(persons.tolist(), sizes.tolist())]
    gid, gtype, bounds = _stack(groups, REPEAT)
    n = int(sizes.sum())
    owner = np.repeat(np.arange(count), sizes)
    first = bounds[:-1]
    gaps = rng.integers(15, 90, n)
    gaps[first] = 0
    offset = np.cumsum(gaps) - np.repeat(np.cumsum(gaps)[first], sizes)
    span = offset[bounds[1:] - 1]
    start = rng.integers(day_lo, np.maximum(day_lo + 1, day_hi - span))
    day = np.minimum(np.repeat(start, sizes) + offset, day_hi)
    habit = np.repeat(fields.draw_channels(rng, count), sizes)
    ch = np.where(rng.random(n) < 0.6, habit, fields.draw_channels(rng, n)).astype(object)
    own_inst = np.repeat(fields.draw_institutions(rng, count), sizes)
    inst = np.where(rng.random(n) < 0.8, own_inst, fields.draw_institutions(rng, n))
    ts = fields.times_in_window(rng, ch, day, day)
    b = genuine_complaints(rng, people, persons[owner], certs, day_lo, day_hi, channel=ch,
                           inst=inst, ts=ts)
    # The same loan keeps its account number, the person their device and home line.
    key = owner * 1000 + inst
    _, first_idx, inv = np.unique(key, return_index=True, return_inverse=True)
    b["loan_account"] = b["loan_account"][first_idx[inv]]
    app = ch == vocab.APP
    b["device"][app] = np.repeat(ident.draw_devices(rng, count), sizes)[app]
    home = (app | (ch == vocab.WEB)) & (rng.random(n) < 0.7)
    b["ip"][home] = np.repeat(ident.draw_ips(rng, count), sizes)[home]
    b["group_id"], b["group_type"] = gid, gtype
    return b


def nat_overlay(rng, block, ids: GroupIds, count: int, share: float) -> None:
    """Put a share of the genuine APP/web tickets behind a few carrier-NAT addresses.

    Only rows without a group are touched; modifies ``block`` in place.
    """
    rows = np.flatnonzero((block["ip"] != "") & (block["group_id"] == ""))
    take = rows[rng.random(len(rows)) < share]
    if len(take) == 0 or count == 0:
        return
    ips = ident.draw_ips(rng, count)
    # Uneven popularity: the biggest NAT gateway carries several times the smallest.
    which = weighted_choice(rng, len(take), np.linspace(3, 1, count))
    for j in range(count):
        sel = take[which == j]
        if len(sel) == 0:
            continue
        gid = ids.new(NAT_IP)
        block["ip"][sel] = ips[j]
        block["group_id"][sel] = gid
        block["group_type"][sel] = NAT_IP


def switchboard_numbers(rng, count: int) -> list[str]:
    """Customer-service numbers written into tickets (bank 95xxx, 400 numbers)."""
    tail = int(rng.integers(1000, 10000))
    pool = ["95588", f"400-820-{tail}", "95533"]
    return pool[:count]


def switchboard_overlay(rng, block, ids: GroupIds, count: int, rate: float,
                        numbers: list[str] | None = None) -> None:
    """Write a switchboard number as the call-back number on ``rate`` of genuine tickets.

    Only ungrouped rows are touched; the rate is relative to the whole block. ``numbers``
    are the switchboards (default: :func:`switchboard_numbers`).
    """
    n = len(block["ip"])
    free = np.flatnonzero(block["group_id"] == "")
    want = min(len(free), int(round(rate * n)))
    if want == 0 or count == 0:
        return
    take = rng.choice(free, size=want, replace=False)
    if numbers is None:
        numbers = switchboard_numbers(rng, count)
    count = len(numbers)
    which = weighted_choice(rng, want, np.linspace(2, 1, count))
    for j, num in enumerate(numbers):
        sel = np.sort(take[which == j])
        if len(sel) == 0:
            continue
        gid = ids.new(SWITCHBOARD)
        block["contact_person"][sel] = -1
        block["contact_literal"][sel] = num
        block["group_id"][sel] = gid
        block["group_type"][sel] = SWITCHBOARD
