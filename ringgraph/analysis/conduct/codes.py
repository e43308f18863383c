"""The codes of collection-conduct triage, in one home.

Red-line violations found in the call logs (:mod:`ringgraph.analysis.conduct.rules`),
allegations read from complaint texts (:mod:`ringgraph.analysis.conduct.allegations`), the
mirror between them and the statuses of a triaged complaint. Triage and its evaluation
(:mod:`ringgraph.analysis.evaluate_triage`) import them from here; the simulator keeps its
own copy (it must not import the analysis).
"""

from __future__ import annotations

NIGHT_CALL = "NIGHT_CALL"
OVER_3_CALLS_PER_DAY = "OVER_3_CALLS_PER_DAY"
THIRD_PARTY_CONTACT = "THIRD_PARTY_CONTACT"
VIOLATION_CODES = (NIGHT_CALL, OVER_3_CALLS_PER_DAY, THIRD_PARTY_CONTACT)

ALLEGE_NIGHT_CALL = "ALLEGE_NIGHT_CALL"
ALLEGE_EXCESSIVE_CALLS = "ALLEGE_EXCESSIVE_CALLS"
ALLEGE_THIRD_PARTY = "ALLEGE_THIRD_PARTY"
ALLEGATION_CODES = (ALLEGE_NIGHT_CALL, ALLEGE_EXCESSIVE_CALLS, ALLEGE_THIRD_PARTY)

# Which violation in the logs would bear out each allegation.
MIRROR = {ALLEGE_NIGHT_CALL: NIGHT_CALL, ALLEGE_EXCESSIVE_CALLS: OVER_3_CALLS_PER_DAY,
          ALLEGE_THIRD_PARTY: THIRD_PARTY_CONTACT}

STATUSES = ("supported", "partly", "unsupported", "no_allegation", "no_logs")
