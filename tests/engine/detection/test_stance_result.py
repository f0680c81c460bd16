"""The stance result: JSON round trip, when it counts as completed, what from_dict refuses."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.measures import SwayMeasures


def _sway() -> SwayMeasures:
    return SwayMeasures(
        samples=2400,
        duration_s=30.0,
        path_length_cm=30.0,
        mean_velocity_cm_s=1.0,
        mean_velocity_ap_cm_s=0.7,
        mean_velocity_ml_cm_s=0.5,
        rms_ap_cm=0.3,
        rms_ml_cm=0.2,
        range_ap_cm=1.5,
        range_ml_cm=1.0,
        ellipse_area95_cm2=2.0,
        mean_frequency_hz=0.3,
    )


def _result(**changes: Any) -> StanceResult:
    base = StanceResult(
        test=StanceTest.SINGLE_LEG_LEFT,
        hold_time_s=12.5,
        cap_s=30.0,
        end_reason=EndReason.TOUCHED_DOWN,
        started_at_s=104.2,
        body_mass_kg=71.3,
        sway=_sway(),
        quality=frozenset({QualityFlag.GAPS}),
    )
    return dataclasses.replace(base, **changes)


@pytest.mark.parametrize(
    "result",
    [_result(), _result(sway=None, quality=frozenset(), end_reason=EndReason.CAP)],
)
def test_result_round_trips_through_json(result: StanceResult) -> None:
    data = json.loads(json.dumps(result.as_dict()))
    assert StanceResult.from_dict(data) == result


def test_completed_is_false_for_aborted_results() -> None:
    assert _result().completed
    assert _result(end_reason=EndReason.STEPPED_OFF).completed
    for reason in (EndReason.CANCELLED, EndReason.TIMED_OUT, EndReason.SIGNAL_LOST):
        assert not _result(end_reason=reason).completed
    assert not _result(quality=frozenset({QualityFlag.TOO_LIGHT})).completed
    assert not _result(quality=frozenset({QualityFlag.ABORTED})).completed


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"test": "hopping"}, "test 'hopping' is not one of"),
        ({"test": 3}, "test 3 is not one of"),
        ({"end_reason": "fell"}, "end_reason"),
        ({"hold_time_s": "12"}, "hold_time_s must be a finite number"),
        ({"hold_time_s": float("nan")}, "hold_time_s must be a finite number"),
        ({"cap_s": True}, "cap_s must be a finite number"),
        ({"quality": "gaps"}, "quality must be a list"),
        ({"quality": ["wobbly"]}, "quality 'wobbly'"),
        ({"sway": [1, 2]}, "sway must be a mapping or null"),
        ({"sway": {"samples": 3}}, "sway needs exactly the fields"),
    ],
)
def test_from_dict_says_what_is_wrong(change: dict[str, Any], message: str) -> None:
    data = _result().as_dict() | change
    with pytest.raises(ValueError, match=message):
        StanceResult.from_dict(data)


def test_from_dict_rejects_missing_fields_bad_sway_numbers_and_non_mappings() -> None:
    data = _result().as_dict()
    del data["cap_s"]
    with pytest.raises(ValueError, match="lacks cap_s"):
        StanceResult.from_dict(data)
    sway = _result().as_dict()["sway"] | {"samples": 2.5}
    with pytest.raises(ValueError, match="samples must be an integer"):
        StanceResult.from_dict(_result().as_dict() | {"sway": sway})
    sway = _result().as_dict()["sway"] | {"rms_ml_cm": None}
    with pytest.raises(ValueError, match="sway rms_ml_cm"):
        StanceResult.from_dict(_result().as_dict() | {"sway": sway})
    with pytest.raises(ValueError, match="must be a mapping"):
        StanceResult.from_dict([1, 2])  # type: ignore[arg-type]
