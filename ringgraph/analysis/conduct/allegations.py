"""What a complaint's text alleges about collection conduct, with the phrase that says so.

Codes (each the mirror of a red-line rule in :mod:`ringgraph.analysis.conduct.rules`):

``ALLEGE_NIGHT_CALL``
    Calls at night or early morning: 半夜, 凌晨, 深夜, 夜里十二点, 晚上11点, 23:10, 早上六点 …
``ALLEGE_EXCESSIVE_CALLS``
    Too many calls: 一天打几十个电话, 狂打, 电话轰炸, 呼死你, 每天十几通, 打爆我的电话 …
``ALLEGE_THIRD_PARTY``
    Calls to anyone but the debtor: 打给我妈, 联系我父母, 打到单位, 爆通讯录,
    骚扰家人, 同事都接到电话, 紧急联系人 …

How a text is read: width folded (full-width digits), traditional characters converted to
simplified, then cut into clauses at punctuation and at 但/但是/可是/却 (so "没有打给家人，
但打到了单位" negates only its first half). A hit counts unless a negation (没有, 没, 并未,
未曾, 从未, 不曾, 并非, 不是, 绝无, 没再) stands within the few characters before it in the
same clause ("并未在夜间", "没有打给家人") or inside the phrase itself ("我妈没有接到过电话").
"未接" (missed calls) is no negation. What a careful reader would not count either:

* a threat or a condition, not a deed: 威胁说要打给我家人, 扬言, 再不还就…, 如果…;
* for night calls, a clause that names no call (半夜经常惊醒) or only a message (半夜发短信,
  深夜发微信), and an hour said to be before the line (晚上十点前, 晚上9点, 早上8点半);
* for excessive calls, a total over weeks or months (两个月一共十几个电话, 一周五次) unless the
  clause also speaks of one day or of calls in a row.

Everything runs on pandas string columns over the distinct texts: no per-text Python loop
beyond the 繁→简 conversion of each distinct text.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ringgraph.analysis.conduct.codes import (ALLEGATION_CODES,  # noqa: F401
                                              ALLEGE_EXCESSIVE_CALLS, ALLEGE_NIGHT_CALL,
                                              ALLEGE_THIRD_PARTY)

_HOUR_NIGHT = r"(?:十一|十二|十|1[0-2])(?!\d)"
_HOUR_DAWN = r"(?:0?[0-7]|[零一二三四五六七两])(?!\d)"
_BIG = (r"(?:几十|十几|二十几|数十|好几十|上百|几百|一百多?|数百|无数|N|n|"
        r"[4-9](?!\d)|[1-9]\d+|[四五六七八九](?!十)|十[一二三四五六七八九]?|[二三四五六七八九]十多?)")
_MORE = r"(?:多|余|来)?"
_PERIOD = (r"(?:一天|每天|一日|每日|当天|当日|同一天|一整天|一上午|一下午|一晚上|一个上午|"
           r"一个下午|天天|一小时|一个小时|每小时|半天)")
_REL = (r"(?:妈妈|老妈|我妈|妈|母亲|爸爸|老爸|我爸|爸|父亲|父母|爹妈|家人|家里人|家属|亲人|亲属|"
        r"亲戚|老婆|妻子|老公|丈夫|爱人|配偶|对象|孩子|儿子|女儿|子女|兄弟|姐妹|哥哥|姐姐|弟弟|"
        r"妹妹|朋友|亲友|同学|同事|领导|老板|上司|单位|我公司|我们公司|我的公司|公司领导|"
        r"公司同事|公司前台|公司电话|工作单位|紧急联系人|联系人|通讯录|"
        r"岳父|岳母|公公|婆婆|老家|家里|房东|邻居|村委|居委会|物业|室友|合租|亲朋|好友|老师|"
        r"学校|人事)")
PATTERNS: dict[str, tuple[str, ...]] = {
    ALLEGE_NIGHT_CALL: (
        r"半夜|大半夜|三更半夜|凌晨|深夜|深更半夜|午夜|夜里|夜间|夜晚|夜深",
        r"(?:晚上|晚间|夜晚|晚)\s*" + _HOUR_NIGHT + r"\s*[点點:：时]",
        r"(?:早上|清晨|早晨|大清早|上午|早)\s*" + _HOUR_DAWN + r"\s*(?:[点點:：时]|多)",
        # "早上八点前就打" / "不到八点": before 08:00 is still night.
        r"(?<!晚上)(?<!下午)(?<!晚)(?:早上|清晨|早晨|上午|早)?\s*(?:8|八)\s*[点點:：时]\s*"
        r"(?:之前|以前|前(?!台)|不到)|不到\s*(?:早上|清晨|早晨)?\s*(?:8|八)\s*[点點]",
        r"一大早|大清早|天没亮|天还没亮|天不亮|零点|0点|睡觉的?时[候间]|休息的?时[候间]",
        r"(?<!\d[:：])(?<!\d)2[2-3]\s*[:：点時时]\s*\d{0,2}",
        # "快十二点了", "都十一点多了": the hour said to be late, without 晚上.
        r"(?<!上午|中午|白天)(?:快|将近|接近|都|已经|差不多|过了)\s*(?:十一|十二|11|12)\s*[点點]",
        r"二十[二三]\s*[点时]",
    ),
    ALLEGE_EXCESSIVE_CALLS: (
        _PERIOD + r"[^，。]{0,8}?" + _BIG + _MORE + r"\s*[个通次遍]",
        _BIG + _MORE + r"\s*[个通次遍]\s*(?:催收)?(?:电话|来电|未接)",
        # More than three calls in a row are more than three that day.
        r"(?:连续|接连|一连|连着|连打|短时间内)[^，。]{0,8}?" + _BIG + _MORE + r"\s*[个通次遍]",
        r"狂打|狂轰|轰炸|呼死你|夺命连环|打爆|打个不停|不停地?打|不停地?拨|一直打|反复打|反复拨打|"
        r"连环打|频繁地?(?:致电|打电话|打|来电|拨打|催收|骚扰)|无数(?:个|次|通)?电话|"
        r"电话不断|没完没了|一遍又一遍|一个接一个|没日没夜|日夜不停|24小时",
    ),
    ALLEGE_THIRD_PARTY: (
        r"(?:打给|打到|打去|打电话给|打电话到|打电话去|电话给|电话打给|电话打到|拨打|打了|"
        r"联系|联络|骚扰|找到?|致电|通知|告诉|告知|透露给?|泄露给?|威胁|恐吓|发短信给|短信给|"
        r"群发)[^，。]{0,6}?" + _REL,
        _REL + r"[^，。]{0,4}?(?:都|也|全)?(?:接到|收到|被|接了)[^，。]{0,4}?(?:电话|短信|骚扰|催收)",
        # "给我妈打电话" but not "给我和家人带来困扰": 给 counts only with a call or message.
        r"给[^，。]{0,4}?" + _REL + r"[^，。]{0,4}?(?:打|发|致电|来电|电话|短信)",
        r"爆通讯录|通讯录|通讯簿|爆通|联系人列表|通信录",
    ),
}
_NEGATION = r"(?:没有|没(?![日完夜了])|并未|未曾|从未|从没|不曾|并非|不是|绝无|未(?!接))"
# Said but not done: a threat or a condition ("威胁说要打给我家人", "再不还就联系你单位").
_IRREALIS = (r"(?:说要|说会|称要|称会|会(?:联系|打|告诉|通知|找|去|爆)|扬言|声称|威胁要|"
             r"威胁说|要挟|恐吓说|准备|打算|将要|将会|会去|就要|就会|如果|如不|若不|再不|否则|"
             r"要是|不然|以后会|可能会)")
# A night-time clause alleges a call only when it speaks of one; a message sent at night
# (短信, 微信) is no call unless the clause also names a call.
_CALL = r"电话|来电|致电|拨打|拨|打(?!算|工|扰|折|款|印|听|量|字)|呼叫|响|吵醒|催|骚扰|爆通"
_MESSAGE = r"短信|微信|信息|消息|私信|QQ|qq|邮件|彩信|语音留言"
_STRONG_CALL = r"电话|来电|致电|拨打|打(?:来|过来|给|我|了|到|个|几|电)"
# Totals over weeks or months are no count per day ("两个月里一共打了十几个电话").
_LONG_PERIOD = (r"一周|每周|一个?星期|每个?星期|[一两二三四五六七八九十几半]个?月|每个?月|"
                r"一共|总共|累计|共计|前后|这段时间|期间|[两二三四五六七八九十几]天|一年|半年")
_DAY = (r"一天|每天|一日|每日|当天|当日|同一天|一整天|天天|一上午|一下午|一晚上|上午|下午|"
        r"一个上午|一个下午|小时|半天|早到晚|从早|连续|连打|不停|轰炸|狂打|呼死")
# "晚上十点前" is before 22:00: lawful.
_BEFORE_HOUR = r"^\s*(?:之前|以前|前(?!台))"

_CLAUSE = r"[，,。．.；;！!？?\n\r]+|但是|但|可是|却|不过"
_BEFORE = 6


def _said(code: str, m: pd.DataFrame, clause: pd.Series) -> pd.Series:
    """Whether each hit alleges what happened: not negated ("没有打给家人", "我妈没有接到过
    电话"), not a threat or condition ("威胁说要打给我家人"), and for its code, about calls
    (a message at night is no call), at a red-line hour ("晚上十点前" is lawful) and a count
    per day (a total over weeks is none)."""
    pre, hit, post = (m[c].fillna("") for c in ("pre", "hit", "post"))
    ok = ~(pre + hit).str.contains(_NEGATION, regex=True)
    ok &= ~(pre + hit).str.contains(_IRREALIS, regex=True)
    if code == ALLEGE_NIGHT_CALL:
        ok &= clause.str.contains(_CALL, regex=True)
        ok &= ~clause.str.contains(_MESSAGE, regex=True) | clause.str.contains(
            _STRONG_CALL, regex=True)
        ok &= ~post.str.contains(_BEFORE_HOUR, regex=True)
    elif code == ALLEGE_EXCESSIVE_CALLS:
        ok &= ~clause.str.contains(_LONG_PERIOD, regex=True) | clause.str.contains(
            _DAY, regex=True)
        # "频繁骚扰我家属": many calls to the family are third-party contact, not more than
        # three a day to the debtor's own numbers.
        ok &= ~post.str.contains(r"^\s*(?:电话|来电)?\s*(?:打给|打到|给|到|去)?\s*"
                                 r"(?:我的?|本人的?)?" + _REL, regex=True)
    return ok


def _texts(texts: pd.Series) -> pd.Series:
    from ringgraph.core.keys import _t2s, clean_series

    t = clean_series(texts)
    conv = _t2s()
    uniques = pd.unique(t.to_numpy())
    return t.map({u: conv.convert(u) for u in uniques})


def allegations(texts: pd.Series) -> pd.DataFrame:
    """Allegations in complaint texts: one row per (text index, code) with the phrase.

    Parameters
    ----------
    texts : Series of str
        Complaint texts, any index (e.g. complaint ids).

    Returns
    -------
    DataFrame
        ``index`` (the text's index label), ``code`` (one of :data:`ALLEGATION_CODES`),
        ``phrase`` (the first unnegated words that triggered it), in the order of the texts, then by code.

    >>> allegations(pd.Series({"c1": "半夜十二点打电话给我妈", "c2": "并未在夜间来电"}))
    ...                                                 # doctest: +NORMALIZE_WHITESPACE
      index                code  phrase
    0    c1   ALLEGE_NIGHT_CALL      半夜
    1    c1  ALLEGE_THIRD_PARTY  打电话给我妈
    """
    labels = pd.Series(texts.index, dtype=object)
    # Read each distinct text once (templates repeat), then spread back.
    codes, distinct = pd.factorize(texts.fillna("").astype(str), sort=False)
    t = _texts(pd.Series(distinct, dtype=object))
    clauses = t.str.split(_CLAUSE, regex=True).explode()
    number = clauses.groupby(level=0).cumcount().to_numpy()
    clauses = pd.Series(clauses.fillna("").to_numpy(), index=clauses.index, dtype=object)
    keep = (clauses != "").to_numpy()
    clauses, number = clauses[keep], number[keep]
    parts = []
    for code, pats in PATTERNS.items():
        for k, pat in enumerate(pats):
            # A cheap test first: the extract (with its groups) runs on the few hits only.
            may = clauses.str.contains(pat, regex=True).to_numpy()
            if not may.any():
                continue
            m = clauses[may].str.extract(
                f"(?P<pre>.{{0,{_BEFORE}}}?)(?P<hit>{pat})(?P<post>.{{0,10}})")
            hit = (m["hit"].notna() & _said(code, m, clauses[may])).to_numpy()
            if hit.any():
                parts.append(pd.DataFrame({"pos": clauses.index[may][hit],
                                           "clause": number[may][hit], "order": k,
                                           "code": code, "phrase": m["hit"].to_numpy()[hit]}))
    if not parts:
        return pd.DataFrame({"index": pd.Series(dtype=object), "code": pd.Series(dtype=object),
                             "phrase": pd.Series(dtype=object)})
    found = pd.concat(parts).reset_index(drop=True)
    # The first clause that alleges a kind gives its phrase (then the first pattern).
    found = found.sort_values(["pos", "code", "clause", "order"], kind="stable")
    found = found.drop_duplicates(["pos", "code"], keep="first")
    rows = pd.DataFrame({"pos": codes, "at": np.arange(len(codes))})
    found = rows.merge(found, on="pos")
    out = pd.DataFrame({"index": labels.iloc[found["at"].to_numpy()].to_numpy(),
                        "code": found["code"].to_numpy(), "phrase": found["phrase"].to_numpy(),
                        "_at": found["at"].to_numpy()})
    out = out.sort_values(["_at", "code"], kind="stable").drop(columns="_at")
    return out.reset_index(drop=True)


def alleged_codes(texts: pd.Series) -> pd.Series:
    """Codes each text alleges, sorted and joined by ``;`` ("" for none).

    >>> alleged_codes(pd.Series(["一天打了二十多个电话，还爆通讯录", "没有打给家人"])).tolist()
    ['ALLEGE_EXCESSIVE_CALLS;ALLEGE_THIRD_PARTY', '']
    """
    found = allegations(texts)
    joined = found.groupby("index", sort=False)["code"].agg(";".join)
    codes = pd.Series(texts.index, index=texts.index, dtype=object).map(joined).astype(object)
    return codes.where(codes.notna(), "")
