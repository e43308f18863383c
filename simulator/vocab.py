"""Fixed vocabularies: institutions, channels, demands, documents, payees, memo words.

Institution names are fictional but shaped like the real ones (banks and card centres,
consumer-finance companies, online lending apps); their type decides which export a ticket
lands in.
"""

from __future__ import annotations

import numpy as np

# Export each institution type lands in.
BANK, CONSUMER_FINANCE, PLATFORM = 0, 1, 2

# (name, type, weight, loan-account style)
INSTITUTIONS: tuple[tuple[str, int, float, str], ...] = (
    ("华信银行信用卡中心", BANK, 6, "card"), ("东方银行", BANK, 4, "loan"),
    ("中联银行信用卡中心", BANK, 5, "card"), ("长江银行", BANK, 3, "loan"),
    ("江南商业银行", BANK, 3, "loan"), ("北方银行信用卡中心", BANK, 4, "card"),
    ("泰和银行", BANK, 2, "loan"), ("华通银行信用卡中心", BANK, 4, "card"),
    ("南粤银行信用卡中心", BANK, 3, "card"), ("中原商业银行", BANK, 2, "loan"),
    ("海天银行信用卡中心", BANK, 3, "card"), ("新华联合银行", BANK, 2, "loan"),
    ("京城银行", BANK, 2, "loan"), ("沪信银行信用卡中心", BANK, 2, "card"),
    ("安信消费金融有限公司", CONSUMER_FINANCE, 6, "cf"),
    ("融和消费金融有限公司", CONSUMER_FINANCE, 5, "cf"),
    ("中诚消费金融股份有限公司", CONSUMER_FINANCE, 5, "cf"),
    ("易达消费金融有限公司", CONSUMER_FINANCE, 4, "cf"),
    ("鑫汇消费金融股份有限公司", CONSUMER_FINANCE, 4, "cf"),
    ("南山消费金融有限公司", CONSUMER_FINANCE, 3, "cf"),
    ("瑞盈消费金融有限公司", CONSUMER_FINANCE, 3, "cf"),
    ("和润消费金融股份有限公司", CONSUMER_FINANCE, 5, "cf"),
    ("借易花", PLATFORM, 3, "app"), ("快有钱", PLATFORM, 2, "app"),
    ("金条宝", PLATFORM, 3, "app"), ("优享借", PLATFORM, 2, "app"),
    ("随心借", PLATFORM, 2, "app"), ("闪电贷", PLATFORM, 2, "app"),
    ("分期多", PLATFORM, 2, "app"), ("星火借钱", PLATFORM, 2, "app"),
    ("好借分期", PLATFORM, 2, "app"),
)
INST_NAME = np.array([i[0] for i in INSTITUTIONS], dtype=object)
INST_TYPE = np.array([i[1] for i in INSTITUTIONS], dtype=np.int8)
INST_STYLE = np.array([i[3] for i in INSTITUTIONS], dtype=object)


def _type_weights() -> np.ndarray:
    # Scale raw weights so that the export shares come out at 45 / 35 / 20 %.
    raw = np.array([i[2] for i in INSTITUTIONS], dtype=np.float64)
    share = {BANK: 0.45, CONSUMER_FINANCE: 0.35, PLATFORM: 0.20}
    out = raw.copy()
    for t, s in share.items():
        m = INST_TYPE == t
        out[m] = raw[m] / raw[m].sum() * s
    return out


INST_WEIGHT = _type_weights()
# Short codes used in consumer-finance contract numbers.
INST_ABBR = np.array(["HX", "DF", "ZL", "CJ", "JN", "BF", "TH", "HT", "NY", "ZY", "HTB", "XH",
                      "JC", "HXB", "AX", "RH", "ZC", "YD", "XHJ", "NS", "RY", "HR", "JYH",
                      "KYQ", "JTB", "YXJ", "SXJ", "SDD", "FQD", "XHQ", "HJF"], dtype=object)

# Intake channels with weights for genuine tickets; the hotline channels carry a number.
HOTLINES = ("95528客服热线", "95577客服热线", "95595客服热线", "95568客服热线")
CHANNELS = ("12378", "HOTLINE", "APP", "黑猫投诉", "网点", "信访")
GENUINE_CHANNEL_W = (0.15, 0.25, 0.30, 0.15, 0.10, 0.05)
APP, WEB = "APP", "黑猫投诉"

DEMANDS = ("停息挂账", "减免罚息", "协商还款", "延期还款", "停止催收", "征信修复", "精神赔偿",
           "投诉暴力催收", "退还费用", "停止骚扰家人", "个性化分期", "减免利息", "核实债务",
           "删除通讯录信息")
DEMAND_INDEX = {d: i for i, d in enumerate(DEMANDS)}
# Probability of each demand on a genuine ticket (real grievances about collection).
GENUINE_DEMAND_P = {
    "投诉暴力催收": 0.45, "停止催收": 0.30, "停止骚扰家人": 0.25, "协商还款": 0.30,
    "延期还款": 0.12, "个性化分期": 0.10, "核实债务": 0.06, "退还费用": 0.05,
    "删除通讯录信息": 0.05, "减免罚息": 0.10, "减免利息": 0.06, "停息挂账": 0.07,
    "征信修复": 0.03, "精神赔偿": 0.01,
}
# Legitimate law firms ask for modest things.
LAWFIRM_DEMAND_P = {"协商还款": 0.6, "延期还款": 0.35, "个性化分期": 0.35, "投诉暴力催收": 0.3,
                    "核实债务": 0.2, "减免罚息": 0.15}
# Rings add 停息挂账 + 精神赔偿 + 征信修复 to the usual.
RING_DEMAND_P = {"停息挂账": 0.95, "精神赔偿": 0.75, "征信修复": 0.7, "减免罚息": 0.55,
                 "停止催收": 0.35, "退还费用": 0.2, "减免利息": 0.2, "投诉暴力催收": 0.25}
DEMAND_SEPARATORS = ("、", "、", "、", "，", ";", "；", ",")

RELATIVES = ("父母", "母亲", "父亲", "同事", "朋友", "领导", "妻子", "丈夫", "姐姐", "哥哥",
             "弟弟", "妹妹", "前同事", "邻居", "大学同学", "亲戚")
PRODUCTS = ("信用卡", "个人消费贷款", "分期业务", "网络贷款", "现金分期", "备用金", "消费分期")

# ------------------------------------------------------------------------- documents
# Genuine attachments: (type, issuer kind). Issuer kinds are resolved per person region.
GENUINE_DOCS = (
    ("催收短信截图", ""), ("通话记录截图", ""), ("通话录音", ""), ("诊断证明", "hospital"),
    ("住院病历", "hospital"), ("失业证明", "street"), ("低保证明", "civil"),
    ("身份证复印件", ""), ("还款记录", ""), ("收入证明", "employer"),
)
GENUINE_DOC_W = (0.22, 0.2, 0.12, 0.1, 0.05, 0.07, 0.04, 0.1, 0.06, 0.04)
CERT_PREFIX = {"诊断证明": "ZD", "住院病历": "ZY", "失业证明": "SY", "低保证明": "DB",
               "收入证明": "SR", "贫困证明": "PK", "重度抑郁症诊断书": "YY", "癌症病历": "BL"}
FORGED_DOCS = ("贫困证明", "重度抑郁症诊断书", "癌症病历")
HOSPITAL_FORMS = ("{city}第一人民医院", "{city}中心医院", "{city}人民医院", "{city}中医医院",
                  "{district}人民医院", "{city}第二人民医院")
PSYCH_FORMS = ("{city}精神卫生中心", "{city}第七人民医院", "{city}康宁医院")
CANCER_FORMS = ("{city}肿瘤医院", "{city}第一人民医院肿瘤科", "{city}肿瘤防治中心")
STREETS = ("东风", "解放", "建设", "新华", "人民", "城南", "城北", "朝阳", "和平", "胜利",
           "文化", "友谊", "五一", "中山")
VILLAGES = ("石塘", "柳林", "杨家", "大坪", "新村", "枫树", "黄泥", "龙潭", "高桥", "白沙")
EMPLOYERS = ("{city}华润物业服务有限公司", "{city}鑫源商贸有限公司", "{city}宏达建筑工程有限公司",
             "{city}佳美餐饮管理有限公司", "{city}天成物流有限公司")

# ------------------------------------------------------------------ organisation names
BRAND_FIRST = "瑞鼎正惠安广烽恒金信明卓华德诚天众汇启合宏博君和盛九佳融永远泰仁鸿浩聚民法守立衡益乐"
BRAND_SECOND = "和信衡民诚律鸣泰盾达法远润汇平众航通安世州盛正仁运然理"
ORG_PLACES = ("湖南", "长沙", "衡阳", "岳阳", "湘潭", "宁夏", "银川", "深圳", "广州", "上海",
              "北京", "郑州", "武汉", "成都", "杭州", "南京", "西安", "重庆", "济南", "厦门",
              "东莞", "佛山", "合肥", "南宁")
HUNAN_PLACES = ("湖南", "长沙", "衡阳", "岳阳", "湘潭")
CITY_PLACES = ("深圳", "广州", "上海", "北京", "杭州", "成都", "武汉", "厦门", "东莞", "银川")
ORG_BUSINESS = ("法律咨询服务", "法务服务", "企业管理咨询", "债务咨询服务", "信息咨询服务",
                "商务咨询", "金融服务外包")
ORG_SUFFIXES = ("有限公司", "有限责任公司")

# Simplified → traditional for every character the org generator can emit that differs.
S2T = str.maketrans({
    "广": "廣", "华": "華", "诚": "誠", "众": "眾", "汇": "匯", "启": "啟", "远": "遠",
    "鸿": "鴻", "乐": "樂", "鸣": "鳴", "达": "達", "润": "潤", "运": "運", "长": "長",
    "阳": "陽", "宁": "寧", "银": "銀", "郑": "鄭", "汉": "漢", "庆": "慶", "济": "濟",
    "厦": "廈", "门": "門", "东": "東", "询": "詢", "咨": "諮", "务": "務", "业": "業",
    "债": "債", "责": "責", "师": "師", "龙": "龍", "兴": "興", "莞": "莞", "肥": "肥",
    "杭": "杭", "京": "京", "信": "信", "盛": "盛", "息": "息", "包": "包", "融": "融",
})

# ------------------------------------------------------------------------- payees
PAY_PLATFORMS = ("财付通支付科技有限公司", "支付宝（中国）网络技术有限公司", "银联商务股份有限公司",
                 "拉卡拉支付股份有限公司")
SHOP_KINDS = ("超市", "便利店", "餐饮店", "五金店", "服装店", "大药房", "水果店", "通讯店",
              "母婴店", "建材店", "汽修店")
SHOP_BRANDS = ("好邻居", "家家乐", "惠民", "福满多", "鑫鑫", "佳佳", "百顺", "大华", "万家",
               "联华", "平价", "老街", "阳光", "金叶")
MEMO_RING_FEE = ("咨询服务费", "法律咨询费", "债务规划服务费", "委托服务费", "服务费", "协商费",
                 "首期服务费", "尾款", "")
MEMO_TWO_COMPANY = ("债务化解服务费", "法务服务费", "服务费", "债务优化费", "")
MEMO_UTILITY = {"power": ("电费", "电费缴纳", "代缴电费", ""), "water": ("水费", "代缴水费", ""),
                "gas": ("燃气费", "天然气费", "")}
MEMO_PLATFORM = ("消费", "转账", "网购", "充值", "还款", "")
MEMO_SHOP = ("货款", "消费", "餐费", "购物", "")
MEMO_RENT = ("房租", "房租", "押金", "水电房租", "")
MEMO_LAWFIRM = ("律师费", "代理费", "法律服务费", "咨询费")
