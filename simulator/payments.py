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
    acc = np.full(n, "", dtype=object)
    holder = np.full(n, "", dtype=object)
    amount = np.zeros(n)
    memo = np.full(n, "", dtype=object)
    rows: list[tuple[str, str, str, str, str]] = []
    prov = ident.REGION_PROV[payer_regions]
    city = ident.REGION_CITY[payer_regions]

    # Utilities: one power account per province, one water / gas account per city.
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
        acc[sel] = np.array(accs, dtype=object)[inv]
        holder[sel] = np.array(holders, dtype=object)[inv]
        lo, hi = ((50, 800), (20, 300), (30, 400))[k]
        amount[sel] = np.round(rng.uniform(lo, hi, len(sel)), 2)
        memos = vocab.MEMO_UTILITY[KINDS[k]]
        memo[sel] = np.array(memos, dtype=object)[rng.integers(0, len(memos), len(sel))]
        rows += [(a, h, "utility", "", "") for a, h in zip(accs, holders)]

    sel = np.flatnonzero(kind == 3)
    if len(sel):
        plat_acc = [accounts.new(rng, 1, "merchant" if "支付宝" in p else "corporate")[0]
                    for p in vocab.PAY_PLATFORMS]
        which = weighted_choice(rng, len(sel), (5, 4, 1.5, 1))
        acc[sel] = np.array(plat_acc, dtype=object)[which]
        holder[sel] = np.array(vocab.PAY_PLATFORMS, dtype=object)[which]
        amount[sel] = np.round(np.exp(rng.normal(np.log(200), 1.0, len(sel))).clip(5, 20_000), 2)
        memo[sel] = np.array(vocab.MEMO_PLATFORM, dtype=object)[
            rng.integers(0, len(vocab.MEMO_PLATFORM), len(sel))]
        rows += [(a, h, "platform", "", "") for a, h in zip(plat_acc, vocab.PAY_PLATFORMS)]

    sel = np.flatnonzero(kind == 4)
    if len(sel):
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
        acc[sel] = accs[which]
        holder[sel] = names[which]
        amount[sel] = np.round(np.exp(rng.normal(np.log(120), 0.9, len(sel))).clip(5, 5000), 2)
        memo[sel] = np.array(vocab.MEMO_SHOP, dtype=object)[
            rng.integers(0, len(vocab.MEMO_SHOP), len(sel))]
        used = np.unique(which)
        rows += [(accs[i], names[i], "shop", "", "") for i in used.tolist()]

    sel = np.flatnonzero(kind == 5)
    if len(sel):
        # Each landlord has one to three tenants.
        n_ll = max(1, int(round(len(sel) / 2)))
        which = rng.integers(0, n_ll, len(sel))
        _, names = ident.draw_names(rng, n_ll)
        accs = np.array(accounts.new(rng, n_ll, "personal"), dtype=object)
        acc[sel] = accs[which]
        holder[sel] = names[which]
        amount[sel] = np.round(rng.integers(8, 61, len(sel)) * 100.0, 2)
        memo[sel] = np.array(vocab.MEMO_RENT, dtype=object)[
            rng.integers(0, len(vocab.MEMO_RENT), len(sel))]
        used = np.unique(which)
        rows += [(accs[i], names[i], "landlord", "", "") for i in used.tolist()]

    ch = np.full(n, vocab.APP, dtype=object)   # payments happen at any hour
    ts = fields.times_in_window(rng, ch, day_lo, day_hi)
    block = table.transfers(n, payer=payers, ts=ts, payee_account=acc, payee_name=holder,
                            amount=amount, memo=memo)
    return block, rows
