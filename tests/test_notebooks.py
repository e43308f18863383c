"""Every notebook runs top to bottom on a small scenario (parameters overridden)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb"))
OVERRIDES = {"COMPLAINTS": 1500, "SEED": 11}


def test_notebooks_exist():
    assert NOTEBOOKS, "no notebooks found"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            assert not cell.outputs and cell.execution_count is None, path.name


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_runs_top_to_bottom(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    params = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    assert params, f"{path.name} has no cell tagged 'parameters'"
    lines = [f"WORKDIR = {str(tmp_path / 'work')!r}"]
    lines += [f"{k} = {v!r}" for k, v in OVERRIDES.items()]
    nb.cells.insert(params[0] + 1, nbformat.v4.new_code_cell("\n".join(lines)))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
              if o.output_type == "error"]
    assert not errors


# ------------------------------------------------------------------ the shared workspace
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture()
def workspace_module(monkeypatch):
    monkeypatch.syspath_prepend(str(ROOT / "notebooks"))
    monkeypatch.chdir(ROOT / "notebooks")   # where a notebook kernel runs
    import _workspace

    return _workspace


def _execute(name: str, tmp_path: Path, **extra):
    path = ROOT / "notebooks" / name
    nb = nbformat.read(path, as_version=4)
    params = [i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])]
    values = {"WORKDIR": str(tmp_path / "work"), **OVERRIDES, **extra}
    nb.cells.insert(params[0] + 1, nbformat.v4.new_code_cell(
        "\n".join(f"{k} = {v!r}" for k, v in values.items())))
    NotebookClient(nb, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    return nb


def _outputs(nb, kind=None):
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs
            if kind is None or o.output_type == kind]


def test_paths_resolve_from_the_project_root_wherever_the_kernel_runs(tmp_path, monkeypatch):
    from ringgraph.workspace import Settings

    monkeypatch.delenv("RINGGRAPH_HOME", raising=False)
    monkeypatch.delenv("RINGGRAPH_DB", raising=False)
    assert Settings.load(ROOT / "notebooks").store == Settings.load(ROOT).store \
        == ROOT / "data" / "ringgraph.duckdb"
    (tmp_path / "ringgraph.toml").write_text('[workspace]\nstore = "x/rg.duckdb"\n'
                                             'exports = "in"\n', encoding="utf-8")
    monkeypatch.setenv("RINGGRAPH_HOME", str(tmp_path))
    conf = Settings.load(ROOT / "notebooks")
    assert conf.root == tmp_path and conf.store == tmp_path / "x" / "rg.duckdb"
    assert conf.exports == [tmp_path / "in"]


def test_exports_are_ingested_incrementally_apart_from_the_demo(tmp_path, workspace_module):
    from ringgraph import ScenarioConfig, simulate

    wsm = workspace_module
    work = str(tmp_path / "work")
    demo = wsm.prepare(work, 800, 3)
    assert demo.data == "demo" and demo.truth is not None
    with demo.open() as s:
        demo_count = s.counts()["Complaint"]
    exports = tmp_path / "exports"
    simulate(ScenarioConfig(complaints=400, seed=5), exports)
    mine = wsm.prepare(work, 800, 3, exports=str(exports))
    assert mine.data == "yours" and mine.db != demo.db and mine.truth is None
    assert mine.new["ran"] and mine.new["records"] > 10 * mine.new["already_loaded"]
    assert "new records" in mine.summary()
    # Again: nothing new, and the store is opened read-only only.
    again = wsm.prepare(work, 800, 3, exports=str(exports))
    assert again.new == {"ran": False}
    # Later notebooks without EXPORTS find your data, not the demo.
    later = wsm.prepare(work, 800, 3)
    assert later.data == "yours" and later.db == mine.db
    # A touched file is read again: everything is already loaded.
    first = sorted(p for p in exports.rglob("*.csv"))[0]
    first.write_bytes(first.read_bytes())
    import os
    os.utime(first, ns=(first.stat().st_atime_ns, first.stat().st_mtime_ns + 10**9))
    touched = wsm.prepare(work, 800, 3, exports=str(exports))
    assert touched.new["ran"] and touched.new["records"] == 0
    assert touched.new["already_loaded"] > 0
    with demo.open() as s:
        assert s.counts()["Complaint"] == demo_count   # the demo never got real data


def test_05_runs_while_another_notebook_reads_the_store(tmp_path, workspace_module):
    """Two notebooks open at once: a read-only connection held here (as notebook 02 holds
    one) while notebook 05 runs in its kernel; 05 writes masked packs only by default."""
    ws = workspace_module.prepare(str(tmp_path / "work"), OVERRIDES["COMPLAINTS"],
                                  OVERRIDES["SEED"])
    from ringgraph.store import DuckDBStore

    with DuckDBStore(ws.db, read_only=True) as held:
        nb = _execute("05_export_evidence.ipynb", tmp_path)
        assert held.counts()["Complaint"] > 0
    assert not _outputs(nb, "error")
    text = "".join(o.get("text", "") for o in _outputs(nb, "stream"))
    assert "Conflicting lock" not in text and "UserWarning" not in text
    evidence = ws.workdir / "evidence"
    assert any(p.name.endswith("-masked") for p in evidence.iterdir())
    assert not any("-full" in p.name for p in evidence.iterdir()), "full PII without PII='full'"
    previews = [o["data"]["text/html"] for o in _outputs(nb, "display_data") +
                _outputs(nb, "execute_result") if "rg-preview" in o.get("data", {}).get("text/html", "")]
    assert previews and "script-src &#x27;nonce-" in previews[0]


def test_03_and_04_show_stable_ids_left_aligned_tables_and_record_a_verdict(tmp_path):
    """03 and 04 show the ids `ringgraph detect` gives (RG-2026-0001, not rank numbers),
    the same in both; their tables read left to right; 04's verdict form stores a verdict
    through its button's handler (called here: nobody clicks during execution)."""
    import re

    from ringgraph.store import DuckDBStore

    nb3 = _execute("03_detect_and_rank.ipynb", tmp_path)
    path = ROOT / "notebooks" / "04_investigate_ring.ipynb"
    nb4 = nbformat.read(path, as_version=4)
    params = [i for i, c in enumerate(nb4.cells) if "parameters" in c.metadata.get("tags", [])]
    values = {"WORKDIR": str(tmp_path / "work"), **OVERRIDES}
    nb4.cells.insert(params[0] + 1, nbformat.v4.new_code_cell(
        "\n".join(f"{k} = {v!r}" for k, v in values.items())))
    nb4.cells.append(nbformat.v4.new_code_cell(
        "form.verdict.value = 'confirmed'\nform.note.value = '模板话术 + 材料复用'\n"
        "rec = form.record()\nprint('RECORDED', rec['ring_id'], rec['verdict'])"))
    NotebookClient(nb4, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(path.parent)}}).execute()
    for nb in (nb3, nb4):
        assert not _outputs(nb, "error")
    html = lambda nb: "".join(o.get("data", {}).get("text/html", "")  # noqa: E731
                              for o in _outputs(nb, "display_data") + _outputs(nb, "execute_result"))
    ids3 = set(re.findall(r"RG-\d{4}-\d{4}", html(nb3)))
    ids4 = set(re.findall(r"RG-\d{4}-\d{4}", html(nb4)))
    assert ids3 and ids4 and ids4 <= ids3
    assert not re.search(r"RG\d{4}", html(nb3) + html(nb4)), "rank numbers shown"
    assert "text-align: left" in html(nb3) and "text-align: left" in html(nb4)
    printed = "".join(o.get("text", "") for o in _outputs(nb4, "stream"))
    ring_id = re.search(r"RECORDED (RG-\d{4}-\d{4}) confirmed", printed).group(1)
    with DuckDBStore(tmp_path / "work" / "demo" / "ringgraph.duckdb", read_only=True) as s:
        v = s.verdicts()
    assert v.iloc[-1][["ring_id", "verdict"]].tolist() == [ring_id, "confirmed"]


def test_08_shows_a_complaint_timeline_and_the_agency_chart(tmp_path):
    """The conduct notebook on a small scenario with call logs: both plots drawn, and the
    complaint's verdict printed with its codes."""
    nb = _execute("08_collection_conduct.ipynb", tmp_path, COMPLAINTS=800)
    images = [o for o in _outputs(nb) if "image/png" in o.get("data", {})]
    text = "".join(o.get("text", "") for o in _outputs(nb, "stream"))
    assert len(images) == 2
    assert "calls in the store" in text and "alleges" in text and "→" in text
