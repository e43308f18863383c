"""The simulator's platform-style export and damaged files: reproducible, its own shapes."""

import json
import subprocess
import sys

from simulator import ScenarioConfig, simulate


def test_platform_style_is_reproducible_and_shaped(tmp_path):
    cfg = ScenarioConfig(complaints=300, seed=9, export_style="platform", damaged_files=True)
    a, b = simulate(cfg, tmp_path / "a"), simulate(cfg, tmp_path / "b")
    assert a.files == b.files                      # same sha256 for every file
    assert sorted(p.name for p in (tmp_path / "a/exports").iterdir()) == [
        "platform_complaints.jsonl", "platform_payments.csv"]
    recs = [json.loads(x) for x in
            (tmp_path / "a/exports/platform_complaints.jsonl").read_text("utf-8").splitlines()]
    kinds = {type(r["created_at"]).__name__ for r in recs if r["created_at"] is not None}
    assert kinds == {"str", "int"}                 # ISO / epoch strings and epoch ms numbers
    assert any(isinstance(r["requests"], list) for r in recs)
    att = [x for r in recs for x in (r["attachments"] or [])]
    assert att and {"type", "sha256", "issuer", "cert_no"} == set(att[0])
    assert any(x["sha256"] and not x["sha256"].startswith("sha256:") for x in att)
    header = (tmp_path / "a/exports/platform_payments.csv").read_text("utf-8").splitlines()[0]
    assert "serial" not in header and "transfer_id" not in header
    manifest = json.loads((tmp_path / "a/damaged/manifest.yml").read_text("utf-8"))
    assert "deep.jsonl" in manifest and manifest["bom_only.csv"]["records"] == 0


def test_simulator_never_imports_etl():
    code = ("import sys, simulator.platform_export, simulator.damaged, simulator.scenario; "
            "print(any(m == 'etl' or m.startswith('etl.') for m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
