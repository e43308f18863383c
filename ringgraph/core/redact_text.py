"""Where personal data sits in free text: phone numbers, resident IDs, account numbers, names.

People who file through an outfit write numbers so that filters miss them: full-width digits
(``１８７３８５１８５２６``), dots or dashes (``187.3851.8526``), zero-width characters between
digits, IDs grouped with spaces (``130102 19970128 982X``). The patterns here accept every
form that Unicode compatibility normalisation (NFKC) maps to a plain number: any Unicode
decimal digit (and the digits that NFKC turns into one: ``²``, ``①``, ``⒈`` …), full-width
``Ｘ`` and ``＋``, and up to three separators (spaces of any width, dots, dashes, commas,
slashes, brackets, zero-width and other invisible characters) between two digits. They
run on the text as written, so each finding's span is in the caller's own offsets and the
rest of the text is left untouched.

Names are found two ways: every name the caller knows (in practice every person the store
knows, see :func:`ringgraph.store.people.known_people`), matched by one Aho-Corasick
automaton (pyahocorasick), so a million names cost one pass over the text; and self-introductions
(``本人贾凤在…``, ``我叫…``, ``姓名：…``, ``投诉人张建，…``), whose name is then found everywhere
else in the same text too.

>>> [(f.kind, f.value) for f in PiiFinder(["贾凤"]).find("本人贾凤，电话１８７.３８５１\\u200b８５２６")]
[('name', '贾凤'), ('phone', '+8618738518526')]
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

import ahocorasick

__all__ = ["Found", "PiiFinder"]

# Characters that render as nothing; writers slip them between digits or name characters.
_INVISIBLE = "\u00ad\u034f\u180e\u200b-\u200f\u2060-\u2064\ufeff"
# Digits that are not decimal digits (``\d``) but that NFKC maps to one (unicodedata.digit).
_OTHER_DIGITS = ("\u00b2\u00b3\u00b9\u1369-\u1371\u19da\u2070\u2074-\u2079\u2080-\u2089"
                 "\u2460-\u2468\u2474-\u247c\u2488-\u2490\u24ea\u24f5-\u24fd\u24ff"
                 "\u2776-\u277e\u2780-\u2788\u278a-\u2792\U00010a40-\U00010a43"
                 "\U00010e60-\U00010e68\U00011052-\U0001105a\U0001f100-\U0001f10a")
_X = "XxＸｘ"
_SEP = rf"[\s{_INVISIBLE}.\-_·•・．。－‐‑‒–—―−/\\,，、~～()（）\[\]【】'’]"
_PLUS = "+＋"
_INVISIBLE_RE = re.compile(f"[{_INVISIBLE}]")
# A run: digits (and X, the ID check character) with short separators between them.
_TOKEN = rf"[\d{_OTHER_DIGITS}{_X}]"
_RUN = re.compile(rf"{_TOKEN}(?:{_SEP}{{0,3}}{_TOKEN})*")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_HIDDEN = re.compile(r"(?=(1[3-9]\d{9}|\d{17}[\dX]))")
_ID = re.compile(r"\d{17}[\dX]")

_HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters that end a name in "本人王芳在…" (prepositions, verbs, particles), so the name
# is not read as "王芳在".
_STOP = "在于因向从是已今现的自通曾被对和与及就也要欠借申去近为来住家名身将把请称无所不"
_NAME_CHAR = rf"[{_HAN}](?<![{_STOP}])"
# Common surnames: after a bare marker (本人, 投诉人) only a surname starts a name, so
# "本人在…" or "投诉人称…" is not taken for one.
_SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾萧田董袁潘蒋蔡余杜叶程"
             "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎"
             "贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷"
             "詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游"
             "辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党"
             "宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖"
             "巩明佘池查麻苑迟邝于")
_BARE = r"(?:本人|我是|借款人|投诉人|委托人|申请人|当事人|联系人)(?:叫|是|系|为)?"
_LABELLED = r"(?:我叫|我的名字[是叫]|姓名|名字|真实姓名)\s*[:：]?\s*"
# Literal markers only, so a text without any is skipped at C speed.
_MARKER = re.compile("本人|我是|借款人|投诉人|委托人|申请人|当事人|联系人|我叫|我的名字|姓名|名字|真实姓名")
_INTRO = re.compile(
    rf"{_BARE}[{_INVISIBLE}\s]*(?P<bare>[{_SURNAMES}](?<![{_STOP}])(?:[{_INVISIBLE}]*{_NAME_CHAR}){{1,2}})"
    rf"|{_LABELLED}(?P<lab>{_NAME_CHAR}(?:[{_INVISIBLE}]*{_NAME_CHAR}){{1,3}})")


class Found(NamedTuple):
    """One piece of personal data in a text.

    Attributes
    ----------
    start, end : int
        Span in the text as given.
    kind : {"phone", "id", "account", "number", "name"}
    value : str
        Normalised value: ``+86`` and 11 digits, an 18-character ID (``X`` upper case), the
        account's digits, the digits of a stretch that hides a phone or ID among other
        digits (``number``), or the name without invisible characters.
    """

    start: int
    end: int
    kind: str
    value: str


class _AsciiDigits(dict):
    """``str.translate`` table: every digit character to its ASCII digit, X forms to ``X``;
    filled on first sight of a character (there are some 800 digit characters)."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        value = "X" if ch in _X else str(unicodedata.digit(ch, ch))
        self[code] = value
        return value


_TO_ASCII = _AsciiDigits()
_SEGMENT = re.compile(rf"{_TOKEN}+")
_NOT_WHITE = re.compile(rf"[^\s{_INVISIBLE}\d{_OTHER_DIGITS}{_X}]")


def _numbers_in(run: re.Match) -> list[Found]:
    """Phones, IDs and account numbers in one run of digits and separators.

    A number must start and end where the run does or at a separator, so ``13812345678``
    glued to more digits is not a phone, while ``138 1234 5678, 2024`` still gives one.
    """
    text, base = run.group(0), run.start()
    plus = base > 0 and run.string[base - 1] in _PLUS
    parts, start_at, end_at, n = [], {}, {}, 0
    for seg in _SEGMENT.finditer(text):
        digits = seg.group(0)
        digits = digits.upper() if digits.isascii() else digits.translate(_TO_ASCII)
        start_at[n] = base + seg.start()
        n += len(digits)
        end_at[n] = base + seg.end()
        parts.append(digits)
    ds, hits, i = "".join(parts), [], 0
    while i < n:
        hit = _number_at(ds, i, end_at)
        if hit is None:
            i = min(b for b in end_at if b > i)  # the next place a number can start
            continue
        hits.append((i, i + hit[1], hit[0], hit[2]))
        i += hit[1]
    if not hits and 12 <= n <= 19 and ds.isdigit() and not _NOT_WHITE.search(text):
        return [Found(base, run.end(), "account", ds)]  # grouped: 6222 0212 3456 7890
    # A phone or ID may still hide across what was found, glued to other digits
    # ("1381234567 8110105…"): the stretch from the boundary before it to the one after is
    # masked whole, merged with any number it overlaps (masking too much is safe).
    covered = bytearray(n)
    for a, b, _, _ in hits:
        covered[a:b] = b"\1" * (b - a)
    for hidden in _HIDDEN.finditer(ds):
        p, q = hidden.start(1), hidden.end(1)
        if 0 in covered[p:q]:  # some of its digits are in no number found
            lo = max(x for x in start_at if x <= p)
            hits.append((lo, min(x for x in end_at if x >= q), "number", ""))
    spans: list[list] = []
    for a, b, kind, value in sorted(hits):
        if spans and a < spans[-1][1]:
            spans[-1][1], spans[-1][2] = max(b, spans[-1][1]), "number"
        else:
            spans.append([a, b, kind, value])
    return [Found(start_at[a] - (1 if a == 0 and plus else 0), end_at[b], kind,
                  value if kind != "number" else ds[a:b]) for a, b, kind, value in spans]


def _number_at(ds: str, i: int, bounds: dict) -> tuple[str, int, str] | None:
    for prefix in ("0086", "86", ""):
        if not ds.startswith(prefix, i):
            continue
        j = i + len(prefix)
        if j + 11 in bounds and _MOBILE.fullmatch(ds, j, j + 11):
            return "phone", len(prefix) + 11, "+86" + ds[j:j + 11]
    # After the phone: "18738518526、187.3851" must read as a phone and more, not an ID;
    # an ID that starts like a phone ends up masked whole as a "number" (see above).
    if i + 18 in bounds and _ID.fullmatch(ds, i, i + 18):
        return "id", 18, ds[i:i + 18]
    # An unseparated account number: 12-19 digits from one boundary to the next.
    nxt = min(b for b in bounds if b > i)
    if 12 <= nxt - i <= 19 and ds[i:nxt].isdigit():
        return "account", nxt - i, ds[i:nxt]
    return None


# Characters that may hide a name from a plain search: invisible ones between its characters,
# CJK compatibility ideographs and Kangxi radicals that NFKC maps to the ordinary ideograph.
_NAME_DISGUISE = re.compile(f"[{_INVISIBLE}\u2e80-\u2fdf\uf900-\ufaff\U0002f800-\U0002fa1f]")


def _name_view(text: str) -> tuple[str, list[int] | None]:
    """The text as names are searched in, and where each of its characters is in ``text``
    (``None``: the same offsets). Only texts with a disguise pay for the per-character walk."""
    if not _NAME_DISGUISE.search(text):
        return text, None
    chars, where = [], []
    for i, ch in enumerate(text):
        if _INVISIBLE_RE.match(ch):
            continue
        nf = unicodedata.normalize("NFKC", ch)
        chars.append(nf if len(nf) == 1 else ch)
        where.append(i)
    return "".join(chars), where


class PiiFinder:
    """Finds phones, resident IDs, account numbers and names in free text.

    Parameters
    ----------
    names : iterable of str
        Names to find (at least 2 characters; shorter ones are ignored, a single character
        would wreck the text). Build one finder per store or pack and reuse it: the names
        are compiled into one automaton once.

    Examples
    --------
    >>> f = PiiFinder(["张建", "张建国"])
    >>> [(x.kind, x.value) for x in f.find("张建国和张建，身份证130102 19970128 982X")]
    [('name', '张建国'), ('name', '张建'), ('id', '13010219970128982X')]
    """

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.names = frozenset(str(n) for n in names if n and len(str(n)) >= 2)
        # Aho-Corasick: one pass over a text whatever the number of names, and an
        # automaton built in well under a second even for a million of them.
        self._automaton = None
        if self.names:
            self._automaton = ahocorasick.Automaton()
            for name in sorted(self.names):
                self._automaton.add_word(name, len(name))
            self._automaton.make_automaton()

    def find(self, text: str) -> list[Found]:
        """Every piece of personal data in ``text``, by position, without overlaps."""
        if not text:
            return []
        found: list[Found] = []
        for run in _RUN.finditer(text):
            if run.end() - run.start() >= 11:  # shorter runs hold no phone, ID or account
                found.extend(_numbers_in(run))
        intro = set()
        marker = _MARKER.search(text)
        for mt in _INTRO.finditer(text, marker.start() if marker else len(text)):
            group = "bare" if mt.group("bare") else "lab"
            name = _strip_invisible(mt.group(group))
            intro.add(name)
            found.append(Found(mt.start(group), mt.end(group), "name", name))
        if self._automaton is not None:
            found.extend(self._known_names(text))
        for name in intro:  # the self-introduced name elsewhere in the same text
            at = text.find(name)
            while at >= 0:
                found.append(Found(at, at + len(name), "name", name))
                at = text.find(name, at + len(name))
        return _without_overlaps(found)

    def _known_names(self, text: str) -> list[Found]:
        view, where = _name_view(text)
        out = []
        # iter_long: the longest name at each place, left to right, without overlaps
        # ("张建国" whole, not "张建" inside it).
        for end, length in self._automaton.iter_long(view):
            start, name = end - length + 1, view[end - length + 1:end + 1]
            if where is None:
                out.append(Found(start, end + 1, "name", name))
            else:
                out.append(Found(where[start], where[end] + 1, "name", name))
        return out

    def replace(self, text: str, replacement) -> str:
        """``text`` with each finding replaced by ``replacement(found)``."""
        text = "" if text is None else str(text)
        parts, last = [], 0
        for f in self.find(text):
            parts.append(text[last:f.start])
            parts.append(replacement(f))
            last = f.end
        parts.append(text[last:])
        return "".join(parts)


def _strip_invisible(text: str) -> str:
    return _INVISIBLE_RE.sub("", text)


def _without_overlaps(found: list[Found]) -> list[Found]:
    # Earliest first, longest first at the same start; a finding inside an earlier one
    # is dropped, one that overlaps it partly is merged into it (the merged span is
    # replaced whole: masking too much is safe, too little is not).
    out: list[Found] = []
    for f in sorted(found, key=lambda x: (x.start, -x.end, x.kind)):
        if out and f.start < out[-1].end:
            if f.end <= out[-1].end:
                continue
            prev = out.pop()
            f = Found(prev.start, f.end, prev.kind, prev.value)
        out.append(f)
    return out
