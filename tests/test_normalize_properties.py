"""Property-based tests for the normalisers (hypothesis)."""

import datetime as dt

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from etl import normalize as nz

SETTINGS = settings(max_examples=100, deadline=None, derandomize=True)

mobiles = st.builds(lambda p, rest: p + rest,
                    st.sampled_from(["130", "138", "139", "150", "158", "170", "177", "186",
                                     "189", "199"]),
                    st.text("0123456789", min_size=8, max_size=8))
FORMATS = [lambda d: d, lambda d: f"+86 {d[:3]} {d[3:7]} {d[7:]}",
           lambda d: f"{d[:3]}-{d[3:7]}-{d[7:]}", lambda d: f"+86{d}",
           lambda d: f"0086-{d[:3]}-{d[3:7]}-{d[7:]}", lambda d: f" {d[:3]} {d[3:7]} {d[7:]} ",
           lambda d: f"８６{d}".replace("８６", "86", 1)]


@SETTINGS
@given(mobiles, st.sampled_from(range(len(FORMATS))))
def test_any_format_of_a_mobile_gives_its_e164(digits, fmt):
    out = nz.normalize_phones(pd.Series([FORMATS[fmt](digits)]))
    assert out.loc[0, "value"] == "+86" + digits and out.loc[0, "issue"] == ""


@SETTINGS
@given(st.text(max_size=40))
def test_phone_normaliser_total(text):
    out = nz.normalize_phones(pd.Series([text]))
    v, issue = out.loc[0, "value"], out.loc[0, "issue"]
    assert (v == "") or v.startswith(("+86", "svc:", "masked:"))
    assert not (v and issue)


regions = st.sampled_from(["110101", "430421", "640104", "440305", "510107", "370102"])
births = st.dates(min_value=dt.date(1940, 1, 1), max_value=dt.date(2005, 12, 31))


@st.composite
def resident_ids(draw):
    first17 = draw(regions) + draw(births).strftime("%Y%m%d") + draw(
        st.text("0123456789", min_size=3, max_size=3))
    return first17 + nz.id_check_digit(first17)


@SETTINGS
@given(resident_ids())
def test_valid_ids_pass(rid):
    out = nz.normalize_ids(pd.Series([rid]), as_of=dt.date(2026, 1, 1))
    assert out.loc[0, "issue"] == "" and out.loc[0, "value"] == rid


@SETTINGS
@given(resident_ids(), st.integers(0, 16), st.integers(1, 9))
def test_any_single_digit_error_is_caught(rid, pos, delta):
    wrong = rid[:pos] + str((int(rid[pos]) + delta) % 10) + rid[pos + 1:]
    out = nz.normalize_ids(pd.Series([wrong]), as_of=dt.date(2026, 1, 1))
    assert out.loc[0, "value"] == "" and out.loc[0, "issue"] != ""


stamps = st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2025, 12, 31)
                      ).map(lambda d: d.replace(microsecond=0))
DATE_FORMATS = ["%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M:%S", "%Y年%m月%d日 %H:%M:%S",
                "%Y%m%d %H%M%S", "%Y-%m-%dT%H:%M:%S+08:00"]


@SETTINGS
@given(stamps, st.sampled_from(DATE_FORMATS))
def test_dates_round_trip(when, fmt):
    out = nz.parse_times(pd.Series([when.strftime(fmt)]), as_of=dt.datetime(2026, 1, 1))
    assert out.loc[0, "value"] == pd.Timestamp(when) and out.loc[0, "issue"] == ""


@SETTINGS
@given(st.text(max_size=30))
def test_date_parser_total(text):
    out = nz.parse_times(pd.Series([text]), as_of=dt.datetime(2026, 1, 1))
    assert pd.isna(out.loc[0, "value"]) or out.loc[0, "issue"] == ""


@SETTINGS
@given(st.integers(0, 10**9), st.integers(0, 99))
def test_amounts_with_thousands_separators(yuan, fen):
    text = f"{yuan:,}.{fen:02d}"
    out = nz.parse_amounts(pd.Series([text]))
    assert out.loc[0, "value"] == round(yuan + fen / 100, 2)


CORE = st.text("湖南广律深圳法务咨询服务烽鸣宁夏信息科技", min_size=2, max_size=8)


@SETTINGS
@given(CORE, st.sampled_from(["有限公司", "有限责任公司", "", "（有限公司）"]),
       st.booleans())
def test_org_variants_same_key(core, suffix, spaced):
    plain = core + "有限公司"
    variant = (" ".join(core) if spaced else core) + suffix
    assert nz.org_key(plain) == nz.org_key(variant)


@SETTINGS
@given(st.lists(st.text(max_size=20), min_size=1, max_size=5))
def test_normalisers_keep_alignment(values):
    s = pd.Series(values, index=range(10, 10 + len(values)))
    for f in (nz.normalize_phones, nz.normalize_ids, nz.parse_times, nz.parse_amounts,
              nz.normalize_ips, nz.normalize_org_names):
        assert list(f(s).index) == list(s.index)
    assert list(nz.parse_attachments(s)["pos"].unique()) <= list(s.index)


# ---- one rule, one home: ETL's phone normaliser and the lookup key are the same function.
ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")
FULL_WIDTH = str.maketrans("0123456789+", "０１２３４５６７８９＋")
PHONE_SHAPES = [lambda d: d, lambda d: f"+86 {d[:3]} {d[3:7]} {d[7:]}",
                lambda d: f"{d[:3]}.{d[3:7]}.{d[7:]}", lambda d: d.translate(FULL_WIDTH),
                lambda d: d[:5] + d[5:].translate(ARABIC_INDIC),
                lambda d: d.translate(ARABIC_INDIC), lambda d: f"0086 {d}",
                lambda d: f" {d[:3]}\u200b{d[3:]} "]
FOREIGN = ["+852 9123 4567", "+1 415 555 2671", "00852-9123-4567", "+44 20 7946 0958",
           "+852 1234", "＋８５２ ９１２３ ４５６７"]


@SETTINGS
@given(st.one_of(
    st.builds(lambda d, k: PHONE_SHAPES[k](d), mobiles, st.sampled_from(range(len(PHONE_SHAPES)))),
    st.sampled_from(FOREIGN), st.text("0123456789 +-.*٣８", max_size=16)))
def test_etl_phone_and_lookup_key_agree(raw):
    from ringgraph.core import keys

    etl = nz.normalize_phones(pd.Series([raw]))
    expected = "" if etl.loc[0, "kind"] == "masked" else etl.loc[0, "value"]
    assert keys.phone_key(raw) == expected


@SETTINGS
@given(mobiles, st.sampled_from(range(len(PHONE_SHAPES))))
def test_every_digit_script_gives_one_phone_key(digits, shape):
    from ringgraph.core import keys

    assert keys.phone_key(PHONE_SHAPES[shape](digits)) == "+86" + digits
    assert nz.normalize_phones(pd.Series([PHONE_SHAPES[shape](digits)])).loc[0, "value"] == \
        "+86" + digits


@SETTINGS
@given(resident_ids(), st.booleans())
def test_id_with_foreign_digits_matches_lookup(rid, arabic):
    from ringgraph.core import keys

    raw = rid.translate(ARABIC_INDIC if arabic else FULL_WIDTH)
    assert nz.normalize_ids(pd.Series([raw]), as_of=dt.date(2026, 1, 1)).loc[0, "value"] == rid
    assert keys.resident_id_key(raw) == rid


# Normalisers run once per distinct value (etl.uniques); the answer must be the rule's own
# on every row, whatever repeats, gaps and index the column has.
MESSY = st.one_of(
    st.sampled_from(["", " ", None, "13812345678", "+86 138 1234 5678", "138****5678", "95588",
                     "11010519491231002X", "1.2万", "12,345.67", "10.0.0.1", "AB12 CD34",
                     "张 三", "廣律（深圳）法務服務有限公司", "2025-03-14 10:22:05",
                     "2024-05-03T01:00:00+05:30", "2025年3月14日 10时", "1714700000",
                     "结清证明|sha256:" + "ab" * 32 + "|某银行|BL-1",
                     '[{"type": "证明", "cert_no": "编号X1"}]']),
    st.text(max_size=12))


@settings(max_examples=40, deadline=None, derandomize=True)
@given(st.lists(MESSY, min_size=1, max_size=12), st.integers(2, 4), st.integers(0, 50))
def test_distinct_value_normalisers_equal_the_rule_on_every_row(values, times, offset):
    from etl import dates

    s = pd.Series(values * times, dtype=object)
    s.index = s.index * 2 + offset
    as_of = dt.datetime(2026, 1, 1)
    for rule, args in ((nz.normalize_phones, ()), (nz.normalize_ids, (as_of.date(),)),
                       (nz.parse_amounts, ()), (nz.normalize_person_names, ()),
                       (nz.normalize_devices, ()), (nz.normalize_ips, ()),
                       (nz.clean_values, ()), (dates.parse_times, (as_of,)),
                       (nz.parse_attachments, ())):
        fast, plain = rule(s, *args), rule.__wrapped__(s, *args)
        if isinstance(plain, pd.Series):
            pd.testing.assert_series_equal(fast, plain)
        else:
            pd.testing.assert_frame_equal(fast, plain)


@SETTINGS
@given(st.lists(MESSY, min_size=1, max_size=8))
def test_org_names_of_etl_and_lookup_agree(values):
    from ringgraph.core import keys

    out = nz.normalize_org_names(pd.Series(values, dtype=object))
    for v, key, display in zip(values, out["key"], out["display"]):
        text = "" if v is None else str(v)
        assert display == keys.org_display(text)
        assert key == (keys.org_key(text) if text.strip() else "")


TIMES = st.builds(lambda d, sep, tz: d + sep + tz,
                  st.text("0123456789", min_size=4, max_size=4).map(str).flatmap(
                      lambda y: st.builds(lambda m, d, hh, mm, ss: f"{y}-{m}-{d}",
                                          *[st.text("0123456789", min_size=2, max_size=2)] * 5)),
                  st.sampled_from([" 10:22:05", "T23:59:60", " 99:00:00", "T00:00:00"]),
                  st.sampled_from(["", "+08:00", "-04:30", "+0800", "Z"]))


@SETTINGS
@given(st.lists(st.one_of(TIMES, MESSY), min_size=1, max_size=10))
def test_fixed_layout_times_sliced_as_the_pattern_reads_them(values):
    from etl import dates

    t = nz.clean_digits(pd.Series(values, dtype=object))
    sliced = dates._sep_parts(t)
    extracted = t.str.extract(dates._DATE_SEP)
    pd.testing.assert_frame_equal(sliced.fillna("").astype(object),
                                  extracted.fillna("").astype(object))
