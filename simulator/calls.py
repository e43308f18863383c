"""Collection call logs for every loan of a scenario, with breaches planted and alleged.

:func:`plan` runs after the complaints and people exist and before cells are rendered: it
builds each loan's calls (compliant by default), plants breaches of the red lines (agency
and collector base rates; real grievances of genuine complainants inside the 90 days before
their complaint; grievances outside that window), rewrites the genuine complaint texts so
that they allege what the simulator decided (:mod:`simulator.call_texts`) and adds one
templated allegation to each ring's script. :func:`write` writes the vendor exports
(:mod:`simulator.call_export`) and the ground truth (:mod:`simulator.call_truth`).

Decisions a reader of the truth needs:

* the debtor's own numbers are the registered phone and, for a quarter of debtors, a second
  number of their own, always labelled 本人 in the log (it is on no ticket);
* calls to the relative written on a genuine ticket as the call-back number always carry the
  relation in the log; a blank relation only ever hides the debtor's registered phone or a
  number on no ticket (address-book contacts, colleagues, the employer's switchboard);
* inbound calls (the debtor calling back) break no rule, at any hour;
* some loans have no log at all (not collected by this lender, or the export is missing).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from simulator import (agencies, call_events as ev, call_export, call_knobs, call_texts as ct,
                       call_truth, identity as ident, vocab)
from simulator.fields import DAY
from simulator.streams import stream, weighted_choice

SHORT_TIME_RATE = 0.1
WINDOW_DAYS = 90
CONTACT_KINDS = ev.CONTACT_KINDS
EMPLOYER, EMERGENCY = CONTACT_KINDS.index("单位"), CONTACT_KINDS.index("紧急联系人")
# Why a call exists (``planted``): 0 routine, 1 agency base rate, 2 genuine grievance in the
# window, 3 grievance outside the window, 4 a ring member's real grievance, 8 inbound,
# 9 lawful boundary pattern.
BASE, GRIEVANCE, OUTSIDE, RING_REAL = 1, 2, 3, 4
KIND_W = (0.35, 0.3, 0.45)


@dataclass
class Loans:
    """One row per distinct loan (institution + account) of the scenario's complaints."""

    person: np.ndarray
    inst: np.ndarray
    account: np.ndarray
    has_logs: np.ndarray
    start_day: np.ndarray
    end_day: np.ndarray
    has2: np.ndarray
    phone2: np.ndarray        # the second own number (0 when none)
    contacts: np.ndarray      # (loans × len(CONTACT_KINDS)) third-party numbers, as text


def plan(run) -> None:
    """Plan calls and allegations; sets ``run.call_plan`` and rewrites complaint texts."""
    with run.progress.task("plan call logs", total=1) as t:
        _plan(run)
        t.advance()


def _plan(run) -> None:
    comp, people, seed = run.comp, run.people, run.seed
    rng = stream(seed, "calls")
    kn = call_knobs.draw(seed) if run.knobs is not None else call_knobs.CallKnobs()
    key = pd.Series(comp["institution"].astype(str)) + "|" + pd.Series(comp["loan_account"])
    loan_of, uniq = pd.factorize(key, sort=True)
    loans = _loans(rng, kn, comp, people, loan_of, len(uniq))
    ag = agencies.build(stream(seed, "calls:agencies"), len(uniq))
    st = agencies.assign(rng, ag, loans.inst, loans.start_day, loans.end_day)
    alleged, blocks = _grievances(stream(seed, "calls:grievances"), kn, comp, loan_of, loans,
                                  ag, st)
    blocks += _routine(rng, kn, loans, st, ag)
    calls = ev.concat(blocks)
    calls = {k: v[loans.has_logs[calls["loan"]]] for k, v in calls.items()}
    # A share of rows is exported without seconds; the truth sees the same minute.
    calls["short"] = rng.random(len(calls["ts"])) < SHORT_TIME_RATE
    calls["ts"][calls["short"]] -= calls["ts"][calls["short"]] % 60
    order = np.lexsort((calls["ts"], calls["loan"]))
    calls = {k: v[order] for k, v in calls.items()}
    s = stint_at(st, calls["loan"], calls["ts"])
    calls["agency"], calls["collector"] = st.agency[s], st.collector[s]
    with_script = _texts(stream(seed, "calls:texts"), comp, alleged)
    alleged[:, ct.THIRD] |= with_script
    _mask_accounts(stream(seed, "calls:accounts"), kn, comp)
    run.call_plan = {"loans": loans, "loan_of": loan_of, "agencies": ag, "stints": st,
                     "calls": calls, "alleged": alleged, "knobs": kn}


def _loans(rng, kn, comp, people, loan_of: np.ndarray, n_loans: int) -> Loans:
    """Each loan's debtor, institution, collection period, own and contacts' numbers."""
    df = pd.DataFrame({"loan": loan_of, "ts": comp["ts"]})
    g = df.groupby("loan")["ts"]
    t_first, t_last = g.min().to_numpy(), g.max().to_numpy()
    first = np.unique(loan_of, return_index=True)[1]
    person, inst = comp["person"][first], comp["institution"][first]
    start_day = t_first // DAY - rng.integers(100, 221, n_loans)
    end_day = t_last // DAY + rng.integers(1, 31, n_loans)
    has2 = rng.random(n_loans) < kn.second_number
    taken = set(people.phone_num.tolist())
    nums = _fresh_mobiles(rng, n_loans * (len(CONTACT_KINDS) + 1), taken)
    phone2 = np.where(has2, nums[:n_loans], 0)
    contacts = nums[n_loans:].reshape(n_loans, len(CONTACT_KINDS)).astype(str).astype(object)
    area = np.array(["010", "021", "0571", "020", "0755", "028", "027", "025", "0531", "0371"])
    board = [f"{a}{n}" for a, n in zip(area[rng.integers(0, len(area), n_loans)].tolist(),
                                       rng.integers(10**7 * 5, 10**8, n_loans).tolist())]
    contacts[:, EMPLOYER] = np.array(board, dtype=object)
    # A relative written on a genuine ticket as the call-back number is the emergency contact.
    rel = comp["contact_person"][first]
    is_rel = (rel >= 0) & (rel != person) & (comp["ring_id"][first] == "") & (
        comp["agent_person"][first] < 0)
    contacts[is_rel, EMERGENCY] = people.phone[rel[is_rel]]
    return Loans(person=person, inst=inst, account=comp["loan_account"][first].copy(),
                 has_logs=rng.random(n_loans) >= kn.no_logs, start_day=start_day,
                 end_day=end_day, has2=has2, phone2=phone2, contacts=contacts)


def _fresh_mobiles(rng, n: int, taken: set) -> np.ndarray:
    """Mobiles no simulated person holds and no two loans share."""
    out = ident.draw_mobiles(rng, n)
    while True:
        _, first = np.unique(out, return_index=True)
        dup = np.ones(n, dtype=bool)
        dup[first] = False
        dup |= np.fromiter((x in taken for x in out.tolist()), dtype=bool, count=n)
        if not dup.any():
            return out
        out[dup] = ident.draw_mobiles(rng, int(dup.sum()))


def stint_at(st: agencies.Stints, loan: np.ndarray, ts: np.ndarray) -> np.ndarray:
    """Index of the stint working ``loan`` at ``ts`` (the first one before its period)."""
    big = np.int64(1) << 40
    keys = st.loan * big + st.start
    i = np.searchsorted(keys, loan * big + ts, side="right") - 1
    first = np.searchsorted(st.loan, loan, side="left")
    return np.maximum(i, first)


def _kinds(rng, n: int) -> np.ndarray:
    """Bool (n × 3): one, two or three breach kinds per row, weighted by :data:`KIND_W`."""
    k = weighted_choice(rng, n, (0.6, 0.3, 0.1)) + 1
    score = rng.random((n, 3)) ** (1.0 / np.array(KIND_W))
    rank = np.argsort(np.argsort(-score, axis=1), axis=1)
    return rank < k[:, None]


def _plant(rng, mask: np.ndarray, loan: np.ndarray, t0: np.ndarray, has2, why: int) -> list:
    """Breach events of each kind in ``mask`` (rows × 3) starting at ``t0``."""
    out = []
    for k, make in ((ct.NIGHT, ev.night), (ct.EXCESS, ev.excess)):
        r = np.flatnonzero(mask[:, k])
        out.append(make(rng, loan[r], t0[r], has2, why))
    r = np.flatnonzero(mask[:, ct.THIRD])
    out.append(ev.third(rng, loan[r], t0[r], len(CONTACT_KINDS), why))
    return out


def _grievances(rng, kn, comp, loan_of, loans: Loans, ag, st) -> tuple[np.ndarray, list]:
    """What each complaint alleges (n × 3 bool) and the breaches behind real grievances."""
    n = len(loan_of)
    t = comp["ts"]
    genuine = comp["ring_id"] == ""
    s = stint_at(st, loan_of, t - rng.integers(5, 60, n) * DAY)
    mult = agencies.CLASS_MULT_ARR[ag.cls[st.agency[s]]] * ag.coll_mult[st.collector[s]]
    p_aggr = np.where(genuine, np.clip(kn.aggrieved * mult ** 0.6, 0, 0.85), kn.ring_real)
    aggr = rng.random(n) < p_aggr
    kinds = _kinds(rng, n) & aggr[:, None]
    t0 = t - rng.integers(12 * DAY, 85 * DAY, n)
    blocks = _plant(rng, kinds & genuine[:, None], loan_of, t0, loans.has2, GRIEVANCE)
    blocks += _plant(rng, kinds & ~genuine[:, None], loan_of, t0, loans.has2, RING_REAL)
    alleged = kinds & (rng.random((n, 3)) < kn.alleged_when_real) & genuine[:, None]
    exaggerate = genuine & aggr & (rng.random(n) < kn.exaggerate)
    alleged |= _kinds(rng, n) & exaggerate[:, None] & ~kinds
    # Grievances from before the window, and genuine complainants who misremember.
    outside = genuine & ~aggr & (rng.random(n) < kn.outside)
    one = np.arange(3)[None, :] == weighted_choice(rng, n, KIND_W)[:, None]
    t_old = t - rng.integers(100 * DAY, 140 * DAY, n)
    blocks += _plant(rng, one & outside[:, None], loan_of, t_old, loans.has2, OUTSIDE)
    alleged |= one & outside[:, None]
    misremember = genuine & ~aggr & ~outside & (rng.random(n) < kn.misremember)
    alleged |= one & misremember[:, None]
    alleged |= _ring_kinds(rng, kn, comp)
    return alleged, blocks


def _ring_kinds(rng, kn, comp) -> np.ndarray:
    """Kinds each ring's script alleges (most rings allege one or two), per complaint."""
    ring = comp["ring_id"]
    ids = np.unique(ring[ring != ""])
    per = _kinds(rng, len(ids)) & (rng.random(len(ids)) < kn.ring_alleges)[:, None]
    out = np.zeros((len(ring), 3), dtype=bool)
    at = np.searchsorted(ids, ring)
    inring = ring != ""
    out[inring] = per[at[inring]]
    return out


def _routine(rng, kn, loans: Loans, st, ag) -> list:
    """Routine calls, inbound calls, lawful boundary patterns and agency base-rate breaches."""
    n = len(loans.person)
    sel = loans.has_logs
    blocks = [ev.routine(rng, loans.start_day, loans.end_day, loans.has2, sel)]
    edge = np.flatnonzero(sel & (rng.random(n) < kn.boundary))
    blocks.append(ev.boundaries(rng, edge, loans.start_day, loans.has2))
    back = np.flatnonzero(sel & (rng.random(n) < kn.inbound))
    blocks.append(ev.inbound(rng, back, loans.start_day, loans.end_day, loans.has2))
    rates = ag.rates(st.agency, st.collector)
    hit = rng.random(rates.shape) < rates
    span = np.maximum(st.end - st.start - 10 * DAY, DAY)
    t0 = st.start + (rng.random(len(span)) * span).astype(np.int64)
    blocks += _plant(rng, hit, st.loan, t0, loans.has2, BASE)
    return blocks


def _texts(rng, comp, alleged: np.ndarray) -> np.ndarray:
    """Rebuild genuine texts, add the ring allegation; True where a script alleges family."""
    ring = comp["ring_id"]
    names = vocab.INST_NAME[comp["institution"]]
    ring_sents: dict[str, list[str]] = {}
    for rid in np.unique(ring[ring != ""]).tolist():
        row = int(np.flatnonzero(ring == rid)[0])
        ring_sents[rid] = ct.ring_sentences(rng, tuple(np.flatnonzero(alleged[row]).tolist()))
    text = comp["text"]
    for i in range(len(ring)):
        if ring[i]:
            text[i] = ct.insert_ring(text[i], ring_sents[ring[i]], names[i])
        else:
            kinds = tuple(np.flatnonzero(alleged[i]).tolist())
            text[i] = ct.genuine_text(rng, kinds, names[i], text[i])
    return ct.script_alleges_third(text.tolist())


def _mask_accounts(rng, kn, comp) -> None:
    """Complaint-side loan accounts: a few masked (first six, last four) or typed spaced."""
    acc = comp["loan_account"]
    u = rng.random(len(acc))
    for i in np.flatnonzero(u < kn.masked_account + kn.spaced_account).tolist():
        a = acc[i]
        if u[i] < kn.masked_account:
            acc[i] = a[:6] + "*" * (len(a) - 10) + a[-4:]
        else:
            acc[i] = " ".join(a[j:j + 4] for j in range(0, len(a), 4))


def write(run) -> dict[str, dict]:
    """Write the call-log exports and their ground truth; returns rows per file."""
    p = run.call_plan
    with run.progress.task("write call logs", total=2) as t:
        files = call_export.write(run, p["calls"], p["loans"], p["agencies"], run.out,
                                   p["knobs"])
        t.advance()
        files.update(call_truth.write_truth(run, run.out))
        t.advance()
    return files
