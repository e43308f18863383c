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

Free text (complaint texts, transfer memos) is scanned for resident IDs, phone numbers
and long account numbers however they are written (full-width, dotted, spaced, with
invisible characters), the names of the pack's people and of every other person the store
knows, and self-introduced names (``本人…``, ``我叫…``, ``姓名：…``); they are masked or
replaced by their tokens. Every mask and token comes from :mod:`ringgraph.core.redact`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterable, Mapping

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core import redact as pii
from ringgraph.core.redact import PERSONAL_LABELS, person_name
from ringgraph.store.people import people_of
from ringgraph.core.errors import EvidenceError  # noqa: F401 - raised by the evidence layer

PII_MODES = ("full", "masked", "pseudonymised")
KEY_ENV = "RINGGRAPH_PSEUDONYM_KEY"
MIN_KEY_CHARS = 16


def _clean(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


class Redactor:
    """Full mode: values as stored. Subclasses mask or pseudonymise.

    Call :meth:`prepare` once with the pack's nodes before using the other methods.
    """

    mode = "full"

    def __init__(self) -> None:
        self._text = pii.TextRedactor()

    # -- set-up ----------------------------------------------------------------------
    def prepare(self, nodes: pd.DataFrame,
                people: Mapping[str, tuple[str, str]] | None = None) -> None:
        """Learn the people whose names are found in free text: the pack's own (``nodes``)
        and every other person the store knows (``people``, from
        :func:`ringgraph.store.people.known_people`); a pack's own node wins a shared name."""
        names = people_of(nodes)
        for name, node in (people or {}).items():
            names.setdefault(name, node)
        self._text = pii.TextRedactor(names)

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
            return person_name(label, key, name) or key
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


class FullRedactor(Redactor):
    """Personal data as stored (for a pack whose recipient is entitled to it)."""


class MaskedRedactor(Redactor):
    """Personal data masked as investigators see it on screen."""

    mode = "masked"

    def __init__(self) -> None:
        super().__init__()
        self._local: dict[tuple[str, str], str] = {}

    def prepare(self, nodes: pd.DataFrame,
                people: Mapping[str, tuple[str, str]] | None = None) -> None:
        # Pack-local numbers in key order: deterministic for the same data, meaningless
        # outside the pack.
        local: dict[tuple[str, str], str] = {}
        for label in PERSONAL_LABELS:
            ks = sorted(set(nodes.loc[nodes["label"] == label, "key"].astype(str)))
            for i, k in enumerate(ks, start=1):
                local[(label, k)] = f"{label}-{i:04d}"
        self._local = local
        super().prepare(nodes, people)

    def entity_id(self, label: str, key: str) -> str:
        if label in PERSONAL_LABELS:
            try:
                return self._local[(label, key)]
            except KeyError:
                raise KeyError(f"{label} node not in this pack") from None
        return super().entity_id(label, key)

    def show(self, label: str, key: str, name) -> str:
        if label in PERSONAL_LABELS:
            return pii.mask(label, key, name)
        return super().show(label, key, name)

    def id_number(self, person_key: str) -> str:
        return pii.mask_id(person_key)

    def payee(self, account_key: str, name) -> str:
        return pii.mask_payee(_clean(name))

    def loan_account(self, value) -> str:
        v = _clean(value)
        return pii.mask_account(v) if v else v

    def text(self, value) -> str:
        return self._text.mask(value)


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
        """``PREFIX-`` + 16 hex digits of HMAC-SHA256(key, ``label`` U+001F ``key``)
        (:func:`ringgraph.core.redact.pseudonymise`)."""
        return pii.pseudonymise(label, key, self._key)

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
        return name if pii.mask_payee(name) == name else ""

    def loan_account(self, value) -> str:
        v = _clean(value)
        return self.token("Loan", v) if v else v

    def text(self, value) -> str:
        # A number or known name in a text gets the token of its node (phones, IDs and
        # accounts are found already normalised to their node keys).
        return self._text.pseudonymise(value, self._key)

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
