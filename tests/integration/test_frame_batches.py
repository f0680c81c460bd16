"""Frames wait while no test runs and are judged a second at a time; a running test takes each."""

from __future__ import annotations

import numpy as np
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import FRAME_BATCH_S, MAX_HELD_FRAMES
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame, encode_info

from .helpers import ENTRY_ID, INFO, counters, fire, flush_live_updates, live, start_test

WEIGHT = "sensor.balance_pad_hall_weight_on_pad"
STATE = "sensor.balance_pad_hall_pad_state"


def standing(seq: int, kg: float = 72.0) -> bytes:
    """A frame of someone standing still: the cells' noise of a few grams, as real cells have."""
    cells = np.random.default_rng(seq).normal(kg / 4, 0.005, (10, 4))
    return encode_frame(Frame(seq=seq, t_ms=1000 + seq * 125, rate_hz=80.0, cells_kg=cells))


def release_timers(hass: HomeAssistant) -> list[object]:
    return [
        handle
        for handle in hass.loop._scheduled
        if not handle.cancelled() and "release_frames" in repr(handle)
    ]


async def test_frames_wait_for_the_second_to_end(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    for seq in range(1, 4):
        fire(hass, "frames", standing(seq))
    await hass.async_block_till_done()
    assert counters(init_integration).received == 0
    assert hass.states.get(STATE).state == "idle"
    [timer] = release_timers(hass)
    assert timer.when() <= hass.loop.time() + FRAME_BATCH_S  # type: ignore[attr-defined]
    await flush_live_updates(hass)
    assert counters(init_integration).accepted == 3
    assert hass.states.get(STATE).state == "occupied"
    assert float(hass.states.get(WEIGHT).state) == 72.0
    assert release_timers(hass) == []


async def test_any_other_message_of_the_pad_comes_after_the_frames_before_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    fire(hass, "frames", standing(1))
    fire(hass, "frames", standing(2))
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    assert counters(init_integration).accepted == 2
    assert release_timers(hass) == []
    assert hass.states.get(STATE).state == "offline"
    fire(hass, "status", b"online")
    fire(hass, "info", encode_info(INFO))
    await hass.async_block_till_done()
    assert counters(init_integration).accepted == 2


async def test_a_test_starts_after_the_frames_that_waited(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    for seq in range(1, 9):
        fire(hass, "frames", standing(seq))
    await start_test(hass, "tandem")
    assert counters(init_integration).accepted == 8
    assert live(init_integration).testing
    # While it runs, every frame is taken at once.
    fire(hass, "frames", standing(9))
    await hass.async_block_till_done()
    assert counters(init_integration).accepted == 9
    assert release_timers(hass) == []


async def test_a_flood_of_frames_is_judged_without_waiting(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    for seq in range(1, MAX_HELD_FRAMES + 1):
        fire(hass, "frames", standing(seq))
    await hass.async_block_till_done()
    assert counters(init_integration).accepted == MAX_HELD_FRAMES
    fire(hass, "frames", standing(MAX_HELD_FRAMES + 1))
    await hass.async_block_till_done()
    assert counters(init_integration).accepted == MAX_HELD_FRAMES
    assert len(release_timers(hass)) == 1


async def test_nothing_is_published_while_nothing_shown_changes(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    published: list[object] = []
    init_integration.async_on_unload(
        coordinator.async_add_listener(lambda: published.append(coordinator.data))
    )
    for second in range(4):
        for seq in range(second * 8 + 1, second * 8 + 9):
            fire(hass, "frames", standing(seq))
        await flush_live_updates(hass)
    # Someone stepped on (state, weight), then the rate could be measured; then nothing moved.
    assert 1 <= len(published) <= 3
    settled = len(published)
    for seq in range(33, 57):
        fire(hass, "frames", standing(seq))
        if seq % 8 == 0:
            await flush_live_updates(hass)
    assert len(published) == settled
    assert counters(init_integration).accepted == 56
    fire(hass, "frames", standing(57, kg=80.0))
    fire(hass, "frames", standing(58, kg=80.0))
    fire(hass, "frames", standing(59, kg=80.0))
    for seq in range(60, 67):
        fire(hass, "frames", standing(seq, kg=80.0))
    await flush_live_updates(hass)
    assert len(published) == settled + 1
    assert float(hass.states.get(WEIGHT).state) == 80.0


async def test_frames_waiting_when_the_pad_is_unloaded_are_dropped(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    fire(hass, "frames", standing(1))
    await hass.async_block_till_done()
    assert len(release_timers(hass)) == 1
    assert await hass.config_entries.async_unload(ENTRY_ID)
    await hass.async_block_till_done()
    assert release_timers(hass) == []
    assert coordinator.mqtt.frame_counters.received == 0


async def test_a_reboot_inside_a_second_of_frames_starts_a_new_time_base(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The frames before the reboot are taken first, on the old clock; the rest on the new one."""
    for seq in range(100, 104):
        fire(hass, "frames", standing(seq))
    rebooted = np.random.default_rng(0).normal(5.0, 0.005, (10, 4))  # 20 kg now on the pad
    for seq in range(1, 9):
        frame = Frame(seq=seq, t_ms=500 + seq * 125, rate_hz=80.0, cells_kg=rebooted)
        fire(hass, "frames", encode_frame(frame))
    await flush_live_updates(hass)
    frames = counters(init_integration)
    assert (frames.accepted, frames.reboots, frames.rejected) == (12, 1, 0)
    # The monitor started over with the new clock: only the rebooted pad's second is weighed.
    assert float(hass.states.get(WEIGHT).state) == 20.0


async def test_while_a_test_runs_the_live_values_are_published_only_when_they_show_more(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The once-a-second update of a running test publishes nothing that shows the same."""
    coordinator = init_integration.runtime_data.coordinator
    await start_test(hass, "tandem")
    for seq in range(1, 9):
        fire(hass, "frames", standing(seq, kg=0.0))  # the empty pad, waiting for the person
    await flush_live_updates(hass)
    shown = coordinator.data
    assert shown.pad.testing
    assert shown.pad.weight_kg == 0.0
    for seq in range(9, 25):
        fire(hass, "frames", standing(seq, kg=0.0))
        if seq % 8 == 0:
            await flush_live_updates(hass)
    assert coordinator.data is shown
    # A bag set on the pad is shown (as the empty pad's reading) within the second.
    for seq in range(25, 33):
        fire(hass, "frames", standing(seq, kg=4.0))
    await flush_live_updates(hass)
    assert coordinator.data is not shown
    assert hass.states.get(WEIGHT).attributes["empty_reading_kg"] == 4.0
