"""``ringgraph triage`` at scale: 1M collection calls against their complaints.

    python benchmarks/bench_triage.py --calls 1000000 --seed 11 --work /tmp/bench-triage

Ingest-free: a seeded generator of its own (not the simulator's) writes complaints straight
into a DuckDB store's graph (Complaint, Person, Phone nodes; FILED, HAS_PHONE, CONTACT
relationships) and calls straight into its ``calls`` table (``store.write_calls``), then
times :func:`ringgraph.analysis.conduct.triage.conduct` (read complaints and calls, link,
red lines, allegations, agency table). Target: under 30 s for 1M calls on the 2-core
machine.

Shape: one complaint per loan, ~25 calls per loan over the 120 days before the complaint;
a fifth of the agencies call at night now and then, some debtors get 4+ calls a day, some
calls go to a mother's or employer's number with the relation blank or filled; complaint
texts allege some of it (and some allege what never happened); a quarter of the tickets
show the account masked, a tenth show none.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

TEXTS = np.array(["半夜打电话骚扰", "一天打几十个电话", "打给我妈和单位", "爆通讯录",
                  "要求停息挂账", "要求减免罚息", "逾期后催收态度恶劣", "凌晨还打，一天十几通"],
                 dtype=object)
RELATIONS = np.array(["", "", "", "本人", "母亲", "同事", "单位", "紧急联系人"], dtype=object)


def _ids(n: int) -> np.ndarray:
    from ringgraph.core.keys import id_check_chars

    # Valid birth dates and check digits: the same IDs pass ingest's GB 11643 checks.
    k = np.arange(n)
    born = (pd.Timestamp("1960-01-01") + pd.to_timedelta(k // 1000, unit="D")).strftime("%Y%m%d")
    body = np.char.add(np.char.add("430421", born.to_numpy().astype(str)),
                       np.char.zfill((k % 1000).astype(str), 3))
    digits = np.frombuffer(body.astype("S17").tobytes(), dtype=np.uint8).reshape(-1, 17) - 48
    return np.char.add(body, id_check_chars(digits).astype(str)).astype(object)


def complaints(n: int, rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """Graph frames of ``n`` complaints and what the calls generator needs of them."""
    ids = _ids(n)
    acct = np.char.add("6222", np.char.zfill(np.arange(n).astype(str), 12)).astype(object)
    phone = np.char.add("+86138", np.char.zfill(np.arange(n).astype(str), 8)).astype(object)
    received = pd.Timestamp("2025-06-01") + pd.to_timedelta(rng.integers(0, 180 * 86400, n),
                                                            unit="s")
    shown = acct.copy()
    masked = rng.random(n) < 0.25
    shown[masked] = [a[:4] + "****" + a[-4:] for a in acct[masked]]
    shown[rng.random(n) < 0.1] = ""
    cid = np.char.add("B", np.char.zfill(np.arange(n).astype(str), 8)).astype(object)
    props = [json.dumps({"received_at": r, "loan_account": s, "text": t}, ensure_ascii=False)
             for r, s, t in zip(received.strftime("%Y-%m-%d %H:%M:%S"), shown,
                                TEXTS[rng.integers(0, len(TEXTS), n)])]
    base = dict(source="bench", row=np.arange(n), at=None)
    nodes = pd.concat([
        pd.DataFrame(dict(label="Complaint", key=cid, name=cid, props=props, **base)),
        pd.DataFrame(dict(label="Person", key=ids, name="x", props="{}", **base)),
        pd.DataFrame(dict(label="Phone", key=phone, name=phone, props="{}", **base))])
    edges = pd.concat([
        pd.DataFrame(dict(rel="FILED", src_label="Person", src_key=ids, dst_label="Complaint",
                          dst_key=cid, eid="", props="{}", **base)),
        pd.DataFrame(dict(rel="HAS_PHONE", src_label="Person", src_key=ids, dst_label="Phone",
                          dst_key=phone, eid="", props="{}", **base)),
        pd.DataFrame(dict(rel="CONTACT", src_label="Complaint", src_key=cid,
                          dst_label="Phone", dst_key=phone, eid="", props="{}", **base))])
    return nodes, edges, dict(ids=ids, acct=acct, phone=phone, received=received)


def calls(n_calls: int, facts: dict, rng: np.random.Generator) -> pd.DataFrame:
    """``n_calls`` calls spread over the loans, in the store's call columns."""
    loans = len(facts["ids"])
    who = rng.integers(0, loans, n_calls)
    before = rng.integers(0, 120 * 86400, n_calls)
    at = facts["received"].to_numpy()[who] - before.astype("timedelta64[s]")
    rel = RELATIONS[rng.integers(0, len(RELATIONS), n_calls)]
    rel[rng.random(n_calls) < 0.85] = ""
    other = rng.random(n_calls) < 0.05
    dialled = facts["phone"][who].copy()
    dialled[other] = "+86137" + pd.Series(who[other]).astype(str).str.zfill(8).to_numpy()
    agency = np.array([f"催收{i}公司" for i in range(20)], dtype=object)[who % 20]
    return pd.DataFrame({
        "call_id": np.char.add("K", np.char.zfill(np.arange(n_calls).astype(str), 9)),
        "loan_account": facts["acct"][who], "loan_key": facts["acct"][who],
        "debtor_id": facts["ids"][who], "agency": agency,
        "collector_id": np.char.add("A", (who % 400).astype(str)), "called_at": at,
        "dialled": dialled, "dialled_kind": "mobile", "relation": rel,
        "duration_s": rng.integers(0, 300, n_calls).astype(float), "outcome": "answered",
        "source": "bench", "row": np.arange(n_calls)})


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=1_000_000)
    ap.add_argument("--calls-per-loan", type=int, default=25)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench-triage"))
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from ringgraph.analysis.conduct.triage import conduct
    from ringgraph.store import DuckDBStore

    args.work.mkdir(parents=True, exist_ok=True)
    db = args.work / f"triage-{args.calls}-{args.seed}.duckdb"
    if not db.exists():
        rng = np.random.default_rng(args.seed)
        t0 = time.perf_counter()
        nodes, edges, facts = complaints(max(1, args.calls // args.calls_per_loan), rng)
        with DuckDBStore(db) as store:
            store.write(nodes, edges)
            store.write_calls(calls(args.calls, facts, rng))
        print(f"built {db.name}: {time.perf_counter() - t0:.1f} s", flush=True)
    with DuckDBStore(db, read_only=True) as store:
        t0 = time.perf_counter()
        result = conduct(store)
        wall = time.perf_counter() - t0
    counts = result.triage["status"].value_counts().to_dict()
    print(f"triage: {args.calls:,} calls, {len(result.triage):,} complaints in {wall:.1f} s "
          f"(target < 30 s); statuses {counts}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
