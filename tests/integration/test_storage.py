"""Stored sessions: read at start-up (entities keep their values), migrated, bad ones skipped."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.session import SessionRecord, best_result
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .helpers import ANNA_ID, ENTRY_ID, stored

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
KEY = f"{DOMAIN}.{ENTRY_ID}"


def fixture_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


def expected_left_s(raw: dict[str, Any]) -> float:
    """What the single-leg-left sensor must show for a stored record (engine's best trial)."""
    result = best_result(SessionRecord.from_dict(raw), StanceTest.SINGLE_LEG_LEFT)
    assert result is not None
    return round(result.hold_time_s, 2)


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def test_values_after_restart(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    data = fixture_data()
    hass_storage[KEY] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": KEY,
        "data": data,
    }
    await setup(hass, mock_config_entry)
    anna = data["sessions"][0]
    left = hass.states.get("sensor.anna_single_leg_stance_left")
    assert float(left.state) == pytest.approx(expected_left_s(anna))
    score = hass.states.get("sensor.anna_balance_score")
    assert float(score.state) == pytest.approx(anna["assessment"]["score"])
    risk = hass.states.get("sensor.anna_fall_risk")
    assert risk.state == anna["assessment"]["fall_risk"]["level"]
    assert [r["code"] for r in risk.attributes["reasons"]] == [
        r["code"] for r in anna["assessment"]["fall_risk"]["reasons"]
    ]
    assert hass.states.get("sensor.anna_last_check").state == "2026-11-20T07:33:10+00:00"
    # Ben has no sessions yet.
    assert hass.states.get("sensor.ben_balance_score").state == "unknown"

    # A second setup of the same entry reads the same data.
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    left = hass.states.get("sensor.anna_single_leg_stance_left")
    assert float(left.state) == pytest.approx(expected_left_s(anna))


async def test_migration_from_v1(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Version 1 grouped records by person without a person_id in each record."""
    anna = fixture_data()["sessions"][0]
    old_record = {k: v for k, v in anna.items() if k != "person_id"}
    hass_storage[KEY] = {
        "version": 1,
        "minor_version": 1,
        "key": KEY,
        "data": {"history": {ANNA_ID: [old_record, "garbage"], "someone": "not a list"}},
    }
    await setup(hass, mock_config_entry)
    left = hass.states.get("sensor.anna_single_leg_stance_left")
    assert float(left.state) == pytest.approx(expected_left_s(anna))
    history = mock_config_entry.runtime_data.history
    assert [record.person_id for record in history.sessions] == [ANNA_ID]
    assert history.quarantined == 2
    # The next save writes the current layout.
    await hass.services.async_call(
        DOMAIN,
        "delete_session",
        {"config_entry_id": ENTRY_ID, "session_id": anna["session_id"]},
        blocking=True,
    )
    assert hass_storage[KEY]["version"] == STORAGE_VERSION
    assert stored(hass_storage)["sessions"] == []
    assert len(stored(hass_storage)["quarantine"]) == 2


async def test_migration_from_v1_without_history(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    hass_storage[KEY] = {"version": 1, "minor_version": 1, "key": KEY, "data": {"x": 1}}
    await setup(hass, mock_config_entry)
    history = mock_config_entry.runtime_data.history
    assert history.sessions == ()
    assert history.quarantined == 1


async def test_corrupt_record_is_skipped(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    data = fixture_data()
    broken = copy.deepcopy(data["sessions"][1])
    broken["started_at"] = "yesterday-ish"
    data["sessions"] = [data["sessions"][0], broken, 42]
    hass_storage[KEY] = {"version": STORAGE_VERSION, "minor_version": 1, "key": KEY, "data": data}
    with caplog.at_level(logging.WARNING):
        await setup(hass, mock_config_entry)
    history = mock_config_entry.runtime_data.history
    assert len(history.sessions) == 1
    assert history.quarantined == 2
    lines = [r.message for r in caplog.records if "Skipping stored session" in r.message]
    assert len(lines) == 2
    assert "started_at" in lines[0]
    assert hass.states.get("sensor.anna_balance_score").state != "unknown"


async def test_older_minor_version_is_read_as_is(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """2.0 had the same layout (a minor bump only adds optional keys)."""
    hass_storage[KEY] = {"version": 2, "minor_version": 0, "key": KEY, "data": fixture_data()}
    await setup(hass, mock_config_entry)
    assert len(mock_config_entry.runtime_data.history.sessions) == 2
