"""The red lines of post-loan collection, as named codes evaluated over a lender's call log.

The 2025 national standard on post-loan collection for internet consumer credit forbids
collection calls at night, more than three calls a day to the debtor and collecting from
anyone but the debtor. Each is one code here:

``NIGHT_CALL``
    Any call placed from 22:00:00 to 07:59:59 local time (Asia/Shanghai), to anyone,
    answered or not. Its count is the number of such calls.
``OVER_3_CALLS_PER_DAY``
    More than 3 calls to the debtor's own numbers on one calendar day in Shanghai (the
    day runs 00:00–23:59 local time, not UTC), answered or not. Its count, per complaint,
    is the number of such days; in the agency table, the number of calls that were the
    4th or later of their debtor's day.
``THIRD_PARTY_CONTACT``
    Any call to a number that is not the debtor's. The log's relation column decides when
    it is filled (anything but ``self`` is a third party: family, colleague, employer,
    emergency contact, contact-list entry); when it is blank the dialled number is
    compared with the debtor's own numbers (registered and call-back phones from the
    complaints, see :mod:`ringgraph.analysis.conduct.link`, and any number the log labels
    ``self`` on another call linked to the complaint); a masked dialled number
    (``138****0001``) is the debtor's when its visible digits fit one of theirs, and a third
    party's when they fit none. A blank relation with no own number known, or no dialled
    number, decides nothing: such a call is neither the debtor's nor a third party's. Its
    count is the number of such calls.

A call "to the debtor" (for ``OVER_3_CALLS_PER_DAY``) is one with relation ``self``, or a
blank relation and a dialled number among the debtor's own.

The window: a complaint is judged on the calls linked to it placed in the
``window_days`` days before it was received, ``[received_at - window_days, received_at)``;
a complaint without a receipt time is judged on all its linked calls.

Only outbound calls can break a rule: a call the log marks inbound (the debtor, or anyone,
calling the collector: 呼入, 来电, ``IN``) counts for none of the codes, at any hour and to
any number. A log without a direction column is a log of calls placed (blank = outbound).

Everything is DuckDB SQL over the linked calls: no per-row Python.
"""

from __future__ import annotations

from ringgraph.analysis.conduct.codes import (NIGHT_CALL, OVER_3_CALLS_PER_DAY,  # noqa: F401
                                              THIRD_PARTY_CONTACT)
from ringgraph.analysis.conduct.codes import VIOLATION_CODES as RULE_CODES
NIGHT_STARTS, NIGHT_ENDS = 22, 8     # hours: [22:00, 24:00) and [00:00, 08:00)
MAX_CALLS_PER_DAY = 3
DEFAULT_WINDOW_DAYS = 90

# Per (complaint, linked call): the call's flags against the rules.
FLAGS_SQL = f"""
CREATE OR REPLACE TEMP TABLE flagged AS
WITH own_of AS (
    SELECT complaint_id, phone FROM own
    UNION
    -- A number the log itself labels the debtor's own (on any linked call) is theirs.
    SELECT l.complaint_id, k.dialled FROM links l JOIN k USING (i)
    WHERE k.relation = 'self' AND k.dialled <> '' AND k.dialled_kind <> 'masked'
),
has_own AS (SELECT DISTINCT complaint_id FROM own),
base AS (
    SELECT l.complaint_id, l.how, k.i, k.call_id, k.called_at, k.agency, k.collector_id,
        k.relation, k.dialled, k.dialled_kind, c.received_at,
        coalesce(k.direction, '') <> 'in' AS outbound,
        outbound AND (hour(k.called_at) >= {NIGHT_STARTS} OR hour(k.called_at) < {NIGHT_ENDS})
            AS night,
        EXISTS (SELECT 1 FROM own_of o WHERE o.complaint_id = l.complaint_id
            AND (o.phone = k.dialled OR (k.dialled_kind = 'masked'
                 AND o.phone LIKE '+86' || replace(substr(k.dialled, 8), '*', '_'))))
            AS dialled_own,
        h.complaint_id IS NOT NULL AS knows_own
    FROM links l JOIN k USING (i) JOIN comp c USING (complaint_id)
    LEFT JOIN has_own h ON h.complaint_id = l.complaint_id
)
SELECT *,
    outbound AND (relation = 'self' OR (relation = '' AND dialled_own)) AS to_self,
    outbound AND ((relation NOT IN ('', 'self')) OR (relation = '' AND NOT dialled_own
        AND knows_own AND dialled <> '')) AS third,
    received_at IS NULL OR (called_at >= received_at - to_days(CAST(? AS INTEGER))
        AND called_at < received_at) AS in_window
FROM base
"""

# Per complaint: counts per code in the window, first/last offending call, who called.
VIOLATIONS_SQL = f"""
WITH w AS (SELECT * FROM flagged WHERE in_window),
over_days AS (
    SELECT complaint_id, CAST(called_at AS DATE) AS day FROM w WHERE to_self
    GROUP BY ALL HAVING count(*) > {MAX_CALLS_PER_DAY}
),
marked AS (
    SELECT w.*, (d.day IS NOT NULL AND w.to_self) AS over3_call,
        night OR third OR (d.day IS NOT NULL AND w.to_self) AS offending
    FROM w LEFT JOIN over_days d
      ON d.complaint_id = w.complaint_id AND d.day = CAST(w.called_at AS DATE)
),
who AS (
    SELECT complaint_id, agency, collector_id, count(*) AS n FROM marked
    WHERE offending OR complaint_id NOT IN (SELECT complaint_id FROM marked WHERE offending)
    GROUP BY ALL
),
ag AS (
    SELECT complaint_id, first(agency ORDER BY n DESC, agency) AS agency FROM (
        SELECT complaint_id, agency, sum(n) AS n FROM who GROUP BY ALL) GROUP BY complaint_id
),
co AS (
    SELECT complaint_id, first(collector_id ORDER BY n DESC, collector_id) AS collector FROM (
        SELECT complaint_id, collector_id, sum(n) AS n FROM who GROUP BY ALL)
    GROUP BY complaint_id
),
od AS (SELECT complaint_id, count(*) AS over3_days FROM over_days GROUP BY complaint_id),
agg AS (
    SELECT complaint_id, count(*) AS calls_in_window,
        count(*) FILTER (WHERE night) AS night_calls,
        count(*) FILTER (WHERE third) AS third_party_calls,
        min(called_at) FILTER (WHERE offending) AS first_violation_at,
        max(called_at) FILTER (WHERE offending) AS last_violation_at
    FROM marked GROUP BY complaint_id
)
SELECT agg.complaint_id, calls_in_window, night_calls, coalesce(over3_days, 0) AS over3_days,
    third_party_calls, first_violation_at, last_violation_at, agency, collector
FROM agg LEFT JOIN od USING (complaint_id) LEFT JOIN ag USING (complaint_id)
    LEFT JOIN co USING (complaint_id)
ORDER BY agg.complaint_id
"""

# Every call of the log once, flagged with the debtor context of any complaint it links to.
AGENCY_SQL = f"""
WITH ctx AS (
    SELECT i, bool_or(dialled_own) AS dialled_own, bool_or(knows_own) AS knows_own
    FROM flagged GROUP BY i
),
calls AS (
    SELECT k.*, coalesce(x.dialled_own, false) AS dialled_own,
        coalesce(x.knows_own, false) AS knows_own,
        coalesce(k.direction, '') <> 'in' AS outbound,
        outbound AND (hour(k.called_at) >= {NIGHT_STARTS} OR hour(k.called_at) < {NIGHT_ENDS})
            AS night
    FROM k LEFT JOIN ctx x USING (i)
),
judged AS (
    SELECT *, outbound AND (relation = 'self' OR (relation = '' AND dialled_own)) AS to_self,
        outbound AND ((relation NOT IN ('', 'self')) OR (relation = '' AND NOT dialled_own
            AND knows_own AND dialled <> '')) AS third
    FROM calls
),
nth AS (
    SELECT i, row_number() OVER (
        PARTITION BY debtor_id, CASE WHEN debtor_id = '' THEN loan_key END,
                     CAST(called_at AS DATE) ORDER BY called_at, call_id) AS nth
    FROM judged WHERE to_self
),
ranked AS (SELECT j.*, n.nth FROM judged j LEFT JOIN nth n USING (i))
SELECT agency, collector_id AS collector, count(*) AS calls,
    count(*) FILTER (WHERE night) AS night_calls,
    count(*) FILTER (WHERE nth > {MAX_CALLS_PER_DAY}) AS over3_calls,
    count(*) FILTER (WHERE third) AS third_party_calls
FROM ranked GROUP BY GROUPING SETS ((agency, collector_id), (agency))
"""
