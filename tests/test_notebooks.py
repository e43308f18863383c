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
