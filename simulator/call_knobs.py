"""The knobs of the call-log simulation: fixed in the default profile, drawn per seed from
wide ranges in the ``wide`` profile (so no reader or rule can fit one mix)."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from simulator.streams import stream


@dataclass(frozen=True)
class CallKnobs:
    """Shares and probabilities used by :mod:`simulator.calls` and its exporter.

    Parameters
    ----------
    no_logs : float
        Loans without any call in the logs (not collected by this lender, export missing).
    second_number : float
        Debtors with a second number of their own (labelled 本人 in the log).
    aggrieved : float
        Chance that a genuine complainant worked by a compliant agency suffered a real breach
        in the 90 days before complaining (grows with the agency's and collector's badness).
    alleged_when_real : float
        Chance that a real breach is described in the text.
    exaggerate : float
        Aggrieved complainants who also allege a kind that did not happen.
    outside : float
        Genuine complainants describing a breach from before the 90-day window.
    misremember : float
        Genuine complainants alleging a breach that never happened.
    ring_real : float
        Ring members whose loan saw a real breach (a genuine grievance inside a ring).
    ring_alleges : float
        Rings whose script alleges at least one breach.
    inbound, boundary : float
        Loans with inbound calls from the debtor; loans with the lawful edge pattern.
    blank_own, blank_third : float
        Calls whose relation the log leaves blank (debtor's registered phone; others).
    masked_account, spaced_account : float
        Complaint-side loan accounts printed masked or spaced.
    """

    no_logs: float = 0.06
    second_number: float = 0.25
    aggrieved: float = 0.12
    alleged_when_real: float = 0.92
    exaggerate: float = 0.12
    outside: float = 0.04
    misremember: float = 0.04
    ring_real: float = 0.08
    ring_alleges: float = 0.8
    inbound: float = 0.2
    boundary: float = 0.06
    blank_own: float = 0.5
    blank_third: float = 0.45
    masked_account: float = 0.04
    spaced_account: float = 0.04

    def to_dict(self) -> dict:
        """Plain dict (JSON-serialisable)."""
        return asdict(self)


def draw(seed: int) -> CallKnobs:
    """Knobs of a ``wide`` scenario, from its seed only."""
    rng = stream(seed, "calls:knobs")

    def u(lo: float, hi: float) -> float:
        return round(float(rng.uniform(lo, hi)), 3)

    return CallKnobs(no_logs=u(0.01, 0.15), second_number=u(0.05, 0.5),
                     aggrieved=u(0.05, 0.3), alleged_when_real=u(0.75, 1.0),
                     exaggerate=u(0.0, 0.3), outside=u(0.0, 0.12), misremember=u(0.0, 0.12),
                     ring_real=u(0.0, 0.2), ring_alleges=u(0.4, 1.0), inbound=u(0.05, 0.5),
                     boundary=u(0.02, 0.15), blank_own=u(0.1, 0.9), blank_third=u(0.1, 0.9),
                     masked_account=u(0.0, 0.1), spaced_account=u(0.0, 0.1))
