"""The wide simulator profile: knobs drawn per seed, labelled negative types, determinism."""

from __future__ import annotations

import csv
import hashlib
import json

import pytest

from simulator import ScenarioConfig, simulate


def _digest(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def wide(tmp_path_factory):
    out = tmp_path_factory.mktemp("wide")
    simulate(ScenarioConfig(complaints=3000, seed=11, profile="wide"), out)
    return out


def test_wide_profile_is_reproducible_and_records_its_knobs(wide, tmp_path):
    simulate(ScenarioConfig(complaints=3000, seed=11, profile="wide"), tmp_path)
    assert _digest(tmp_path) == _digest(wide)
    meta = json.loads((wide / "scenario.json").read_text(encoding="utf-8"))
    assert meta["config"]["profile"] == "wide"
    knobs = meta["wide"]
    assert 1 <= knobs["switchboards"] <= 6 and set(knobs["style_weights"]) == set(meta["styles"])


def test_wide_profile_draws_different_knobs_per_seed(tmp_path):
    from simulator.wide import draw

    a = draw(ScenarioConfig(complaints=3000, seed=11, profile="wide"))
    b = draw(ScenarioConfig(complaints=3000, seed=12, profile="wide"))
    assert a[1].to_dict() != b[1].to_dict() and a[0].camouflage != b[0].camouflage


def test_wide_truth_labels_negative_types_and_small_teams(wide):
    rows = list(csv.DictReader(open(wide / "truth/complaints.csv", encoding="utf-8")))
    types = {r["group_type"] for r in rows} - {""}
    assert {"lawfirm", "family", "repeat", "switchboard", "nat_ip"} <= types
    rings = list(csv.DictReader(open(wide / "truth/rings.csv", encoding="utf-8")))
    teams = [r for r in rings if r["style"] == "small_team"]
    assert len(teams) >= 2
    assert all(1 <= int(r["n_borrowers"]) <= 8 for r in teams)
    # Lawful firms have 5-60 clients each.
    firms: dict[str, int] = {}
    for r in rows:
        if r["group_type"] in ("lawfirm", "legal_aid", "online_firm"):
            firms[r["group_id"]] = firms.get(r["group_id"], 0) + 1
    assert firms and all(5 <= n <= 60 for n in firms.values())


def test_default_profile_is_left_out_of_scenario_json(tmp_path):
    assert "profile" not in ScenarioConfig().to_dict()
    assert ScenarioConfig.from_dict(ScenarioConfig(profile="wide").to_dict()).profile == "wide"
    with pytest.raises(ValueError, match="profile"):
        ScenarioConfig(profile="narrow")
