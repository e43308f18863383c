"""Redaction of personal data, the one home for it: reasons, views, tables and packs use it.

Two ways to hide a value, each defined once per node label:

- :func:`mask` — as investigators see it on screen (``138****8000``,
  ``110101********123X``, ``张*``);
- :func:`pseudonymise` — a keyed token ``HMAC-SHA256(key, label + key)`` (``PER-…``,
  ``TEL-…``): the same person or phone gets the same token wherever the same key is used,
  and without the key it cannot be reversed.

Free text (complaint texts, memos) goes through :class:`TextRedactor`, which finds phones,
resident IDs, account numbers and names however they are written (see
:mod:`ringgraph.core.redact_text`) and masks or pseudonymises them in place.

Person names: a Person or Agent shows as its masked name (``张**``), from its ``name`` or
the name inside its key (agents' keys are ``name|phone``, partly masked IDs'
``masked:ID|name``); a Person with no name at all shows as its masked resident ID.

>>> mask_phone("+8613812345678"), mask_name("张三丰"), mask_id("11010519491231002X")
('138****5678', '张**', '110105********002X')
>>> mask_account("6222021234567890"), mask_ip("61.135.7.22")
('6222****7890', '61.135.7.*')
>>> mask("Person", "11010519491231002X", "张三丰"), mask("Person", "11010519491231002X")
('张**', '110105********002X')
>>> TextRedactor(["贾凤"]).mask("本人贾凤，电话１８７.３８５１\\u200b８５２６")
'本人贾*，电话187****8526'
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Callable, Iterable, Mapping

from ringgraph.core import model as m
from ringgraph.core.redact_text import Found, PiiFinder

__all__ = ["PERSONAL_LABELS", "TOKEN_PREFIX", "Found", "PiiFinder", "TextRedactor",
           "is_org_name", "mask", "mask_account", "mask_device", "mask_id", "mask_ip",
           "mask_name", "mask_payee", "mask_phone", "person_name", "pseudonymise"]

# Labels whose keys and names identify a person (directly or as a quasi-identifier).
PERSONAL_LABELS = (m.PERSON, m.PHONE, m.AGENT, m.ACCOUNT, m.DEVICE, m.IP)
TOKEN_PREFIX = {m.PERSON: "PER", m.PHONE: "TEL", m.AGENT: "AGT", m.ACCOUNT: "ACC",
                m.DEVICE: "DEV", m.IP: "IP", "Loan": "LOAN", "Number": "NUM"}
_ORGLIKE = re.compile(r"公司|中心|银行|事务所|工作室|商行|店|局|院|所|厂|集团|协会|平台")


def mask_phone(value: str) -> str:
    digits = str(value).removeprefix("+86")
    if digits.startswith("svc:"):
        return digits[4:]
    if len(digits) >= 11:
        return f"{digits[:3]}****{digits[-4:]}"
    return digits[:2] + "*" * max(0, len(digits) - 2)


def mask_name(value: str) -> str:
    v = str(value)
    return v[:1] + "*" * (len(v) - 1) if v else v


def mask_id(value: str) -> str:
    v = str(value).removeprefix("masked:").split("|")[0]
    return f"{v[:6]}********{v[-4:]}" if len(v) == 18 else v


def mask_account(value: str) -> str:
    v = str(value)
    return f"{v[:4]}****{v[-4:]}" if len(v) > 8 else v[:2] + "*" * max(0, len(v) - 2)


def mask_ip(value: str) -> str:
    parts = str(value).split(".")
    return ".".join(parts[:3] + ["*"]) if len(parts) == 4 else str(value)


def mask_device(value: str) -> str:
    v = str(value)
    return v[:8] + "…" if len(v) > 8 else v


def is_org_name(name: str) -> bool:
    """Whether a payee name is an organisation's (not personal data)."""
    return bool(_ORGLIKE.search(str(name or "")))


def mask_payee(name: str) -> str:
    """A payee's name masked unless it is an organisation (a company name is not personal).

    >>> mask_payee("国网浙江省电力有限公司"), mask_payee("王小明")
    ('国网浙江省电力有限公司', '王**')
    """
    name = str(name or "")
    return name if is_org_name(name) else mask_name(name)


def _clean(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def person_name(label: str, key: str, name=None) -> str:
    """The name of a Person or Agent node: its ``name``, else the name inside its key
    (agents' keys are ``name|phone``, partly masked IDs' ``masked:ID|name``), else ``""``."""
    n = _clean(name)
    if n:
        return n
    key = _clean(key)
    if label == m.AGENT:
        return key.split("|")[0]
    if key.startswith("masked:") and "|" in key:
        return key.split("|", 1)[1]
    return ""


def mask(label: str, value, name=None) -> str:
    """The masked display of a node's value.

    Parameters
    ----------
    label : str
        Node label (:mod:`ringgraph.core.model`).
    value : str
        The node's key (phone ``+86…``, resident ID, account number, ``name|phone`` …).
    name : str, optional
        The node's name, for people (and organisations, shown by name).

    Returns
    -------
    str
        Personal labels masked; organisations and institutions by name; anything else as
        given (not personal data).
    """
    value = _clean(value)
    if label == m.PHONE:
        return mask_phone(value)
    if label in (m.PERSON, m.AGENT):
        n = person_name(label, value, name)
        return mask_name(n) if n else mask_id(value)
    if label == m.ACCOUNT:
        return mask_account(value)
    if label == m.IP:
        return mask_ip(value)
    if label == m.DEVICE:
        return mask_device(value)
    if label in (m.ORG, m.INSTITUTION):
        return _clean(name) or value
    return value


def pseudonymise(label: str, value, key: str | bytes) -> str:
    """``PREFIX-`` + 16 hex digits of HMAC-SHA256(key, ``label`` U+001F ``value``).

    >>> pseudonymise("Phone", "+8613800138000", "k" * 16)[:4]
    'TEL-'
    """
    k = key.encode("utf-8") if isinstance(key, str) else bytes(key)
    digest = hmac.new(k, f"{label}\x1f{_clean(value)}".encode("utf-8"),
                      hashlib.sha256).hexdigest()
    return f"{TOKEN_PREFIX.get(label, label.upper())}-{digest[:16]}"


_KIND_LABEL = {"phone": m.PHONE, "id": m.PERSON, "account": m.ACCOUNT, "number": "Number",
               "name": m.PERSON}


class TextRedactor:
    """Masks or pseudonymises the personal data in free text.

    Parameters
    ----------
    people : mapping of name to (label, key), or iterable of names
        Names to find in texts. With a mapping, a pseudonymised name becomes the token of
        the node that carries it (so a name in a text and the node share one token).
        Build it once per store (:func:`ringgraph.store.people.known_people`) and reuse it.
    """

    def __init__(self, people: Mapping[str, tuple[str, str]] | Iterable[str] = ()) -> None:
        self.people: dict[str, tuple[str, str]] = (
            dict(people) if isinstance(people, Mapping) else {str(n): ("", "") for n in people})
        self.finder = PiiFinder(self.people)

    def find(self, text: str) -> list[Found]:
        """The personal data in ``text`` (see :meth:`PiiFinder.find`)."""
        return self.finder.find(_clean(text))

    def replace(self, text, replacement: Callable[[Found], str]) -> str:
        """``text`` with each finding replaced by ``replacement(found)``."""
        return self.finder.replace(_clean(text), replacement)

    def mask(self, text) -> str:
        """``text`` with phones, IDs, accounts and names masked as on screen."""
        return self.replace(text, mask_found)

    def pseudonymise(self, text, key: str | bytes) -> str:
        """``text`` with phones, IDs, accounts and names replaced by keyed tokens."""
        return self.replace(text, lambda f: self.token_of(f, key))

    def token_of(self, found: Found, key: str | bytes) -> str:
        """The token of one finding: that of its node when the finding is a known name
        (or a phone, ID or account, whose normalised value is its node's key)."""
        if found.kind == "name":
            label, node_key = self.people.get(found.value, ("", ""))
            if label:
                return pseudonymise(label, node_key, key)
            # A name no node carries (a self-introduction): a token of the name itself.
            return pseudonymise(m.PERSON, "name:" + found.value, key)
        return pseudonymise(_KIND_LABEL[found.kind], found.value, key)


def mask_found(found: Found) -> str:
    """The masked form of one finding in a text."""
    if found.kind == "phone":
        return mask_phone(found.value)
    if found.kind == "id":
        return mask_id(found.value)
    if found.kind in ("account", "number"):
        return mask_account(found.value)
    return mask_name(found.value)
