"""The investigator's workbench widgets on a real store: one borrower count everywhere
(complaints with no identified filer included), tables that read left to right, the ring
browser opening a ring per click on a store it opens itself, and the verdict form recording
through the function behind ``ringgraph review``."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from click.testing import CliRunner

from etl.ingest import ingest
from simulator import ScenarioConfig, simulate
from ringgraph import investigate as inv
from ringgraph.analysis.pipeline import detect_rings
from ringgraph.core.borrowers import DEFINITION, UNIDENTIFIED
from ringgraph.store import DuckDBStore

UNNAMED = 3   # complaints of the top ring whose filer is not identified


@pytest.fixture(scope="module")
def bench(tmp_path_factory):
    """A store whose top ring has complaints with no identified filer, and stable ids."""
    base = tmp_path_factory.mktemp("workbench")
    simulate(ScenarioConfig(complaints=1200, seed=17), base / "scenario")
    db = base / "s.duckdb"
    with DuckDBStore(db) as store:
        ingest([base / "scenario"], store)
        top = detect_rings(store, "leiden", seed=0).flagged()[0]
        # Exports where the filer's ID was missing: the complaint stays, its FILED goes.
        gone = sorted(top.complaint_ids)[:UNNAMED]
        store.con.execute("DELETE FROM edges WHERE rel = 'FILED' AND list_contains(?, dst_key)",
                          [gone])
        result = detect_rings(store, "leiden", seed=0, track=True)
    ring = next(r for r in result.rings if set(gone) <= set(r.complaint_ids))
    return base, db, result, ring, gone


def _opener(db):
    return lambda read_only=True: DuckDBStore(db, read_only=read_only)


def test_one_borrower_count_everywhere_with_unidentified_filers(bench):
    from ringgraph.evidence.pack import export_pack

    base, db, result, ring, gone = bench
    n = ring.features["borrowers"]
    with DuckDBStore(db, read_only=True) as store:
        case = inv.ring(result, store, ring.ring_id)
        pack = export_pack(store, result, ring.ring_id, base / "pack", make_zip=False)
    members = case.members()
    assert case.borrowers == len(members) == n
    assert case.case.borrower_count() == n and len(case.case.unidentified()) >= UNNAMED
    assert members["borrower"].str.startswith("未识别 unidentified").sum() >= UNNAMED
    identified = len(case.case.borrowers())
    assert n == identified + len(case.case.unidentified())     # the definition, in numbers
    assert inv.rings_frame(result, flagged_only=False).set_index("ring_id") \
        .loc[ring.ring_id, "borrowers"] == n
    assert f"{n} 借款人 borrowers" in case.show().html
    b = inv.ring_browser(result, _opener(db), flagged_only=False)
    b.open(ring.ring_id)
    assert f"({n} 借款人 borrowers)" in b.members.value
    # The evidence pack: manifest, report (summary, subtitle, definition in words), network.
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert n in _values_of(manifest, "borrowers")
    report = (pack / "report.html").read_text(encoding="utf-8")
    assert f"{n} 借款人 borrowers" in report and DEFINITION.split("。")[0] in report
    assert f"{identified} + {len(case.case.unidentified())} = {n}" in report
    assert f"{n} 借款人 borrowers" in (pack / "network.html").read_text(encoding="utf-8")
    assert not any(UNIDENTIFIED + c in report for c in gone)   # stand-in keys stay inside


def _values_of(obj, key):
    if isinstance(obj, dict):
        return [v for k, v in obj.items() if k == key] + \
            [x for v in obj.values() for x in _values_of(v, key)]
    if isinstance(obj, list):
        return [x for v in obj for x in _values_of(v, key)]
    return []


def test_text_columns_left_aligned_numbers_right_and_rounded(bench):
    _, db, result, ring, _ = bench
    with DuckDBStore(db, read_only=True) as store:
        reasons = inv.ring(result, store, ring.ring_id).reasons()
    html = inv.table_html(reasons)
    align = {}
    for selectors, css in re.findall(r"([^{}]+)\{([^}]*)\}", html.split("</style>")[0]):
        for col in re.findall(r"_row0_col(\d+)", selectors):
            align[int(col)] = align.get(int(col), "") + css
    text_cols = [i for i, c in enumerate(reasons.columns)
                 if not pd.api.types.is_numeric_dtype(reasons[c])]
    num_cols = [i for i in range(len(reasons.columns)) if i not in text_cols]
    assert text_cols and num_cols
    assert all("text-align: left" in align[i] for i in text_cols), align
    assert all("text-align: right" in align[i] for i in num_cols), align
    assert re.search(r">\d+\.\d{2}<", html) and not re.search(r">\d+\.\d{3,}<", html)


def test_browser_click_opens_a_ring_on_a_store_it_opens_itself(bench):
    """A click runs in the kernel after every cell finished: the browser must not depend on a
    connection the notebook closed (the cause of notebook 04's dead clicks)."""
    _, db, result, _, _ = bench
    b = inv.ring_browser(result, _opener(db))
    second = result.flagged()[1].ring_id
    b.picker.value = second                                  # what a click does
    assert f"已打开 opened {second}" in b.status.value and second in b.reasons.value
    closed = DuckDBStore(db, read_only=True)
    closed.close()
    dead = inv.ring_browser(result, closed)
    dead.picker.value = second
    assert "无法打开 could not open" in dead.status.value and "Traceback" not in dead.status.value


def test_verdict_form_records_like_review_and_detection_honours_it(bench):
    from ringgraph.cli import cli

    base, db, result, _, _ = bench
    b = inv.ring_browser(result, _opener(db))
    form = inv.verdict_form(result, _opener(db), browser=b, reviewer="王敏")
    assert form.ring.value == result.flagged()[0].ring_id
    target = result.flagged()[1]
    b.picker.value = target.ring_id                          # the form follows the browser
    assert form.ring.value == target.ring_id
    form.verdict.value, form.note.value = "dismissed", "律所正常代理"
    rec = form.record()                                      # what the button does
    assert rec is not None and "已记录 recorded" in form.message.value
    assert target.ring_id in form.table.value and "律所正常代理" in form.table.value
    assert b.rings.set_index("ring_id").loc[target.ring_id, "verdict"] == "dismissed"
    listed = form.verdicts()
    assert listed.iloc[-1][["ring_id", "verdict", "reviewer"]].tolist() == \
        [target.ring_id, "dismissed", "王敏"]
    out = CliRunner().invoke(cli, ["review", "--list", "--db", str(db)])
    assert out.exit_code == 0 and target.ring_id in out.output and "王敏" in out.output
    with DuckDBStore(db) as store:                           # the next detection
        again = detect_rings(store, "leiden", seed=0, track=True)
    ring = again.ring(target.ring_id)
    assert not ring.flagged and ring.verdict["verdict"] == "dismissed"
    # Rank numbers are refused, as by the CLI, in one line.
    with DuckDBStore(db, read_only=True) as store:
        ranked = detect_rings(store, "leiden", seed=0)
    refuse = inv.verdict_form(ranked, _opener(db))
    assert refuse.record() is None and "rank number" in refuse.message.value
