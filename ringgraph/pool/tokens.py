"""The consortium key, its fingerprint and the keyed tokens of a share pack.

Every token is :func:`ringgraph.core.redact.pseudonymise` of a store key (the normalised
value ETL derived, so ``138 1234 5678`` and ``+86 138-1234-5678`` give one token at every
lender). The key comes only from ``RINGGRAPH_POOL_KEY``; what travels with a pack is its
fingerprint, an HMAC of a fixed text, which names the key without revealing it (a plain
hash of the key would let anyone test guessed keys offline just as well, but an HMAC keeps
the fingerprint from being a hash of the secret itself).
"""

from __future__ import annotations

import hashlib
import hmac
import os

import numpy as np

from ringgraph.core import model as m
from ringgraph.core.errors import InputError
from ringgraph.core.redact import pseudonymise

POOL_KEY_ENV = "RINGGRAPH_POOL_KEY"
MIN_POOL_KEY_CHARS = 32
_FINGERPRINT_TEXT = b"ringgraph pool key fingerprint v1"
_MINHASH_TEXT = b"ringgraph pool minhash seed v1"
# Personal identifiers always travel as tokens; organisations and documents by option.
TOKENISED = (m.PERSON, m.PHONE, m.DEVICE, m.IP, m.ACCOUNT, m.AGENT)
OPTIONAL = (m.ORG, m.DOCUMENT)


def pool_key(env: dict | None = None) -> str:
    """The consortium key from ``RINGGRAPH_POOL_KEY``.

    Raises
    ------
    InputError
        One line when it is missing or shorter than 32 characters (the key is never shown).
    """
    key = (os.environ if env is None else env).get(POOL_KEY_ENV, "")
    if not key:
        raise InputError(f"${POOL_KEY_ENV} is not set: pooling needs the consortium key "
                         f"(at least {MIN_POOL_KEY_CHARS} characters)")
    if len(key) < MIN_POOL_KEY_CHARS:
        raise InputError(f"${POOL_KEY_ENV} is too short ({len(key)} characters): use at "
                         f"least {MIN_POOL_KEY_CHARS}")
    return key


def key_fingerprint(key: str) -> str:
    """HMAC-SHA256(key, fixed text), 16 hex digits: which key made a pack, not the key.

    >>> key_fingerprint("k" * 32) == key_fingerprint("k" * 32) != key_fingerprint("j" * 32)
    True
    """
    return hmac.new(key.encode("utf-8"), _FINGERPRINT_TEXT, hashlib.sha256).hexdigest()[:16]


def minhash_seed(key: str) -> int:
    """The MinHash seed of shared signatures, derived from the key: without it nobody can
    compute the signature of a guessed text and test it against a pack."""
    digest = hmac.new(key.encode("utf-8"), _MINHASH_TEXT, hashlib.sha256).digest()
    return int.from_bytes(digest[:8], "big")


def token(label: str, value: str, key: str) -> str:
    """The token of one stored key (``""`` stays ``""``).

    >>> token("Phone", "+8613812345678", "k" * 32)[:4]
    'TEL-'
    """
    return pseudonymise(label, value, key) if value else ""


def tokens(label: str, values, key: str) -> np.ndarray:
    """:func:`token` of every value, each distinct value hashed once."""
    vals = np.asarray(values, dtype=object)
    uniq = {v: token(label, "" if v is None else str(v), key) for v in set(vals.tolist())}
    return np.array([uniq[v] for v in vals.tolist()], dtype=object)


def is_clear_service(label: str, value: str) -> bool:
    """Service numbers (95xxx, 400) stay in clear: a company's hotline is not personal data,
    and the projection must still recognise it."""
    return label == m.PHONE and str(value).startswith("svc:")
