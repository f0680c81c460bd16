"""What the logbook and the event entities say about a check, and when.

The `retro_balance_check` event is fired once per check stored or assigned (never on a reload),
dated at the check's end; the logbook platform turns it into a sentence.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.recorder import Recorder
from homeassistant.core import Event, HomeAssistant
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, mock_component
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator

from custom_components.retro_balance.check_events import EVENT_CHECK
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.logbook_texts import SELECTOR, check_message, check_name
from custom_components.retro_balance.reason_texts import option_key
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, play, stored

STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components/retro_balance/strings.json").read_text()
)
TRANSLATIONS = {
    option_key(SELECTOR, option): text
    for option, text in STRINGS["selector"][SELECTOR]["options"].items()
}
BEN_CHECK = re.compile(
    r"^finished the daily check: score (\d+), fall risk (low|moderate|high), "
    r"quiet stance eyes closed 30 s, tandem 1[34](\.\d)? s, "
    r"single-leg left 1[34](\.\d)? s, single-leg right 1[34](\.\d)? s$"
)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder must be set up before Home Assistant loads custom integrations."""


def test_the_sentence_of_a_finished_check() -> None:
    """Issue 10's example, from the event's data and the English texts."""
    data = {
        "person_id": "margaret",
        "person": "Margaret",
        "pad_id": "hallway",
        "kind": "daily_check",
        "change": "stored",
        "interrupted": False,
        "score": 84,
        "fall_risk": "low",
        "holds": {"tandem": 30.0},
    }
    assert f"{check_name(data)} {check_message(TRANSLATIONS, data)}" == (
        "Margaret finished the daily check: score 84, fall risk low, tandem 30 s"
    )
    interrupted = data | {
        "interrupted": True,
        "incomplete_reason": "cancelled",
        "tests_done": 1,
        "tests_planned": 4,
        "score": None,
        "fall_risk": "unknown",
        "change": "assigned",
    }
    assert check_message(TRANSLATIONS, interrupted) == (
        "stopped the daily check after 1 of 4 tests (cancelled) (assigned later): "
        "fall risk not judged, tandem 30 s"
    )
    assert check_message(TRANSLATIONS, interrupted | {"tests_planned": None}) == (
        "stopped the daily check after 1 tests (cancelled) (assigned later): "
        "fall risk not judged, tandem 30 s"
    )
    single = data | {"kind": "single_test", "score": None, "holds": {"single_leg_left": 12.5}}
    assert check_message(TRANSLATIONS, single) == (
        "finished a single test: fall risk low, single-leg left 12.5 s"
    )
    assert check_message(TRANSLATIONS, single | {"interrupted": True}) == (
        "stopped a single test (None): fall risk low, single-leg left 12.5 s"
    ).replace("(None)", "(reason_None)")
    nobody = {
        "person_id": None,
        "person": None,
        "pad_id": "hallway",
        "weight_kg": 72.3,
        "holds": {"quiet_eyes_open": 12.0},
    }
    assert f"{check_name(nobody)} {check_message(TRANSLATIONS, nobody)}" == (
        "Balance pad hallway stored a check nobody could be chosen for (72.3 kg, quiet stance "
        "eyes open 12 s); choose whose it was under Settings → Repairs"
    )
    # A text missing from a translation never hides the figures.
    assert (
        check_message({}, data) == "daily_check: score 84, fall_risk risk_low, hold test_tandem 30"
    )


def check_events(hass: HomeAssistant) -> list[Event]:
    fired: list[Event] = []
    hass.bus.async_listen(EVENT_CHECK, fired.append)
    return fired


async def logbook(
    hass: HomeAssistant, client: ClientSessionGenerator, since: datetime
) -> list[dict[str, Any]]:
    await async_wait_recording_done(hass)
    http = await client()
    response = await http.get(f"/api/logbook/{since.isoformat()}")
    assert response.status == HTTPStatus.OK
    entries: list[dict[str, Any]] = await response.json()
    return [entry for entry in entries if entry.get("domain") == DOMAIN]


async def set_up_logbook(hass: HomeAssistant) -> None:
    mock_component(hass, "frontend")
    assert await async_setup_component(hass, "logbook", {})


async def test_a_finished_check_in_the_logbook_dated_at_its_end(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    """Ben's daily check: one event, one logbook line with his results, at the check's end."""
    await set_up_logbook(hass)
    fired = check_events(hass)
    since = dt_util.utcnow() - timedelta(hours=1)
    await play(
        hass, generate("daily-check", seed=5, weight_kg=84.0, lose_balance_at_s=14.0, sls_trials=3)
    )
    (record,) = (SessionRecord.from_dict(raw) for raw in stored(hass_storage)["sessions"])
    (event,) = fired
    assert event.time_fired == record.ended_at
    assert event.data["person"] == "Ben"
    assert event.data["session_id"] == record.session_id
    assert event.data["entity_id"] == "event.ben_balance_check"
    assert event.data["device_id"]

    (entry,) = await logbook(hass, hass_client, since)
    assert entry["name"] == "Ben"
    assert entry["entity_id"] == "event.ben_balance_check"
    assert dt_util.parse_datetime(entry["when"]) == record.ended_at
    found = BEN_CHECK.match(entry["message"])
    assert found, entry["message"]
    assert int(found.group(1)) == round(float(hass.states.get("sensor.ben_balance_score").state))
    assert found.group(2) == hass.states.get("sensor.ben_fall_risk").state
    # The person's event entity is dated at the check too.
    state = hass.states.get("event.ben_balance_check")
    assert dt_util.parse_datetime(state.state) == record.ended_at.replace(
        microsecond=record.ended_at.microsecond // 1000 * 1000
    )


async def test_an_assigned_check_is_dated_at_the_check_not_the_assignment(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    await set_up_logbook(hass)
    fired = check_events(hass)
    since = dt_util.utcnow() - timedelta(hours=1)
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    await play(hass, generate("tandem", seed=2, weight_kg=40.0, lose_balance_at_s=8.0))
    (record,) = (SessionRecord.from_dict(raw) for raw in stored(hass_storage)["sessions"])
    assert record.person_id is None
    pad_event = hass.states.get("event.balance_pad_hall_unassigned_session")
    assert dt_util.parse_datetime(pad_event.state) == record.ended_at.replace(
        microsecond=record.ended_at.microsecond // 1000 * 1000
    )
    assert pad_event.attributes["ended_at"] == record.ended_at.isoformat()

    # Assigned an hour later: dated at the check all the same.
    later = dt_util.utcnow() + timedelta(hours=1)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(dt_util, "utcnow", lambda: later)
        await hass.services.async_call(
            DOMAIN,
            "assign_session",
            {"config_entry_id": ENTRY_ID, "session_id": record.session_id, "person": "Anna"},
            blocking=True,
        )
    await hass.async_block_till_done()
    stored_event, assigned_event = fired
    assert stored_event.data["change"] == "stored"
    assert assigned_event.data["change"] == "assigned"
    assert assigned_event.data["person_id"] == ANNA_ID
    assert assigned_event.time_fired == record.ended_at
    anna = hass.states.get("event.anna_balance_check")
    assert dt_util.parse_datetime(anna.state) == record.ended_at.replace(
        microsecond=record.ended_at.microsecond // 1000 * 1000
    )
    assert anna.attributes["session_id"] == record.session_id

    unassigned, assigned = await logbook(hass, hass_client, since)
    assert unassigned["name"] == "Balance pad hall"
    assert unassigned["entity_id"] == "event.balance_pad_hall_unassigned_session"
    assert "nobody could be chosen for" in unassigned["message"]
    assert assigned["name"] == "Anna"
    assert assigned["message"].startswith("finished a single test (assigned later): ")
    assert dt_util.parse_datetime(assigned["when"]) == record.ended_at


async def test_no_events_on_reload(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_client: ClientSessionGenerator,
) -> None:
    """Reloading the pad (or people and options changing) fires nothing for anyone."""
    await set_up_logbook(hass)
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "tandem", "person": "Anna"},
        blocking=True,
    )
    await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=8.0))
    before = {
        entity_id: hass.states.get(entity_id).state
        for entity_id in ("event.anna_balance_check", "event.ben_balance_check")
    }
    since = dt_util.utcnow()
    fired = check_events(hass)
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    ben = init_integration.subentries[BEN_ID]
    hass.config_entries.async_update_subentry(init_integration, ben, title="Benjamin")
    hass.config_entries.async_update_entry(init_integration, options={"cap_s": 20})
    await hass.async_block_till_done()
    assert fired == []
    assert not await logbook(hass, hass_client, since)
    for entity_id, state in before.items():
        assert hass.states.get(entity_id).state == state
