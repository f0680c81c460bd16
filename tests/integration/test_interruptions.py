"""A running test is never lost: Home Assistant stopping or killed; nothing measured is told."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.components import persistent_notification
from homeassistant.const import EVENT_HOMEASSISTANT_FINAL_WRITE, EVENT_HOMEASSISTANT_STOP
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.detection.stance_result import EndReason
from custom_components.retro_balance.journal import journal_dict, run_from_journal
from custom_components.retro_balance.notices import notification_id
from custom_components.retro_balance.repairs import async_create_fix_flow
from custom_components.retro_balance.runs import PROGRESS_INTERVAL_S, PadRuns
from pad_simulator.scenarios import generate

from .helpers import (
    ANNA_ID,
    ENTRY_ID,
    hold_start_s,
    live,
    play,
    play_until,
    records,
    start_test,
)

JOURNAL = f"{DOMAIN}.{ENTRY_ID}.in_progress"
SLS = {"seed": 5, "weight_kg": 62.0, "lose_balance_at_s": 20.0}
HELD_S = 4.0


def sls_left() -> list[tuple[float, str, bytes]]:
    return list(generate("sls-left", **SLS))


def hold_start() -> float:
    return hold_start_s("sls-left", weight_kg=62.0, lose_balance_at_s=20.0)


def notice(hass: HomeAssistant) -> dict[str, Any] | None:
    notices = persistent_notification._async_get_or_create_notifications(hass)
    found = notices.get(notification_id(ENTRY_ID))
    return None if found is None else dict(found)


async def tick(hass: HomeAssistant, seconds: float) -> None:
    """Let `seconds` pass for the run's watchdog (frames stopped meanwhile)."""
    with patch.object(hass.loop, "time", return_value=hass.loop.time() + seconds):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=seconds))
        await hass.async_block_till_done()


async def test_stop_mid_hold_stores_the_hold_so_far(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Home Assistant stopping ~4 s into a hold: stored as interrupted, the 4 s kept."""
    await start_test(hass, "single_leg_left", "Anna")
    await play_until(hass, sls_left(), hold_start() + HELD_S)
    hass.set_state(CoreState.stopping)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STOP)
    await hass.async_block_till_done()
    # Stores write at the final write while Home Assistant stops.
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    hass.bus.async_fire(EVENT_HOMEASSISTANT_FINAL_WRITE)
    await hass.async_block_till_done()
    (record,) = records(hass_storage)
    assert record.person_id == ANNA_ID
    assert not record.complete
    assert record.incomplete_reason == "interrupted"
    (result,) = record.results
    assert result.end_reason is EndReason.SIGNAL_LOST
    assert result.hold_time_s == pytest.approx(HELD_S, abs=0.2)
    assert result.sway is not None
    # The note of the test stays until the next start (the final write may never come).
    assert JOURNAL in hass_storage
    hass.set_state(CoreState.running)
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert len(records(hass_storage)) == 1
    assert JOURNAL not in hass_storage


async def test_the_test_in_progress_is_noted_as_it_goes(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await start_test(hass, "single_leg_left", "Anna")
    await hass.async_block_till_done()
    note = hass_storage[JOURNAL]["data"]
    assert note["results"] == []
    assert note["what"] == "single_leg_left"
    assert note["selected_person_id"] == ANNA_ID
    session_id = note["session_id"]
    rest = await play_until(hass, sls_left(), hold_start() + HELD_S)
    await tick(hass, PROGRESS_INTERVAL_S + 0.5)
    assert live(init_integration).testing
    (partial,) = hass_storage[JOURNAL]["data"]["results"]
    assert partial["end_reason"] == "signal_lost"
    assert partial["hold_time_s"] == pytest.approx(HELD_S, abs=0.2)
    assert partial["sway"] is None
    await play(hass, rest)
    assert JOURNAL not in hass_storage
    (record,) = records(hass_storage)
    assert record.session_id == session_id
    assert record.complete


async def test_a_killed_home_assistant_loses_nothing_it_had_noted(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Killed mid-hold (nothing stored on the way out): the next start stores the note."""
    await start_test(hass, "single_leg_left", "Anna")
    await play_until(hass, sls_left(), hold_start() + HELD_S)
    await tick(hass, PROGRESS_INTERVAL_S + 0.5)
    with patch.object(PadRuns, "shutdown"):  # a kill: nothing runs on the way out
        assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    with caplog.at_level(logging.WARNING):
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
    (record,) = records(hass_storage)
    assert record.incomplete_reason == "interrupted"
    assert record.person_id == ANNA_ID
    (result,) = record.results
    assert result.hold_time_s == pytest.approx(HELD_S, abs=0.2)
    assert JOURNAL not in hass_storage
    assert "Home Assistant stopped during a test" in caplog.text
    # The recovered session is shown like any other.
    assert hass.states.get("sensor.anna_last_check").state != "unknown"


async def test_a_killed_test_before_anything_was_measured_is_told(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await start_test(hass, "tandem")
    await hass.async_block_till_done()
    with patch.object(PadRuns, "shutdown"):
        assert await hass.config_entries.async_unload(ENTRY_ID)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    shown = notice(hass)
    assert shown is not None
    assert "Tandem" in shown["message"]
    assert "Home Assistant stopped or restarted" in shown["message"]


@pytest.mark.parametrize(
    "note",
    [
        pytest.param({"session_id": 7}, id="wrong-type"),
        pytest.param({"nonsense": True}, id="wrong-keys"),
    ],
)
async def test_a_damaged_note_is_dropped_with_a_warning(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    note: dict[str, Any],
) -> None:
    assert await hass.config_entries.async_unload(ENTRY_ID)
    hass_storage[JOURNAL] = {"version": 1, "minor_version": 1, "key": JOURNAL, "data": note}
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    assert "is damaged and was dropped" in caplog.text
    assert JOURNAL not in hass_storage
    assert live(init_integration).online is False  # the entry is set up as usual


async def test_nobody_steps_on_the_user_is_told_and_a_result_clears_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A single test nobody takes ends after the wait: logged at WARNING and notified."""
    await start_test(hass, "single_leg_right")
    with caplog.at_level(logging.WARNING):
        await play(hass, generate("idle", seed=1, duration_s=70.0))
    assert not live(init_integration).testing
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    shown = notice(hass)
    assert shown is not None
    assert shown["title"] == "Balance pad hall: nothing measured"
    assert "Single-leg stance, right" in shown["message"]
    assert "nobody stood on the pad in time" in shown["message"]
    warnings = [r for r in caplog.records if "ended with nothing measured" in r.message]
    assert warnings[0].levelno == logging.WARNING
    await start_test(hass, "single_leg_left", "Anna")
    await play(hass, sls_left())
    assert len(records(hass_storage)) == 1
    assert notice(hass) is None


async def test_a_cancelled_test_with_nothing_measured_is_not_notified(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await start_test(hass, "tandem")
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    assert notice(hass) is None


def test_a_note_with_a_time_without_zone_is_damaged() -> None:
    note = {
        "session_id": "a" * 32,
        "kind": "single_test",
        "what": "tandem",
        "selected_person_id": None,
        "started_at": "2026-11-21T08:00:00",
        "ended_at": "2026-11-21T08:01:00+00:00",
        "planned_tests": ["tandem"],
        "results": [],
        "weight_kg": 70.0,
    }
    with pytest.raises(ValueError, match="started_at: no time zone"):
        run_from_journal(note)
    note["started_at"] = "2026-11-21T08:00:00+00:00"
    run = run_from_journal(note)
    assert (run.what, run.weight_kg, run.incomplete_reason) == ("tandem", 70.0, "interrupted")
    assert journal_dict(run) == note


async def test_no_fix_flow_for_another_issue(hass: HomeAssistant) -> None:
    with pytest.raises(ValueError, match="no fix flow"):
        await async_create_fix_flow(hass, "pad_offline_x", {"entry_id": "x"})
