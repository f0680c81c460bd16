"""Actions: start/cancel, assign, delete, export; every invalid call is a translated error."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import DOMAIN, PROGRESS_STEP_S
from pad_simulator.scenarios import ScenarioOptions, build_timeline, generate
from pad_simulator.timeline import timeline_spans

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, fire, flush_live_updates, live, play, stored


async def call(hass: HomeAssistant, service: str, **data: Any) -> Any:
    """Call one of our actions with the pad's entry."""
    return await hass.services.async_call(
        DOMAIN,
        service,
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=service == "export_history",
    )


async def unassigned_session(hass: HomeAssistant, hass_storage: dict[str, Any]) -> str:
    """Run a quiet stance nobody's weight range fits; return its session id."""
    await call(hass, "start_test", test="quiet_eyes_open")
    await play(hass, generate("quiet-eo", seed=4, weight_kg=40.0, cap_s=10.0))
    (raw,) = stored(hass_storage)["sessions"]
    assert raw["person_id"] is None
    session_id: str = raw["session_id"]
    return session_id


@pytest.mark.parametrize(
    ("service", "data", "key"),
    [
        ("start_test", {"person": "Zoe"}, "unknown_person"),
        ("cancel_test", {}, "no_test_running"),
        ("assign_session", {"session_id": "nope", "person": "Anna"}, "unknown_session"),
        ("delete_session", {"session_id": "nope"}, "unknown_session"),
        ("export_history", {"person": "Zoe"}, "unknown_person"),
    ],
)
async def test_invalid_calls(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    service: str,
    data: dict[str, Any],
    key: str,
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, service, **data)
    assert err.value.translation_domain == DOMAIN
    assert err.value.translation_key == key


async def test_unknown_and_unloaded_pad(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN, "cancel_test", {"config_entry_id": "nope"}, blocking=True
        )
    assert err.value.translation_key == "entry_not_found"
    await hass.config_entries.async_unload(ENTRY_ID)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "cancel_test")
    assert err.value.translation_key == "entry_not_loaded"


async def test_start_needs_online_idle_pad(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await call(hass, "start_test", test="tandem", person=ANNA_ID)
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_test")
    assert err.value.translation_key == "test_running"
    await call(hass, "cancel_test")
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, "start_test")
    assert err.value.translation_key == "pad_offline"


async def test_the_progress_shows_each_step_when_it_is_reached(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A new 5-s step is published at once, not with the next once-a-second live update."""
    await call(hass, "start_test", test="single_leg_right", person="Ben")
    options = ScenarioOptions(weight_kg=84.0, lose_balance_at_s=20.0)
    (hold,) = [
        span
        for span in timeline_spans(build_timeline("sls-right", options))
        if span.label == "single_leg_right"
    ]
    messages = generate("sls-right", seed=8, weight_kg=84.0, lose_balance_at_s=20.0)
    # No live update goes out while this plays: Home Assistant's clock stands still.
    await play(hass, [m for m in messages if m[0] < hold.start_s + PROGRESS_STEP_S + 0.6])
    assert hass.states.get("sensor.balance_pad_hall_test_progress").state == str(PROGRESS_STEP_S)
    assert hass.states.get("sensor.balance_pad_hall_check_progress").state.startswith(
        f"{PROGRESS_STEP_S} of 30 s"
    )


async def test_cancel_keeps_partial_results(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
) -> None:
    """Cancelling mid-hold stores an incomplete session and cues stop."""
    await call(hass, "start_test", test="single_leg_right", person="Ben")
    messages = list(generate("sls-right", seed=8, weight_kg=84.0, lose_balance_at_s=20.0))
    played = messages[: len(messages) // 2]
    await play(hass, played)
    await flush_live_updates(hass)
    assert hass.states.get("sensor.balance_pad_hall_current_test").state == "single_leg_right"
    # The hold began when the foot came up in the script; the last frame played is now.
    options = ScenarioOptions(weight_kg=84.0, lose_balance_at_s=20.0)
    (hold,) = [
        span
        for span in timeline_spans(build_timeline("sls-right", options))
        if span.label == "single_leg_right"
    ]
    # The progress sensor moves in whole steps of PROGRESS_STEP_S.
    progress_s = float(hass.states.get("sensor.balance_pad_hall_test_progress").state)
    held_s = played[-1][0] - hold.start_s
    assert progress_s % PROGRESS_STEP_S == 0
    assert progress_s - 0.3 <= held_s < progress_s + PROGRESS_STEP_S + 0.3
    await call(hass, "cancel_test")
    await hass.async_block_till_done()
    (raw,) = stored(hass_storage)["sessions"]
    assert raw["person_id"] == BEN_ID
    assert raw["complete"] is False
    assert raw["incomplete_reason"] == "cancelled"
    assert hass.states.get("sensor.balance_pad_hall_pad_state").state == "occupied"
    mqtt_mock.async_publish.assert_any_call(
        "retro_balance/hall/cmd", b'{"cmd":"cue","cue":"stop"}', 1, False
    )


async def test_long_press_cancels(hass: HomeAssistant, init_integration: MockConfigEntry) -> None:
    await call(hass, "start_test", test="tandem")
    fire(hass, "button", b'{"v":1,"press":"long"}')
    await hass.async_block_till_done()
    assert not init_integration.runtime_data.coordinator.data.pad.testing
    # A long press with nothing running is ignored (logged), not an error.
    fire(hass, "button", b'{"v":1,"press":"long"}')
    await hass.async_block_till_done()


async def test_assign_export_delete(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    session_id = await unassigned_session(hass, hass_storage)
    unassigned = await call(hass, "export_history", scope="unassigned")
    assert [s["session_id"] for s in unassigned["sessions"]] == [session_id]
    assert unassigned["person_id"] is None

    await call(hass, "assign_session", session_id=session_id, person="anna")
    (raw,) = stored(hass_storage)["sessions"]
    assert raw["person_id"] == ANNA_ID
    assert raw["identified_by"] == "assigned"
    assert raw["assessment"] is not None
    assert hass.states.get("sensor.anna_last_check").state != "unknown"
    event = hass.states.get("event.anna_balance_check")
    assert event.attributes["session_id"] == session_id

    export = await call(hass, "export_history", person="Anna", include_raw_cop=True)
    assert export["person"] == "Anna"
    (session,) = export["sessions"]
    assert session["session_id"] == session_id
    raw_cop = session["raw_cop"]
    assert raw_cop["rate_hz"] == 80.0
    assert len(raw_cop["ap_cm"]) == len(raw_cop["ml_cm"]) > 100
    without = await call(hass, "export_history", person="Anna")
    assert "raw_cop" not in without["sessions"][0]

    cop_key = f"{DOMAIN}.{ENTRY_ID}.cop.{session_id}"
    assert hass_storage[cop_key]["data"] == raw_cop
    await call(hass, "delete_session", session_id=session_id)
    assert stored(hass_storage)["sessions"] == []
    assert cop_key not in hass_storage
    assert hass.states.get("sensor.anna_last_check").state == "unknown"


async def test_cue_failure_is_logged_not_raised(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await call(hass, "start_test", test="tandem")
    with patch(
        "homeassistant.components.mqtt.async_publish",
        side_effect=HomeAssistantError("broker gone"),
    ):
        await call(hass, "cancel_test")
        await hass.async_block_till_done()
    assert "Could not send the stop cue to pad hall (broker gone)" in caplog.text


async def test_pad_without_info_uses_default_geometry(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
) -> None:
    """Set up by hand before the pad ever published its info: a Wii-sized pad is assumed."""
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(ENTRY_ID)
    await hass.async_block_till_done()
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    await call(hass, "start_test", test="single_leg_left", person="Ben")
    messages = generate("sls-left", seed=9, weight_kg=84.0, lose_balance_at_s=7.0)
    await play(hass, [m for m in messages if m[1] != "info"])
    (raw,) = stored(hass_storage)["sessions"]
    assert raw["results"][0]["hold_time_s"] == pytest.approx(7.0, abs=0.2)


@pytest.mark.parametrize("stop_fails", [False, True])
async def test_engine_failure_ends_the_test(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    stop_fails: bool,
) -> None:
    """An exception in the engine is logged, ends the test and never reaches the MQTT client."""
    await call(hass, "start_test", test="single_leg_left", person="Ben")
    messages = list(generate("sls-left", seed=8, weight_kg=84.0, lose_balance_at_s=12.0))
    await play(hass, messages[:60])
    target = "custom_components.retro_balance.runs.CheckRunner"
    with (
        patch(f"{target}.feed", side_effect=RuntimeError("boom")),
        patch(f"{target}.cancel", side_effect=RuntimeError("boom too"))
        if stop_fails
        else patch(f"{target}.lose_signal"),
    ):
        await play(hass, messages[60:61])
    assert not live(init_integration).testing
    assert "the test engine failed" in caplog.text
    assert hass.states.get("sensor.balance_pad_hall_pad_state").state != "testing"
    if not stop_fails:
        (raw,) = stored(hass_storage)["sessions"]
        assert raw["incomplete_reason"] == "cancelled"
