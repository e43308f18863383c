"""Call logs as two collection systems export them.

* ``exports/collection_calls.csv`` — the lenders' in-house centres and half of the outside
  agencies: UTF-8 with a byte-order mark, Chinese headers, local times
  ``2025-03-14 23:10:05`` (a share ``2025/3/14 23:10`` without seconds), durations written
  83, ``1分23秒`` or ``00:01:23``, outcomes 接通/未接/关机/拒接/空号/忙线/停机.
* ``exports/collection_calls_vendor_b.csv`` — the other agencies' dialler: GB18030, English
  headers in another order, start times as Unix epoch milliseconds (UTC), talk time in
  seconds or ``m:ss``, English outcomes and relations, a share of loan numbers spaced.

Both write the dialled (or, inbound, the calling) number of the other party, the relation
the lender's system holds for it (often blank), agency and collector id.
"""

from __future__ import annotations

import numpy as np

from simulator import call_events as ev
from simulator.fields import DAY
from simulator.streams import stream, weighted_choice
from simulator.writers import write_csv, write_table

CALLS_A = "exports/collection_calls.csv"
CALLS_B = "exports/collection_calls_vendor_b.csv"
BAD_TRUTH = "truth/call_bad_rows.csv"
# Extra rows of each bad kind per exported call, and what a reader should do with them.
BAD_ROW_SHARE = 0.0003
BAD_KINDS = {"no_loan": "quarantine", "bad_time": "quarantine", "duplicate": "duplicate"}
HEADERS_A = ("通话流水号", "借据号", "客户姓名", "客户证件号码", "委外机构", "坐席工号", "呼叫类型",
             "呼叫开始时间", "对方号码", "联系人关系", "通话时长", "呼叫结果")
HEADERS_B = ("start_time", "call_id", "agency_name", "agent_no", "loan_no", "customer_name",
             "cert_no", "direction", "callee_number", "callee_relation", "call_result",
             "talk_time")
OUTCOMES_A = ("接通", "未接", "关机", "拒接", "忙线", "停机", "空号")
OUTCOMES_B = ("ANSWERED", "NO_ANSWER", "POWER_OFF", "REJECTED", "BUSY", "SUSPENDED",
              "INVALID_NUMBER")
_OWN_W = (0.45, 0.28, 0.07, 0.12, 0.06, 0.02, 0.0)
_THIRD_W = (0.5, 0.28, 0.05, 0.1, 0.02, 0.0, 0.05)
REL_A = {"本人": ("本人",), "本人2": ("本人", "本人其他号码", "本人(备用)"),
         "母亲": ("母亲", "妈妈", "直系亲属"), "父亲": ("父亲", "直系亲属"),
         "配偶": ("配偶", "丈夫", "妻子"), "兄弟姐妹": ("兄弟姐妹", "姐姐", "哥哥"),
         "同事": ("同事",), "单位": ("单位", "工作单位", "公司座机"), "朋友": ("朋友", "通讯录联系人"),
         "紧急联系人": ("紧急联系人",)}
REL_B = {"本人": "SELF", "本人2": "SELF", "母亲": "PARENT", "父亲": "PARENT", "配偶": "SPOUSE",
         "兄弟姐妹": "SIBLING", "同事": "COLLEAGUE", "单位": "EMPLOYER", "朋友": "FRIEND",
         "紧急联系人": "EMERGENCY_CONTACT"}
# Share of calls whose relation the log leaves blank, by who was called.
# Address-book contacts are the least often labelled.
BLANK_FRIEND = 0.75


def write(run, calls: dict, loans, ag, out, knobs) -> dict[str, dict]:
    """Write both exports; returns ``{relative path: {"rows": n}}``."""
    rng = stream(run.seed, "calls:render")
    cells = _cells(rng, run.people, calls, loans, ag, knobs)
    vendor = ag.vendor[calls["agency"]]
    files, bad_rows = {}, []
    for v, rel, header, enc in ((0, CALLS_A, HEADERS_A, "utf-8-sig"),
                                (1, CALLS_B, HEADERS_B, "gb18030")):
        rows = np.flatnonzero(vendor == v)
        if v == 0:
            order = rows[np.argsort(calls["ts"][rows], kind="stable")]
        else:
            order = rows[np.lexsort((calls["ts"][rows], calls["agency"][rows]))]
        cols, order, bad = _bad_rows(rng, cells[v], header, order, v)
        files[rel] = {"rows": write_csv(out / rel, list(header), cols, order, encoding=enc)}
        bad_rows += [(rel, row, kind, BAD_KINDS[kind]) for row, kind in bad]
    files[BAD_TRUTH] = {"rows": write_table(out / BAD_TRUTH, ["file", "row", "kind", "expected"],
                                            sorted(bad_rows))}
    return files


def _bad_rows(rng, cells: dict, header, order: np.ndarray, v: int):
    """Rows a real export carries besides the calls: a call without loan and debtor (an
    unassigned dial), a row whose time did not export, and the same call exported twice.

    They are extra rows (the truth's calls do not include them): a reader quarantines the
    first two and drops the exact duplicate. Returns the columns, the new file order and
    ``(record number, kind)`` per bad row.
    """
    n_each = max(1, int(round(len(order) * BAD_ROW_SHARE)))
    if len(order) == 0:
        return [cells[h] for h in header], order, []
    src = order[rng.integers(0, len(order), 3 * n_each)]
    kinds = np.repeat(np.array(list(BAD_KINDS)), n_each)
    extra = {h: cells[h][src].copy() for h in header}
    loan_h, id_h, time_h = (("借据号", "客户证件号码", "呼叫开始时间") if v == 0
                            else ("loan_no", "cert_no", "start_time"))
    none = kinds == "no_loan"
    extra[loan_h][none], extra[id_h][none] = "", ""
    extra[time_h][kinds == "bad_time"] = "0000-00-00 00:00:00" if v == 0 else ""
    # Only the duplicate repeats its call id; the others are calls of their own.
    fresh = np.flatnonzero(~(kinds == "duplicate"))
    id_h = "通话流水号" if v == 0 else "call_id"
    extra[id_h][fresh] = [(c[:10] + f"{90_000_000 + i:08d}") if v == 0 else str(90_000_000 + i)
                          for c, i in zip(extra[id_h][fresh].tolist(), fresh.tolist())]
    base = len(next(iter(cells.values())))
    cols = [np.concatenate([cells[h], extra[h]]) for h in header]
    new = np.arange(base, base + len(src))
    at = rng.integers(0, len(order) + 1, len(src))
    # A duplicate always comes after the row it repeats.
    where = {int(o): i for i, o in enumerate(order.tolist())}
    dup = kinds == "duplicate"
    at[dup] = np.maximum(at[dup], [where[int(x)] + 1 for x in src[dup].tolist()])
    pos = np.argsort(np.concatenate([np.arange(len(order)) * 2 + 1, at * 2]), kind="stable")
    full = np.concatenate([order, new])[pos]
    rec = np.empty(len(full), dtype=np.int64)
    rec[pos] = np.arange(1, len(full) + 1)
    return cols, full, list(zip(rec[len(order):].tolist(), kinds.tolist()))


_REL_KEYS = tuple(REL_A)
_REL_N = np.array([len(REL_A[k]) for k in _REL_KEYS])
_REL_OFF = np.cumsum(_REL_N) - _REL_N
_REL_FLAT = np.array([v for k in _REL_KEYS for v in REL_A[k]], dtype=object)
_REL_B = np.array([REL_B[k] for k in _REL_KEYS], dtype=object)
_PAD2 = np.array([f"{i:02d}" for i in range(100)], dtype=object)


def _strs(x: np.ndarray) -> np.ndarray:
    """Integers as an object array of decimal strings."""
    return np.asarray(x).astype(str).astype(object)


def _relation(rng, calls, knobs) -> np.ndarray:
    """Index into :data:`REL_A`'s keys of each call's other party; -1 where left blank."""
    n = len(calls["ts"])
    key = np.where(calls["target"] == ev.OWN2, _REL_KEYS.index("本人2"), _REL_KEYS.index("本人"))
    third = calls["target"] == ev.THIRD
    kind_key = np.array([_REL_KEYS.index(k) for k in ev.CONTACT_KINDS])
    key[third] = kind_key[calls["contact"][third]]
    u = rng.random(n)
    friend = key == _REL_KEYS.index("朋友")
    blank = ((calls["target"] == ev.OWN) & (u < knobs.blank_own)) | (
        third & ~friend & (u < knobs.blank_third)) | (friend & (u < BLANK_FRIEND))
    # The emergency contact may be the call-back number on the ticket: never blank.
    blank &= key != _REL_KEYS.index("紧急联系人")
    return np.where(blank, -1, key)


def _numbers(rng, people, calls, loans) -> np.ndarray:
    """The other party's number as text (mobiles sometimes with +86, landlines dashed)."""
    loan, target = calls["loan"], calls["target"]
    contacts = loans.contacts.copy()
    emp = ev.CONTACT_KINDS.index("单位")
    contacts[:, emp] = [c[:3] + "-" + c[3:] if c[1] in "12" else c[:4] + "-" + c[4:]
                        for c in contacts[:, emp].tolist()]
    num = people.phone[loans.person[loan]].copy()
    two = target == ev.OWN2
    num[two] = _strs(loans.phone2[loan[two]])
    third = target == ev.THIRD
    num[third] = contacts[loan[third], calls["contact"][third]]
    plus = ~(third & (calls["contact"] == emp)) & (rng.random(len(num)) < 0.06)
    num[plus] = "+86" + num[plus]
    return num


def _durations(rng, answered: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Talk seconds (0 unless answered), rendered per vendor in mixed forms."""
    n = len(answered)
    sec = np.where(answered, np.clip(np.exp(rng.normal(np.log(70), 0.9, n)), 3, 1800), 0)
    sec = sec.astype(np.int64)
    form = weighted_choice(rng, n, (0.5, 0.25, 0.25))
    s = _strs(sec)
    a, b = s.copy(), s.copy()
    one, two = form == 1, form == 2
    m, r = _strs(sec[one] // 60), _PAD2[sec[one] % 60]
    a[one] = np.where(sec[one] >= 60, m + "分" + _strs(sec[one] % 60) + "秒", s[one] + "秒")
    b[one] = m + ":" + r
    x = sec[two]
    a[two] = _PAD2[x // 3600] + ":" + _PAD2[x % 3600 // 60] + ":" + _PAD2[x % 60]
    a[~answered] = np.where(form[~answered] > 0, "0", "")
    return a, b


def _ymd(ts: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Year, month and day of naive epoch seconds."""
    d = (ts // DAY).astype("datetime64[D]")
    mo = d.astype("datetime64[M]")
    return (mo.astype(np.int64) // 12 + 1970, mo.astype(np.int64) % 12 + 1,
            (d - mo.astype("datetime64[D]")).astype(np.int64) + 1)


def _times(rng, ts: np.ndarray, short: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vendor A local text times (``short`` rows without seconds); vendor B UTC epoch ms."""
    full = np.datetime_as_string(ts.astype("datetime64[s]"), unit="s")
    full.view(np.uint32).reshape(len(ts), -1)[:, 10] = ord(" ")   # ISO "T" → space
    a = full.astype(object)
    if short.any():
        y, mo, d = _ymd(ts[short])
        sec = ts[short] % DAY
        a[short] = (_strs(y) + "/" + _strs(mo) + "/" + _strs(d) + " " + _PAD2[sec // 3600]
                    + ":" + _PAD2[sec % 3600 // 60])
    ms = (ts - 8 * 3600) * 1000 + rng.integers(0, 1000, len(ts))
    return a, _strs(ms)


def _cells(rng, people, calls, loans, ag, knobs) -> tuple[dict, dict]:
    """Cell text of every call for both layouts."""
    n = len(calls["ts"])
    loan, agency, coll = calls["loan"], calls["agency"], calls["collector"]
    third = calls["target"] == ev.THIRD
    res = np.where(third, weighted_choice(rng, n, _THIRD_W), weighted_choice(rng, n, _OWN_W))
    res[~calls["out"]] = 0                      # an inbound call is always answered
    dur_a, dur_b = _durations(rng, res == 0)
    time_a, time_b = _times(rng, calls["ts"], calls["short"])
    rel = _relation(rng, calls, knobs)
    k = np.maximum(rel, 0)
    variant = (rng.random(n) * _REL_N[k]).astype(np.int64)
    rel_a = np.where(rel >= 0, _REL_FLAT[_REL_OFF[k] + variant], "").astype(object)
    rel_b = np.where(rel >= 0, _REL_B[k], "").astype(object)
    number = _numbers(rng, people, calls, loans)
    acc = loans.account[loan]
    spaced_acc = np.array([" ".join(a[j:j + 4] for j in range(0, len(a), 4))
                           for a in loans.account.tolist()], dtype=object)
    acc_b = np.where(rng.random(n) < 0.2, spaced_acc[loan], acc)
    ids_loan = people.id_number[loans.person]
    ids = ids_loan[loan]
    lower = np.array([s.lower() for s in ids_loan.tolist()], dtype=object)
    ids_b = np.where(rng.random(n) < 0.3, lower[loan], ids)
    name = people.name[loans.person[loan]]
    seq = np.arange(1, n + 1)
    y, mo, d = _ymd(calls["ts"])
    call_a = "CL" + _strs((y * 10000 + mo * 100 + d) * 10**8 + seq)
    a = {"通话流水号": call_a, "借据号": acc, "客户姓名": name, "客户证件号码": ids,
         "委外机构": ag.name[agency], "坐席工号": ag.coll_code[coll],
         "呼叫类型": np.where(calls["out"], "呼出", "呼入").astype(object),
         "呼叫开始时间": time_a, "对方号码": number, "联系人关系": rel_a, "通话时长": dur_a,
         "呼叫结果": np.array(OUTCOMES_A, dtype=object)[res]}
    b = {"start_time": time_b, "call_id": (seq + 7_000_000).astype(str).astype(object),
         "agency_name": ag.name[agency], "agent_no": ag.coll_code[coll], "loan_no": acc_b,
         "customer_name": name, "cert_no": ids_b,
         "direction": np.where(calls["out"], "OUT", "IN").astype(object),
         "callee_number": number, "callee_relation": rel_b,
         "call_result": np.array(OUTCOMES_B, dtype=object)[res], "talk_time": dur_b}
    return a, b
