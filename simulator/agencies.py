"""Collection agencies (委外机构), their collectors (坐席), and who works each loan when.

Every institution has its own in-house collection centre plus a few outside agencies from a
shared pool (big collection firms serve many lenders). Agencies differ in how often they
break each red line: most are compliant almost always, some are middling, a few are bad;
inside decent agencies a few collectors are bad on their own. A loan passes through one to
three stints (in-house first, then outside agencies), each worked by one collector; stints
change at midnight, so one calendar day of one loan belongs to one agency and collector.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulator import identity as ident, vocab
from simulator.fields import DAY
from simulator.streams import weighted_choice

_BRANDS = ("信达", "恒信", "汇通", "安捷", "诚铭", "鼎泰", "众联", "华策", "金盾", "普惠", "永信",
           "立达", "卓越", "正和", "嘉诚", "宏远", "佳信", "博众", "天衡", "联信", "融通", "德信",
           "明正", "中和", "瑞丰", "泰安", "长信", "新锐", "九州", "凯迪")
_SUFFIXES = ("资产管理有限公司", "信息咨询服务有限公司", "商务咨询有限公司", "企业管理咨询有限公司",
             "法律咨询服务有限公司", "科技服务有限公司")
# Agency classes: share of agencies, multiplier of the base violation rates.
CLASS_W = (0.65, 0.22, 0.13)
CLASS_MULT = (1.0, 4.0, 14.0)
CLASS_NAMES = ("compliant", "middling", "bad")
BAD_COLLECTOR_SHARE = 0.06
BAD_COLLECTOR_MULT = 10.0
# Base rate per stint of each kind of breach (night call, >3 calls a day, third party).
BASE_RATES = np.array([0.012, 0.015, 0.02])


@dataclass
class Agencies:
    """The agency pool and collectors of a scenario (index = agency / collector id)."""

    name: np.ndarray          # agency name per agency
    cls: np.ndarray           # class index per agency
    in_house: np.ndarray      # bool per agency
    vendor: np.ndarray        # which export (0 / 1) the agency's dialler writes
    coll_agency: np.ndarray   # agency per collector
    coll_code: np.ndarray     # collector id (坐席工号) per collector
    coll_mult: np.ndarray     # collector's own multiplier
    inst_agencies: list[np.ndarray]   # outside agencies per institution

    def rates(self, agency: np.ndarray, collector: np.ndarray) -> np.ndarray:
        """Per-stint probability of each breach kind (rows × 3)."""
        mult = CLASS_MULT_ARR[self.cls[agency]] * self.coll_mult[collector]
        return 1.0 - np.exp(-BASE_RATES[None, :] * mult[:, None])


CLASS_MULT_ARR = np.array(CLASS_MULT)


def build(rng: np.random.Generator, n_loans: int) -> Agencies:
    """An agency pool sized to the scenario, one in-house centre per institution."""
    n_inst = len(vocab.INST_NAME)
    n_out = int(np.clip(8 + n_loans // 2500, 8, 40))
    city = ident.REGION_CITY[ident.draw_regions(rng, ident.draw_provinces(rng, n_out))]
    brand = rng.permutation(len(_BRANDS))[np.arange(n_out) % len(_BRANDS)]
    names = [f"{c}{_BRANDS[b]}{_SUFFIXES[int(rng.integers(len(_SUFFIXES)))]}"
             for c, b in zip(city.tolist(), brand.tolist())]
    seen: dict[str, int] = {}
    for i, nm in enumerate(names):   # two firms of one brand in one city get a branch name
        seen[nm] = seen.get(nm, 0) + 1
        if seen[nm] > 1:
            names[i] = nm.replace("有限公司", f"第{seen[nm]}分公司")
    house = [f"{vocab.INST_NAME[i]}贷后管理部" for i in range(n_inst)]
    name = np.array(house + names, dtype=object)
    n_ag = len(name)
    # Class quotas, shuffled: every pool has at least one middling and one bad agency.
    n_bad = max(1, int(round(CLASS_W[2] * n_out)))
    n_mid = max(1, int(round(CLASS_W[1] * n_out)))
    out_cls = rng.permutation(np.repeat([0, 1, 2], [n_out - n_bad - n_mid, n_mid, n_bad]))
    cls = np.concatenate([np.zeros(n_inst, np.int64), out_cls])
    in_house = np.arange(n_ag) < n_inst
    vendor = np.where(in_house, 0, (rng.random(n_ag) < 0.5).astype(np.int64))
    n_coll = np.where(in_house, rng.integers(4, 15, n_ag), rng.integers(6, 40, n_ag))
    coll_agency = np.repeat(np.arange(n_ag), n_coll)
    within = np.arange(len(coll_agency)) - np.repeat(np.cumsum(n_coll) - n_coll, n_coll)
    prefix = np.array([f"A{a:02d}" for a in range(n_ag)], dtype=object)[coll_agency]
    code = np.array([f"{p}-{w + 101:04d}" if v == 0 else f"CS{a * 1000 + w + 7:05d}"
                     for p, w, v, a in zip(prefix.tolist(), within.tolist(),
                                           vendor[coll_agency].tolist(),
                                           coll_agency.tolist())], dtype=object)
    bad = (rng.random(len(coll_agency)) < BAD_COLLECTOR_SHARE) & (cls[coll_agency] == 0)
    coll_mult = np.where(bad, BAD_COLLECTOR_MULT, 1.0)
    inst_ag = [n_inst + np.sort(rng.choice(n_out, int(rng.integers(2, 6)), replace=False))
               for _ in range(n_inst)]
    return Agencies(name=name, cls=cls, in_house=in_house, vendor=vendor,
                    coll_agency=coll_agency, coll_code=code, coll_mult=coll_mult,
                    inst_agencies=inst_ag)


@dataclass
class Stints:
    """Who worked which loan when: one row per stint, sorted by loan then start."""

    loan: np.ndarray
    start: np.ndarray    # first second of the stint (midnight)
    end: np.ndarray      # first second after the stint (midnight)
    agency: np.ndarray
    collector: np.ndarray


def assign(rng: np.random.Generator, ag: Agencies, inst: np.ndarray, start_day: np.ndarray,
           end_day: np.ndarray) -> Stints:
    """Split each loan's collection period ``[start_day, end_day)`` into 1–3 stints."""
    n = len(inst)
    k = weighted_choice(rng, n, (0.3, 0.45, 0.25)) + 1
    loan = np.repeat(np.arange(n), k)
    nth = np.arange(len(loan)) - np.repeat(np.cumsum(k) - k, k)
    span = end_day - start_day
    # Cut points: sorted uniform fractions of the period, whole days.
    frac = rng.random(len(loan))
    frac[nth == 0] = 0.0
    order = np.lexsort((frac, loan))
    frac = frac[order]
    s_day = start_day[loan] + np.floor(frac * span[loan]).astype(np.int64)
    e_day = np.append(s_day[1:], 0)
    last = np.append(loan[1:] != loan[:-1], True)
    e_day[last] = end_day[loan[last]]
    e_day = np.maximum(e_day, s_day + 1)
    pool_n = np.array([len(p) for p in ag.inst_agencies])
    pick = (rng.random(len(loan)) * pool_n[inst[loan]]).astype(np.int64)
    flat = np.concatenate(ag.inst_agencies)
    off = np.cumsum(pool_n) - pool_n
    outside = flat[off[inst[loan]] + pick]
    # Most loans start in-house; later stints go outside.
    first_house = (nth == 0) & (rng.random(len(loan)) < 0.7)
    agency = np.where(first_house, inst[loan], outside)
    collector = _collectors(rng, ag, agency)
    return Stints(loan=loan, start=s_day * DAY, end=e_day * DAY, agency=agency,
                  collector=collector)


def _collectors(rng, ag: Agencies, agency: np.ndarray) -> np.ndarray:
    """A collector of each stint's agency, uniformly."""
    counts = np.bincount(ag.coll_agency, minlength=len(ag.name))
    first = np.cumsum(counts) - counts
    return first[agency] + (rng.random(len(agency)) * counts[agency]).astype(np.int64)
