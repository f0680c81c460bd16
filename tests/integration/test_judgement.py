"""What a person's entities say about a check, driven by the pad simulator through the coordinator.

Issue 9 end to end: someone who never lifts a foot gets a stored result that says so (a position
not taken, 0 s) and a fall risk that is not low; nothing judgeable is its own state; a partial
check never replaces the headline score.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.recorder.db_schema import MAX_STATE_ATTRS_BYTES
from homeassistant.core import HomeAssistant
from homeassistant.helpers.json import json_bytes
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.outcomes import Outcome
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.detection.stance_result import EndReason, StanceTest
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, play, stored

LEGS = (StanceTest.SINGLE_LEG_LEFT, StanceTest.SINGLE_LEG_RIGHT)
FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"


def newest_session(hass_storage: dict[str, Any]) -> SessionRecord:
    """The newest stored session, read back through the engine's strict reader."""
    return SessionRecord.from_dict(stored(hass_storage)["sessions"][-1])


async def start(hass: HomeAssistant, test: str, person: str) -> None:
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": test, "person": person},
        blocking=True,
    )


async def test_someone_who_never_lifts_a_foot_is_not_low(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Anna's daily check (pad button, known by her weight): steady, but no foot ever lifted."""
    await play(hass, generate("daily-check", seed=7, weight_kg=62.0, no_lift=True))

    record = newest_session(hass_storage)
    assert record.person_id == ANNA_ID
    assert record.identified_by == "weight"
    for leg in LEGS:
        (trial,) = (result for result in record.results if result.test is leg)
        # The pad gave up waiting with Anna on it: not "nobody came".
        assert trial.end_reason is EndReason.TIMED_OUT
        assert trial.body_mass_kg > 50.0
    assessment = record.assessment
    assert assessment is not None
    for leg in LEGS:
        judged = assessment.test(leg)
        assert judged is not None
        assert (judged.outcome, judged.hold_s) == (Outcome.POSITION_NOT_TAKEN, 0.0)
    for side in ("left", "right"):
        state = hass.states.get(f"sensor.anna_single_leg_stance_{side}")
        assert float(state.state) == 0.0
        assert state.attributes["outcome"] == "position_not_taken"
    # Quiet stance and tandem went well: one major sign, so moderate (one sign never makes high).
    risk = hass.states.get("sensor.anna_fall_risk")
    assert risk.state == "moderate"
    signs = [reason for reason in risk.attributes["reasons"] if reason["severity"] != "unmeasured"]
    assert [reason["code"] for reason in signs] == ["single_leg_position_not_taken"]
    assert "Could not lift a foot to stand on one leg." in risk.attributes["explanation"]
    tandem = hass.states.get("sensor.anna_tandem_stance")
    assert (float(tandem.state), tandem.attributes["outcome"]) == (30.0, "held")
    # Three kinds of test measured: a full check with a score; the legs earn nothing.
    score = hass.states.get("sensor.anna_balance_score")
    assert (score.state, assessment.score) == ("65", 64.8)  # shown whole; stored as scored
    assert set(score.attributes["covers"]) >= {leg.value for leg in LEGS}
    assert score.attributes["newest_check_partial"] is False

    # The caregiver's event carries the stored record with its assessment, and fits the recorder.
    event = hass.states.get("event.anna_balance_check")
    assert event.attributes["assessment"] == assessment.as_dict()
    assert "raw_cop" not in event.attributes
    assert len(json_bytes(event.attributes)) < MAX_STATE_ATTRS_BYTES // 2


async def test_nothing_judgeable_is_its_own_state_and_never_hides_a_level(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A cancelled test judges nothing: `not_judged` until a level exists, which it never blanks."""
    messages = list(generate("quiet-eo", seed=2, weight_kg=84.0))
    await start(hass, "quiet_eyes_open", "Ben")
    await play(hass, [message for message in messages if message[0] < 12.0])
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    cancelled = newest_session(hass_storage)
    assert cancelled.person_id == BEN_ID
    assert cancelled.assessment is not None
    assert cancelled.assessment.fall_risk.level.value == "unknown"
    risk = hass.states.get("sensor.ben_fall_risk")
    assert risk.state == "not_judged"
    assert risk.attributes["explanation"][0] == (
        "Tandem stance was not measured, so its rule was not checked."
    )
    assert len(risk.attributes["explanation"]) == len(risk.attributes["reasons"]) == 4
    # Nothing measured, no hold to show.
    assert hass.states.get("sensor.ben_balance_score").state == "unknown"

    await start(hass, "tandem", "Ben")
    await play(hass, generate("tandem", seed=2, weight_kg=84.0, lose_balance_at_s=6.0))
    risk = hass.states.get("sensor.ben_fall_risk")
    assert risk.state == "moderate"
    assert "Held tandem stance 6" in risk.attributes["explanation"][0]

    await start(hass, "quiet_eyes_open", "Ben")
    await play(hass, [message for message in messages if message[0] < 12.0])
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    assert len(stored(hass_storage)["sessions"]) == 3
    assert hass.states.get("sensor.ben_fall_risk").state == "moderate"


@pytest.fixture
def anna_full_check(hass_storage: dict[str, Any]) -> None:
    """Anna's stored daily check (the fixture's, assessed again on load: score 57.3, shown 57)."""
    full = json.loads(FIXTURE.read_text())["sessions"][0]
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": {"sessions": [full], "quarantine": []},
    }


@pytest.mark.usefixtures("anna_full_check")
async def test_a_partial_check_never_replaces_the_headline_score(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Anna's full check scored; then a tandem test alone: it shows as tandem, not as a score."""
    assert hass.states.get("sensor.anna_balance_score").state == "57"

    await start(hass, "tandem", "Anna")
    await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=20.0))
    partial = newest_session(hass_storage)
    assert partial.assessment is not None
    assert (partial.assessment.partial, partial.assessment.score) == (True, None)
    for key in ("balance_score", "balance_for_age"):
        state = hass.states.get(f"sensor.anna_{key}")
        assert state.state == {"balance_score": "57", "balance_for_age": "70"}[key]
        assert state.attributes["newest_check_partial"] is True
        assert len(state.attributes["covers"]) == 4
    assert float(hass.states.get("sensor.anna_tandem_stance").state) > 19.0


@pytest.mark.usefixtures("anna_full_check")
async def test_an_interrupted_check_never_replaces_the_headline(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Anna's daily check is cancelled after two tests: scored, but the headline stays.

    Issue 10: a check cut short (here by hand; before, by a reload) became the headline.
    """
    await start(hass, "daily_check", "Anna")
    messages = list(generate("daily-check", seed=3, weight_kg=62.0))
    await play(hass, [message for message in messages if message[0] < 75.0])
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    cut = newest_session(hass_storage)
    assert (cut.complete, cut.incomplete_reason, cut.interrupted) == (False, "cancelled", True)
    assert cut.tests_done == (StanceTest.QUIET_EYES_CLOSED, StanceTest.TANDEM)
    assert cut.assessment is not None
    assert cut.assessment.score is not None  # two kinds of test: it has a score of its own

    for key, shown in (
        ("balance_score", "57"),
        ("balance_for_age", "70"),
        ("fall_risk", "low"),
    ):
        state = hass.states.get(f"sensor.anna_{key}")
        assert state.state == shown, key
        assert state.attributes["newest_check_counted"] is False
        assert state.attributes["newest_check"] == {
            "ended_at": cut.ended_at.isoformat(),
            "tests_done": 2,
            "tests_planned": 4,
            "interrupted": "cancelled",
            "partial": False,
        }
        assert state.attributes["newest_check_note"].endswith(
            "is not counted here: based on 2 of 4 tests, interrupted (cancelled)."
        )
    # The holds it measured are shown: they are real measurements.
    assert float(hass.states.get("sensor.anna_tandem_stance").state) > 0


async def test_a_first_check_interrupted_judges_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Without a full check before it, an interrupted one gives no score and no level."""
    await start(hass, "daily_check", "Anna")
    messages = list(generate("daily-check", seed=3, weight_kg=62.0))
    await play(hass, [message for message in messages if message[0] < 75.0])
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    assert newest_session(hass_storage).assessment is not None
    assert hass.states.get("sensor.anna_balance_score").state == "unknown"
    risk = hass.states.get("sensor.anna_fall_risk")
    assert risk.state == "not_judged"
    assert risk.attributes["newest_check_counted"] is False
    assert risk.attributes["reasons"]  # what was and was not measured, still explained
