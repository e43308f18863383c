"""Organisation names: fresh front companies per ring, law firms, and the ways a name drifts.

Canonical form (what ``truth/rings.csv`` records): simplified characters, full-width
brackets ``（）``, no spaces, with the registered suffix. Tickets carry variants of it:
half-width brackets, dropped or swapped suffix, traditional characters, stray spaces.
"""

from __future__ import annotations

import numpy as np

from simulator import vocab


class OrgNamer:
    """Hands out organisation names that are unique within one scenario."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def _brand(self) -> str:
        r = self.rng
        while True:
            a = vocab.BRAND_FIRST[r.integers(len(vocab.BRAND_FIRST))]
            b = vocab.BRAND_SECOND[r.integers(len(vocab.BRAND_SECOND))]
            if a != b:      # "法法" reads as a typo, not a brand
                return a + b

    def company(self, places=vocab.ORG_PLACES, business=None, bracket: bool | None = None) -> str:
        """A fresh front-company name, e.g. ``湖南瑞和法律咨询服务有限公司``.

        ``bracket=True`` gives the ``广律（深圳）法务服务有限公司`` form.
        """
        r = self.rng
        for _ in range(10_000):
            place = places[r.integers(len(places))]
            biz = business or vocab.ORG_BUSINESS[r.integers(len(vocab.ORG_BUSINESS))]
            suffix = vocab.ORG_SUFFIXES[int(r.random() < 0.25)]
            br = (r.random() < 0.35) if bracket is None else bracket
            brand = self._brand()
            if br:
                name = f"{brand}（{place}）{biz}{suffix}"
            else:
                name = f"{place}{brand}{biz}{suffix}"
            # Unique up to the legal suffix: "…有限公司" and "…有限责任公司" are one company.
            core = name.removesuffix(suffix)
            if core not in self.used:
                self.used.add(core)
                return name
        raise RuntimeError("organisation name space exhausted")

    def law_firm(self, city: str) -> str:
        """A legitimate-looking law firm in ``city``, e.g. ``衡阳正衡律师事务所``."""
        short = city[:-1] if city.endswith("市") else city
        for _ in range(10_000):
            name = f"{short}{self._brand()}律师事务所"
            if name not in self.used:
                self.used.add(name)
                return name
        raise RuntimeError("law firm name space exhausted")


def _swap_suffix(name: str) -> str:
    if name.endswith("有限责任公司"):
        return name[: -len("有限责任公司")] + "有限公司"
    if name.endswith("有限公司"):
        return name[: -len("有限公司")] + "有限责任公司"
    return name


def _drop_suffix(name: str) -> str:
    for s in ("有限责任公司", "有限公司"):
        if name.endswith(s):
            return name[: -len(s)]
    return name


def _spaces(name: str, rng: np.random.Generator) -> str:
    k = int(rng.integers(0, 3))
    if k == 0:
        return " " + name + " "
    if k == 1 and "（" in name:
        return name.replace("（", " （").replace("）", "） ")
    pos = int(rng.integers(2, max(3, len(name) - 2)))
    return name[:pos] + " " + name[pos:]


VARIANT_KINDS = ("canonical", "halfwidth", "no_suffix", "swap_suffix", "traditional", "spaces")


def variant(name: str, rng: np.random.Generator, spread: float = 0.5) -> str:
    """One written form of ``name``.

    Parameters
    ----------
    name : str
        Canonical organisation name.
    rng : numpy.random.Generator
        Caller's stream.
    spread : float
        0 → almost always canonical; 1 → variants dominate (camouflage).
    """
    if rng.random() >= 0.25 + 0.6 * spread:
        return name
    k = int(rng.integers(1, len(VARIANT_KINDS)))
    out = name
    if k == 1:
        out = name.replace("（", "(").replace("）", ")")
        if out == name:
            out = _drop_suffix(name)
    elif k == 2:
        out = _drop_suffix(name)
    elif k == 3:
        out = _swap_suffix(name)
    elif k == 4:
        out = name.translate(vocab.S2T)
        if rng.random() < 0.5:
            out = out.replace("（", "(").replace("）", ")")
    else:
        out = _spaces(name, rng)
    return out
