"""The SQL of the DuckDB store: schema (graph, ingest bookkeeping, investigators'
verdicts and ring ids) and the insert and read statements, as constant strings."""

from __future__ import annotations

_REVIEW_DDL = (
    """CREATE TABLE IF NOT EXISTS verdicts (seq INTEGER PRIMARY KEY, ring_id VARCHAR NOT NULL,
        verdict VARCHAR NOT NULL, note VARCHAR, reviewer VARCHAR, "at" VARCHAR,
        complaint_ids VARCHAR, features VARCHAR, points VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS ring_ids (ring_id VARCHAR PRIMARY KEY, members VARCHAR,
        lineage VARCHAR, active BOOLEAN, updated VARCHAR)""",
)

_DDL = (
    "CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
    """CREATE TABLE IF NOT EXISTS nodes (
        label VARCHAR NOT NULL, key VARCHAR NOT NULL, name VARCHAR, props VARCHAR,
        source VARCHAR, "row" BIGINT, "at" VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS edges (
        rel VARCHAR NOT NULL, src_label VARCHAR NOT NULL, src_key VARCHAR NOT NULL,
        dst_label VARCHAR NOT NULL, dst_key VARCHAR NOT NULL, eid VARCHAR NOT NULL,
        props VARCHAR, source VARCHAR, "row" BIGINT, "at" VARCHAR)""",
    """CREATE TABLE IF NOT EXISTS quarantine (
        source VARCHAR NOT NULL, "row" BIGINT NOT NULL, reason VARCHAR, field VARCHAR,
        message VARCHAR, raw VARCHAR, PRIMARY KEY (source, "row"))""",
    """CREATE TABLE IF NOT EXISTS field_issues (
        source VARCHAR NOT NULL, "row" BIGINT NOT NULL, field VARCHAR NOT NULL,
        reason VARCHAR, message VARCHAR, PRIMARY KEY (source, "row", field))""",
    """CREATE TABLE IF NOT EXISTS duplicates (
        source VARCHAR NOT NULL, "row" BIGINT NOT NULL, record_id VARCHAR,
        kept_source VARCHAR, kept_row BIGINT, PRIMARY KEY (source, "row"))""",
    """CREATE TABLE IF NOT EXISTS records (
        kind VARCHAR NOT NULL, record_id VARCHAR NOT NULL, content_hash VARCHAR,
        source VARCHAR, "row" BIGINT)""",
    "CREATE TABLE IF NOT EXISTS runs (run INTEGER PRIMARY KEY, report VARCHAR)",
    # Collection calls: a table beside the graph, never nodes (millions of rows).
    """CREATE TABLE IF NOT EXISTS calls (
        call_id VARCHAR NOT NULL, loan_account VARCHAR, loan_key VARCHAR, debtor_id VARCHAR,
        agency VARCHAR, collector_id VARCHAR, called_at TIMESTAMP, dialled VARCHAR,
        dialled_kind VARCHAR, relation VARCHAR, duration_s DOUBLE, outcome VARCHAR,
        source VARCHAR, "row" BIGINT, direction VARCHAR)""",
    # Stores written before calls had a direction: the column is added (blank = outbound).
    "ALTER TABLE calls ADD COLUMN IF NOT EXISTS direction VARCHAR",
)

# The big tables have no primary key: an anti-join insert is ~9x faster than ON CONFLICT
# against a key index, and incoming frames are already unique on their identity.
_INSERT_NODES = """INSERT INTO nodes SELECT i.label, i.key, i.name, i.props, i.source, i."row",
    i."at" FROM incoming i ANTI JOIN nodes n ON n.label = i.label AND n.key = i.key"""
_INSERT_EDGES = """INSERT INTO edges SELECT i.rel, i.src_label, i.src_key, i.dst_label,
    i.dst_key, i.eid, i.props, i.source, i."row", i."at" FROM incoming i ANTI JOIN edges e
    ON e.rel = i.rel AND e.src_label = i.src_label AND e.src_key = i.src_key
    AND e.dst_label = i.dst_label AND e.dst_key = i.dst_key AND e.eid = i.eid"""
_INSERT_QUARANTINE = """INSERT INTO quarantine SELECT source, "row", reason, field, message,
    raw FROM incoming ON CONFLICT DO NOTHING"""
_INSERT_ISSUES = """INSERT INTO field_issues SELECT source, "row", field, reason, message
    FROM incoming ON CONFLICT DO NOTHING"""
_INSERT_DUPLICATES = """INSERT INTO duplicates SELECT source, "row", record_id,
    kept_source, kept_row FROM incoming ON CONFLICT DO NOTHING"""
_INSERT_RECORDS = """INSERT INTO records SELECT i.kind, i.record_id, i.content_hash,
    i.source, i."row" FROM incoming i ANTI JOIN records r
    ON r.kind = i.kind AND r.record_id = i.record_id"""
_KNOWN_RECORDS = """SELECT r.record_id, r.content_hash, r.source, r."row" FROM records r
    SEMI JOIN wanted_ids w ON w.record_id = r.record_id WHERE r.kind = ?
    ORDER BY r.record_id"""

_INSERT_CALLS = """INSERT INTO calls SELECT i.* FROM incoming i ANTI JOIN calls c
    ON c.call_id = i.call_id"""
_READ_CALLS = "SELECT * FROM calls ORDER BY call_id"

_TABLE_QUERIES = {
    "quarantine": 'SELECT * FROM quarantine ORDER BY source, "row"',
    "field_issues": 'SELECT * FROM field_issues ORDER BY source, "row", field',
    "duplicates": 'SELECT * FROM duplicates ORDER BY source, "row"',
    "records": "SELECT * FROM records ORDER BY kind, record_id",
    "runs": "SELECT * FROM runs ORDER BY run",
}
