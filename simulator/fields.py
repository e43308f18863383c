"""Field values shared by every kind of complaint: times, channels, accounts, amounts, documents."""

from __future__ import annotations

import numpy as np

from simulator import identity as ident
from simulator import vocab
from simulator.streams import hex_strings, weighted_choice

DAY = 86_400
EPOCH = np.datetime64("1970-01-01T00:00:00", "s")

# Hour-of-day weights: office channels (hotlines, branches, petitions) vs online ones.
_OFFICE_H = np.array([0, 0, 0, 0, 0, 0, 0, 0, 3, 8, 10, 9, 5, 7, 9, 9, 8, 6, 3, 2, 1, 0.5, 0, 0])
_ONLINE_H = np.array([1.5, 0.8, 0.4, 0.3, 0.2, 0.3, 0.8, 2, 4, 6, 7, 7, 6, 6, 7, 7, 6, 6, 6, 7,
                      8, 8, 6, 3])
ONLINE_CHANNELS = (vocab.APP, vocab.WEB)


def day_number(date: str) -> int:
    """Days since epoch of an ISO date string."""
    return int(np.datetime64(date, "D").astype(np.int64))


def times_in_window(rng: np.random.Generator, channel: np.ndarray, day_lo, day_hi,
                    growth: float = 0.0) -> np.ndarray:
    """Timestamps (epoch seconds) on days ``[day_lo, day_hi]`` with a channel hour profile.

    ``day_lo``/``day_hi`` may be scalars or per-row arrays. ``growth`` > 0 tilts the
    volume towards the end of the window (complaint counts rose over 2024–2025).
    """
    n = len(channel)
    lo = np.broadcast_to(np.asarray(day_lo, np.int64), (n,))
    hi = np.broadcast_to(np.asarray(day_hi, np.int64), (n,))
    u = rng.random(n)
    if growth > 0:
        # Inverse CDF of density ∝ 1 + growth·x on [0, 1].
        u = (np.sqrt(1 + growth * (2 + growth) * u) - 1) / growth
    day = lo + np.floor(u * (hi - lo + 1)).astype(np.int64)
    online = np.isin(channel, ONLINE_CHANNELS)
    hour = np.where(online, weighted_choice(rng, n, _ONLINE_H), weighted_choice(rng, n, _OFFICE_H))
    sec = rng.integers(0, 3600, n)
    return day * DAY + hour * 3600 + sec


def draw_channels(rng: np.random.Generator, n: int, weights=vocab.GENUINE_CHANNEL_W) -> np.ndarray:
    """Intake channel per ticket; the hotline channel names a 95xxx number."""
    ch = np.array(vocab.CHANNELS, dtype=object)[weighted_choice(rng, n, weights)]
    hot = ch == "HOTLINE"
    ch[hot] = np.array(vocab.HOTLINES, dtype=object)[rng.integers(0, len(vocab.HOTLINES),
                                                                  int(hot.sum()))]
    return ch


def draw_institutions(rng: np.random.Generator, n: int) -> np.ndarray:
    """Institution index per complaint (weights give the 45/35/20 export split)."""
    return weighted_choice(rng, n, vocab.INST_WEIGHT)


def loan_accounts(rng: np.random.Generator, inst: np.ndarray) -> np.ndarray:
    """Loan / card / contract numbers shaped by the institution's style."""
    n = len(inst)
    digits = rng.integers(10**13, 10**14, n).tolist()
    styles = vocab.INST_STYLE[inst].tolist()
    abbr = vocab.INST_ABBR[inst].tolist()
    out = []
    for d, s, a in zip(digits, styles, abbr):
        if s == "card":
            out.append(f"62{d:014d}")
        elif s == "loan":
            out.append(f"JK{d:014d}{d % 97:02d}")
        elif s == "cf":
            out.append(f"{a}{d % 10**12:012d}")
        else:
            out.append(f"LN{d:014d}")
    return np.array(out, dtype=object)


def overdue_amounts(rng: np.random.Generator, n: int, median: float = 25_000.0) -> np.ndarray:
    """Overdue amounts in yuan (log-normal, 800 – 600,000)."""
    a = np.exp(rng.normal(np.log(median), 0.9, n))
    return np.round(np.clip(a, 800, 600_000), 2)


def online_ids(rng: np.random.Generator, channel: np.ndarray):
    """IP for APP and web tickets, device for APP tickets; empty for other channels."""
    n = len(channel)
    app = channel == vocab.APP
    has_ip = app | (channel == vocab.WEB)
    ip_out = np.full(n, "", dtype=object)
    dev_out = np.full(n, "", dtype=object)
    ip_out[has_ip] = ident.draw_ips(rng, int(has_ip.sum()))
    dev_out[app] = ident.draw_devices(rng, int(app.sum()))
    return ip_out, dev_out


class CertIssuer:
    """Unique certificate numbers for the whole scenario.

    Serial numbers walk an affine permutation of 10**8, so they look random yet never
    repeat until 10**8 have been issued.
    """

    def __init__(self, rng: np.random.Generator) -> None:
        self.mult = int(rng.integers(10**6, 10**7)) * 10 + 3  # coprime with 10**8
        self.offset = int(rng.integers(0, 10**8))
        self.count = 0

    def serials(self, n: int) -> np.ndarray:
        """``n`` fresh 8-digit serials."""
        i = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        return (i * self.mult + self.offset) % 10**8

    def numbers(self, rng: np.random.Generator, doc_types: list[str]) -> list[str]:
        """Certificate numbers like ``ZD2024-03817264`` for the given document types."""
        s = self.serials(len(doc_types)).tolist()
        years = rng.integers(2019, 2026, len(doc_types)).tolist()
        return [f"{vocab.CERT_PREFIX.get(t, 'ZM')}{y}-{x:08d}" for t, y, x in
                zip(doc_types, years, s)]


_ISSUER_FORMS = {
    "hospital": vocab.HOSPITAL_FORMS,
    "psych": vocab.PSYCH_FORMS,
    "cancer": vocab.CANCER_FORMS,
    "street": tuple("{district}" + s + "街道办事处" for s in vocab.STREETS),
    "civil": ("{district}民政局",),
    "village": tuple("{district}" + v + "村民委员会" for v in vocab.VILLAGES),
    "employer": vocab.EMPLOYERS,
}
_ISSUER_KINDS = ("",) + tuple(_ISSUER_FORMS)


def _issuer(kind: str, region_idx: int, variant: int) -> str:
    if not kind:
        return ""
    forms = _ISSUER_FORMS[kind]
    return forms[variant % len(forms)].format(city=ident.REGION_CITY[region_idx],
                                              district=ident.REGION_DISTRICT[region_idx])


def issuer_name(kind: str, region_idx: int, rng: np.random.Generator) -> str:
    """A plausible issuer for a document kind in the person's county."""
    return _issuer(kind, region_idx, int(rng.integers(0, 1 << 20)))


def issuer_names(rng: np.random.Generator, kinds: list[str], regions: np.ndarray) -> np.ndarray:
    """Vectorised :func:`issuer_name`: each distinct (kind, county, form) formatted once."""
    kind_code = np.array([_ISSUER_KINDS.index(k) for k in kinds], dtype=np.int64)
    variant = rng.integers(0, 420, len(kinds))      # 420 is divisible by every form count
    code = (kind_code * len(ident.REGION_CODE) + np.asarray(regions, np.int64)) * 420 + variant
    uniq, inv = np.unique(code, return_inverse=True)
    names = []
    for c in uniq.tolist():
        rest, v = divmod(c, 420)
        k, r = divmod(rest, len(ident.REGION_CODE))
        names.append(_issuer(_ISSUER_KINDS[k], r, v))
    return np.array(names, dtype=object)[inv.ravel()]


def attachment(doc_type: str, sha: str, issuer: str = "", cert: str = "") -> str:
    """One attachment in the ``type|sha256:HEX|issuer|certificate_no`` form."""
    return f"{doc_type}|sha256:{sha}|{issuer}|{cert}"


def genuine_attachments(rng: np.random.Generator, regions: np.ndarray, certs: CertIssuer,
                        rate: float = 0.35) -> np.ndarray:
    """Genuine attachment cells: unique hashes, local issuers, unique certificate numbers."""
    n = len(regions)
    has = rng.random(n) < rate
    k = np.where(has, rng.choice([1, 1, 1, 2, 2, 3], n), 0)
    total = int(k.sum())
    out = np.full(n, "", dtype=object)
    if total == 0:
        return out
    types = weighted_choice(rng, total, vocab.GENUINE_DOC_W)
    doc_type = np.array([d[0] for d in vocab.GENUINE_DOCS], dtype=object)[types]
    kinds = [vocab.GENUINE_DOCS[t][1] for t in types.tolist()]
    owner = np.repeat(np.arange(n), k)
    issuer = issuer_names(rng, kinds, regions[owner])
    cert = np.full(total, "", dtype=object)
    need = np.flatnonzero(np.array([bool(kd) for kd in kinds]))
    cert[need] = np.array(certs.numbers(rng, doc_type[need].tolist()), dtype=object)
    hashes = np.array(hex_strings(rng, total, 64), dtype=object)
    docs = doc_type + "|sha256:" + hashes + "|" + issuer + "|" + cert
    # Documents are laid out owner by owner; row j's first document sits at start[j].
    start = np.cumsum(k) - k
    out[has] = docs[start[has]]
    for extra in (1, 2):
        more = k > extra
        out[more] = out[more] + "；" + docs[start[more] + extra]
    return out


class AccountIssuer:
    """Unique payee account numbers for the whole scenario (bank cards, corporate, merchant)."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def new(self, rng: np.random.Generator, n: int, kind: str = "personal") -> list[str]:
        """``n`` fresh account numbers.

        ``personal`` → 19-digit UnionPay card (``62…``); ``corporate`` → 16-digit company
        settlement account; ``merchant`` → 16-digit payment-platform merchant id (``2088…``).
        """
        out: list[str] = []
        while len(out) < n:
            m = n - len(out)
            if kind == "personal":
                vals = [f"62{a:02d}{b:015d}" for a, b in zip(
                    rng.integers(12, 90, m).tolist(), rng.integers(0, 10**15, m).tolist())]
            elif kind == "merchant":
                vals = [f"2088{b:012d}" for b in rng.integers(0, 10**12, m).tolist()]
            else:
                vals = [f"{a}{b:012d}" for a, b in zip(
                    rng.integers(1100, 9900, m).tolist(), rng.integers(0, 10**12, m).tolist())]
            for v in vals:
                if v not in self.used:
                    self.used.add(v)
                    out.append(v)
        return out
