"""PII modes of evidence packs, unit by unit (no store needed)."""

import hashlib
import hmac

import pandas as pd
import pytest

from ringgraph.evidence import EvidenceError, make_redactor
from ringgraph.evidence.tables import spreadsheet_safe

NODES = pd.DataFrame([
    {"label": "Person", "key": "11010519491231002X", "name": "张三丰"},
    {"label": "Person", "key": "masked:1101**********0654|张桂", "name": "张桂"},
    {"label": "Agent", "key": "李四|+8613900000001", "name": "李四"},
    {"label": "Phone", "key": "+8613812345678", "name": "+8613812345678"},
    {"label": "Account", "key": "6222021234567890", "name": "王小明"},
    {"label": "Account", "key": "6222021234560000", "name": "湖南某某法律咨询服务有限公司"},
    {"label": "Org", "key": "湖南某某法律咨询服务", "name": "湖南某某法律咨询服务有限公司"},
])
TEXT = ("投诉人张三丰（身份证11010519491231002X），电话138 1234 5678，委托李四办理，"
        "向王小明账户6222021234567890付款，另有张桂签字。")
RAW = ("张三丰", "11010519491231002X", "13812345678", "李四", "王小明", "6222021234567890",
       "张桂")


def _prepared(mode, key=None):
    red = make_redactor(mode, key)
    red.prepare(NODES)
    return red


def test_masked_mode_masks_values_and_free_text():
    red = _prepared("masked")
    assert red.show("Phone", "+8613812345678", "") == "138****5678"
    assert red.show("Person", "11010519491231002X", "张三丰") == "张**"
    assert red.show("Person", "masked:1101**********0654|张桂", "") == "张*"
    assert red.id_number("11010519491231002X") == "110105********002X"
    assert red.payee("6222021234567890", "王小明") == "王**"
    assert red.payee("x", "湖南某某法律咨询服务有限公司") == "湖南某某法律咨询服务有限公司"
    text = red.text(TEXT)
    assert not [v for v in RAW if v in text], text
    assert "138****5678" in text and "110105********002X" in text
    # Pack-local ids: numbered in key order, nothing derived from the value.
    assert red.entity_id("Person", "11010519491231002X") == "Person-0001"
    assert red.entity_id("Org", "湖南某某法律咨询服务") == "Org:湖南某某法律咨询服务"


def test_pseudonymised_mode_replaces_values_with_keyed_tokens():
    key = "k" * 20
    red = _prepared("pseudonymised", key)
    token = "PER-" + hmac.new(key.encode(), "Person\x1f11010519491231002X".encode(),
                              hashlib.sha256).hexdigest()[:16]
    assert red.entity_id("Person", "11010519491231002X") == token
    assert red.show("Person", "11010519491231002X", "张三丰") == token
    text = red.text(TEXT)
    assert not [v for v in RAW if v in text], text
    # A number or name inside a text gets the token of its node.
    assert token in text and red.token("Phone", "+8613812345678") in text
    assert red.entity_id("Agent", "李四|+8613900000001") in text
    assert red.id_number("11010519491231002X") == "" and red.payee("6222021234567890", "王小明") == ""
    # Same key: same tokens; another key: different ones.
    assert _prepared("pseudonymised", key).entity_id("Phone", "+8613812345678") == \
        red.entity_id("Phone", "+8613812345678")
    assert _prepared("pseudonymised", "z" * 20).entity_id("Person", "11010519491231002X") != token
    assert red.key_id and key not in red.key_id


def test_pseudonymised_mode_needs_a_real_key(monkeypatch):
    monkeypatch.delenv("RINGGRAPH_PSEUDONYM_KEY", raising=False)
    with pytest.raises(EvidenceError, match="RINGGRAPH_PSEUDONYM_KEY"):
        make_redactor("pseudonymised")
    with pytest.raises(EvidenceError, match="too short"):
        make_redactor("pseudonymised", "short")
    monkeypatch.setenv("RINGGRAPH_PSEUDONYM_KEY", "from-the-environment-0123")
    assert make_redactor("pseudonymised").mode == "pseudonymised"
    with pytest.raises(EvidenceError, match="unknown PII mode"):
        make_redactor("partial")


def test_full_mode_keeps_values():
    red = _prepared("full")
    assert red.text(TEXT) == TEXT
    assert red.show("Phone", "+8613812345678", "") == "+8613812345678"
    assert red.id_number("masked:1101**********0654|张桂") == "1101**********0654"


@pytest.mark.parametrize("value, safe", [
    ("=1+1", "'=1+1"), ("@SUM(A1)", "'@SUM(A1)"), ("+86138", "+86138"), ("-5.00", "-5.00"),
    ("-cmd|' /C calc'!A0", "'-cmd|' /C calc'!A0"), ("\tx", "'\tx"), ("正常文本", "正常文本"),
])
def test_spreadsheet_formulas_are_neutralised(value, safe):
    assert spreadsheet_safe(value) == safe
