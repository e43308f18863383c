"""Complaint texts that allege (or do not allege) breaches of the collection red lines.

With call logs on (:mod:`simulator.calls`), every genuine complaint's text is rebuilt from the
fragments here so that the simulator knows exactly which red-line breaches the text alleges:

* ``NIGHT`` — a collection call placed 22:00–07:59 (晚上11点, 23:10, 凌晨两点, 早上六点多…);
* ``EXCESS`` — more than three calls to the debtor on one day (一天打了十几个, 电话轰炸…);
* ``THIRD`` — calls to someone other than the debtor (打给我妈, 爆通讯录, 打到单位…).

Look-alikes are written on purpose and allege nothing: calls at 晚上九点 (before 22:00), two or
three calls a day, threats to call the family that were not carried out, night-time *text
messages*, and negated mentions (没有打给家人). A reader that counts those is wrong.

Ring scripts (反催收联盟 话术) get one templated allegation sentence per ring, shared by its
members: :func:`ring_sentences`.
"""

from __future__ import annotations

import re

import numpy as np

from simulator import texts, vocab

NIGHT, EXCESS, THIRD = 0, 1, 2
KINDS = ("NIGHT", "EXCESS", "THIRD")
ALLEGE_CODES = ("ALLEGE_NIGHT_CALL", "ALLEGE_EXCESSIVE_CALLS", "ALLEGE_THIRD_PARTY")

_FULL = str.maketrans("0123456789:", "０１２３４５６７８９：")

# Night hours as people write them: (text, is it inside 22:00–07:59).
NIGHT_AT = (
    "晚上11点", "晚上十一点", "晚上11点多", "夜里11点半", "23:10", "23点", "22:40", "晚上十点半",
    "晚上10点多", "半夜12点", "夜里十二点多", "凌晨1点", "凌晨一点多", "凌晨两点", "凌晨2点",
    "凌晨三点", "凌晨4点多", "凌晨5点", "早上6点", "早上六点多", "早上7点", "早晨7:20",
    "晚上22:30", "深夜23时许", "0点15分",
)
EARLY_OK = ("晚上9点", "晚上九点多", "晚上8点半", "晚上八点多", "晚上21:30", "晚上九点半",
            "早上8点多", "早上八点半")

NIGHT_FRAGS = (
    "催收员{at}还给我打电话", "{at}还在打催收电话", "有一次{at}打电话过来把全家都吵醒了",
    "{at}接到催收电话", "他们经常{at}打电话", "对方{at}连续打了好几个电话", "大半夜打电话催款",
    "深更半夜还在打电话", "{at}被催收电话吵醒", "晚上十点以后还打电话", "{at}打我手机",
    "最晚的一次是{at}打来的", "夜里打电话不让人睡觉", "半夜三更打电话", "快十二点了还打电话过来",
    "睡觉的时候来电，都十一点多了", "晚上十点一刻还打", "22点以后还在打电话", "凌晨时分来电催款",
)
EXCESS_FRAGS = (
    "一天给我打了{n}个电话", "每天{n}个电话轰炸", "电话轰炸，一天{n}次", "一天之内打了我{n}次电话",
    "从早到晚不停地打电话", "短时间内连续拨打我电话{n}次", "一天能打{n}个电话", "频繁打电话，一天好几十个",
    "天天被电话轰炸", "一个上午就打了{n}个电话", "上班时间连续打了{n}个电话", "每天打我电话不下{n}次",
    "一天内连打七八个", "一个下午打了我{n}次", "一天二十几个未接来电", "同一天连续打了{n}次",
)
THIRD_FRAGS = (
    "打电话给我{rel}说我欠钱不还", "联系了我的{rel}", "打到我单位去了", "爆了我的通讯录",
    "我{rel}都接到了催收电话", "同事都接到了电话", "打电话到我公司前台", "给我{rel}打了好几次电话",
    "把我欠款的事告诉了我{rel}", "通讯录里的朋友都被打了电话", "连我{rel}都被打了电话",
    "骚扰我的紧急联系人", "家里人天天接到催收电话", "打给我妈", "联系我父母", "打电话到我们单位找领导",
    "打到我老家去了", "我女儿都接到了催收电话", "给我前同事打电话", "打电话给我房东",
)
# Said, but not an allegation of a red-line breach: (fragment, kind it resembles, negation).
LOOKALIKES = (
    ("{ok}还在打电话", NIGHT, False), ("晚上十点前打过电话", NIGHT, False),
    ("早上九点就开始打", NIGHT, False), ("深夜发微信催款", NIGHT, False),
    ("晚上11点还发催收短信", NIGHT, False), ("半夜发短信威胁我", NIGHT, False),
    ("没有半夜打电话，但说话很难听", NIGHT, True),
    ("一天打了{few}个电话", EXCESS, True), ("每天都打{few}个电话", EXCESS, True),
    ("两个月里一共打了十几个电话", EXCESS, True), ("一周打了五次电话", EXCESS, True),
    ("一个月打了二十多次", EXCESS, True), ("一天打的电话也不多，就是言语恶劣", EXCESS, True),
    ("威胁说要打给我家人", THIRD, False), ("说要联系我单位", THIRD, False),
    ("我自己的备用号码也被打了", THIRD, False), ("他们倒是没有打给家人", THIRD, True),
    ("没有联系我的家人和同事", THIRD, True), ("没有爆通讯录，但态度很差", THIRD, True),
    ("我{rel}没有接到过电话", THIRD, True), ("家人帮我还了一部分", THIRD, False),
)
OTHER_FRAGS = (
    "催收员在电话里辱骂我，言语非常难听", "对方威胁说要上门找我", "还发短信说要起诉我、让我坐牢",
    "催收人员冒充法院工作人员给我打电话", "他们给我发了伪造的律师函", "催收人员要求我借新还旧",
    "对方自称是第三方催收公司，态度恶劣", "每次都是不同的号码", "利息和费用算得不清不楚",
)
NUM_MANY = ("4", "5", "6", "8", "10", "12", "15", "20", "30", "四", "五", "六", "七八", "十",
            "十几", "二十多", "三十多", "五六", "几十", "十多")
NUM_FEW = ("两", "2", "一两", "三", "3", "一")
RELS = ("妈", "母亲", "父亲", "爸妈", "父母", "老公", "老婆", "爱人", "姐姐", "哥哥", "弟弟",
        "同事", "领导", "朋友", "亲戚", "家人", "紧急联系人", "大学同学")
IMPACTS = ("严重影响了我的正常生活。", "我现在精神压力很大，晚上睡不着。", "给我的工作带来了很大困扰。",
           "我半夜经常惊醒，睡不好。", "我跟家人商量过怎么还款。",
           "这种做法已经违反了催收的相关规定。", "", "", "")
REQUESTS = ("请求核实处理，停止违规催收。", "我愿意还款，希望能协商分期。", "请监管部门介入调查。",
            "希望能给我延期还款的机会。", "请贵单位尽快处理。", "请给我一个合理的答复。",
            "希望能减免部分罚息，我会尽快还清本金。")
THIRD_REQUESTS = ("希望{inst}停止骚扰我的家人。", "要求停止给我的联系人打电话。")

# Ring templates: one per ring and kind set; {inst} filled per member.
RING_SENTS = {
    NIGHT: ("{inst}催收人员经常在夜间十一点以后致电本人，严重影响休息。",
            "催收方多次于凌晨时段拨打本人电话。", "{inst}在深夜23点后仍持续催收来电。"),
    EXCESS: ("{inst}催收人员每日拨打本人电话数十次，对本人进行电话轰炸。",
             "催收方一天之内连续拨打本人电话二十余次。", "{inst}每天十几个催收电话狂轰滥炸。"),
    THIRD: ("{inst}催收人员爆通讯录，致电本人亲友及同事，造成恶劣影响。",
            "催收方多次拨打本人父母及工作单位电话，泄露本人债务信息。",
            "{inst}违规联系本人紧急联系人及通讯录好友。"),
}

# Sentences of existing texts that allege a third-party contact (ring accusation script,
# scandal-wave openings); recognised in the simulator's own rendered text.
_THIRD_IN_SCRIPT = re.compile(r"骚扰(?:本人|我)家属|违规爆通讯录|我的家人也多次被骚扰")
_SCANDAL = re.compile(r"^(?:近日媒体曝光.*?我也遭遇了同样的情况。|看到新闻报道.*?我的家人也多次被骚扰。"
                      r"|.*?催收员冒充公检法人员打电话恐吓，新闻已经报道，我也是受害者。)")
_LAWYER = re.compile(r"现已委托[^。]*律师代为沟通。$")


def script_alleges_third(text_list) -> np.ndarray:
    """Bool per text: an existing script or scandal sentence alleges contacting family."""
    return np.array([bool(_THIRD_IN_SCRIPT.search(t)) for t in text_list], dtype=bool)


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _numbers(rng, s: str) -> str:
    """Digits printed full-width in a share of texts (typed on a phone's IME)."""
    return s.translate(_FULL) if rng.random() < 0.15 else s


def _fill(rng, frag: str, inst: str) -> str:
    return frag.format(at=_pick(rng, NIGHT_AT), n=_pick(rng, NUM_MANY), few=_pick(rng, NUM_FEW),
                       rel=_pick(rng, RELS), ok=_pick(rng, EARLY_OK), inst=inst)


def grievance(rng, kinds: tuple[int, ...], inst: str) -> tuple[str, bool]:
    """One grievance sentence alleging exactly ``kinds``; returns ``(text, third_request)``."""
    parts = []
    pools = {NIGHT: NIGHT_FRAGS, EXCESS: EXCESS_FRAGS, THIRD: THIRD_FRAGS}
    for k in kinds:
        parts.append(_fill(rng, _pick(rng, pools[k]), inst))
    u = rng.random()
    if u < 0.25 or not parts:
        parts.append(_fill(rng, _pick(rng, OTHER_FRAGS), inst))
    # A look-alike never contradicts what is alleged (no "they never called my family"
    # beside an allegation that they did).
    ok = [f for f, k, neg in LOOKALIKES if not (neg and k in kinds)]
    for _ in range(2):
        if rng.random() < (0.4 if not kinds else 0.2):
            parts.insert(int(rng.integers(len(parts) + 1)), _fill(rng, _pick(rng, ok), inst))
    order = rng.permutation(len(parts))
    body = "，".join(parts[i] for i in order) + "。"
    return _numbers(rng, body), THIRD in kinds and rng.random() < 0.5


def genuine_text(rng, kinds: tuple[int, ...], inst: str, old: str) -> str:
    """A genuine complaint alleging ``kinds``, keeping a scandal opening or lawyer line of
    ``old`` (the text written without call logs)."""
    pre = _SCANDAL.match(old)
    post = _LAWYER.search(old)
    head = _pick(rng, texts.G_OPEN).format(inst=inst, y=int(rng.integers(2016, 2025)),
                                           prod=_pick(rng, vocab.PRODUCTS))
    reason = _pick(rng, texts.G_REASON).format(m=int(rng.integers(1, 13)),
                                               d=int(rng.integers(3, 60)))
    body, third_req = grievance(rng, kinds, inst)
    req = _pick(rng, THIRD_REQUESTS if third_req else REQUESTS).format(inst=inst)
    sep = "\n" if rng.random() < 0.05 else ""
    text = head + reason + sep + body + _pick(rng, IMPACTS) + sep + req + _pick(rng, texts.G_CLOSE)
    return (pre.group(0) if pre else "") + text + (post.group(0) if post else "")


def ring_sentences(rng, kinds: tuple[int, ...]) -> list[str]:
    """A ring's allegation templates (one sentence per kind, in script order)."""
    return [_pick(rng, RING_SENTS[k]) for k in kinds]


def insert_ring(text: str, sentences: list[str], inst: str) -> str:
    """The ring's allegation sentences inserted after the script's opening sentence."""
    add = "".join(s.format(inst=inst) for s in sentences)
    cut = text.find("。") + 1
    return text[:cut] + add + text[cut:]


def codes(mask: np.ndarray, names=ALLEGE_CODES) -> list[str]:
    """``;``-joined codes of a bool matrix (rows × 3 kinds)."""
    out = []
    for row in mask.tolist():
        out.append(";".join(n for n, b in zip(names, row) if b))
    return out
