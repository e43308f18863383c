"""Tests of the scenario simulator (the simulator package).

Files are read back with the csv module and openpyxl, never through the project's ETL, so
the simulator is checked against the formats it promises rather than against a reader
that could share its mistakes.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import openpyxl
import pytest

from ringgraph.core.records import COMPLAINT_FIELDS, TRANSFER_FIELDS
from simulator.layouts import EXPORT_HEADERS
from simulator import ScenarioConfig, simulate

BANK = "exports/bank_tickets.csv"
CF = "exports/consumer_finance_tickets.csv"
XLSX = "exports/platform_tickets.xlsx"
TRANSFERS = "exports/fee_transfers.csv"
EXPORTS = {BANK: "bank_csv", CF: "consumer_finance_gb18030", XLSX: "platform_xlsx"}
ENCODING = {BANK: "utf-8", CF: "gb18030", TRANSFERS: "utf-8"}
STYLES = {"jinan_alliance", "two_company_fee", "small_team", "new_sim_handover", "camouflaged"}
GROUP_TYPES = {"lawfirm", "family", "nat_ip", "repeat", "switchboard"}

# GB/T 2260 province prefixes → short province names (written independently of the code).
PROVINCE_PREFIX = {
    "11": "北京", "12": "天津", "13": "河北", "14": "山西", "15": "内蒙古", "21": "辽宁",
    "22": "吉林", "23": "黑龙江", "31": "上海", "32": "江苏", "33": "浙江", "34": "安徽",
    "35": "福建", "36": "江西", "37": "山东", "41": "河南", "42": "湖北", "43": "湖南",
    "44": "广东", "45": "广西", "46": "海南", "50": "重庆", "51": "四川", "52": "贵州",
    "53": "云南", "54": "西藏", "61": "陕西", "62": "甘肃", "63": "青海", "64": "宁夏",
    "65": "新疆",
}
MOBILE = re.compile(r"^1(3\d|4[579]|5[0-35-9]|6[5-7]|7[0-35-8]|8\d|9[0-35-9])\d{8}$")
MASKED_PHONE = re.compile(r"^1\d{2}\*{4}\d{4}$")
MASKED_ID = re.compile(r"^(\d{6}\*{8}|\d{4}\*{10})\d{3}[\dX]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

TIME_PATTERNS = (
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$"), True),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2}) (\d{1,2}):(\d{2})$"), False),
    (re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日 (\d{1,2}):(\d{2})$"), False),
    (re.compile(r"^(\d{4})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2})$"), True),
    (re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\+08:00$"), True),
)
T2S = str.maketrans({"廣": "广", "華": "华", "誠": "诚", "眾": "众", "匯": "汇", "啟": "启",
                     "遠": "远", "鴻": "鸿", "樂": "乐", "鳴": "鸣", "達": "达", "潤": "润",
                     "運": "运", "長": "长", "陽": "阳", "寧": "宁", "銀": "银", "鄭": "郑",
                     "漢": "汉", "慶": "庆", "濟": "济", "廈": "厦", "門": "门", "東": "东",
                     "詢": "询", "諮": "咨", "務": "务", "業": "业", "債": "债", "責": "责",
                     "師": "师", "龍": "龙", "興": "兴"})


# ----------------------------------------------------------------------- helpers
def id_check(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS)) % 11]


def parse_time(cell) -> dt.datetime | None:
    """A time cell (text in one of the five formats, or an openpyxl datetime)."""
    if isinstance(cell, dt.datetime):
        return cell
    for pat, _ in TIME_PATTERNS:
        m = pat.match(cell or "")
        if m:
            parts = [int(x) for x in m.groups()]
            try:
                return dt.datetime(*parts)
            except ValueError:
                return None
    return None


def canon_time(cell) -> str:
    t = parse_time(cell)
    return "" if t is None else t.strftime("%Y-%m-%d %H:%M" if not _has_seconds(cell)
                                             else "%Y-%m-%d %H:%M:%S")


def _has_seconds(cell) -> bool:
    if isinstance(cell, dt.datetime):
        return True
    return any(p.match(cell or "") and s for p, s in TIME_PATTERNS)


def amount_value(cell):
    if isinstance(cell, (int, float)):
        return round(float(cell), 2)
    s = (cell or "").replace(",", "")
    try:
        if s.endswith("万"):
            return round(float(s[:-1]) * 10_000, 2)
        return round(float(s), 2)
    except ValueError:
        return None


def phone_digits(cell: str) -> str:
    d = re.sub(r"\D", "", cell or "")
    if d.startswith("0086"):
        d = d[4:]
    elif d.startswith("86") and len(d) == 13:
        d = d[2:]
    return d


def org_key(name: str) -> str:
    n = unicodedata.normalize("NFKC", name).translate(T2S).replace(" ", "")
    for suffix in ("有限责任公司", "有限公司"):
        if n.endswith(suffix):
            n = n[: -len(suffix)]
    return n


def read_csv(path: Path, encoding: str):
    with open(path, encoding=encoding, newline="") as fh:
        records = list(csv.reader(fh))
    return records[0], records[1:]


def read_xlsx(path: Path):
    wb = openpyxl.load_workbook(path, read_only=True)
    ws = wb["工单"]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    wb.close()
    return rows[0], rows[1:]


class Scenario:
    """A simulated scenario read back into plain Python structures."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.meta = json.loads((root / "scenario.json").read_text(encoding="utf-8"))
        self.headers: dict[str, list] = {}
        self.raw: dict[str, list[list]] = {}
        self.records: dict[str, list[dict]] = {}
        for rel, key in EXPORTS.items():
            if rel == XLSX:
                header, rows = read_xlsx(root / rel)
            else:
                header, rows = read_csv(root / rel, ENCODING[rel])
            inv = {v: k for k, v in EXPORT_HEADERS[key].items()}
            self.headers[rel] = header
            self.raw[rel] = rows
            self.records[rel] = [
                {inv[h]: ("" if v is None else v) for h, v in zip(header, r)} for r in rows]
        header, rows = read_csv(root / TRANSFERS, "utf-8")
        inv = {v: k for k, v in EXPORT_HEADERS["transfers_csv"].items()}
        self.headers[TRANSFERS] = header
        self.raw[TRANSFERS] = rows
        self.records[TRANSFERS] = [dict(zip((inv[h] for h in header), r)) for r in rows]
        self.truth = {name: self._table(f"truth/{name}.csv") for name in
                      ("complaints", "rings", "negatives", "bad_rows", "duplicates", "accounts")}
        self.bad = {(b["file"], int(b["row"])): b for b in self.truth["bad_rows"]}
        self.dups = {(d["file"], int(d["row"])): d for d in self.truth["duplicates"]}
        self.by_cid = {c["complaint_id"]: c for c in self.truth["complaints"]}

    def _table(self, rel: str) -> list[dict]:
        with open(self.root / rel, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))

    def complaint_rows(self):
        """(file, row, record) for every complaint export record."""
        for rel in EXPORTS:
            for i, rec in enumerate(self.records[rel], start=1):
                yield rel, i, rec

    def bad_kind(self, rel: str, row: int) -> str:
        b = self.bad.get((rel, row))
        return b["kind"] if b else ""


def run(tmp_path_factory, name: str, **kwargs) -> Path:
    out = tmp_path_factory.mktemp(name)
    simulate(ScenarioConfig(**kwargs), out)
    return out


@pytest.fixture(scope="module")
def base_dir(tmp_path_factory) -> Path:
    return run(tmp_path_factory, "base", complaints=3000, seed=11)


@pytest.fixture(scope="module")
def sc(base_dir) -> Scenario:
    return Scenario(base_dir)


# ------------------------------------------------------------------------ config
def test_config_round_trips_through_json():
    cfg = ScenarioConfig(complaints=1234, seed=5, rings=7, camouflage=0.8, xlsx_max_rows=None)
    assert ScenarioConfig.from_dict(cfg.to_dict()) == cfg
    assert ScenarioConfig.from_json(cfg.to_json()) == cfg
    assert json.loads(cfg.to_json())["rings"] == 7


@pytest.mark.parametrize("bad", [{"complaints": 10}, {"camouflage": 1.5}, {"rings": -1},
                                 {"bad_row_rate": 0.5}, {"start": "2026-01-01"}])
def test_config_rejects_nonsense(bad):
    with pytest.raises(ValueError):
        ScenarioConfig(**bad)


def test_config_rejects_unknown_keys():
    with pytest.raises(ValueError, match="unknown"):
        ScenarioConfig.from_dict({"complaints": 1000, "ringz": 3})


def test_default_ring_count_scales():
    assert ScenarioConfig(complaints=5000).n_rings == 8
    assert ScenarioConfig(complaints=1_000_000).n_rings == 1600
    assert ScenarioConfig(complaints=1000).n_rings == 5
    assert ScenarioConfig(complaints=5000, rings=3).n_rings == 3


# ------------------------------------------------------------------- determinism
def _all_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_gives_identical_bytes(base_dir, tmp_path_factory):
    again = run(tmp_path_factory, "again", complaints=3000, seed=11)
    a, b = _all_files(base_dir), _all_files(again)
    assert a.keys() == b.keys()
    assert XLSX in a
    for rel in a:
        assert a[rel] == b[rel], rel


def test_different_seed_gives_different_files(base_dir, tmp_path_factory):
    other = run(tmp_path_factory, "other", complaints=3000, seed=12)
    a, b = _all_files(base_dir), _all_files(other)
    for rel in (BANK, CF, XLSX, TRANSFERS, "truth/complaints.csv"):
        assert a[rel] != b[rel], rel


def test_scenario_json_records_config_and_hashes(sc, base_dir):
    meta = sc.meta
    assert meta["seed"] == 11
    assert meta["generator_version"]
    assert ScenarioConfig.from_dict(meta["config"]) == ScenarioConfig(complaints=3000, seed=11)
    assert set(meta["files"]) >= set(EXPORTS) | {TRANSFERS, "truth/complaints.csv",
                                                  "truth/bad_rows.csv"}
    for rel, info in meta["files"].items():
        assert hashlib.sha256((base_dir / rel).read_bytes()).hexdigest() == info["sha256"]
        expected = len(sc.records[rel]) if rel in sc.records else len(
            sc._table(rel))
        assert info["rows"] == expected, rel


# ------------------------------------------------------------------- file formats
def test_headers_are_the_export_header_sets(sc):
    for rel, key in EXPORTS.items():
        assert sc.headers[rel] == [EXPORT_HEADERS[key][f] for f in COMPLAINT_FIELDS]
    assert sc.headers[TRANSFERS] == [EXPORT_HEADERS["transfers_csv"][f]
                                     for f in TRANSFER_FIELDS]


def test_encodings(base_dir):
    cf = (base_dir / CF).read_bytes()
    cf.decode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        cf.decode("utf-8")
    for rel in (BANK, TRANSFERS):
        data = (base_dir / rel).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        data.decode("utf-8")


def test_export_shares_and_shuffled_order(sc):
    n = {rel: len(sc.records[rel]) for rel in EXPORTS}
    total = sum(n.values())
    assert 0.38 < n[BANK] / total < 0.52
    assert 0.28 < n[CF] / total < 0.42
    assert 0.13 < n[XLSX] / total < 0.27
    # Ring complaints are spread through the files, not written as one block.
    for rel in (BANK, CF):
        rows = [i for rel2, i, rec in sc.complaint_rows() if rel2 == rel
                and sc.by_cid.get(rec["complaint_id"], {}).get("ring_id")]
        assert rows and max(rows) - min(rows) > len(sc.records[rel]) / 2


def test_workbook_times_and_properties(base_dir, sc):
    wb = openpyxl.load_workbook(base_dir / XLSX, read_only=True)
    assert wb.sheetnames == ["工单"]
    created = wb.properties.created
    wb.close()
    assert created is not None and created.year == 2025
    times = [r["received_at"] for r in sc.records[XLSX]]
    as_dt = sum(isinstance(t, dt.datetime) for t in times)
    assert 0.7 < as_dt / len(times) < 0.95
    assert any(isinstance(t, str) and t for t in times)


# -------------------------------------------------------------------------- realism
def test_resident_ids_valid_and_match_province(sc):
    seen_masked = 0
    for rel, i, rec in sc.complaint_rows():
        v = rec["id_number"]
        if sc.bad_kind(rel, i) in ("id_checksum",):
            assert v[17] != id_check(v[:17])
            continue
        assert v, (rel, i)
        if "*" in v:
            assert MASKED_ID.match(v), v
            seen_masked += 1
        else:
            assert re.fullmatch(r"\d{17}[\dX]", v) and v[17] == id_check(v[:17])
            birth = dt.date(int(v[6:10]), int(v[10:12]), int(v[12:14]))
            assert dt.date(1965, 1, 1) <= birth <= dt.date(2003, 12, 31)
        assert rec["province"].startswith(PROVINCE_PREFIX[v[:2]]), (v[:2], rec["province"])
    total = sum(len(sc.records[r]) for r in EXPORTS)
    assert 0.02 < seen_masked / total < 0.09
    for rec in sc.truth["complaints"]:
        p = rec["person_id"]
        assert re.fullmatch(r"\d{17}[\dX]", p) and p[17] == id_check(p[:17])


def test_phones_are_valid_mobiles(sc):
    switchboard = {c["complaint_id"] for c in sc.truth["complaints"]
                   if c["group_type"] == "switchboard"}
    masked = checked = 0
    formats = set()
    for rel, i, rec in sc.complaint_rows():
        for fld in ("phone", "contact_phone", "agent_phone"):
            v = rec[fld]
            if not v:
                continue
            if fld == "phone" and sc.bad_kind(rel, i) == "invalid_phone":
                assert not MOBILE.match(phone_digits(v))
                continue
            if (fld == "contact_phone" and rec["complaint_id"] in switchboard
                    and sc.bad_kind(rel, i) != "id_conflict"):
                assert re.fullmatch(r"95\d{3}|400-?\d{3}-?\d{4}", v), v
                continue
            if MASKED_PHONE.match(v):
                masked += 1
                continue
            assert MOBILE.match(phone_digits(v)), (fld, v)
            formats.add(re.sub(r"\d", "9", v))
            checked += 1
    assert masked and 0.01 < masked / (masked + checked) < 0.06
    # The mixed formats (digits shown as 9): plain, +86 spaced, dashed, +86, 0086-, spaced.
    assert {"99999999999", "+99 999 9999 9999", "999-9999-9999", "+9999999999999",
            "9999-999-9999-9999", " 999 9999 9999"} <= formats


def test_times_parse_and_lie_in_the_period(sc):
    lo, hi = dt.datetime(2024, 1, 1), dt.datetime(2025, 11, 1)
    for rel, i, rec in sc.complaint_rows():
        kind = sc.bad_kind(rel, i)
        t = parse_time(rec["received_at"])
        if kind in ("impossible_date", "unparseable_date"):
            assert t is None, rec["received_at"]
        elif kind == "future_date":
            assert t is not None and t.year >= 2031
        else:
            assert t is not None and lo <= t < hi, (rel, i, rec["received_at"])


def test_amounts_channels_and_online_identifiers(sc):
    channels = Counter()
    for rel, i, rec in sc.complaint_rows():
        if sc.bad_kind(rel, i) != "non_numeric_amount":
            assert amount_value(rec["overdue_amount"]) is not None, rec["overdue_amount"]
        ch = rec["channel"]
        channels[ch] += 1
        if ch == "APP":
            assert rec["ip"] and rec["device"]
        elif ch == "黑猫投诉":
            assert rec["ip"] and not rec["device"]
        else:
            assert not rec["ip"] and not rec["device"]
        for att in filter(None, re.split("；", rec["attachments"])):
            kind, sha, issuer, cert = att.split("|")
            assert kind and re.fullmatch(r"sha256:[0-9a-f]{64}", sha)
    assert {"12378", "APP", "黑猫投诉", "网点", "信访"} <= set(channels)
    assert any(re.fullmatch(r"95\d{3}客服热线", c) for c in channels)


# ---------------------------------------------------------------- ground truth
def test_every_truth_complaint_is_exported_exactly_once(sc):
    occurrences = Counter()
    for rel, i, rec in sc.complaint_rows():
        if (rel, i) in sc.dups:
            continue
        b = sc.bad.get((rel, i))
        if b and b["expected"] == "quarantine":
            continue
        occurrences[rec["complaint_id"]] += 1
    truth_ids = set(sc.by_cid)
    assert len(truth_ids) == 3000
    assert set(occurrences) == truth_ids
    assert set(occurrences.values()) == {1}


def test_duplicates_are_identical_complaints(sc):
    rows = {(rel, i): rec for rel, i, rec in sc.complaint_rows()}
    dups = sc.truth["duplicates"]
    assert len(dups) == 30
    assert any(d["file"] != d["duplicate_of_file"] for d in dups)
    assert any(d["file"] == d["duplicate_of_file"] for d in dups)
    for d in dups:
        a = rows[(d["file"], int(d["row"]))]
        b = rows[(d["duplicate_of_file"], int(d["duplicate_of_row"]))]
        assert a["complaint_id"] == b["complaint_id"] == d["complaint_id"]
        if d["file"] == d["duplicate_of_file"]:
            assert int(d["row"]) > int(d["duplicate_of_row"])
        for f in COMPLAINT_FIELDS:
            if f == "received_at":
                assert canon_time(a[f]) == canon_time(b[f])
            elif f == "overdue_amount":
                assert amount_value(a[f]) == amount_value(b[f])
            else:
                assert a[f] == b[f], f


def test_bad_rows_really_are_bad(sc):
    bad = sc.truth["bad_rows"]
    assert len(bad) == 30     # bad_row_rate 0.01 × 3000
    kinds = Counter(b["kind"] for b in bad)
    for k in ("empty_id", "id_conflict", "too_many_columns", "id_checksum", "impossible_date",
              "future_date", "unparseable_date", "invalid_phone", "non_numeric_amount",
              "empty_name"):
        assert kinds[k] >= 1, k
    first_row = {}
    for rel, i, rec in sc.complaint_rows():
        first_row.setdefault((rel, rec["complaint_id"]), i)
    for b in bad:
        rel, row, kind = b["file"], int(b["row"]), b["kind"]
        assert b["expected"] in ("quarantine", "field")
        if rel == TRANSFERS:
            rec = sc.records[TRANSFERS][row - 1]
            if kind == "empty_id":
                assert rec["transfer_id"] == ""
            elif kind == "empty_account":
                assert rec["payee_account"] == "" and rec["transfer_id"] == b["complaint_id"]
            elif kind == "id_checksum":
                v = rec["payer_id_number"]
                assert v[17] != id_check(v[:17])
            elif kind == "non_numeric_amount":
                assert amount_value(rec["amount"]) is None
            elif kind == "unparseable_date":
                assert parse_time(rec["paid_at"]) is None
            continue
        raw = sc.raw[rel][row - 1]
        rec = sc.records[rel][row - 1]
        assert rec["complaint_id"] == b["complaint_id"]
        if kind == "too_many_columns":
            assert len(raw) == len(COMPLAINT_FIELDS) + 1
            assert b["complaint_id"] not in sc.by_cid
            continue
        assert len(raw) == len(COMPLAINT_FIELDS)
        if kind == "empty_id":
            assert rec["complaint_id"] == ""
        elif kind == "id_conflict":
            first = first_row[(rel, rec["complaint_id"])]
            assert first < row and rec["complaint_id"] in sc.by_cid
            other = sc.records[rel][first - 1]
            assert (other["id_number"], other["text"]) != (rec["id_number"], rec["text"])
        elif kind == "empty_name":
            assert rec["name"] == ""
        elif kind == "non_numeric_amount":
            assert amount_value(rec["overdue_amount"]) is None
        elif kind in ("impossible_date", "unparseable_date", "future_date", "id_checksum",
                      "invalid_phone"):
            pass   # checked field by field in the realism tests above
        else:
            raise AssertionError(kind)
        if b["expected"] == "field":
            assert rec["complaint_id"] in sc.by_cid


def test_rings_and_negatives_truth_is_consistent(sc):
    comps = sc.truth["complaints"]
    by_ring = defaultdict(list)
    by_group = Counter()
    for c in comps:
        if c["ring_id"]:
            assert c["style"] in STYLES and not c["group_id"]
            by_ring[c["ring_id"]].append(c)
        else:
            assert not c["style"]
        if c["group_id"]:
            assert c["group_type"] in GROUP_TYPES
            by_group[c["group_id"]] += 1
    rings = sc.truth["rings"]
    assert {r["style"] for r in rings} == STYLES
    assert len(rings) == 5     # 3000 complaints → the minimum of one ring per style
    for r in rings:
        members = by_ring[r["ring_id"]]
        assert re.fullmatch(r"R\d{4}", r["ring_id"])
        assert int(r["n_complaints"]) == len(members) > 0
        assert int(r["n_borrowers"]) == len({m["person_id"] for m in members})
        assert int(r["n_provinces"]) == len({m["person_id"][:2] for m in members})
        assert {m["style"] for m in members} == {r["style"]}
        assert r["camouflaged"] in ("0", "1")
        if r["style"] == "camouflaged":
            assert r["camouflaged"] == "1"
    negs = sc.truth["negatives"]
    assert {g["group_type"] for g in negs} == GROUP_TYPES
    for g in negs:
        assert int(g["n_complaints"]) == by_group[g["group_id"]] > 0
    nat = sum(int(g["n_complaints"]) for g in negs if g["group_type"] == "nat_ip")
    assert nat >= 100


def test_planted_signals_are_there(sc):
    recs = {}
    for rel, i, rec in sc.complaint_rows():
        if (rel, i) not in sc.dups and sc.bad_kind(rel, i) != "id_conflict":
            recs.setdefault(rec["complaint_id"], rec)
    rings = {r["ring_id"]: r for r in sc.truth["rings"]}
    members = defaultdict(list)
    for c in sc.truth["complaints"]:
        if c["ring_id"] and c["complaint_id"] in recs:
            members[c["ring_id"]].append(recs[c["complaint_id"]])
    for rid, r in rings.items():
        ms = members[rid]
        if r["style"] == "jinan_alliance":
            canon = r["orgs"]
            orgs = {m["agent_org"] for m in ms if m["agent_org"]}
            assert len(orgs) > 1                       # written in several variants
            assert {org_key(o) for o in orgs} == {org_key(canon)}
            assert len({m["agent_name"] for m in ms if m["agent_name"]}) <= 6
            assert len({m["person_id"] if "person_id" in m else m["id_number"] for m in ms}) > 10
        if r["style"] == "new_sim_handover":
            phones = {phone_digits(m["phone"]) for m in ms if not MASKED_PHONE.match(m["phone"])}
            phones.discard("")
            assert len({p[:7] for p in phones if MOBILE.match(p)}) == 1
            assert next(iter(phones))[:3] in ("165", "170", "171")
            # One handset; a camouflaged handover ring uses a second one.
            assert len({m["device"] for m in ms if m["device"]}) <= 1 + int(r["camouflaged"])
        if r["style"] == "camouflaged":
            for fld in ("device", "ip"):
                uses = Counter(m[fld] for m in ms if m[fld])
                assert uses and max(uses.values()) <= 4, (fld, uses)
        if r["style"] == "two_company_fee":
            assert len(r["orgs"].split("|")) == 2
    texts = Counter(r["text"] for r in recs.values())
    assert texts.most_common(1)[0][1] <= 3    # even ring scripts are filled per borrower
    accounts = sc.truth["accounts"]
    fee = [a for a in accounts if a["kind"] == "ring_fee"]
    assert {a["ring_id"] for a in fee} == set(rings)
    # Hubs: payment platforms and utilities are paid by many unrelated people.
    assert max(int(a["n_payers"]) for a in accounts if a["kind"] == "platform") > 100
    assert max(int(a["n_payers"]) for a in accounts if a["kind"] == "utility") > 10


def test_transfers(sc):
    recs = sc.records[TRANSFERS]
    assert len(recs) > 1000
    ids = [r["transfer_id"] for r in recs if r["transfer_id"]]
    assert len(ids) == len(set(ids))
    memo = Counter(r["memo"] for r in recs)
    assert memo["电费"] > 0 and memo["律师费"] + memo["代理费"] + memo["法律服务费"] > 0
    for i, r in enumerate(recs, start=1):
        v = r["payer_id_number"]
        if sc.bad_kind(TRANSFERS, i) == "id_checksum":
            assert v[17] != id_check(v[:17])
        elif "*" in v:
            assert MASKED_ID.match(v)
        else:
            assert v[17] == id_check(v[:17]), (i, v)
        if sc.bad_kind(TRANSFERS, i) not in ("non_numeric_amount", "empty_id", "empty_account"):
            assert amount_value(r["amount"]) > 0
            assert parse_time(r["paid_at"]) is not None


def test_two_company_fee_is_a_quarter_of_the_debt(sc):
    ring = next(r for r in sc.truth["rings"] if r["style"] == "two_company_fee")
    accounts = {a["account"] for a in sc.truth["accounts"] if a["ring_id"] == ring["ring_id"]}
    debt = defaultdict(float)
    exact = defaultdict(lambda: True)
    for rel, i, rec in sc.complaint_rows():
        c = sc.by_cid.get(rec["complaint_id"])
        if c is None or c["ring_id"] != ring["ring_id"] or (rel, i) in sc.dups:
            continue
        if sc.bad_kind(rel, i):
            exact[c["person_id"]] = False
            continue
        value = amount_value(rec["overdue_amount"])
        exact[c["person_id"]] &= "万" not in str(rec["overdue_amount"])
        debt[c["person_id"]] += value if value is not None else float("nan")
    checked = 0
    for i, t in enumerate(sc.records[TRANSFERS], start=1):
        pid = t["payer_id_number"]
        if t["payee_account"] in accounts and "*" not in pid and not sc.bad_kind(TRANSFERS, i):
            if pid in debt and exact[pid]:
                # Whole-yuan amount cells round by up to 0.5 yuan per complaint.
                assert abs(amount_value(t["amount"]) - 0.25 * debt[pid]) <= 0.3, pid
                checked += 1
    assert checked >= 5


# ------------------------------------------------------------------------- knobs
def test_rings_knob_scales_ids_and_counts(tmp_path_factory):
    root = run(tmp_path_factory, "knob", complaints=2500, seed=3, rings=12,
               bad_row_rate=0.0, duplicate_rate=0.0)
    with open(root / "truth/rings.csv", encoding="utf-8") as fh:
        rings = list(csv.DictReader(fh))
    assert [r["ring_id"] for r in rings] == [f"R{i:04d}" for i in range(1, 13)]
    styles = Counter(r["style"] for r in rings)
    mix = {"jinan_alliance": 1, "two_company_fee": 1, "small_team": 3, "new_sim_handover": 1,
           "camouflaged": 2}
    assert set(styles) == STYLES
    for style, w in mix.items():
        assert abs(styles[style] - 12 * w / 8) <= 1, styles
    with open(root / "truth/complaints.csv", encoding="utf-8") as fh:
        comps = list(csv.DictReader(fh))
    ring_share = sum(1 for c in comps if c["ring_id"]) / len(comps)
    assert 0.05 < ring_share <= 0.26
    with open(root / "truth/bad_rows.csv", encoding="utf-8") as fh:
        assert list(csv.DictReader(fh)) == []


def test_no_rings_and_xlsx_cap(tmp_path_factory):
    root = run(tmp_path_factory, "cap", complaints=2000, seed=4, rings=0, xlsx_max_rows=150)
    sc = Scenario(root)
    assert sc.truth["rings"] == []
    assert all(not c["ring_id"] for c in sc.truth["complaints"])
    assert len(sc.records[XLSX]) <= 150
    assert sc.meta["xlsx_overflow"]["rows"] > 0
    ids = Counter(rec["complaint_id"] for rel, i, rec in sc.complaint_rows()
                  if (rel, i) not in sc.dups
                  and sc.bad.get((rel, i), {}).get("expected") != "quarantine")
    assert set(ids) == set(sc.by_cid) and set(ids.values()) == {1}


def test_progress_steps_carry_no_pii(tmp_path):
    from contextlib import contextmanager

    from ringgraph.core.progress import Progress, Task

    seen = []

    class Recorder(Progress):
        @contextmanager
        def task(self, description, total=None):
            seen.append(description)
            yield Task()

    simulate(ScenarioConfig(complaints=600, seed=1), tmp_path, Recorder())
    assert {"rings", "negatives", "population"} <= set(seen)
    assert {f"write {rel}" for rel in (BANK, CF, XLSX, TRANSFERS)} <= set(seen)
    for d in seen:
        assert not re.search(r"\d{5,}", d) and re.fullmatch(r"[\w ./:-]+", d), d
