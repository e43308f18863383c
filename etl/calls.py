"""Collection call logs: canonical string rows → the store's ``calls`` table, vectorised.

One row per call placed. What each field becomes:

``called_at``
    :func:`etl.dates.parse_times`: every form complaints accept (``2025/3/14 23:10``,
    ISO 8601 with an offset, epoch seconds or milliseconds); naive times are Asia/Shanghai,
    an explicit offset is converted to it. A call without a usable time cannot be judged
    against any red line, so the row is quarantined (reason of the date parser, field
    ``called_at``).
``loan_account`` / ``debtor_id_number``
    The account as :func:`ringgraph.core.keys.account_keys` (digits and letters, no spaces
    or hyphens); the resident ID checked by :func:`etl.normalize.normalize_ids` (a bad ID is
    nulled with a field issue). A row with neither is quarantined: it links to nobody.
``dialled_number``
    :func:`etl.normalize.normalize_phones` (E.164 key; masked numbers kept as ``masked:``).
``callee_relation``
    One of :data:`RELATIONS` (``self`` or a kind of third party); blank stays blank (the
    rules then compare the dialled number with the debtor's phones); words not understood
    are a field issue ``RELATION_UNKNOWN`` and count as blank.
``duration_s``
    Seconds from ``83``, ``83秒``, ``1分23秒``, ``1分钟``, ``00:01:23``, ``1:23``, ``1m23s``.
``outcome``
    ``answered``, ``no_answer``, ``busy``, ``rejected``, ``unreachable``, ``other`` or blank.
``direction``
    ``out`` (the collector placed the call: 呼出, 外呼, 去电, OUT, outbound …), ``in`` (the
    debtor or someone else called in: 呼入, 来电, 回电, IN, inbound …) or blank (a log
    without the column is a log of collection calls placed, so blank counts as ``out``);
    words not understood are a field issue ``DIRECTION_UNKNOWN`` and stay blank.

Values are mapped per distinct value (a log of millions of calls has a few dozen distinct
relations and outcomes), everything else is column-wise: no per-row Python.
"""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd

from ringgraph.core.keys import _t2s, account_keys, clean_series
from ringgraph.store.base import CALL_COLUMNS  # noqa: F401  (the stored form)

from etl import normalize as nz
from etl.transfer_ids import stable_ids

RELATION_UNKNOWN = "RELATION_UNKNOWN"
DIRECTION_UNKNOWN = "DIRECTION_UNKNOWN"
DURATION_INVALID = "DURATION_INVALID"
CALL_UNLINKABLE = "CALL_UNLINKABLE"

# Relation code → words that name it (compared casefolded, 繁→简, without spaces/_/digits).
RELATIONS: dict[str, tuple[str, ...]] = {
    "spouse": ("配偶", "妻子", "丈夫", "老婆", "老公", "爱人", "夫妻", "spouse", "wife",
               "husband", "partner"),
    "parent": ("母亲", "父亲", "妈妈", "爸爸", "父母", "母", "父", "妈", "爸", "mother",
               "father", "parent", "parents", "mom", "mum", "dad"),
    "child": ("子女", "儿子", "女儿", "孩子", "child", "son", "daughter", "children"),
    "sibling": ("兄弟姐妹", "兄弟", "姐妹", "哥哥", "姐姐", "弟弟", "妹妹", "sibling",
                "brother", "sister"),
    "relative": ("亲属", "亲戚", "家人", "家属", "直系亲属", "其他亲属", "relative", "family",
                 "kin"),
    "friend": ("朋友", "同学", "好友", "friend", "classmate"),
    "colleague": ("同事", "同事朋友", "colleague", "coworker", "co-worker"),
    "employer": ("单位", "工作单位", "公司", "单位电话", "领导", "上司", "老板", "人事",
                 "employer", "company", "work", "office", "boss", "hr", "workplace"),
    "emergency_contact": ("紧急联系人", "emergency_contact", "emergencycontact", "emergency",
                          "紧急联络人"),
    "contact": ("联系人", "通讯录", "通讯录联系人", "其他联系人", "第三方", "其他", "contact",
                "other_contact", "othercontact", "third_party", "thirdparty", "other",
                "contacts", "addressbook"),
    "self": ("本人", "借款人本人", "债务人本人", "客户本人", "自己", "本人手机", "本人号码",
             "借款人", "债务人", "客户", "self", "debtor", "borrower", "owner", "customer",
             "myself", "本人电话"),
}
OUTCOMES: tuple[tuple[str, tuple[str, ...]], ...] = (
    # Checked in order: "未接通" must be no answer before "接通" reads as answered.
    ("no_answer", ("未接通", "未接听", "未接", "无人接听", "无应答", "未应答", "振铃未接",
                   "no answer", "noanswer", "no_answer", "not answered", "missed", "timeout")),
    ("rejected", ("拒接", "拒听", "挂断", "rejected", "declined", "refused", "hangup")),
    ("busy", ("忙", "占线", "busy")),
    ("unreachable", ("关机", "停机", "空号", "无法接通", "不在服务区", "unreachable", "invalid",
                     "failed", "failure", "失败", "错号")),
    ("answered", ("接通", "已接", "接听", "answered", "answer", "connected", "success", "成功",
                  "通话", "ok")),
)
# Direction code → words (compared casefolded, 繁→简, without spaces, "-" or "_"); whole
# cells first, then the first word found inside ("客户来电" is inbound, "预测外呼" outbound).
DIRECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("in", ("呼入", "来电", "回电", "客户来电", "被叫", "打入", "接入", "来话", "入", "in",
            "inbound", "incoming", "inbound_call", "incomingcall", "inboundcall", "mt", "i",
            "callin", "呼入电话", "进线")),
    ("out", ("呼出", "外呼", "去电", "拨出", "主叫", "打出", "出", "out", "outbound",
             "outgoing", "outboundcall", "outgoingcall", "callout", "o", "mo", "dialout",
             "预测外呼", "手动外呼", "自动外呼", "点击外呼", "预览外呼", "呼出电话",
             "predictive", "preview", "manual", "manualdial", "autodial", "progressive")),
)
# Words that say a number is one of the debtor's own ("本人(备用)", "本人其他号码", "SELF_2").
_OWN_NUMBER = re.compile(r"[()（）\[\]【】<>《》:：]|其他号码|其它号码|另一号码|第二号码|备用号码|"
                         r"备用|号码|手机号|手机|电话|副号|小号|新号|旧号|常用|另一个?|第二|其他|"
                         r"其它|backup|alternate|alt|second|other|mobile|phone|number|no\.?")
_ID_CONTENT = ("loan_account", "debtor_id_number", "agency", "collector_id", "called_at",
               "dialled_number", "callee_relation", "duration_s")


def derive_call_ids(frame: pd.DataFrame, twins: dict[str, int]) -> pd.Series:
    """``C`` + 16 hex digits per call of a log without call ids (see etl.transfer_ids).

    >>> f = pd.DataFrame({c: ["x", "x", "y"] for c in _ID_CONTENT})
    >>> ids = derive_call_ids(f, {}); ids[0] != ids[1], ids[0] == derive_call_ids(f, {})[0]
    (True, True)
    """
    vals = pd.DataFrame({c: clean_series(frame[c].astype(object)) for c in _ID_CONTENT})
    return stable_ids(vals, twins, "C")


def _fold(s: pd.Series) -> pd.Series:
    return clean_series(s).str.casefold()


def _relation_of(word: str) -> str | None:
    """Relation code of one distinct cell (``""`` blank, ``None`` not understood)."""
    w = _t2s().convert(word).replace(" ", "").replace("-", "_").rstrip("0123456789_")
    if not w:
        return ""
    for code, words in RELATIONS.items():
        if w in words:
            return code
    bare = _OWN_NUMBER.sub("", w)
    if bare and bare in RELATIONS["self"]:
        return "self"
    # "借款人母亲", "紧急联系人(母亲)": a third party named inside counts before "借款人".
    for code, words in RELATIONS.items():
        if any(len(x) >= 2 and x in w for x in words):
            return code
    return None


def normalize_relations(s: pd.Series) -> pd.DataFrame:
    """Callee relations → ``value`` (a :data:`RELATIONS` code or ``""``) and ``issue``.

    >>> normalize_relations(pd.Series(["本人", "母親", " Colleague ", "", "路人甲"])
    ...                     )["value"].tolist()
    ['self', 'parent', 'colleague', '', '']
    """
    t = _fold(s)
    codes = {u: _relation_of(u) for u in pd.unique(t.to_numpy())}
    mapped = t.map(codes)
    issue = pd.Series(np.where(mapped.isna(), RELATION_UNKNOWN, ""), index=s.index, dtype=object)
    return pd.DataFrame({"value": mapped.fillna("").astype(object), "issue": issue},
                        index=s.index)


def _direction_of(word: str) -> str | None:
    """Direction code of one distinct cell (``""`` blank, ``None`` not understood)."""
    w = _t2s().convert(word).replace(" ", "").replace("-", "").replace("_", "")
    if not w:
        return ""
    for code, words in DIRECTIONS:
        if w in {x.replace("_", "") for x in words}:
            return code
    for code, words in DIRECTIONS:
        if any(len(x) >= 2 and x in w for x in words):
            return code
    return None


def normalize_directions(s: pd.Series) -> pd.DataFrame:
    """Call directions → ``value`` (``out``, ``in`` or ``""``) and ``issue``.

    >>> normalize_directions(pd.Series(["呼出", "呼入", "OUT", " inbound ", "外呼", "来電",
    ...                                 "", "？"]))["value"].tolist()
    ['out', 'in', 'out', 'in', 'out', 'in', '', '']
    """
    t = _fold(s)
    codes = {u: _direction_of(u) for u in pd.unique(t.to_numpy())}
    mapped = t.map(codes)
    issue = pd.Series(np.where(mapped.isna(), DIRECTION_UNKNOWN, ""), index=s.index,
                      dtype=object)
    return pd.DataFrame({"value": mapped.fillna("").astype(object), "issue": issue},
                        index=s.index)


def _outcome_of(word: str) -> str:
    if not word:
        return ""
    for code, words in OUTCOMES:
        if any(x in word for x in words):
            return code
    return "other"


def normalize_outcomes(s: pd.Series) -> pd.Series:
    """Call outcomes → codes.

    >>> normalize_outcomes(pd.Series(["已接通", "未接通", "NO ANSWER", "关机", "", "?"])).tolist()
    ['answered', 'no_answer', 'no_answer', 'unreachable', '', 'other']
    """
    t = _fold(s)
    codes = {u: _outcome_of(u) for u in pd.unique(t.to_numpy())}
    return t.map(codes).astype(object)


_HMS = (r"^(?:(?P<h>\d+)\s*(?:小时|时|h|hr|hrs|hours?))?\s*"
        r"(?:(?P<m>\d+)\s*(?:分钟|分|m|min|mins|minutes?)\s*)?"
        r"(?:(?P<s>\d+(?:\.\d+)?)\s*(?:秒钟|秒|s|sec|secs|seconds?)?)?$")
_CLOCK = r"^(?:(?P<h>\d+)[:：])?(?P<m>\d{1,2})[:：](?P<s>\d{1,2}(?:\.\d+)?)$"


def parse_durations(s: pd.Series) -> pd.DataFrame:
    """Talk time in seconds; ``value`` NaN and ``issue`` ``DURATION_INVALID`` if unreadable.

    >>> parse_durations(pd.Series(["83", "1分23秒", "00:01:23", "1:23", "2分钟", "1m23s",
    ...                            "", "很久"]))["value"].tolist()
    [83.0, 83.0, 83.0, 83.0, 120.0, 83.0, nan, nan]
    """
    t = clean_series(s).str.casefold()
    out = pd.Series(np.nan, index=s.index, dtype="float64")
    for pattern in (_CLOCK, _HMS):
        parts = t.str.extract(pattern)
        num = parts.apply(pd.to_numeric, errors="coerce")
        hit = parts.notna().any(axis=1) & out.isna()
        secs = num["h"].fillna(0) * 3600 + num["m"].fillna(0) * 60 + num["s"].fillna(0)
        out[hit] = secs[hit]
    issue = pd.Series(np.where(out.isna() & (t != ""), DURATION_INVALID, ""), index=s.index,
                      dtype=object)
    return pd.DataFrame({"value": out, "issue": issue}, index=s.index)


def _issues(df: pd.DataFrame, issue: pd.Series, field: str) -> pd.DataFrame:
    bad = issue != ""
    return pd.DataFrame({
        "source": df.loc[bad, "source"].to_numpy(), "row": df.loc[bad, "row"].to_numpy(),
        "field": field, "reason": issue[bad].to_numpy(),
        "message": f"{field} nulled: " + issue[bad].str.lower().to_numpy()})


def _quarantine(df: pd.DataFrame, bad: pd.Series, reason, field: str, message
                ) -> pd.DataFrame:
    raw = df.loc[bad, [c for c in df.columns if c in _ID_CONTENT + ("call_id", "outcome")]]
    text = raw.to_json(orient="records", lines=True, force_ascii=False) if len(raw) else ""
    return pd.DataFrame({
        "source": df.loc[bad, "source"].to_numpy(), "row": df.loc[bad, "row"].to_numpy(),
        "reason": reason if isinstance(reason, str) else reason[bad].to_numpy(),
        "field": field, "message": message,
        "raw": text.rstrip("\n").split("\n") if len(raw) else []})


def by_unique(s: pd.Series, fn):
    """``fn`` applied to the distinct values of ``s`` only, spread back over its rows: a
    log repeats each account, ID, number, relation and outcome tens of times.

    >>> by_unique(pd.Series(["a", "b", "a"], index=[5, 6, 7]), lambda u: u.str.upper()
    ...           ).to_dict()
    {5: 'A', 6: 'B', 7: 'A'}
    """
    codes, uniques = pd.factorize(s.fillna("").astype(str), sort=False)
    out = fn(pd.Series(uniques, dtype=object))
    taken = out.iloc[codes]
    taken.index = s.index
    return taken


def call_rows(df: pd.DataFrame, as_of: dt.datetime
              ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """De-duplicated call rows (canonical columns + ``source``, ``row``) → (calls in
    :data:`CALL_COLUMNS`, field issues, quarantined rows)."""
    df = df.reset_index(drop=True)
    t = nz.parse_times(df["called_at"], as_of)
    ids = by_unique(df["debtor_id_number"], lambda u: nz.normalize_ids(u, as_of.date()))
    phones = by_unique(df["dialled_number"], nz.normalize_phones)
    rel = by_unique(df["callee_relation"], normalize_relations)
    way = by_unique(df["direction"] if "direction" in df else pd.Series("", index=df.index),
                    normalize_directions)
    dur = by_unique(df["duration_s"], parse_durations)
    loan = by_unique(df["loan_account"], account_keys)
    debtor = ids["value"].where(ids["kind"] == "full", "")
    no_time = t["value"].isna()
    reason = t["issue"].where(t["issue"] != "", nz.DATE_UNPARSEABLE)
    unlinkable = ~no_time & (loan == "") & (debtor == "")
    q = pd.concat([
        _quarantine(df, no_time, reason, "called_at", "called_at missing or not a time: "
                    "the call cannot be judged against the red lines"),
        _quarantine(df, unlinkable, CALL_UNLINKABLE, "loan_account",
                    "neither a loan account nor a valid debtor ID: the call links to nobody"),
    ], ignore_index=True)
    keep = ~(no_time | unlinkable)
    issues = pd.concat([_issues(df, ids["issue"], "debtor_id_number"),
                        _issues(df, phones["issue"], "dialled_number"),
                        _issues(df, rel["issue"], "callee_relation"),
                        _issues(df, way["issue"], "direction"),
                        _issues(df, dur["issue"], "duration_s")], ignore_index=True)
    issues = issues[issues["row"].isin(df.loc[keep, "row"])]
    calls = pd.DataFrame({
        "call_id": df["call_id"].astype(str).str.strip(),
        "loan_account": by_unique(df["loan_account"], clean_series), "loan_key": loan,
        "debtor_id": debtor, "agency": nz.normalize_org_names(df["agency"])["display"],
        "collector_id": by_unique(df["collector_id"], clean_series), "called_at": t["value"],
        "dialled": phones["value"], "dialled_kind": phones["kind"], "relation": rel["value"],
        "duration_s": dur["value"], "outcome": by_unique(df["outcome"], normalize_outcomes),
        "source": df["source"], "row": df["row"].astype("int64"),
        "direction": way["value"]})
    return calls[keep].reset_index(drop=True), issues.reset_index(drop=True), q
