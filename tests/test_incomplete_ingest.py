"""An ingest killed half-way leaves a start record without completion: detect, link and
export refuse the store (naming the run and how to finish it) unless --allow-incomplete,
and re-running the same ingest makes it complete again."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import ticket, write_tickets
from etl.ingest import ingest
from ringgraph.cli import main
from ringgraph.core.errors import IncompleteIngestError
from ringgraph.store import DuckDBStore
from ringgraph.store.base import incomplete_run, require_complete

AS_OF = dt.datetime(2026, 1, 1)


def _crash_second_batch(store):
    """Make the store fail like a killed process after the first chunk was written."""
    real = store.write_bookkeeping
    calls = {"n": 0}

    def dying(*a, **k):
        calls["n"] += 1
        if calls["n"] == 2:
            raise KeyboardInterrupt()  # what kill -INT / Ctrl-C does mid-ingest
        return real(*a, **k)

    store.write_bookkeeping = dying


@pytest.fixture
def killed(tiny_exports, tmp_path):
    write_tickets(tiny_exports / "b.csv", [ticket(i) for i in range(20, 40)])
    db = tmp_path / "g.duckdb"
    with DuckDBStore(db) as store:
        _crash_second_batch(store)
        with pytest.raises(KeyboardInterrupt):
            ingest([tiny_exports], store, as_of=AS_OF)
    return db, tiny_exports


def test_complete_ingest_passes_and_keeps_one_run_row(tiny_exports, tmp_path):
    with DuckDBStore(tmp_path / "g.duckdb") as store:
        ingest([tiny_exports], store, as_of=AS_OF)
        assert require_complete(store) is None
        runs = store.table("runs")
        assert len(runs) == 1
        rep = json.loads(runs["report"].iloc[0])
        assert rep["status"] == "completed" and rep["totals"]["records"] == 7


def test_killed_ingest_is_refused_with_the_run_and_the_fix(killed):
    db, exports = killed
    with DuckDBStore(db, read_only=True) as store:
        bad = incomplete_run(store)
        assert bad is not None and bad.run == 1 and bad.paths == (str(exports),)
        with pytest.raises(IncompleteIngestError) as err:
            require_complete(store)
        msg = str(err.value)
        assert "ingest run 1" in msg and "never completed" in msg
        assert f"ringgraph ingest {exports}" in msg and "--allow-incomplete" in msg
        assert require_complete(store, allow_incomplete=True) == msg


def test_cli_detect_link_export_refuse_then_allow(killed, tmp_path, capsys):
    db, exports = killed
    code = main(["detect", "--db", str(db), "--out", str(tmp_path / "r")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "never completed" in err[0], err
    assert not (tmp_path / "r").exists()
    # --allow-incomplete: runs, with a warning.
    code = main(["detect", "--db", str(db), "--out", str(tmp_path / "r"),
                 "--allow-incomplete"])
    out, err = capsys.readouterr()
    assert code == 0 and "warning" in err and "never completed" in err
    rings = str(tmp_path / "r" / "rings.json")
    # export and link refuse too (link before ingesting anything).
    code = main(["export", "--ring", "RG0001", "--db", str(db), "--rings", rings,
                 "--out", str(tmp_path / "p")])
    assert code == 1 and "never completed" in capsys.readouterr().err
    assert not (tmp_path / "p").exists()
    new = tmp_path / "new"
    new.mkdir()
    write_tickets(new / "c.csv", [ticket(90)])
    with DuckDBStore(db, read_only=True) as store:
        runs_before = len(store.table("runs"))
    code = main(["link", str(new), "--db", str(db), "--rings", rings])
    assert code == 1 and "never completed" in capsys.readouterr().err
    with DuckDBStore(db, read_only=True) as store:
        assert len(store.table("runs")) == runs_before


def test_rerunning_the_same_ingest_completes_the_store(killed, tmp_path, tiny_exports,
                                                       capsys):
    db, exports = killed
    with DuckDBStore(db) as store:
        partial = len(store.table("records"))
        ingest([exports], store, as_of=AS_OF)
        assert require_complete(store) is None and len(store.table("records")) > partial
    assert main(["detect", "--db", str(db), "--out", str(tmp_path / "r")]) == 0
