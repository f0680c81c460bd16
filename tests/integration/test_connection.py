"""The broker connection, stale live values, cues that failed, frame order after a reconnect."""

from __future__ import annotations

import logging
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from homeassistant.components.mqtt.const import MQTT_CONNECTION_STATE
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import HomeAssistantError, ServiceValidationError
from homeassistant.helpers.dispatcher import async_dispatcher_send
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import (
    CUE_RESEND_WITHIN_S,
    DOMAIN,
    LIVE_VALUES_EXPIRE_AFTER_S,
)
from custom_components.retro_balance.engine.detection.stance_result import EndReason
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame
from pad_simulator.scenarios import generate

from .helpers import (
    ENTRY_ID,
    counters,
    fire,
    flush_live_updates,
    hold_start_s,
    live,
    play_until,
    records,
    start_test,
)

CONNECTION = "binary_sensor.balance_pad_hall_connection"
WEIGHT = "sensor.balance_pad_hall_weight_on_pad"
STATE = "sensor.balance_pad_hall_pad_state"
RATE = "sensor.balance_pad_hall_sample_rate"


def standing(seq: int, t_ms: int | None = None) -> bytes:
    cells = np.full((10, 4), 18.0)
    return encode_frame(
        Frame(
            seq=seq, t_ms=1000 + seq * 125 if t_ms is None else t_ms, rate_hz=80.0, cells_kg=cells
        )
    )


async def broker(hass: HomeAssistant, connected: bool) -> None:
    async_dispatcher_send(hass, MQTT_CONNECTION_STATE, connected)
    await hass.async_block_till_done()


def cues(mqtt_mock: MqttMockHAClient) -> list[bytes]:
    return [
        call.args[1]
        for call in mqtt_mock.async_publish.call_args_list
        if call.args[0].endswith("/cmd") and b'"cue"' in call.args[1]
    ]


async def test_broker_gone_makes_the_pad_unavailable_and_ends_the_test(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    options = {"weight_kg": 62.0, "lose_balance_at_s": 12.0}
    await start_test(hass, "single_leg_left", "Anna")
    await play_until(
        hass, generate("sls-left", seed=5, **options), hold_start_s("sls-left", **options) + 3.0
    )
    await flush_live_updates(hass)
    assert hass.states.get(CONNECTION).state == "on"
    await broker(hass, False)
    for entity_id in (CONNECTION, WEIGHT, STATE):
        assert hass.states.get(entity_id).state == "unavailable", entity_id
    assert not live(init_integration).testing
    (record,) = records(hass_storage)
    assert record.incomplete_reason == "signal_lost"
    (result,) = record.results
    assert result.end_reason is EndReason.SIGNAL_LOST
    assert result.hold_time_s == pytest.approx(3.0, abs=0.2)
    with pytest.raises(ServiceValidationError, match="offline"):
        await start_test(hass, "tandem")

    # Back: the retained status comes again; frame order starts over (no loss counted).
    await broker(hass, True)
    assert hass.states.get(CONNECTION).state == "off"
    fire(hass, "status", b"online")
    fire(hass, "frames", standing(5))
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    assert hass.states.get(CONNECTION).state == "on"
    assert float(hass.states.get(WEIGHT).state) == pytest.approx(72.0)
    assert counters(init_integration).lost == 0


@pytest.mark.usefixtures("entity_registry_enabled_by_default")  # the sample rate is disabled
async def test_live_values_expire_without_frames(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The pad sends a frame a second at least: after a few silent seconds nothing is shown.

    The sample rate is measured between seconds of frames: it needs two of them.
    """
    for seq in range(1, 17):
        fire(hass, "frames", standing(seq))
        if seq % 8 == 0:
            await flush_live_updates(hass)
    assert float(hass.states.get(WEIGHT).state) == pytest.approx(72.0)
    assert hass.states.get(STATE).state == "occupied"
    assert hass.states.get(RATE).state != "unknown"
    async_fire_time_changed(hass, fire_all=True)
    await hass.async_block_till_done()
    assert hass.states.get(WEIGHT).state == "unknown"
    assert hass.states.get(RATE).state == "unknown"
    assert hass.states.get(STATE).state == "idle"
    assert hass.states.get(CONNECTION).state == "on"  # the pad did not say it left
    fire(hass, "frames", standing(17))
    await flush_live_updates(hass)
    assert float(hass.states.get(WEIGHT).state) == pytest.approx(72.0)
    assert hass.states.get(STATE).state == "occupied"


async def test_frames_keep_the_values_fresh(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each second of frames pushes the expiry back: only silence expires the values."""
    fire(hass, "frames", standing(1))
    await flush_live_updates(hass)
    timers = [
        handle
        for handle in hass.loop._scheduled
        if not handle.cancelled() and "_expire" in repr(handle)
    ]
    assert len(timers) == 1
    fire(hass, "frames", standing(2))
    await flush_live_updates(hass)
    assert timers[0].cancelled()
    now = hass.loop.time()
    (renewed,) = [
        handle
        for handle in hass.loop._scheduled
        if not handle.cancelled() and "_expire" in repr(handle)
    ]
    assert renewed.when() == pytest.approx(now + LIVE_VALUES_EXPIRE_AFTER_S, abs=0.5)


async def test_a_cue_that_failed_is_sent_when_the_pad_is_back(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await start_test(hass, "tandem")
    with patch(
        "homeassistant.components.mqtt.async_publish",
        side_effect=HomeAssistantError("broker gone"),
    ):
        await hass.services.async_call(
            DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
        )
        await hass.async_block_till_done()
    assert "Could not send the stop cue" in caplog.text
    assert cues(mqtt_mock) == []
    fire(hass, "status", b"offline")
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    assert cues(mqtt_mock) == [b'{"cmd":"cue","cue":"stop"}']
    # Sent once: the pad coming back again sends nothing.
    fire(hass, "status", b"offline")
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    assert len(cues(mqtt_mock)) == 1


async def test_a_cue_for_a_pad_that_cannot_hear_waits_for_it(
    hass: HomeAssistant, init_integration: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    """The broker goes: the test ends, and its stop cue waits until the pad is back."""
    await start_test(hass, "tandem")
    await broker(hass, False)
    assert cues(mqtt_mock) == []
    await broker(hass, True)
    assert cues(mqtt_mock) == []  # the pad is not back yet
    fire(hass, "status", b"online")  # retained, or its own birth message
    await hass.async_block_till_done()
    assert cues(mqtt_mock) == [b'{"cmd":"cue","cue":"stop"}']


async def test_a_stale_cue_is_not_sent_late(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    await start_test(hass, "tandem")
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    with (
        patch.object(hass.loop, "time", return_value=hass.loop.time() + CUE_RESEND_WITHIN_S + 1),
        caplog.at_level(logging.WARNING),
    ):
        fire(hass, "status", b"online")
        await hass.async_block_till_done()
    assert cues(mqtt_mock) == []
    assert "it is not sent any more" in caplog.text


async def test_offline_then_online_starts_frame_order_over(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """After the pad comes back, its next frame is the first again (`protocol.md`)."""
    fire(hass, "frames", standing(500, 100_000))
    fire(hass, "status", b"offline")
    fire(hass, "status", b"online")
    fire(hass, "frames", standing(20, 2_000))  # a pad that rebooted while it was away
    await flush_live_updates(hass)
    frames = counters(init_integration)
    assert (frames.accepted, frames.lost, frames.reboots, frames.rejected) == (2, 0, 0, 0)


async def test_broker_state_at_setup_is_taken(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    with patch("homeassistant.components.mqtt.is_connected", return_value=False):
        assert await hass.config_entries.async_setup(ENTRY_ID)
    assert not live(mock_config_entry).broker_connected
    await broker(hass, True)
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    assert hass.states.get(CONNECTION).state == "on"


async def test_the_same_broker_state_twice_changes_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    fire(hass, "frames", standing(1))
    await flush_live_updates(hass)
    await broker(hass, True)
    assert hass.states.get(CONNECTION).state == "on"
    assert live(init_integration).weight_kg is not None
