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
