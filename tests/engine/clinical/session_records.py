"""Session records for the session tests: Anna, her trials of one daily check, and a record (or its
stored form) with any field changed.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import PersonProfile
from custom_components.retro_balance.engine.clinical.session import SessionRecord, assess_session
from custom_components.retro_balance.engine.detection.stance_result import (
    EndReason,
    QualityFlag,
    StanceResult,
    StanceTest,
)
from custom_components.retro_balance.engine.signal.measures import SwayMeasures

START = datetime(2026, 11, 23, 18, 0, 0, tzinfo=UTC)
ANNA = PersonProfile(
    person_id="anna",
    name="Anna",
    birth_year=1951,
    sex=Sex.FEMALE,
    weight_min_kg=55,
    weight_max_kg=70,
)
SWAY = SwayMeasures(
    samples=2400,
    duration_s=30.0,
    path_length_cm=45.0,
    mean_velocity_cm_s=1.5,
    mean_velocity_ap_cm_s=1.0,
    mean_velocity_ml_cm_s=0.9,
    rms_ap_cm=0.4,
    rms_ml_cm=0.3,
    range_ap_cm=2.0,
    range_ml_cm=1.5,
    ellipse_area95_cm2=3.2,
    mean_frequency_hz=0.3,
)


def result(
    test: StanceTest,
    hold_s: float,
    reason: EndReason = EndReason.TOUCHED_DOWN,
    *,
    quality: frozenset[QualityFlag] = frozenset(),
    sway: SwayMeasures | None = None,
) -> StanceResult:
    return StanceResult(
        test=test,
        hold_time_s=hold_s,
        cap_s=30.0,
        end_reason=reason,
        started_at_s=1000.0,
        body_mass_kg=64.2,
        sway=sway,
        quality=quality,
    )


RESULTS = (
    result(StanceTest.QUIET_EYES_CLOSED, 30.0, EndReason.CAP, sway=SWAY),
    result(StanceTest.TANDEM, 30.0, EndReason.CAP, sway=SWAY),
    result(StanceTest.SINGLE_LEG_LEFT, 6.5),
    result(StanceTest.SINGLE_LEG_LEFT, 11.25),
    result(
        StanceTest.SINGLE_LEG_LEFT,
        40.0,
        EndReason.CANCELLED,
        quality=frozenset({QualityFlag.ABORTED}),
    ),
    result(StanceTest.SINGLE_LEG_RIGHT, 11.25),
)


def record(**changes: Any) -> SessionRecord:
    values: dict[str, Any] = {
        "session_id": "0f3c",
        "pad_id": "hallway",
        "person_id": "anna",
        "started_at": START,
        "ended_at": START + timedelta(minutes=4, seconds=12),
        "kind": "daily_check",
        "results": RESULTS,
        "assessment": None,
        "complete": True,
        "incomplete_reason": None,
        "identified_by": "weight",
    }
    values.update(changes)
    return SessionRecord(**values)


def stored(**changes: Any) -> dict[str, Any]:
    data = assess_session(record(), ANNA).as_dict()
    for key, value in changes.items():
        if value is KeyError:
            del data[key]
        else:
            data[key] = value
    return data


PLAN = (
    StanceTest.QUIET_EYES_CLOSED,
    StanceTest.TANDEM,
    StanceTest.SINGLE_LEG_LEFT,
    StanceTest.SINGLE_LEG_RIGHT,
)
