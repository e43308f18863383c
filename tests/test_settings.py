"""Settings dataclasses round-trip through JSON, so a result's recorded settings rebuild the
settings that produced it (link, re-runs)."""

import json

import pytest

from ringgraph.core.settings import ProjectionParams, ScoreParams


@pytest.mark.parametrize("cls", [ProjectionParams, ScoreParams])
def test_settings_round_trip_through_json(cls):
    default = cls()
    assert cls.from_dict(json.loads(json.dumps(default.to_dict()))) == default


def test_changed_settings_survive_and_unknown_ones_are_refused():
    p = ProjectionParams(min_fee_amount=500.0, everyday_memo_words=("房租",))
    back = ProjectionParams.from_dict(json.loads(json.dumps(p.to_dict())))
    assert back.min_fee_amount == 500.0 and back.everyday_memo_words == ("房租",)
    with pytest.raises(ValueError, match="no_such_setting"):
        ScoreParams.from_dict({"no_such_setting": 1})
