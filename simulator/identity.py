"""Personal identifiers: provinces and region codes, resident IDs, names, mobile numbers.

Everything here is vectorised over numpy arrays because the genuine population reaches a
million people. Region codes are real county-level codes (GB/T 2260) so that an ID's first
two digits name the province written on the same row.
"""

from __future__ import annotations

import numpy as np

from ringgraph.core.keys import id_check_chars, id_check_digit

from simulator.streams import weighted_choice

# (full name, short name, population weight, [(region code, district, city), ...])
PROVINCES: tuple[tuple[str, str, float, tuple[tuple[int, str, str], ...]], ...] = (
    ("北京市", "北京", 2.2, ((110101, "东城区", "北京市"), (110102, "西城区", "北京市"),
                           (110105, "朝阳区", "北京市"), (110108, "海淀区", "北京市"))),
    ("天津市", "天津", 1.4, ((120101, "和平区", "天津市"), (120102, "河东区", "天津市"),
                           (120104, "南开区", "天津市"))),
    ("河北省", "河北", 5.3, ((130102, "长安区", "石家庄市"), (130104, "桥西区", "石家庄市"),
                           (130203, "路北区", "唐山市"), (130602, "竞秀区", "保定市"))),
    ("山西省", "山西", 2.5, ((140105, "小店区", "太原市"), (140106, "迎泽区", "太原市"),
                           (140107, "杏花岭区", "太原市"))),
    ("内蒙古自治区", "内蒙古", 1.7, ((150102, "新城区", "呼和浩特市"),
                                  (150105, "赛罕区", "呼和浩特市"), (150202, "东河区", "包头市"))),
    ("辽宁省", "辽宁", 3.0, ((210102, "和平区", "沈阳市"), (210103, "沈河区", "沈阳市"),
                           (210202, "中山区", "大连市"), (210203, "西岗区", "大连市"))),
    ("吉林省", "吉林", 1.7, ((220102, "南关区", "长春市"), (220104, "朝阳区", "长春市"),
                           (220202, "昌邑区", "吉林市"))),
    ("黑龙江省", "黑龙江", 2.3, ((230102, "道里区", "哈尔滨市"), (230103, "南岗区", "哈尔滨市"),
                              (230202, "龙沙区", "齐齐哈尔市"))),
    ("上海市", "上海", 3.1, ((310101, "黄浦区", "上海市"), (310104, "徐汇区", "上海市"),
                           (310105, "长宁区", "上海市"), (310115, "浦东新区", "上海市"))),
    ("江苏省", "江苏", 6.0, ((320102, "玄武区", "南京市"), (320104, "秦淮区", "南京市"),
                           (320505, "虎丘区", "苏州市"), (320506, "吴中区", "苏州市"))),
    ("浙江省", "浙江", 4.6, ((330102, "上城区", "杭州市"), (330106, "西湖区", "杭州市"),
                           (330203, "海曙区", "宁波市"), (330302, "鹿城区", "温州市"))),
    ("安徽省", "安徽", 4.3, ((340102, "瑶海区", "合肥市"), (340103, "庐阳区", "合肥市"),
                           (340104, "蜀山区", "合肥市"), (340202, "镜湖区", "芜湖市"))),
    ("福建省", "福建", 3.0, ((350102, "鼓楼区", "福州市"), (350103, "台江区", "福州市"),
                           (350203, "思明区", "厦门市"), (350206, "湖里区", "厦门市"))),
    ("江西省", "江西", 3.2, ((360102, "东湖区", "南昌市"), (360103, "西湖区", "南昌市"),
                           (360104, "青云谱区", "南昌市"))),
    ("山东省", "山东", 7.2, ((370102, "历下区", "济南市"), (370103, "市中区", "济南市"),
                           (370202, "市南区", "青岛市"), (370203, "市北区", "青岛市"),
                           (370602, "芝罘区", "烟台市"))),
    ("河南省", "河南", 7.0, ((410102, "中原区", "郑州市"), (410103, "二七区", "郑州市"),
                           (410105, "金水区", "郑州市"), (410302, "老城区", "洛阳市"))),
    ("湖北省", "湖北", 4.1, ((420102, "江岸区", "武汉市"), (420103, "江汉区", "武汉市"),
                           (420106, "武昌区", "武汉市"), (420111, "洪山区", "武汉市"))),
    ("湖南省", "湖南", 4.7, ((430102, "芙蓉区", "长沙市"), (430103, "天心区", "长沙市"),
                           (430104, "岳麓区", "长沙市"), (430421, "衡阳县", "衡阳市"),
                           (430422, "衡南县", "衡阳市"), (430624, "湘阴县", "岳阳市"))),
    ("广东省", "广东", 9.0, ((440103, "荔湾区", "广州市"), (440104, "越秀区", "广州市"),
                           (440106, "天河区", "广州市"), (440303, "罗湖区", "深圳市"),
                           (440304, "福田区", "深圳市"), (440305, "南山区", "深圳市"))),
    ("广西壮族自治区", "广西", 3.5, ((450102, "兴宁区", "南宁市"), (450103, "青秀区", "南宁市"),
                                  (450203, "鱼峰区", "柳州市"), (450305, "七星区", "桂林市"))),
    ("海南省", "海南", 0.7, ((460105, "秀英区", "海口市"), (460106, "龙华区", "海口市"),
                           (460107, "琼山区", "海口市"))),
    ("重庆市", "重庆", 2.3, ((500101, "万州区", "重庆市"), (500103, "渝中区", "重庆市"),
                           (500106, "沙坪坝区", "重庆市"), (500112, "渝北区", "重庆市"))),
    ("四川省", "四川", 6.0, ((510104, "锦江区", "成都市"), (510105, "青羊区", "成都市"),
                           (510107, "武侯区", "成都市"), (510722, "三台县", "绵阳市"))),
    ("贵州省", "贵州", 2.6, ((520102, "南明区", "贵阳市"), (520103, "云岩区", "贵阳市"),
                           (520302, "红花岗区", "遵义市"))),
    ("云南省", "云南", 3.3, ((530102, "五华区", "昆明市"), (530103, "盘龙区", "昆明市"),
                           (530111, "官渡区", "昆明市"))),
    ("陕西省", "陕西", 2.8, ((610102, "新城区", "西安市"), (610103, "碑林区", "西安市"),
                           (610104, "莲湖区", "西安市"), (610113, "雁塔区", "西安市"))),
    ("甘肃省", "甘肃", 1.7, ((620102, "城关区", "兰州市"), (620103, "七里河区", "兰州市"),
                           (620104, "西固区", "兰州市"))),
    ("宁夏回族自治区", "宁夏", 0.5, ((640104, "兴庆区", "银川市"), (640105, "西夏区", "银川市"),
                                  (640106, "金凤区", "银川市"), (640302, "利通区", "吴忠市"))),
    ("新疆维吾尔自治区", "新疆", 1.8, ((650102, "天山区", "乌鲁木齐市"),
                                    (650103, "沙依巴克区", "乌鲁木齐市"),
                                    (650104, "新市区", "乌鲁木齐市"))),
)

PROV_FULL = np.array([p[0] for p in PROVINCES], dtype=object)
PROV_SHORT = np.array([p[1] for p in PROVINCES], dtype=object)
PROV_WEIGHT = np.array([p[2] for p in PROVINCES], dtype=np.float64)
PROV_INDEX = {p[0]: i for i, p in enumerate(PROVINCES)}
HUNAN = PROV_INDEX["湖南省"]
NINGXIA = PROV_INDEX["宁夏回族自治区"]
GUANGDONG = PROV_INDEX["广东省"]

REGION_CODE = np.array([r[0] for p in PROVINCES for r in p[3]], dtype=np.int64)
REGION_DISTRICT = np.array([r[1] for p in PROVINCES for r in p[3]], dtype=object)
REGION_CITY = np.array([r[2] for p in PROVINCES for r in p[3]], dtype=object)
REGION_PROV = np.array([i for i, p in enumerate(PROVINCES) for _ in p[3]], dtype=np.int64)
# First region of each province in the flat table, and how many it has.
_PROV_START = np.array([sum(len(q[3]) for q in PROVINCES[:i]) for i in range(len(PROVINCES))])
_PROV_COUNT = np.array([len(p[3]) for p in PROVINCES])
REGION_INDEX = {int(c): i for i, c in enumerate(REGION_CODE)}


def draw_provinces(rng: np.random.Generator, n: int) -> np.ndarray:
    """Province indices weighted by population."""
    return weighted_choice(rng, n, PROV_WEIGHT)


def draw_regions(rng: np.random.Generator, prov: np.ndarray) -> np.ndarray:
    """One region-table index per person, uniform among the province's regions."""
    prov = np.asarray(prov, dtype=np.int64)
    offs = (rng.random(len(prov)) * _PROV_COUNT[prov]).astype(np.int64)
    return _PROV_START[prov] + offs


def regions_of(prov: int) -> np.ndarray:
    """Region-table indices belonging to one province."""
    return np.arange(_PROV_START[prov], _PROV_START[prov] + _PROV_COUNT[prov])


def province_labels(rng: np.random.Generator, prov: np.ndarray, short_rate: float = 0.2):
    """Province column values: mostly the full name, sometimes the short one."""
    prov = np.asarray(prov, dtype=np.int64)
    short = rng.random(len(prov)) < short_rate
    return np.where(short, PROV_SHORT[prov], PROV_FULL[prov])


# ------------------------------------------------------------------------ resident IDs
_POW10 = 10 ** np.arange(16, -1, -1, dtype=np.int64)

BIRTH_FIRST = np.datetime64("1965-01-01", "D")
BIRTH_LAST = np.datetime64("2003-12-31", "D")


def check_chars(first17: np.ndarray) -> np.ndarray:
    """GB 11643 check characters for 17-digit integers (vectorised)."""
    digits = (np.asarray(first17, dtype=np.int64)[:, None] // _POW10) % 10
    return id_check_chars(digits)


def check_char(first17: str) -> str:
    """GB 11643 check character of one 17-digit string."""
    return id_check_digit(first17)


def yyyymmdd(days: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 → ``YYYYMMDD`` integers."""
    d = np.asarray(days).astype("datetime64[D]")
    y = d.astype("datetime64[Y]")
    m = d.astype("datetime64[M]")
    year = y.astype(np.int64) + 1970
    month = (m - y.astype("datetime64[M]")).astype(np.int64) + 1
    day = (d - m.astype("datetime64[D]")).astype(np.int64) + 1
    return year * 10000 + month * 100 + day


def id_first17(region_code: np.ndarray, birth_days: np.ndarray, seq: np.ndarray) -> np.ndarray:
    """The first 17 digits of resident IDs as int64 (region, birth date, sequence+sex)."""
    return (np.asarray(region_code, np.int64) * 10**11
            + yyyymmdd(birth_days) * 10**3 + np.asarray(seq, np.int64))


def format_ids(first17: np.ndarray) -> list[str]:
    """Full 18-character resident IDs from their first 17 digits."""
    checks = check_chars(first17)
    return [f"{a:017d}{c}" for a, c in zip(first17.tolist(), checks.tolist())]


def draw_births(rng: np.random.Generator, n: int) -> np.ndarray:
    """Birth dates (days since epoch), uniform 1965–2003."""
    lo = BIRTH_FIRST.astype(np.int64)
    hi = BIRTH_LAST.astype(np.int64)
    return rng.integers(lo, hi + 1, n)


def draw_seq(rng: np.random.Generator, sex: np.ndarray) -> np.ndarray:
    """Order codes 0–999 whose parity is the sex digit (odd = male)."""
    base = rng.integers(0, 500, len(sex)) * 2
    return base + np.asarray(sex, dtype=np.int64)


def mask_id(id18: str, style: int) -> str:
    """Masked resident ID as institutions print them (``430421********123X``)."""
    if style == 0:
        return id18[:6] + "*" * 8 + id18[14:]
    return id18[:4] + "*" * 10 + id18[14:]


# ----------------------------------------------------------------------------- names
SURNAMES: tuple[tuple[str, float], ...] = (
    ("王", 7.1), ("李", 7.0), ("张", 6.8), ("刘", 5.4), ("陈", 4.5), ("杨", 3.1), ("黄", 2.2),
    ("赵", 2.0), ("吴", 1.9), ("周", 1.9), ("徐", 1.5), ("孙", 1.4), ("马", 1.3), ("朱", 1.2),
    ("胡", 1.1), ("郭", 1.1), ("何", 1.0), ("林", 1.0), ("高", 1.0), ("罗", 0.9), ("郑", 0.9),
    ("梁", 0.8), ("谢", 0.7), ("宋", 0.7), ("唐", 0.7), ("许", 0.6), ("邓", 0.6), ("韩", 0.6),
    ("冯", 0.6), ("曹", 0.6), ("彭", 0.5), ("曾", 0.5), ("肖", 0.5), ("田", 0.5), ("董", 0.5),
    ("潘", 0.5), ("袁", 0.5), ("蔡", 0.4), ("蒋", 0.4), ("余", 0.4), ("于", 0.4), ("杜", 0.4),
    ("叶", 0.4), ("程", 0.4), ("魏", 0.4), ("苏", 0.4), ("吕", 0.4), ("丁", 0.4), ("任", 0.3),
    ("卢", 0.3), ("姚", 0.3), ("沈", 0.3), ("钟", 0.3), ("姜", 0.3), ("崔", 0.3), ("谭", 0.3),
    ("陆", 0.3), ("范", 0.3), ("汪", 0.3), ("廖", 0.3), ("石", 0.3), ("金", 0.3), ("贾", 0.2),
    ("夏", 0.2), ("韦", 0.2), ("付", 0.2), ("方", 0.2), ("邹", 0.2), ("熊", 0.2), ("白", 0.2),
    ("孟", 0.2), ("秦", 0.2), ("邱", 0.2), ("侯", 0.2), ("江", 0.2), ("尹", 0.2), ("薛", 0.2),
    ("闫", 0.2), ("段", 0.2), ("雷", 0.2), ("龙", 0.2), ("黎", 0.2), ("史", 0.2), ("陶", 0.2),
    ("贺", 0.2), ("毛", 0.2), ("郝", 0.2), ("顾", 0.2), ("龚", 0.2), ("邵", 0.2), ("万", 0.1),
    ("覃", 0.1), ("武", 0.1), ("钱", 0.1), ("戴", 0.1), ("严", 0.1), ("莫", 0.1), ("孔", 0.1),
    ("向", 0.1), ("常", 0.1), ("欧阳", 0.04), ("司马", 0.01), ("诸葛", 0.01), ("上官", 0.01),
)
SURNAME_CHARS = np.array([s for s, _ in SURNAMES], dtype=object)
SURNAME_WEIGHTS = np.array([w for _, w in SURNAMES])

GIVEN_CHARS = np.array(list(
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬鑫宇浩凯"
    "健俊帆帅旭宁龙林欣佳怡梓涵子轩博文晨阳雨萱诗琪思远志强建国建华海波立新春梅秋菊"
    "晓东晓燕振华德胜永红金凤丹丹婷婷慧敏嘉豪家乐天宇昊然宏伟国庆卫东小军亚男玉兰淑珍"
), dtype=object)


def draw_names(rng: np.random.Generator, n: int, surnames: np.ndarray | None = None):
    """Chinese names: weighted surname plus one or two given-name characters.

    Returns
    -------
    tuple of numpy.ndarray
        ``(surname, full_name)`` object arrays.
    """
    if surnames is None:
        surnames = SURNAME_CHARS[weighted_choice(rng, n, SURNAME_WEIGHTS)]
    g1 = GIVEN_CHARS[rng.integers(0, len(GIVEN_CHARS), n)]
    g2 = GIVEN_CHARS[rng.integers(0, len(GIVEN_CHARS), n)]
    two = rng.random(n) < 0.72
    names = [s + a + (b if t else "") for s, a, b, t in
             zip(surnames.tolist(), g1.tolist(), g2.tolist(), two.tolist())]
    return np.asarray(surnames, dtype=object), np.array(names, dtype=object)


# ----------------------------------------------------------------------------- phones
# Mainland mobile segments (3-digit prefixes) with rough market weights. 165/170/171 are
# virtual-operator blocks where handed-over "fresh" SIM cards come from.
MOBILE_PREFIXES: tuple[tuple[int, float], ...] = (
    (134, 2), (135, 4), (136, 4), (137, 4), (138, 5), (139, 5), (147, 0.5), (150, 3),
    (151, 3), (152, 3), (157, 1), (158, 3), (159, 3), (172, 0.5), (178, 1), (182, 2),
    (183, 2), (184, 0.5), (187, 3), (188, 3), (195, 0.5), (198, 1),
    (130, 2), (131, 2), (132, 2), (145, 0.5), (155, 2), (156, 2), (166, 1), (175, 1),
    (176, 1.5), (185, 2), (186, 3), (196, 0.3),
    (133, 2), (149, 0.3), (153, 2), (173, 1), (177, 1.5), (180, 2), (181, 2), (189, 3),
    (190, 0.3), (191, 0.5), (193, 0.5), (199, 1.5),
    (165, 0.2), (170, 0.3), (171, 0.3),
)
_PREFIX = np.array([p for p, _ in MOBILE_PREFIXES], dtype=np.int64)
_PREFIX_W = np.array([w for _, w in MOBILE_PREFIXES])
VALID_PREFIXES = frozenset(int(p) for p in _PREFIX)
VIRTUAL_PREFIXES = (165, 170, 171)


def draw_mobiles(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random 11-digit mainland mobile numbers as int64 (uniqueness is fixed later)."""
    pre = _PREFIX[weighted_choice(rng, n, _PREFIX_W)]
    return pre * 10**8 + rng.integers(0, 10**8, n)


def is_valid_mobile(digits: str) -> bool:
    """True for an 11-digit number in a known mainland mobile segment."""
    return len(digits) == 11 and digits.isdigit() and int(digits[:3]) in VALID_PREFIXES


# How a number is typed into a ticket; weights sum to 1.
PHONE_FORMATS: tuple[tuple[str, float], ...] = (
    ("plain", 0.52), ("intl_spaced", 0.08), ("dashed", 0.1), ("intl", 0.1),
    ("0086_dashed", 0.05), ("lead_space", 0.07), ("spaced", 0.08),
)
_PHONE_FMT_W = np.array([w for _, w in PHONE_FORMATS])


def _fmt_phone(p: str, k: int) -> str:
    if k == 0:
        return p
    if k == 1:
        return f"+86 {p[:3]} {p[3:7]} {p[7:]}"
    if k == 2:
        return f"{p[:3]}-{p[3:7]}-{p[7:]}"
    if k == 3:
        return "+86" + p
    if k == 4:
        return f"0086-{p[:3]}-{p[3:7]}-{p[7:]}"
    if k == 5:
        return f" {p[:3]} {p[3:7]} {p[7:]}"
    return f"{p[:3]} {p[3:7]} {p[7:]}"


def render_phones(rng: np.random.Generator, digits: np.ndarray, mask_rate: float) -> list[str]:
    """Mixed-format phone cells; a share masked as ``138****5678``; empty stays empty.

    Only 11-digit mobiles are reformatted: service numbers such as ``95588`` are written
    as they are.
    """
    n = len(digits)
    fmt = weighted_choice(rng, n, _PHONE_FMT_W)
    mask = rng.random(n) < mask_rate
    out = []
    for p, k, m in zip(digits.tolist(), fmt.tolist(), mask.tolist()):
        if len(p) != 11:
            out.append(p)
        elif m:
            out.append(p[:3] + "****" + p[7:])
        else:
            out.append(_fmt_phone(p, k))
    return out


# -------------------------------------------------------------------- IPs and devices
# First octets of blocks allocated to Chinese carriers, so addresses look plausible.
_IP_FIRST = np.array([36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115,
                      116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 171, 175, 180, 182,
                      183, 202, 210, 211, 218, 219, 220, 221, 222, 223], dtype=np.int64)


def draw_ips(rng: np.random.Generator, n: int) -> np.ndarray:
    """Random public IPv4 addresses in Chinese carrier blocks (object array of str)."""
    a = _IP_FIRST[rng.integers(0, len(_IP_FIRST), n)].tolist()
    b = rng.integers(0, 256, n).tolist()
    c = rng.integers(0, 256, n).tolist()
    d = rng.integers(1, 255, n).tolist()
    return np.array([f"{w}.{x}.{y}.{z}" for w, x, y, z in zip(a, b, c, d)], dtype=object)


def draw_devices(rng: np.random.Generator, n: int) -> np.ndarray:
    """Device fingerprints: bare 32-hex, ``android-`` + 16 hex, or ``ios-`` + UUID."""
    from simulator.streams import hex_strings

    h = hex_strings(rng, n, 32)
    kind = rng.random(n)
    out = []
    for x, k in zip(h, kind.tolist()):
        if k < 0.4:
            out.append(x)
        elif k < 0.75:
            out.append("android-" + x[:16])
        else:
            u = x.upper()
            out.append(f"ios-{u[:8]}-{u[8:12]}-{u[12:16]}-{u[16:20]}-{u[20:]}")
    return np.array(out, dtype=object)
