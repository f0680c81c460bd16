"""The coach's storage: versioned, bad data kept aside (never lost), deleted with the pad."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.coach_store import (
    COACH_STORAGE_MINOR_VERSION,
    COACH_STORAGE_VERSION,
)
from custom_components.retro_balance.engine.coach.state import CoachState
from tests.engine.coach.builders import MONDAY, walk, with_log

from .coach_helpers import COACH_KEY, coach_state, restart, set_up_at
from .helpers import ANNA_ID, BEN_ID

WHEN = "2026-01-12T09:00:00+01:00"


def stored_coach(hass_storage: dict[str, Any], data: Any) -> None:
    hass_storage[COACH_KEY] = {
        "version": COACH_STORAGE_VERSION,
        "minor_version": COACH_STORAGE_MINOR_VERSION,
        "key": COACH_KEY,
        "data": data,
    }


def anna_with_two_walks() -> dict[str, Any]:
    state = with_log(CoachState.start(MONDAY), [walk(MONDAY), walk(MONDAY, hour=17)])
    return state.as_dict()


async def test_a_new_person_starts_the_programme_and_it_is_stored(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    await set_up_at(hass, freezer, mock_config_entry, WHEN)
    freezer.tick(2)
    await hass.async_block_till_done()
    await restart(hass, mock_config_entry)
    stored = hass_storage[COACH_KEY]
    assert (stored["version"], stored["minor_version"]) == (1, 1)
    assert set(stored["data"]["people"]) == {ANNA_ID, BEN_ID}
    assert stored["data"]["people"][ANNA_ID]["started_on"] == "2026-01-12"
    assert stored["data"]["quarantine"] == []


async def test_a_state_that_cannot_be_read_is_kept_aside_and_written_back(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    broken = {**anna_with_two_walks(), "schema_version": 99}
    stored_coach(hass_storage, {"people": {ANNA_ID: broken}, "quarantine": []})
    await set_up_at(hass, freezer, mock_config_entry, WHEN)
    assert "cannot be read and is kept aside" in caplog.text
    # Anna starts again; her unreadable state is kept exactly as it was.
    assert coach_state(mock_config_entry).activities == ()
    await restart(hass, mock_config_entry)
    data = hass_storage[COACH_KEY]["data"]
    assert data["quarantine"] == [
        {"person_id": ANNA_ID, "state": broken, "error": "schema_version: expected 1, got 99"}
    ]
    await restart(hass, mock_config_entry)
    assert hass_storage[COACH_KEY]["data"]["quarantine"] == data["quarantine"]


async def test_one_bad_activity_costs_nothing_else(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    anna = anna_with_two_walks()
    bad = copy.deepcopy(anna["activities"][1])
    bad["duration_s"] = "long"
    anna["activities"][1] = bad
    stored_coach(hass_storage, {"people": {ANNA_ID: anna}, "quarantine": []})
    await set_up_at(hass, freezer, mock_config_entry, WHEN)
    state = coach_state(mock_config_entry)
    assert len(state.activities) == 1
    assert [item.record for item in state.quarantine] == [bad]
    await restart(hass, mock_config_entry)
    stored = hass_storage[COACH_KEY]["data"]["people"][ANNA_ID]
    assert [item["record"] for item in stored["quarantine"]] == [bad]


@pytest.mark.parametrize("data", [["not", "a", "layout"], {"people": "nobody"}])
async def test_a_file_of_another_shape_is_kept_whole(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    data: Any,
) -> None:
    stored_coach(hass_storage, data)
    await set_up_at(hass, freezer, mock_config_entry, WHEN)
    await restart(hass, mock_config_entry)
    kept = hass_storage[COACH_KEY]["data"]
    assert kept["quarantine"] == [{"person_id": None, "state": data, "error": "not a layout"}]
    assert set(kept["people"]) == {ANNA_ID, BEN_ID}


async def test_removing_the_pad_deletes_the_coach_file(
    hass: HomeAssistant,
    hass_storage: dict[str, Any],
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    stored_coach(hass_storage, {"people": {ANNA_ID: anna_with_two_walks()}, "quarantine": []})
    await set_up_at(hass, freezer, mock_config_entry, WHEN)
    assert await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert COACH_KEY not in hass_storage
