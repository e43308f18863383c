"""Borrowers' ordinary payments, the background the ring fee transfers hide in.

Utilities and payment platforms are hubs paid by very many people (a payee account shared by
thousands is normal); shops have a few to dozens of customers; landlords one to three
tenants. None of these say anything about rings.
"""

from __future__ import annotations

import numpy as np

from simulator import fields, identity as ident, table, vocab
from simulator.streams import weighted_choice

# Payment kinds and their share of ordinary transfers.
KINDS = ("power", "water", "gas", "platform", "shop", "landlord")
KIND_W = (0.18, 0.09, 0.03, 0.2, 0.35, 0.15)


class _Payees:
    """Payee account, holder, amount and memo of each ordinary transfer, filled per kind."""

    def __init__(self, n: int) -> None:
        self.acc = np.full(n, "", dtype=object)
        self.holder = np.full(n, "", dtype=object)
        self.amount = np.zeros(n)
        self.memo = np.full(n, "", dtype=object)

    def memos(self, rng, sel: np.ndarray, choices) -> None:
        self.memo[sel] = np.array(choices, dtype=object)[rng.integers(0, len(choices), len(sel))]


def ordinary_payments(rng: np.random.Generator, payers: np.ndarray, payer_regions: np.ndarray,
                      accounts: fields.AccountIssuer, day_lo: int, day_hi: int):
    """One ordinary transfer per entry of ``payers``.

    Returns
    -------
    tuple
        ``(transfer_block, account_rows)`` where account rows are
        ``(account, holder, kind, ring_id, group_id)``.
    """
    n = len(payers)
    kind = weighted_choice(rng, n, KIND_W)
    out = _Payees(n)
    rows = _utilities(rng, kind, payer_regions, accounts, out)
    rows += _platforms(rng, np.flatnonzero(kind == 3), accounts, out)
    rows += _shops(rng, np.flatnonzero(kind == 4), accounts, out)
    rows += _landlords(rng, np.flatnonzero(kind == 5), accounts, out)
    ch = np.full(n, vocab.APP, dtype=object)   # payments happen at any hour
    ts = fields.times_in_window(rng, ch, day_lo, day_hi)
    block = table.transfers(n, payer=payers, ts=ts, payee_account=out.acc,
                            payee_name=out.holder, amount=out.amount, memo=out.memo)
    return block, rows


def _utilities(rng, kind: np.ndarray, payer_regions: np.ndarray, accounts, out: _Payees
               ) -> list[tuple]:
    """One power account per province, one water / gas account per city."""
    rows: list[tuple[str, str, str, str, str]] = []
    prov = ident.REGION_PROV[payer_regions]
    city = ident.REGION_CITY[payer_regions]
    for k, key, names in (
        (0, prov, [f"国网{p}电力有限公司" for p in ident.PROV_FULL]),
        (1, city, None), (2, city, None),
    ):
        sel = np.flatnonzero(kind == k)
        if len(sel) == 0:
            continue
        keys, inv = np.unique(key[sel], return_inverse=True)
        if names is None:
            suffix = "自来水有限公司" if k == 1 else "燃气有限公司"
            holders = [f"{c}{suffix}" for c in keys.tolist()]
        else:
            holders = [names[int(p)] for p in keys.tolist()]
        accs = accounts.new(rng, len(keys), "corporate")
        out.acc[sel] = np.array(accs, dtype=object)[inv]
        out.holder[sel] = np.array(holders, dtype=object)[inv]
        lo, hi = ((50, 800), (20, 300), (30, 400))[k]
        out.amount[sel] = np.round(rng.uniform(lo, hi, len(sel)), 2)
        out.memos(rng, sel, vocab.MEMO_UTILITY[KINDS[k]])
        rows += [(a, h, "utility", "", "") for a, h in zip(accs, holders)]
    return rows


def _platforms(rng, sel: np.ndarray, accounts, out: _Payees) -> list[tuple]:
    if not len(sel):
        return []
    plat_acc = [accounts.new(rng, 1, "merchant" if "支付宝" in p else "corporate")[0]
                for p in vocab.PAY_PLATFORMS]
    which = weighted_choice(rng, len(sel), (5, 4, 1.5, 1))
    out.acc[sel] = np.array(plat_acc, dtype=object)[which]
    out.holder[sel] = np.array(vocab.PAY_PLATFORMS, dtype=object)[which]
    out.amount[sel] = np.round(np.exp(rng.normal(np.log(200), 1.0, len(sel))).clip(5, 20_000), 2)
    out.memos(rng, sel, vocab.MEMO_PLATFORM)
    return [(a, h, "platform", "", "") for a, h in zip(plat_acc, vocab.PAY_PLATFORMS)]


def _shops(rng, sel: np.ndarray, accounts, out: _Payees) -> list[tuple]:
    if not len(sel):
        return []
    n_shops = max(5, len(sel) // 8)
    # Zipf-like popularity: a few busy shops, a long tail of small ones.
    which = weighted_choice(rng, len(sel), 1.0 / np.arange(1, n_shops + 1) ** 0.8)
    shop_city = ident.REGION_CITY[ident.draw_regions(rng, ident.draw_provinces(rng, n_shops))]
    brand = np.array(vocab.SHOP_BRANDS, dtype=object)[rng.integers(0, len(vocab.SHOP_BRANDS),
                                                                     n_shops)]
    skind = np.array(vocab.SHOP_KINDS, dtype=object)[rng.integers(0, len(vocab.SHOP_KINDS),
                                                                    n_shops)]
    _, owner = ident.draw_names(rng, n_shops)
    personal = rng.random(n_shops) < 0.5
    names = np.where(personal, owner, shop_city + brand + skind)
    accs = np.array(accounts.new(rng, n_shops, "personal"), dtype=object)
    out.acc[sel] = accs[which]
    out.holder[sel] = names[which]
    out.amount[sel] = np.round(np.exp(rng.normal(np.log(120), 0.9, len(sel))).clip(5, 5000), 2)
    out.memos(rng, sel, vocab.MEMO_SHOP)
    return [(accs[i], names[i], "shop", "", "") for i in np.unique(which).tolist()]


def _landlords(rng, sel: np.ndarray, accounts, out: _Payees) -> list[tuple]:
    """Each landlord has one to three tenants."""
    if not len(sel):
        return []
    n_ll = max(1, int(round(len(sel) / 2)))
    which = rng.integers(0, n_ll, len(sel))
    _, names = ident.draw_names(rng, n_ll)
    accs = np.array(accounts.new(rng, n_ll, "personal"), dtype=object)
    out.acc[sel] = accs[which]
    out.holder[sel] = names[which]
    out.amount[sel] = np.round(rng.integers(8, 61, len(sel)) * 100.0, 2)
    out.memos(rng, sel, vocab.MEMO_RENT)
    return [(accs[i], names[i], "landlord", "", "") for i in np.unique(which).tolist()]
