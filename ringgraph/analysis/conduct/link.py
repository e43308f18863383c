"""Which collection calls belong to which complaint.

A complaint links to the calls of its loan account, else to the calls of its debtor:

``account``
    The ticket's loan account, normalised like the log's (:func:`ringgraph.core.keys.
    account_keys`: no spaces or hyphens, full-width folded), equals the call's.
``masked_account``
    The ticket shows only part of the account (``6222****1234``, ``6222 0210 …``,
    ``尾号1234``): a call matches when its account starts with the visible leading digits,
    ends with the visible trailing ones, and its debtor ID equals the complainant's. At
    least 4 digits must be visible, else the mask says too little. When the ticket masks
    the ID too (``420106********7588``), the call's ID must fit the ID's visible digits
    (at least 8, and the same length) and the account's last 4 digits must be visible.
``id_number``
    No account links (blank, unreadable or no call on it): every call whose debtor ID
    equals the complainant's resident ID (a masked ID links nothing), except calls on a
    loan that another ticket names in full: those belong to that loan's ticket, and say
    nothing about a ticket naming an account the log does not know (a debtor with two
    loans who complains about the uncollected one has ``no_logs``).

The debtor's own numbers (what ``THIRD_PARTY_CONTACT`` compares a dialled number with when
the log gives no relation) are the registered phones of the complainant (``Person`` →
``HAS_PHONE``) and the call-back numbers written on any of that person's complaints.
"""

from __future__ import annotations

import pandas as pd

from ringgraph.core import model as m
from ringgraph.core.keys import account_keys
from ringgraph.store.base import GraphStore

_MASK = r"[*＊…]|\.\.\.|[xX]{3,}"
MIN_VISIBLE = 4
LINK_SQL = """
CREATE OR REPLACE TEMP TABLE links AS
WITH acct AS (
    SELECT c.complaint_id, k.i, 'account' AS how FROM comp c JOIN k
      ON c.acct_full <> '' AND k.loan_key = c.acct_full
    UNION ALL
    SELECT c.complaint_id, k.i, 'masked_account' AS how FROM comp c JOIN k
      ON c.acct_masked AND c.debtor_id <> '' AND k.debtor_id = c.debtor_id
    WHERE starts_with(k.loan_key, c.acct_prefix) AND ends_with(k.loan_key, c.acct_suffix)
      AND length(k.loan_key) >= length(c.acct_prefix) + length(c.acct_suffix)
    UNION ALL
    -- Account and ID both masked: the visible digits of both must fit (hash-joined on the
    -- account's last four digits).
    SELECT c.complaint_id, k.i, 'masked_account' AS how FROM comp c JOIN k
      ON c.acct_masked AND c.debtor_id = '' AND c.id_prefix <> ''
      AND length(c.acct_suffix) >= 4 AND right(k.loan_key, 4) = right(c.acct_suffix, 4)
    WHERE starts_with(k.loan_key, c.acct_prefix) AND ends_with(k.loan_key, c.acct_suffix)
      AND length(k.loan_key) >= length(c.acct_prefix) + length(c.acct_suffix)
      AND starts_with(k.debtor_id, c.id_prefix) AND ends_with(k.debtor_id, c.id_suffix)
      AND length(k.debtor_id) = c.id_length
), by_id AS (
    SELECT c.complaint_id, k.i, 'id_number' AS how FROM comp c JOIN k
      ON c.debtor_id <> '' AND k.debtor_id = c.debtor_id
    WHERE c.complaint_id NOT IN (SELECT complaint_id FROM acct)
      AND k.loan_key NOT IN (SELECT acct_full FROM comp WHERE acct_full <> '')
)
-- No pair twice: a ticket's account is whole or masked, never both, and by_id only takes
-- complaints no account linked (complaint ids are unique).
SELECT * FROM acct UNION ALL SELECT * FROM by_id
"""


def split_accounts(raw: pd.Series) -> pd.DataFrame:
    """A ticket's account → ``acct_full`` (the whole key, unmasked) or ``acct_masked`` with
    the visible ``acct_prefix`` and ``acct_suffix``.

    >>> split_accounts(pd.Series(["6222 0212 3456 7890", "6222****1234", "6222 0210 …",
    ...                           "尾号1234", "62**4", ""])).values.tolist()
    ... # doctest: +NORMALIZE_WHITESPACE
    [['6222021234567890', False, '', ''], ['', True, '6222', '1234'],
     ['', True, '62220210', ''], ['', True, '', '1234'], ['', False, '', ''],
     ['', False, '', '']]
    """
    raw = raw.fillna("").astype(str)
    tail = raw.str.contains("尾号", regex=False)
    key = account_keys(raw.str.replace(r"^.*尾号", "", regex=True))
    key = key.where(~tail, "*" + key)
    masked = key.str.contains(_MASK, regex=True)
    prefix = key.str.extract(r"^([0-9A-Z]*)", expand=False).fillna("")
    suffix = key.str.extract(r"([0-9A-Z]*)$", expand=False).fillna("")
    prefix, suffix = prefix.where(masked, ""), suffix.where(masked, "")
    visible = prefix.str.len() + suffix.str.len()
    masked &= visible >= MIN_VISIBLE
    full = key.where(~key.str.contains(_MASK, regex=True) & (key.str.len() >= MIN_VISIBLE), "")
    return pd.DataFrame({"acct_full": full, "acct_masked": masked,
                         "acct_prefix": prefix.where(masked, ""),
                         "acct_suffix": suffix.where(masked, "")}, index=raw.index)


def masked_ids(person: pd.Series) -> pd.DataFrame:
    """A masked person key (``masked:420106********7588|name``) → the ID's visible
    ``id_prefix`` and ``id_suffix`` and its ``id_length`` (blank when fewer than 8 digits
    show, or the key is no masked ID).

    >>> masked_ids(pd.Series(["masked:420106********7588|吕家", "masked:42**8|x", "1101"])
    ...           ).values.tolist()
    [['420106', '7588', 18], ['', '', 0], ['', '', 0]]
    """
    ident = person.fillna("").astype(str).str.extract(r"^masked:([^|]*)", expand=False)
    ident = ident.fillna("").str.upper()
    prefix = ident.str.extract(r"^([0-9X]*)", expand=False).fillna("")
    suffix = ident.str.extract(r"([0-9X]*)$", expand=False).fillna("")
    ok = ident.str.contains(r"\*", regex=True) & (prefix.str.len() + suffix.str.len() >= 8)
    return pd.DataFrame({"id_prefix": prefix.where(ok, ""), "id_suffix": suffix.where(ok, ""),
                         "id_length": ident.str.len().where(ok, 0).astype("int64")},
                        index=person.index)


def complaint_facts(store: GraphStore) -> tuple[pd.DataFrame, pd.DataFrame]:
    """What triage needs of each complaint, read through the store interface (both stores).

    Returns
    -------
    comp : DataFrame
        ``complaint_id, received_at`` (datetime64, Asia/Shanghai), ``text, debtor_id``
        (the complainant's full resident ID or ``""``) and the account columns of
        :func:`split_accounts`, sorted by complaint id.
    own : DataFrame
        ``complaint_id, phone``: the debtor's own numbers (E.164 keys), distinct.
    """
    keys = store.nodes(m.COMPLAINT)["key"]
    comp = pd.DataFrame({"complaint_id": keys.astype(str).to_numpy()})
    for prop in ("received_at", "text", "loan_account"):
        values = store.node_property(m.COMPLAINT, prop)
        comp[prop] = comp["complaint_id"].map(values).fillna("").astype(str).to_numpy()
    comp["received_at"] = pd.to_datetime(comp["received_at"].where(comp["received_at"] != ""),
                                         errors="coerce").astype("datetime64[ns]")
    ends = store.edge_ends((m.FILED, m.HAS_PHONE, m.CONTACT))
    filed = ends[ends["rel"] == m.FILED][["src_key", "dst_key"]]
    filed.columns = ["person", "complaint_id"]
    # A person's key is the full resident ID, or "masked:…|name" (which links no call).
    person = filed.drop_duplicates("complaint_id").set_index("complaint_id")["person"]
    debtor = comp["complaint_id"].map(person).fillna("")
    comp["debtor_id"] = debtor.where(~debtor.str.contains(r"[|:]", regex=True), "")
    comp = pd.concat([comp, masked_ids(debtor)], axis=1)
    comp = pd.concat([comp, split_accounts(comp.pop("loan_account"))], axis=1)
    has = ends[(ends["rel"] == m.HAS_PHONE) & (ends["src_label"] == m.PERSON)]
    registered = filed.merge(has[["src_key", "dst_key"]].rename(
        columns={"src_key": "person", "dst_key": "phone"}), on="person")
    contact = ends[ends["rel"] == m.CONTACT][["src_key", "dst_key"]]
    contact.columns = ["complaint_id", "phone"]
    # The call-back number of any of the person's complaints is theirs too.
    contact = filed.merge(contact, on="complaint_id")[["person", "phone"]]
    contact = filed.merge(contact, on="person")
    own = pd.concat([registered[["complaint_id", "phone"]], contact[["complaint_id", "phone"]]])
    own = own.drop_duplicates().sort_values(["complaint_id", "phone"]).reset_index(drop=True)
    return comp.sort_values("complaint_id").reset_index(drop=True), own
