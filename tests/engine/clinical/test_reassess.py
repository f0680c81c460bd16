"""Stored sessions assessed by the 2025 rules (format 1) still load, and are assessed again.

The stored data are the integration's fixture (``tests/integration/fixtures/sessions.json``),
written before the assessment format changed.
"""

from __future__ import annotations

import json
from datetime import UTC
from pathlib import Path
from typing import Any

from custom_components.retro_balance.engine.clinical.assessment import ASSESSMENT_FORMAT
from custom_components.retro_balance.engine.clinical.fall_risk import RiskLevel
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import PersonProfile
from custom_components.retro_balance.engine.clinical.reassess import needing_assessment
from custom_components.retro_balance.engine.clinical.scoring import assess_balance
from custom_components.retro_balance.engine.clinical.session import SessionRecord

FIXTURE = Path(__file__).resolve().parents[2] / "integration" / "fixtures" / "sessions.json"
ANNA = PersonProfile(
    person_id="01JRETROBALANCEPERSONANNA0",
    name="Anna",
    birth_year=1951,
    sex=Sex.FEMALE,
    weight_min_kg=55,
    weight_max_kg=70,
)


def _stored() -> list[dict[str, Any]]:
    sessions: list[dict[str, Any]] = json.loads(FIXTURE.read_text(encoding="utf-8"))["sessions"]
    return sessions


def test_format_1_sessions_load_with_their_results_and_no_assessment() -> None:
    stored = _stored()
    assert "format" not in stored[0]["assessment"]  # written by the 2025 rules
    records = [SessionRecord.from_dict(data) for data in stored]
    anna = records[0]
    assert anna.assessment is None  # to be assessed again, not shown with old meanings
    assert len(anna.results) == len(stored[0]["results"])  # nothing of the record is lost
    # Written back, the record stays readable (it simply has no assessment yet).
    assert SessionRecord.from_dict(anna.as_dict()) == anna


def test_needing_assessment_gives_the_new_assessment_for_known_people() -> None:
    records = [SessionRecord.from_dict(data) for data in _stored()]
    (again,) = needing_assessment(records, {ANNA.person_id: ANNA})
    assert again.session_id == records[0].session_id
    assert again.assessment is not None
    age = ANNA.age_on(again.started_at.astimezone(UTC).date())
    assert again.assessment == assess_balance(again.results, age, Sex.FEMALE)
    stored = again.as_dict()
    assert stored["assessment"]["format"] == ASSESSMENT_FORMAT
    assert SessionRecord.from_dict(json.loads(json.dumps(stored))) == again
    # Tandem 12.3 s, both legs 12.1 s, eyes-closed sway 0.95 cm/s at 75: no rule fires.
    assert again.assessment.fall_risk.level is RiskLevel.LOW
    assert again.assessment.score is not None
    # The unassigned session and people no longer configured are left alone.
    assert needing_assessment(records, {}) == []
