"""Genuine complaints: ordinary borrowers complaining about collection practices."""

from __future__ import annotations

import numpy as np

from simulator import fields, table, texts, vocab
from simulator.people import People


def genuine_complaints(rng: np.random.Generator, people: People, persons: np.ndarray,
                       certs: fields.CertIssuer, day_lo, day_hi, *, channel=None, inst=None,
                       ts=None, demand_p=None, contact_rates=(0.65, 0.2, 0.15),
                       growth: float = 0.5) -> dict[str, np.ndarray]:
    """One genuine complaint per entry of ``persons`` (a person may appear several times).

    Parameters
    ----------
    rng : numpy.random.Generator
        Component stream.
    people : People
        Registry; relatives used as call-back contacts are added to it.
    persons : numpy.ndarray
        Filing person per complaint.
    certs : fields.CertIssuer
        Scenario-wide certificate numbers.
    day_lo, day_hi : int or numpy.ndarray
        Window of intake days (days since epoch), scalar or per complaint.
    channel, inst, ts : numpy.ndarray, optional
        Fixed channels, institution indices or timestamps.
    demand_p : dict, optional
        Demand probabilities (default: genuine grievances).
    contact_rates : tuple of float
        Shares of tickets whose call-back number is the filer's own phone, is left empty,
        or is a relative's phone.
    growth : float
        Tilt of volume towards the end of the window.

    Returns
    -------
    dict
        A complaint block.
    """
    persons = np.asarray(persons, dtype=np.int64)
    n = len(persons)
    regions = people.regions(persons)
    if channel is None:
        channel = fields.draw_channels(rng, n)
    if inst is None:
        inst = fields.draw_institutions(rng, n)
    if ts is None:
        ts = fields.times_in_window(rng, channel, day_lo, day_hi, growth=growth)

    contact = persons.copy()
    u = rng.random(n)
    own, empty, _ = contact_rates
    contact[(u >= own) & (u < own + empty)] = -1
    rel_rows = np.flatnonzero(u >= own + empty)
    if len(rel_rows):
        contact[rel_rows] = people.add(rng, len(rel_rows), region=regions[rel_rows])

    ip, device = fields.online_ids(rng, channel)
    return table.complaints(
        n,
        person=persons, ts=ts, channel=channel, contact_person=contact,
        institution=inst, loan_account=fields.loan_accounts(rng, inst),
        amount=fields.overdue_amounts(rng, n),
        demands=texts.demand_cells(rng, n, demand_p or vocab.GENUINE_DEMAND_P),
        text=texts.genuine_texts(rng, inst),
        ip=ip, device=device,
        attachments=fields.genuine_attachments(rng, regions, certs),
    )


def plain_genuine(rng: np.random.Generator, people: People, n: int, certs: fields.CertIssuer,
                  day_lo: int, day_hi: int, progress_task=None) -> dict[str, np.ndarray]:
    """``n`` genuine complaints by ``n`` new borrowers, built in chunks for progress."""
    blocks = []
    chunk = 200_000
    for start in range(0, n, chunk):
        m = min(chunk, n - start)
        persons = people.add(rng, m)
        blocks.append(genuine_complaints(rng, people, persons, certs, day_lo, day_hi))
        if progress_task is not None:
            progress_task.advance(m)
    return table.concat(blocks, table.COMPLAINT_COLS)
