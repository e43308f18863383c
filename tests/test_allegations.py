"""Allegations read from complaint texts: a varied hand-written corpus, negations included."""

from __future__ import annotations

import pandas as pd
import pytest

from ringgraph.analysis.conduct.allegations import allegations, alleged_codes

N, E, T = "ALLEGE_NIGHT_CALL", "ALLEGE_EXCESSIVE_CALLS", "ALLEGE_THIRD_PARTY"

CORPUS = [
    # night / early morning
    ("催收员半夜给我打电话，吓得孩子哭", {N}),
    ("凌晨两点还在打", {N}),
    ("深夜十一点多接到催收电话", {N}),
    ("晚上11点还来电话催款", {N}),
    ("晚上十一点打来", {N}),
    ("23:10打电话过来骂人", {N}),
    ("２３：４０又打来了", {N}),               # full-width digits and colon
    ("夜里十二点打电话", {N}),
    ("大半夜的打电话，让不让人睡觉", {N}),
    ("早上6点就打电话催收", {N}),
    ("早上六点多就开始打", {N}),
    ("一大早天没亮就打过来", {N}),
    ("在我睡觉的时候打电话", {N}),
    ("22点以后还在催", {N}),
    ("半夜來電騷擾", {N}),                     # traditional characters
    ("晚上十點打給我", {N}),
    # excessive calls
    ("一天打几十个电话", {E}),
    ("每天十几通电话", {E}),
    ("一天之内打了二十多个电话", {E}),
    ("一天打了5个电话", {E}),
    ("一天打了８次", {E}),
    ("催收员狂打我电话", {E}),
    ("电话轰炸", {E}),
    ("扬言要呼死你", set()),                  # a threat, not calls made
    ("天天打，打爆了我的手机", {E}),
    ("不停地打电话", {E}),
    ("一个小时打了十几个", {E}),
    ("每天都有无数个电话", {E}),
    ("没日没夜地打", {E}),
    ("上百个未接来电", {E}),
    # third parties
    ("催收打给我妈", {T}),
    ("联系我父母说我欠钱不还", {T}),
    ("打到我单位去了", {T}),
    ("爆通讯录", {T}),
    ("把我的通讯录都打了一遍", {T}),
    ("骚扰我的家人", {T}),
    ("同事都接到了催收电话", {T}),
    ("我的紧急联系人也收到了短信", {T}),
    ("打电话给我老公", {T}),
    ("找到我们公司领导", {T}),
    ("威胁要告诉我的亲戚朋友", set()),        # threatened, not done
    ("打給我媽媽", {T}),
    ("给我家人打电话要钱", {T}),
    ("他们给我的同事发短信", {T}),
    ("家人也被骚扰了", {T}),
    ("同一天打了7次", {E}),
    ("频繁地打我电话", {E}),
    ("频繁骚扰我家属，影响很坏", {T}),
    ("一天打了十几个电话给我妈", {T}),
    ("频繁打我电话，还打给我妈", {E, T}),
    ("一天打了十几个电话给我，太吓人", {E}),
    ("联糸我家人", set()),                     # a typo the reader does not guess
    # several at once
    ("半夜打电话给我妈，一天打十几个", {N, E, T}),
    ("凌晨三点爆通讯录", {N, T}),
    ("每天二十多个电话，还打到单位", {E, T}),
    # negations and lawful look-alikes
    ("没有打给家人", set()),
    ("并未在夜间打电话", set()),
    ("他们从未联系我的父母", set()),
    ("不是半夜打的", set()),
    ("没有打给家人，但打到了单位", {T}),
    ("虽然没有半夜打，但一天打了十几个电话", {E}),
    ("一天打了三个电话", set()),
    ("一天打了2次", set()),
    ("下午3点打了一个电话", set()),
    ("晚上7点打来电话", set()),
    ("早上打电话协商还款", set()),
    ("我联系贵公司客服多次无果", set()),
    ("给我和家人带来了很大的困扰", set()),
    ("要求停息挂账，减免罚息", set()),
    ("逾期后接到催收电话，态度恶劣", set()),
    ("", set()),
    # negation inside the phrase, not only before it
    ("我爸从来没有接到过催收电话", set()),
    ("我爱人没接到过他们的电话", set()),
    # messages are no calls, unless the clause names a call too
    ("凌晨一点给我发催收短信", set()),
    ("深更半夜发微信语音骂人", set()),
    ("半夜发短信又打电话", {N}),
    # lawful hours read as lawful
    ("晚上九点半打电话", set()),
    ("晚上21:40还在打", set()),
    ("晚上十点之前打过两次", set()),
    ("早上8点半就打来了", set()),
    ("快十二点了还在打", {N}),
    ("都十一点多了还打电话", {N}),
    ("上午11点打过电话", set()),
    ("投诉某银行：22:15打来催收电话", {N}),     # a time right after a colon
    # night words about something else than a call
    ("压力大到半夜经常惊醒", set()),
    ("晚上整夜睡不着", set()),
    # counts: per day is a breach, totals over weeks are not
    ("三个星期一共打了二十来个电话", set()),
    ("一个月下来打了三十多次", set()),
    ("每周打五六次电话", set()),
    ("短时间内接连打了我六次", {E}),
    ("一天之内打了十多次电话", {E}),
    ("每天打十余个电话", {E}),
    # threats and conditions not carried out
    ("扬言再不还钱就打给我父母", set()),
    ("说要去我单位找我领导", set()),
    ("声称会联系我的通讯录好友", set()),
    ("威胁我说要打给我家人，后来真的打给了我妈", {T}),
    # family mentioned in another role
    ("家里人帮我凑了一部分钱", set()),
    ("我和家人商量后决定分期还款", set()),
    ("把我欠钱的事告诉了我岳母", {T}),
    ("打电话到我房东那里", {T}),
    ("催收电话打到我老家去了", {T}),
    ("晚10点后还打电话", {N}),
    ("上午7点就打电话", {N}),
    ("不到八点就打电话", {N}),
    ("晚上8点前打过电话", set()),
    ("联系了我孩子的老师", {T}),
    ("我家里困难，实在还不上", set()),
]


@pytest.mark.parametrize("text, expected", CORPUS, ids=[c[0] or "empty" for c in CORPUS])
def test_corpus(text, expected):
    got = alleged_codes(pd.Series([text]))[0]
    assert set(filter(None, got.split(";"))) == expected


def test_each_allegation_comes_with_its_phrase():
    found = allegations(pd.Series({"c1": "他们没有打给家人，但晚上11点打到我单位"}))
    assert found[["index", "code"]].values.tolist() == [["c1", N], ["c1", T]]
    assert found.set_index("code").loc[N, "phrase"] == "晚上11点"
    assert "单位" in found.set_index("code").loc[T, "phrase"]


def test_many_texts_keep_their_index():
    s = pd.Series(["半夜打", "", "爆通讯录"] * 1000, index=[f"c{i}" for i in range(3000)])
    got = alleged_codes(s)
    assert list(got.index) == list(s.index)
    assert got.value_counts().to_dict() == {N: 1000, "": 1000, T: 1000}
