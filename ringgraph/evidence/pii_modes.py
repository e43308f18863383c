"""How personal data appears in an evidence pack: ``full``, ``masked`` or ``pseudonymised``.

A :class:`Redactor` turns every stored value that identifies a person (resident IDs, names,
phone numbers, payee and loan accounts, devices, IPs, agents) into what the chosen mode
allows, and gives every node of the pack an **entity id**, its identity in the CSV tables,
the GraphML and the i2 link table:

``full``
    Values as stored; entity ids are ``Label:key``.
``masked``
    Values masked as on screen (``138****8000``, ``110101********123X``, ``张*``); entity
    ids of personal nodes are pack-local (``Person-0007``), numbered in key order, because
    an unkeyed hash of a phone number is reversed by trying all numbers.
``pseudonymised``
    Every personal value becomes a token ``HMAC-SHA256(key, label + key)`` (``PER-…``,
    ``TEL-…``): the same person or phone gets the same token in every pack made with the
    same key, so packs can be joined by the police without revealing anyone; without the
    key a token cannot be reversed. The key comes from ``RINGGRAPH_PSEUDONYM_KEY``. A
    person's token stands for their resident ID and name (no ID column is filled), and a
    private payee's name is dropped (the account's token identifies it).

Organisations, institutions, documents (file hashes, certificate numbers, issuers) and
complaint ticket numbers are not personal data and appear as stored in every mode.

Free text (complaint texts, transfer memos) is scanned for resident IDs, phone numbers,
long account numbers and the names of the pack's people, which are masked or replaced by
their tokens.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import re
from collections.abc import Iterable

import pandas as pd

from ringgraph.core import keys
from ringgraph.core import model as m
from ringgraph.core import redact as pii
from ringgraph.viz.describe import mask_payee
from ringgraph.core.errors import EvidenceError  # noqa: F401 - raised by the evidence layer

PII_MODES = ("full", "masked", "pseudonymised")
KEY_ENV = "RINGGRAPH_PSEUDONYM_KEY"
MIN_KEY_CHARS = 16

# Labels whose keys and names identify a person (directly or as a quasi-identifier).
PERSONAL_LABELS = (m.PERSON, m.PHONE, m.AGENT, m.ACCOUNT, m.DEVICE, m.IP)
_PREFIX = {m.PERSON: "PER", m.PHONE: "TEL", m.AGENT: "AGT", m.ACCOUNT: "ACC",
           m.DEVICE: "DEV", m.IP: "IP", "Loan": "LOAN"}

# The same patterns the on-screen redaction uses (ringgraph.viz.describe.redact_text).
_ID_IN_TEXT = re.compile(r"(?<![\dA-Za-z])\d{17}[\dXx](?![\dA-Za-z])")
_PHONE_IN_TEXT = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")
_ACCOUNT_IN_TEXT = re.compile(r"(?<!\d)\d{12,19}(?!\d)")


def _clean(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def person_name_of(label: str, key: str, name) -> str:
    """The name of a Person or Agent node: its ``name``, else the name inside its key
    (agents' keys are ``name|phone``, partly masked IDs' ``masked:ID|name``)."""
    n = _clean(name)
    if n:
        return n
    if label == m.AGENT:
        return key.split("|")[0]
    if key.startswith("masked:") and "|" in key:
        return key.split("|", 1)[1]
    return ""


class Redactor:
    """Full mode: values as stored. Subclasses mask or pseudonymise.

    Call :meth:`prepare` once with the pack's nodes before using the other methods.
    """

    mode = "full"

    def __init__(self) -> None:
        self._names: dict[str, str] = {}

    # -- set-up ----------------------------------------------------------------------
    def prepare(self, nodes: pd.DataFrame) -> None:
        """Learn the pack's people: names to find inside free text."""
        names: dict[str, str] = {}
        for label, key, name in zip(nodes["label"], nodes["key"], nodes["name"]):
            if label in (m.PERSON, m.AGENT):
                n = person_name_of(label, key, name)
                if len(n) >= 2:
                    # The first (in key order) wins when two people share a name.
                    names.setdefault(n, self.entity_id(label, key))
            elif label == m.ACCOUNT:
                payee = _clean(name)
                if len(payee) >= 2 and mask_payee(payee) != payee:
                    names.setdefault(payee, self.entity_id(label, key))
        self._names = names

    @property
    def key_id(self) -> str | None:
        """Fingerprint of the pseudonym key (pseudonymised mode), else ``None``."""
        return None

    # -- identities and display values ---------------------------------------------------
    def entity_id(self, label: str, key: str) -> str:
        """Stable identity of one node in this pack's tables and graph files."""
        return f"{label}:{key}"

    def show(self, label: str, key: str, name) -> str:
        """The display value of a node (what a person reads in a table or the report)."""
        name = _clean(name)
        if label in (m.PERSON, m.AGENT):
            return person_name_of(label, key, name) or key
        if label == m.DOCUMENT:
            return f"{name} {key.split(':', 1)[-1][:12]}".strip()
        if label in (m.ORG, m.INSTITUTION):
            return name or key
        return key

    def id_number(self, person_key: str) -> str:
        """A borrower's resident ID (the Person key) as this mode shows it."""
        v = person_key.removeprefix("masked:").split("|")[0]
        return v

    def payee(self, account_key: str, name) -> str:
        """The payee name of an account."""
        return _clean(name)

    def loan_account(self, value) -> str:
        """A loan account number written on a complaint."""
        return _clean(value)

    def text(self, value) -> str:
        """Free text (complaint text, transfer memo) with personal data handled."""
        return _clean(value)

    def token_text(self, value: str) -> str:
        """Replace displays inside an already-masked sentence (pseudonymised mode only)."""
        return value

    # -- helpers for subclasses --------------------------------------------------------
    def _scrub(self, text: str, id_fn, phone_fn, account_fn, name_fn) -> str:
        t = _clean(text)
        if not t:
            return t
        t = _ID_IN_TEXT.sub(lambda mt: id_fn(mt.group(0).upper()), t)
        t = _PHONE_IN_TEXT.sub(lambda mt: phone_fn(re.sub(r"\D", "", mt.group(0))[-11:]), t)
        t = _ACCOUNT_IN_TEXT.sub(lambda mt: account_fn(mt.group(0)), t)
        # Longest names first, so "张建国" is replaced whole before "张建" could match in it.
        for n in sorted(self._names, key=lambda s: (-len(s), s)):
            if n in t:
                t = t.replace(n, name_fn(n))
        return t


class FullRedactor(Redactor):
    """Personal data as stored (for a pack whose recipient is entitled to it)."""


class MaskedRedactor(Redactor):
    """Personal data masked as investigators see it on screen."""

    mode = "masked"

    def __init__(self) -> None:
        super().__init__()
        self._local: dict[tuple[str, str], str] = {}

    def prepare(self, nodes: pd.DataFrame) -> None:
        # Pack-local numbers in key order: deterministic for the same data, meaningless
        # outside the pack.
        local: dict[tuple[str, str], str] = {}
        for label in PERSONAL_LABELS:
            ks = sorted(set(nodes.loc[nodes["label"] == label, "key"].astype(str)))
            for i, k in enumerate(ks, start=1):
                local[(label, k)] = f"{label}-{i:04d}"
        self._local = local
        super().prepare(nodes)

    def entity_id(self, label: str, key: str) -> str:
        if label in PERSONAL_LABELS:
            try:
                return self._local[(label, key)]
            except KeyError:
                raise KeyError(f"{label} node not in this pack") from None
        return super().entity_id(label, key)

    def show(self, label: str, key: str, name) -> str:
        name = _clean(name)
        if label == m.PHONE:
            return pii.mask_phone(key)
        if label in (m.PERSON, m.AGENT):
            n = person_name_of(label, key, name)
            return pii.mask_name(n) if n else pii.mask_id(key)
        if label == m.ACCOUNT:
            return pii.mask_account(key)
        if label == m.IP:
            return pii.mask_ip(key)
        if label == m.DEVICE:
            return pii.mask_device(key)
        return super().show(label, key, name)

    def id_number(self, person_key: str) -> str:
        return pii.mask_id(person_key)

    def payee(self, account_key: str, name) -> str:
        return mask_payee(_clean(name))

    def loan_account(self, value) -> str:
        v = _clean(value)
        return pii.mask_account(v) if v else v

    def text(self, value) -> str:
        return self._scrub(value, pii.mask_id, pii.mask_phone, pii.mask_account,
                           pii.mask_name)


class PseudonymRedactor(Redactor):
    """Personal data replaced by keyed tokens (HMAC-SHA256), stable across packs."""

    mode = "pseudonymised"

    def __init__(self, key: str | bytes) -> None:
        super().__init__()
        self._key = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        self._shown: dict[str, str] = {}

    @property
    def key_id(self) -> str:
        # Lets a recipient tell whether two packs used the same key, without the key.
        return hmac.new(self._key, b"ringgraph-key-id", hashlib.sha256).hexdigest()[:16]

    def token(self, label: str, key: str) -> str:
        """``PREFIX-`` + 16 hex digits of HMAC-SHA256(key, ``label`` U+001F ``key``)."""
        digest = hmac.new(self._key, f"{label}\x1f{key}".encode("utf-8"),
                          hashlib.sha256).hexdigest()
        return f"{_PREFIX.get(label, label.upper())}-{digest[:16]}"

    def entity_id(self, label: str, key: str) -> str:
        if label in PERSONAL_LABELS:
            return self.token(label, key)
        return super().entity_id(label, key)

    def show(self, label: str, key: str, name) -> str:
        if label in PERSONAL_LABELS:
            return self.token(label, key)
        return super().show(label, key, name)

    def id_number(self, person_key: str) -> str:
        # The person's token (their entity id) already stands for the ID.
        return ""

    def payee(self, account_key: str, name) -> str:
        # A company payee keeps its name; a person's is dropped (the account's token is
        # the account's identity).
        name = _clean(name)
        return name if mask_payee(name) == name else ""

    def loan_account(self, value) -> str:
        v = _clean(value)
        return self.token("Loan", v) if v else v

    def _phone(self, digits: str) -> str:
        # The same normalisation as the Phone nodes' keys, so a number in a text gets the
        # token of its node.
        return self.token(m.PHONE, keys.phone_key(digits) or digits)

    def text(self, value) -> str:
        return self._scrub(value, lambda v: self.token(m.PERSON, v), self._phone,
                           lambda v: self.token(m.ACCOUNT, v),
                           lambda n: self._names[n])

    def remember_shown(self, pairs: Iterable[tuple[str, str]]) -> None:
        """Masked displays (e.g. ``138****8000`` inside a stored reason) and their tokens."""
        for masked, token in pairs:
            if masked and masked != token:
                self._shown[masked] = token

    def token_text(self, value: str) -> str:
        t = _clean(value)
        for masked in sorted(self._shown, key=lambda s: (-len(s), s)):
            t = t.replace(masked, self._shown[masked])
        return t


def make_redactor(mode: str = "masked", key: str | bytes | None = None) -> Redactor:
    """The redactor of a PII mode.

    Parameters
    ----------
    mode : {"full", "masked", "pseudonymised"}
    key : str or bytes, optional
        Pseudonym key; default ``$RINGGRAPH_PSEUDONYM_KEY``. Required (at least
        :data:`MIN_KEY_CHARS` characters) for ``pseudonymised``.

    Raises
    ------
    EvidenceError
        Unknown mode, or pseudonymised without a (long enough) key.

    Examples
    --------
    >>> r = make_redactor("pseudonymised", key="k" * 16)
    >>> r.token("Phone", "+8613800138000") == make_redactor("pseudonymised", "k" * 16).token(
    ...     "Phone", "+8613800138000")
    True
    >>> make_redactor("masked").id_number("11010519491231002X")
    '110105********002X'
    """
    if mode == "full":
        return FullRedactor()
    if mode == "masked":
        return MaskedRedactor()
    if mode == "pseudonymised":
        if key is None:
            key = os.environ.get(KEY_ENV, "")
        if not key:
            raise EvidenceError(f"--pii pseudonymised needs a secret key in ${KEY_ENV} "
                                f"(at least {MIN_KEY_CHARS} characters); none is set")
        if len(key) < MIN_KEY_CHARS:
            raise EvidenceError(f"${KEY_ENV} is too short for pseudonymisation: use at "
                                f"least {MIN_KEY_CHARS} characters")
        return PseudonymRedactor(key)
    raise EvidenceError(f"unknown PII mode {mode!r}; expected one of {', '.join(PII_MODES)}")
