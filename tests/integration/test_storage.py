"""Stored sessions: read at start-up (entities keep their values), migrated, bad ones skipped."""

from __future__ import annotations

import copy
import json
import logging
from pathlib import Path
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .helpers import ANNA_ID, ENTRY_ID, stored

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
KEY = f"{DOMAIN}.{ENTRY_ID}"


def fixture_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(FIXTURE.read_text())
    return data


# Anna's stored daily check has three single-leg-left trials of 12.0895, 12.077 and 12.0895 s:
# the sensor shows the longest, rounded to 0.01 s.
ANNA_LEFT_S = 12.09


def with_left_trials(raw: dict[str, Any], holds_s: tuple[float, ...]) -> dict[str, Any]:
    """The record with its single-leg-left trials held `holds_s` long, in order."""
    record = copy.deepcopy(raw)
    trials = [r for r in record["results"] if r["test"] == "single_leg_left"]
    assert len(trials) == len(holds_s)
    for trial, hold_s in zip(trials, holds_s, strict=True):
        trial["hold_time_s"] = hold_s
    return record


async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


def in_storage(hass_storage: dict[str, Any], data: dict[str, Any]) -> None:
    hass_storage[KEY] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": KEY,
        "data": data,
    }


async def test_values_after_restart(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    data = fixture_data()
    # Best of 3 is the longest trial, wherever it falls: here the second.
    data["sessions"][0] = with_left_trials(data["sessions"][0], (9.5, 14.25, 11.0))
    in_storage(hass_storage, data)
    await setup(hass, mock_config_entry)
    left = hass.states.get("sensor.anna_single_leg_stance_left")
    assert float(left.state) == 14.25
    assert left.attributes["outcome"] == "held"
    # The stored assessment (format 1) was made again from the results, and stored.
    anna = stored(hass_storage)["sessions"][0]
    assert anna["assessment"]["format"] == 2
    score = hass.states.get("sensor.anna_balance_score")
    assert (score.state, anna["assessment"]["score"]) == ("59", 58.5)  # shown whole, halves up
    risk = hass.states.get("sensor.anna_fall_risk")
    assert risk.state == anna["assessment"]["fall_risk"]["level"]
    assert risk.attributes["reasons"] == anna["assessment"]["fall_risk"]["reasons"]
    assert hass.states.get("sensor.anna_last_check").state == "2026-11-20T07:33:10+00:00"
    # Ben has no sessions yet.
    assert hass.states.get("sensor.ben_balance_score").state == "unknown"

    # A second setup of the same entry reads the same data.
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    left = hass.states.get("sensor.anna_single_leg_stance_left")
    assert float(left.state) == 14.25
    assert hass.states.get("sensor.anna_balance_score").state == score.state


async def test_format_1_assessments_are_assessed_again_once(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Scores of the old scale are not shown: the results are assessed by today's rules."""
    data = fixture_data()
    old = data["sessions"][0]["assessment"]
    assert "format" not in old
    assert (old["score"], old["percentile"]) == (64.7, 71.6)
    in_storage(hass_storage, data)
    with caplog.at_level(logging.INFO):
        await setup(hass, mock_config_entry)
    # Anna (born 1952) was 74 on 2026-11-20: the new scale against a fit young adult.
    assert hass.states.get("sensor.anna_balance_score").state == "57"
    assert hass.states.get("sensor.anna_balance_for_age").state == "70"
    percentile = hass.states.get("sensor.anna_sway_steadiness_eyes_closed_percentile_for_age")
    assert percentile.state == "74"
    assert percentile.attributes["approximate"] is False
    assert hass.states.get("sensor.anna_fall_risk").state == "low"
    anna, unassigned = stored(hass_storage)["sessions"]
    assert anna["assessment"]["format"] == 2
    assert anna["assessment"]["score"] == 57.3
    # The results are kept as they were; the unassigned session has nobody to be assessed for.
    assert anna["results"] == data["sessions"][0]["results"]
    # (Rewritten with the rest: a record stored before the plan was kept has an empty plan.)
    assert unassigned == data["sessions"][1] | {"planned_tests": []}
    assert len([r for r in caplog.records if "assessed again" in r.message]) == 1

    # Loading again finds nothing to assess: nothing is written.
    written = hass_storage[KEY]
    caplog.clear()
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert hass_storage[KEY] is written
    assert not [r for r in caplog.records if "assessed again" in r.message]
    assert hass.states.get("sensor.anna_balance_score").state == "57"


async def test_sessions_that_cannot_be_assessed_again_are_kept(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A session dated before the person's birth year, a removed person's: logged, left alone."""
    data = fixture_data()
    before_birth = copy.deepcopy(data["sessions"][0])
    before_birth |= {
        "session_id": "b" * 32,
        "started_at": "1950-05-01T07:30:00+00:00",
        "ended_at": "1950-05-01T07:33:10+00:00",
    }
    removed = copy.deepcopy(data["sessions"][0]) | {"session_id": "c" * 32, "person_id": "gone"}
    data["sessions"] += [before_birth, removed]
    in_storage(hass_storage, data)
    with caplog.at_level(logging.WARNING):
        await setup(hass, mock_config_entry)
    assert mock_config_entry.state is ConfigEntryState.LOADED
    warnings = [r.message for r in caplog.records if "cannot be assessed again" in r.message]
    assert len(warnings) == 1
    assert "b" * 32 in warnings[0]
    assert "before birth year 1952" in warnings[0]
    history = mock_config_entry.runtime_data.sessions.history
    assert history.get("b" * 32).assessment is None
    assert history.get("c" * 32).assessment is None
    assert history.get("b" * 32).results == history.get(data["sessions"][0]["session_id"]).results
    # Anna's readable session was assessed and shows.
    assert hass.states.get("sensor.anna_balance_score").state == "57"


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
    assert float(left.state) == ANNA_LEFT_S
    history = mock_config_entry.runtime_data.sessions.history
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
    history = mock_config_entry.runtime_data.sessions.history
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
    in_storage(hass_storage, data)
    with caplog.at_level(logging.WARNING):
        await setup(hass, mock_config_entry)
    history = mock_config_entry.runtime_data.sessions.history
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
    assert len(mock_config_entry.runtime_data.sessions.history.sessions) == 2
