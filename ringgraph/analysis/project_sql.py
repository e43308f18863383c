"""The projection's store-side half: which identifiers a complaint carries, as SQL.

These queries are the one home of the incidence rules (fee transfers, everyday memos,
carrier-NAT addresses, service numbers, certificate numbers, the borrower's own phone and
fee accounts, the agent's phone). They run on the connection a store hands out from
:meth:`ringgraph.store.base.GraphStore.graph_sql`, in which ``nodes`` and ``edges`` are its
graph: the DuckDB store's own tables, or for Neo4j an in-memory DuckDB over the graph it
reads, so both stores apply the same rules. What needs complaint attributes (hubs by
shape) and the pair weights stay in :mod:`ringgraph.analysis.project`, on integer codes.

Complaints are numbered ``c`` in key order (DuckDB compares strings by code point, as
Python does), identifiers ``g`` in ``(ident_type, ident)`` order; rows come back sorted by
``(g, c)`` so the pair expansion needs no further sort.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.core import model as m

SIGNATURE = "minhash"   # a pooled complaint's text signature, in place of its text
HOUSEHOLD = "household"   # a pooled borrower's household token, in place of name and ID

# One row per complaint, in key order: its attributes and those of its borrower. Each
# relationship type joins one pair of labels (ringgraph.core.model.RELATIONSHIPS), so where
# a complaint has several borrowers (or institutions) the smallest key wins, as it did when
# these were read sorted by identity. The JSON properties are parsed once per complaint.
COMPLAINTS_SQL = f"""
WITH filed AS (
    SELECT dst_key AS complaint_id, min(src_key) AS person
    FROM edges WHERE rel = '{m.FILED}' GROUP BY dst_key),
against AS (
    SELECT src_key AS complaint_id, min(dst_key) AS institution
    FROM edges WHERE rel = '{m.AGAINST}' GROUP BY src_key),
rep AS (
    SELECT DISTINCT src_key AS complaint_id FROM edges
    WHERE rel IN ('{m.REPRESENTED_BY}', '{m.VIA_ORG}')),
own AS (
    SELECT src_key AS person, min(dst_key) AS own_phone FROM edges
    WHERE rel = '{m.HAS_PHONE}' AND src_label = '{m.PERSON}' GROUP BY src_key),
people AS (SELECT key AS person, name,
                  json_extract_string(props, '$.{HOUSEHOLD}') AS household_token
           FROM nodes WHERE label = '{m.PERSON}'),
c AS (
    SELECT key, json_extract_string(props, ['$.province', '$.demands', '$.received_at',
                                            '$.text', '$.{SIGNATURE}']) AS v
    FROM nodes WHERE label = '{m.COMPLAINT}')
SELECT c.key AS complaint_id, coalesce(f.person, '') AS person,
       coalesce(c.v[1], '') AS province, coalesce(c.v[2], '') AS demands,
       c.v[3] AS received_at, coalesce(c.v[4], '') AS text,
       coalesce(a.institution, '') AS institution,
       r.complaint_id IS NOT NULL AS represented,
       coalesce(o.own_phone, '') AS own_phone, coalesce(p.name, '') AS person_name,
       c.v[5] AS signature, p.household_token
FROM c
LEFT JOIN filed f ON f.complaint_id = c.key
LEFT JOIN against a ON a.complaint_id = c.key
LEFT JOIN rep r ON r.complaint_id = c.key
LEFT JOIN own o ON o.person = f.person
LEFT JOIN people p ON p.person = f.person
ORDER BY c.key
"""

_DIRECT = (m.CONTACT, m.SUBMITTED_FROM, m.REPRESENTED_BY, m.VIA_ORG, m.ATTACHED)

# Complaint ↔ identifier pairs, deduplicated, with each identifier's degree (complaints).
# Parameters: $min_fee, $everyday (memo words), $fanout (NAT devices), $svc (link 95xxx/400).
INCIDENCE_SQL = f"""
WITH cid AS (
    SELECT key AS complaint_id, (row_number() OVER (ORDER BY key) - 1)::BIGINT AS c
    FROM nodes WHERE label = '{m.COMPLAINT}'),
direct AS (
    SELECT rel, src_key, dst_label, dst_key FROM edges
    WHERE rel IN {tuple(_DIRECT)!r}),
-- An IP behind which many distinct devices submitted is carrier NAT / public Wi-Fi.
nat AS (
    SELECT i.dst_key AS ip FROM direct i JOIN direct d ON d.src_key = i.src_key
    WHERE i.rel = '{m.SUBMITTED_FROM}' AND i.dst_label = '{m.IP}'
      AND d.rel = '{m.SUBMITTED_FROM}' AND d.dst_label = '{m.DEVICE}'
    GROUP BY i.dst_key HAVING count(DISTINCT d.dst_key) >= $fanout),
filed AS (SELECT src_key AS person, dst_key AS complaint_id FROM edges
          WHERE rel = '{m.FILED}'),
-- A fee is a transfer of at least $min_fee (unparseable: 0) whose memo names no
-- everyday purpose (rent, utilities, shopping).
paid AS (
    SELECT src_label, src_key, dst_label, dst_key,
           TRY_CAST(json_extract_string(props, '$.amount') AS DOUBLE) AS amount,
           coalesce(json_extract_string(props, '$.memo'), '') AS memo
    FROM edges WHERE rel = '{m.PAID}'),
fees AS (
    SELECT src_label, src_key, dst_label, dst_key FROM paid
    WHERE CASE WHEN amount IS NULL OR isnan(amount) THEN 0.0 ELSE amount END >= $min_fee
      AND len(list_filter($everyday, lambda w: contains(memo, w))) = 0),
-- The borrower's own phone and the fee accounts they paid reach all their complaints.
owned AS (
    SELECT src_key, dst_label, dst_key FROM edges
    WHERE rel = '{m.HAS_PHONE}' AND src_label = '{m.PERSON}'
    UNION ALL
    SELECT src_key, dst_label, dst_key FROM fees WHERE src_label = '{m.PERSON}'),
agent_phone AS (
    SELECT src_key, dst_key FROM edges
    WHERE rel = '{m.HAS_PHONE}' AND src_label = '{m.AGENT}'),
cert AS (
    SELECT key, json_extract_string(props, '$.cert_no') AS cert_no FROM nodes
    WHERE label = '{m.DOCUMENT}'),
inc AS (
    SELECT src_key AS complaint_id, dst_label AS ident_type, dst_key AS ident FROM direct
    UNION ALL
    SELECT d.src_key, '{m.CERT}', k.cert_no FROM direct d JOIN cert k ON k.key = d.dst_key
    WHERE d.rel = '{m.ATTACHED}' AND coalesce(k.cert_no, '') <> ''
    UNION ALL
    SELECT complaint_id, '{m.PERSON}', person FROM filed
    UNION ALL
    SELECT f.complaint_id, o.dst_label, o.dst_key FROM owned o
    JOIN filed f ON f.person = o.src_key
    UNION ALL
    SELECT r.src_key, '{m.PHONE}', a.dst_key FROM direct r
    JOIN agent_phone a ON a.src_key = r.dst_key WHERE r.rel = '{m.REPRESENTED_BY}'),
kept AS (
    SELECT DISTINCT k.c, i.ident_type, i.ident FROM inc i JOIN cid k USING (complaint_id)
    WHERE NOT (i.ident_type = '{m.IP}' AND i.ident IN (SELECT ip FROM nat))
      AND ($svc OR NOT (i.ident_type = '{m.PHONE}' AND starts_with(i.ident, 'svc:'))))
SELECT c, ident_type, ident,
       count(*) OVER (PARTITION BY ident_type, ident) AS degree,
       (dense_rank() OVER (ORDER BY ident_type, ident) - 1)::BIGINT AS g
FROM kept ORDER BY g, c
"""


def read_complaints(con) -> pd.DataFrame:
    """:data:`COMPLAINTS_SQL` as a frame."""
    return con.sql(COMPLAINTS_SQL).to_arrow_table().to_pandas()


def read_incidence(con, params) -> pd.DataFrame:
    """:data:`INCIDENCE_SQL` with ``params`` (a ProjectionParams): ``c, g, degree``
    (int64) and ``ident_type, ident`` (text), sorted by ``(g, c)``."""
    return con.sql(INCIDENCE_SQL, params={
        "min_fee": float(params.min_fee_amount),
        "everyday": list(params.everyday_memo_words),
        "fanout": int(params.nat_device_fanout),
        "svc": bool(params.link_service_numbers)}).to_arrow_table().to_pandas()
