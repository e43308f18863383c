"""Complaint texts: genuine grievances from varied fragments, ring scripts (话术), paraphrase.

Genuine texts combine an opening, a hardship, one to three concrete grievances with their
own numbers (the hour of the call, how many calls, which relative), an impact, a request
and a closing, so two genuine texts rarely share more than a fragment or two. Ring texts
come from a handful of scripts per ring, filled with the borrower's name, institution and
amount; camouflaged rings paraphrase (synonym swaps, sentence reordering, dropping).
"""

from __future__ import annotations

import numpy as np

from simulator import vocab

G_OPEN = (
    "本人于{y}年在{inst}办理了{prod}，", "我是{inst}的{prod}用户，", "{y}年我在{inst}申请了{prod}，",
    "我在{inst}有一笔{prod}，", "本人{y}年开始使用{inst}的{prod}，", "之前在{inst}借过一笔{prod}，",
    "我在{inst}有{prod}业务，", "{inst}的{prod}是我{y}年办的，", "本人是{inst}客户，",
    "投诉{inst}：", "关于{inst}催收的问题，",
)
G_REASON = (
    "因为失业收入中断，出现了逾期。", "由于生意失败，暂时无力按期还款。",
    "因家人生病住院花了很多钱，导致逾期{m}个月。", "疫情之后收入大幅下降，没能按时还款。",
    "因为工资被拖欠，逾期了{m}个月。", "最近几个月资金周转困难，逾期了。",
    "因身体原因做了手术，有一段时间没有还款。", "公司裁员后一直没找到工作，还款出现困难。",
    "忘记还款日期逾期了{d}天。", "之前一直按时还款，最近{m}个月实在周转不开。", "",
)
G_GRIEV = (
    "催收人员每天晚上{h}点以后还在打电话", "对方一天给我打了{n}个电话",
    "催收人员给我通讯录里的{rel}打电话，说我欠钱不还", "他们把我的欠款情况告诉了我的{rel}",
    "催收员在电话里辱骂我，言语非常难听", "对方威胁说要上门找我，还要去我单位闹",
    "还发短信说要起诉我、让我坐牢", "催收人员冒充法院工作人员给我打电话",
    "他们给我发了伪造的律师函", "晚上{h}点多还在给我发催收短信", "催收员多次骚扰我年迈的父母",
    "有人把我的照片发到了我{rel}的微信群里", "他们打电话到我公司前台，影响我的工作",
    "我的个人信息被泄露给了第三方", "每次都是不同的号码，拉黑了还换号打",
    "催收员说如果不还钱就让我全家不得安宁", "有一次凌晨{h2}点还打电话过来",
    "连我已经很久不联系的{rel}也接到了电话", "催收人员要求我借新还旧",
    "对方自称是第三方催收公司，态度恶劣", "一周内给我{rel}打了{n}次电话",
    "催收短信里写着要联系我的{rel}和村委会", "上班时间连续打了{n}个电话",
)
G_IMPACT = (
    "严重影响了我和家人的正常生活。", "我的{rel}因此受到很大惊吓。", "我现在精神压力很大，晚上睡不着。",
    "给我的工作带来了很大困扰。", "这种做法已经违反了催收的相关规定。", "", "", "",
)
G_REQUEST = (
    "希望{inst}规范催收行为，停止骚扰我的家人。", "我愿意还款，希望能协商分期。",
    "请求核实处理，停止违规催收。", "希望能给我延期还款的机会。", "请监管部门介入调查。",
    "要求停止给我的联系人打电话。", "我不是不还，只是现在确实困难，希望能协商一个还款方案。",
    "请贵单位尽快处理。", "希望能减免部分罚息，我会尽快还清本金。", "请给我一个合理的答复。",
)
G_CLOSE = ("谢谢！", "盼复。", "", "", "望尽快回复。", "麻烦了。", "")


_PARAMS = ("inst", "y", "prod", "m", "d", "h", "h2", "n", "rel")


def _fill(fragments: tuple[str, ...], idx: np.ndarray, codes: dict[str, np.ndarray],
          labels: dict[str, tuple]) -> np.ndarray:
    """``fragments[idx[i]].format(...)`` for every row, formatting each distinct case once.

    Each row's parameters are given as integer codes into ``labels``; parameters a fragment
    does not use are zeroed so that the number of distinct (fragment, values) cases stays
    small and the million-row case costs a few thousand ``format`` calls.
    """
    code = np.asarray(idx, dtype=np.int64)
    for p in _PARAMS:
        uses = np.array(["{%s}" % p in f for f in fragments])
        code = code * len(labels[p]) + np.where(uses[idx], codes[p], 0)
    uniq, inv = np.unique(code, return_inverse=True)
    rendered = []
    for c in uniq.tolist():
        vals = {}
        for p in reversed(_PARAMS):
            c, v = divmod(c, len(labels[p]))
            vals[p] = labels[p][v]
        rendered.append(fragments[c].format(**vals))
    return np.array(rendered, dtype=object)[inv.ravel()]


def genuine_texts(rng: np.random.Generator, inst: np.ndarray, newline_rate: float = 0.05):
    """Genuine complaint texts, one per entry of ``inst`` (institution indices).

    Parameters
    ----------
    rng : numpy.random.Generator
        Component stream.
    inst : numpy.ndarray
        Index into :data:`vocab.INSTITUTIONS` per complaint.
    newline_rate : float
        Share of texts typed with line breaks between sentences (CSV cells with newlines).

    Returns
    -------
    numpy.ndarray
        Object array of texts.
    """
    n = len(inst)
    labels = {"inst": tuple(vocab.INST_NAME), "y": tuple(range(2016, 2025)),
              "prod": vocab.PRODUCTS, "m": tuple(range(1, 13)), "d": tuple(range(3, 60)),
              "h": (21, 22, 23), "h2": tuple(range(0, 6)), "n": tuple(range(5, 60)),
              "rel": vocab.RELATIVES}
    codes = {p: rng.integers(0, len(labels[p]), n) for p in _PARAMS if p != "inst"}
    codes["inst"] = np.asarray(inst, dtype=np.int64)
    codes["h"] = np.minimum(rng.integers(0, 6, n) // 2, 2)
    k = len(G_GRIEV)
    # Up to three distinct grievances: a first one and two distinct non-zero offsets.
    g1 = rng.integers(0, k, n)
    d1 = rng.integers(1, k, n)
    d2 = rng.integers(1, k - 1, n)
    d2 = d2 + (d2 >= d1)
    n_griev = rng.choice([1, 2, 3], n, p=[0.35, 0.45, 0.2])
    griev = _fill(G_GRIEV, g1, codes, labels)
    two = n_griev >= 2
    three = n_griev >= 3
    griev[two] = griev[two] + "，" + _fill(G_GRIEV, (g1 + d1) % k, codes, labels)[two]
    griev[three] = griev[three] + "，" + _fill(G_GRIEV, (g1 + d2) % k, codes, labels)[three]
    griev = griev + "。"
    head = (_fill(G_OPEN, rng.integers(0, len(G_OPEN), n), codes, labels)
            + _fill(G_REASON, rng.integers(0, len(G_REASON), n), codes, labels))
    impact = _fill(G_IMPACT, rng.integers(0, len(G_IMPACT), n), codes, labels)
    tail = (_fill(G_REQUEST, rng.integers(0, len(G_REQUEST), n), codes, labels)
            + np.array(G_CLOSE, dtype=object)[rng.integers(0, len(G_CLOSE), n)])
    sep = np.where(rng.random(n) < newline_rate, "\n", "").astype(object)
    impact = np.where(impact != "", sep + impact, "").astype(object)
    return head + sep + griev + impact + sep + tail


# ------------------------------------------------------------------------ ring scripts
R_OPEN = (
    "本人{name}，于{y}年在{inst}办理贷款，目前逾期金额{amount}元。", "投诉人{name}，系{inst}客户，现欠款{amount}元。",
    "我叫{name}，在{inst}有欠款{amount}元，已逾期。", "本人{name}在{inst}的借款目前逾期，金额为{amount}元。",
    "我是{inst}的持卡人{name}，欠款{amount}元。", "投诉人{name}就{inst}借款{amount}元一事投诉如下。",
)
R_HARD = (
    "本人近期确诊重度抑郁症，长期无法正常工作，家庭极度贫困，已完全丧失还款能力。",
    "本人身患癌症，正在治疗中，家中还有老人小孩需要抚养，确实无力偿还。",
    "本人家庭困难，已开具贫困证明，目前没有任何收入来源。",
    "因重大疾病导致家庭经济困难，村委会已出具贫困证明。",
    "本人精神状况极差，医院诊断为重度抑郁，无法承受催收压力。",
    "本人患有严重疾病，医疗费用巨大，附诊断证明及贫困证明。",
)
R_ACCUSE = (
    "{inst}在催收过程中存在暴力催收行为，多次骚扰本人家属，严重侵害了消费者的合法权益。",
    "{inst}违规收取高额利息和服务费，综合年化利率远超法定上限。",
    "{inst}催收人员多次恐吓威胁本人，导致本人病情加重。",
    "{inst}未尽到审核义务，违规放贷，存在重大过错。",
    "{inst}的催收行为给本人造成了严重的精神伤害。",
    "{inst}在放款时存在捆绑销售和砍头息，违反监管规定。",
)
R_DEMAND = (
    "现要求{inst}停息挂账，本金分{k}期偿还，减免全部罚息和违约金。",
    "本人要求停息挂账，并赔偿精神损失费{comp}元。",
    "要求立即停止催收，修复本人征信记录，并赔偿精神损失。",
    "请求{inst}给予停息挂账{k}期的方案，同时消除征信不良记录。",
    "要求退还已收取的高额利息及服务费，并进行精神赔偿。",
    "要求停息挂账、减免罚息，并赔偿精神损失费{comp}元，修复征信。",
)
R_THREAT = (
    "如不处理，本人将持续向金融监管部门、人民银行及12378投诉，并向媒体曝光。",
    "若{inst}不予解决，本人将通过法律途径维权，一切后果由贵司承担。",
    "请于三个工作日内给予答复，否则将向上级监管部门反映。",
    "如果得不到合理解决，本人将向公安机关报案。",
    "望贵司妥善处理，否则本人将采取进一步维权措施。",
)
R_AGENT = (
    "本人已全权委托{agent}代为处理此事，请直接与代理人联系。",
    "后续事宜由本人委托的{org}负责沟通。",
    "本人委托代理人{agent}（{org}）全权处理协商事宜。",
    "请联系本人代理人{agent}，电话见工单。",
)
R_SLOTS = (R_OPEN, R_HARD, R_ACCUSE, R_DEMAND, R_THREAT)

SYNONYMS: dict[str, tuple[str, ...]] = {
    "停息挂账": ("暂停计息并挂账", "停止计息、挂账处理", "停息分期"),
    "暴力催收": ("违规催收", "野蛮催收", "恶意催收"),
    "严重侵害了": ("严重损害了", "极大侵犯了"),
    "本人": ("我",),
    "无力偿还": ("无法还款", "没有能力偿还"),
    "精神损失费": ("精神抚慰金", "精神赔偿金"),
    "要求": ("请求", "恳请", "希望"),
    "如不处理": ("若不妥善处理", "如果得不到处理"),
    "家庭极度贫困": ("家里非常困难", "家庭经济极其困难"),
    "重度抑郁症": ("严重抑郁症", "重度抑郁障碍"),
    "目前": ("现在", "当前"),
    "逾期": ("拖欠", "未按期还款"),
    "投诉": ("反映", "举报"),
    "征信记录": ("信用记录", "征信"),
    "高额利息": ("高息", "过高的利息"),
    "全部罚息": ("所有罚息", "罚息"),
    "正在治疗中": ("目前在医院治疗", "仍在治疗"),
    "多次": ("反复", "频繁"),
}
_SYN_KEYS = tuple(sorted(SYNONYMS, key=len, reverse=True))


def make_scripts(rng: np.random.Generator, n_scripts: int, with_agent: bool) -> list[list[str]]:
    """A ring's scripts: each a list of sentence templates, one per slot."""
    scripts = []
    for _ in range(n_scripts):
        s = [slot[int(rng.integers(len(slot)))] for slot in R_SLOTS]
        if with_agent:
            s.insert(4, R_AGENT[int(rng.integers(len(R_AGENT)))])
        scripts.append(s)
    return scripts


def fill_script(script: list[str], rng: np.random.Generator, *, name: str, inst: str,
                amount: str, agent: str = "", org: str = "", paraphrase: float = 0.0) -> str:
    """Fill one script for one borrower; ``paraphrase`` in 0..1 sets how much it is reworded.

    Sentences that need an agent are dropped when the ticket names none.
    """
    sents = [s for s in script if agent or ("{agent}" not in s and "{org}" not in s)]
    if not org:
        sents = [s for s in sents if "{org}" not in s]
    if paraphrase > 0 and len(sents) > 3:
        if rng.random() < paraphrase:
            middle = sents[1:]
            order = rng.permutation(len(middle))
            sents = [sents[0]] + [middle[i] for i in order]
        if rng.random() < paraphrase * 0.5:
            drop = int(rng.integers(1, len(sents)))
            sents = sents[:drop] + sents[drop + 1:]
    text = "".join(sents).format(name=name, inst=inst, amount=amount, agent=agent, org=org,
                                 y=int(rng.integers(2018, 2025)), k=int(rng.integers(12, 61)),
                                 comp=int(rng.integers(5, 51)) * 1000)
    if paraphrase > 0:
        text = paraphrase_words(text, rng, paraphrase)
    return text


def paraphrase_words(text: str, rng: np.random.Generator, strength: float) -> str:
    """Swap phrases for synonyms, each key independently with probability ``strength``."""
    for key in _SYN_KEYS:
        if key in text and rng.random() < strength:
            alts = SYNONYMS[key]
            text = text.replace(key, alts[int(rng.integers(len(alts)))])
    return text


# ----------------------------------------------------------------------- demands
def demand_cells(rng: np.random.Generator, n: int, probs: dict[str, float]) -> np.ndarray:
    """Demand cells: each demand included independently; at least one per cell.

    Distinct (mask, separator) combinations are rendered once and broadcast, which keeps
    this vectorised for a million rows.
    """
    names = list(probs)
    p = np.array([probs[k] for k in names])
    take = rng.random((n, len(names))) < p
    none = ~take.any(axis=1)
    take[none, np.argmax(p)] = True
    bits = (take * (1 << np.arange(len(names)))).sum(axis=1)
    # Order demands within a cell randomly but consistently per combination.
    sep = rng.integers(0, len(vocab.DEMAND_SEPARATORS), n)
    code = bits * 16 + sep
    uniq, inv = np.unique(code, return_inverse=True)
    rendered = []
    for c in uniq.tolist():
        b, s = divmod(c, 16)
        parts = [names[j] for j in range(len(names)) if b >> j & 1]
        rendered.append(vocab.DEMAND_SEPARATORS[s].join(parts))
    return np.array(rendered, dtype=object)[inv]
