import datetime as dt

import numpy as np
import pandas as pd
import pytest

from etl import normalize as nz


def S(*values):
    return pd.Series(list(values), dtype=object)


def test_phones_mixed_formats_link_to_one_e164():
    out = nz.normalize_phones(S("13812345678", "+86 138 1234 5678", "138-1234-5678",
                                "0086-138-1234-5678", " 138 1234 5678", "+8613812345678"))
    assert set(out["value"]) == {"+8613812345678"}
    assert (out["kind"] == "mobile").all() and (out["issue"] == "").all()


def test_masked_phone_is_a_token_never_a_number():
    out = nz.normalize_phones(S("138****5678"))
    assert out.loc[0, "value"] == "masked:138****5678"
    assert out.loc[0, "kind"] == "masked"


@pytest.mark.parametrize("bad", ["1381234", "12345678901", "abc", "23812345678"])
def test_invalid_phones_nulled_with_issue(bad):
    out = nz.normalize_phones(S(bad))
    assert out.loc[0, "value"] == "" and out.loc[0, "issue"] == nz.PHONE_INVALID


def test_service_numbers_tagged():
    out = nz.normalize_phones(S("95588", "400-820-8820"))
    assert out["kind"].tolist() == ["service", "service"]
    assert out["value"].tolist() == ["svc:95588", "svc:4008208820"]


def _valid_id(first17):
    return first17 + nz.id_check_digit(first17)


def test_resident_id_checks():
    good = _valid_id("43042119900101123")
    bad_sum = good[:-1] + ("0" if good[-1] != "0" else "1")
    bad_birth = _valid_id("43042119901301123")
    bad_region = _valid_id("99042119900101123")
    out = nz.normalize_ids(S(good, bad_sum, bad_birth, bad_region, "430421********123X",
                             "12345", ""), as_of=dt.date(2026, 1, 1))
    assert out["issue"].tolist() == ["", nz.ID_CHECKSUM, nz.ID_BIRTHDATE, nz.ID_REGION, "",
                                     nz.ID_FORMAT, ""]
    assert out.loc[0, "value"] == good and out.loc[0, "province"] == "湖南"
    assert out.loc[4, "kind"] == "masked" and out.loc[4, "value"].startswith("masked:")
    assert out.loc[1, "value"] == ""


def test_lowercase_x_in_id_accepted():
    good = _valid_id("11010519491231002")
    assert nz.normalize_ids(S(good.lower())).loc[0, "value"] == good.upper()


def test_dates_mixed_formats_and_bad_dates():
    out = nz.parse_times(S("2025-03-14 10:22:05", "2025/3/14 10:22", "2025年3月14日 10:22",
                           "20250314 102205", "2025-03-14T02:22:05Z",
                           "2025-02-30", "2031-01-01", "上周三", ""),
                         as_of=dt.datetime(2026, 1, 1))
    assert out["value"].iloc[0] == pd.Timestamp("2025-03-14 10:22:05")
    assert out["value"].iloc[1] == pd.Timestamp("2025-03-14 10:22:00")
    assert out["value"].iloc[2] == pd.Timestamp("2025-03-14 10:22:00")
    assert out["value"].iloc[3] == pd.Timestamp("2025-03-14 10:22:05")
    assert out["value"].iloc[4] == pd.Timestamp("2025-03-14 10:22:05")  # UTC → +08:00
    assert out["issue"].tolist()[5:] == [nz.DATE_INVALID, nz.DATE_FUTURE, nz.DATE_UNPARSEABLE,
                                         ""]
    assert out["value"].iloc[5:].isna().all()


def test_amounts():
    out = nz.parse_amounts(S("12,345.67", "1.2万", "￥500元", "约五千", "", "-5"))
    assert out["value"].iloc[:3].tolist() == [12345.67, 12000.0, 500.0]
    assert out["issue"].tolist() == ["", "", "", nz.AMOUNT_INVALID, "", nz.AMOUNT_INVALID]


def test_org_variants_share_one_key():
    out = nz.normalize_org_names(S("广律(深圳)法务服务有限公司", "广律（深圳）法务服务有限公司",
                                   "廣律（深圳）法務服務有限公司", " 广律(深圳) 法务服务 ",
                                   "广律(深圳)法务服务有限责任公司", ""))
    assert out["key"].iloc[:5].nunique() == 1
    assert out["key"].iloc[5] == ""
    assert out["display"].iloc[2] == "广律(深圳)法务服务有限公司"


def test_ips():
    out = nz.normalize_ips(S("1.2.3.4", "10.0.0.8", "300.1.1.1", "", "fe80::1"))
    assert out["value"].tolist() == ["1.2.3.4", "10.0.0.8", "", "", ""]
    assert out["private"].tolist() == [False, True, False, False, False]
    assert out["issue"].tolist() == ["", "", nz.IP_INVALID, "", nz.IP_INVALID]


def test_demands_to_vocabulary():
    out = nz.normalize_demands(S("停息挂账、精神赔偿", "停催停诉；修复征信", "随便说说", ""))
    assert out.tolist() == ["停息挂账|精神赔偿", "停止催收|征信修复", "其他", ""]


def test_attachments_exploded():
    h = "a" * 64
    cell = f"贫困证明|sha256:{h}|某县民政局|mz-001；诊断书||某医院|ZD9；||| "
    out = nz.parse_attachments(S(cell, ""))
    assert out["doc_type"].tolist() == ["贫困证明", "诊断书"]
    assert out["sha256"].tolist() == [h, ""]
    assert out["cert_no"].tolist() == ["MZ-001", "ZD9"]
    assert (out["pos"] == 0).all()


def test_zero_width_and_fullwidth_folded():
    out = nz.normalize_person_names(S("张\u200b三", "Ｊｏｈｎ  Ｓｍｉｔｈ", "王 五"))
    assert out.tolist() == ["张三", "John Smith", "王五"]


def test_numbers_abroad_validated_by_libphonenumber():
    out = nz.normalize_phones(S("+852 9123 4567", "00852-9123-4567", "+1 202 555 0143",
                                "+852 12"))
    assert out["value"].tolist()[:2] == ["+85291234567", "+85291234567"]
    assert out["kind"].tolist()[:2] == ["international", "international"]
    assert out.loc[3, "issue"] == nz.PHONE_INVALID
