"""The pad coordinator: what it publishes, when, and which entities write their state."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from unittest.mock import patch

import pytest
from homeassistant.const import EVENT_STATE_CHANGED, EVENT_STATE_REPORTED
from homeassistant.core import Event, HomeAssistant, callback
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance import pad_sensors, sensor
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.detection.pad_state import PadMonitor
from custom_components.retro_balance.engine.wire.protocol import parse_frame
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, fire, flush_live_updates, live, play, standing

WEIGHT = "sensor.balance_pad_hall_weight_on_pad"
STATE = "sensor.balance_pad_hall_pad_state"
DROPPED = "sensor.balance_pad_hall_dropped_frames"
ON_PAD = "sensor.balance_pad_hall_person_on_the_pad"


def count_writes(hass: HomeAssistant) -> Counter[str]:
    """Every state write, by entity: changed states and repeated ones (`state_reported`)."""
    writes: Counter[str] = Counter()

    @callback
    def count(event: Event) -> None:
        writes[event.data["entity_id"]] += 1

    @callback
    def every(_data: object) -> bool:
        return True

    hass.bus.async_listen(EVENT_STATE_CHANGED, count)
    hass.bus.async_listen(EVENT_STATE_REPORTED, count, event_filter=every)
    return writes


async def test_entities_write_only_what_changed(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Ten seconds of someone standing still: the pad state, weight and person write once each.

    The coordinator publishes every second; person sensors, selects, buttons, counters and the
    connection stay as they were, so they write nothing (no repeated states to record). The
    weight's median moves with the cells' noise around a rounding boundary (69.95 kg), but the
    weight shown stays put (0.1 kg steps, `PadMonitor.shown_weight_kg`).
    """
    writes = count_writes(hass)
    beside = PadMonitor()
    rounded_medians = set()
    for seq in range(1, 81):
        payload = standing(seq, total_kg=69.95, noise_kg=0.03)
        fire(hass, "frames", payload)
        beside.feed(parse_frame(payload))
        if seq % 8 == 0:
            await flush_live_updates(hass)
            rounded_medians.add(round(beside.weight_kg or 0.0, 1))
    assert rounded_medians == {69.9, 70.0}  # plain rounding would have flipped between them
    assert live(init_integration).weight_kg in rounded_medians
    assert writes == {STATE: 1, WEIGHT: 1, ON_PAD: 1}
    assert hass.states.get(ON_PAD).state == "Anna"  # just under 70 kg: the top of her range


async def test_person_part_is_kept_until_their_sessions_change(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Each person's part of the snapshot is reused until their own sessions change.

    Person entities skip an update by identity, so this keeps live updates cheap for them.
    """
    coordinator = init_integration.runtime_data.coordinator
    before = coordinator.data.people
    fire(hass, "frames", standing(1))
    await flush_live_updates(hass)
    assert coordinator.data.pad.weight_kg == pytest.approx(70.0)
    assert coordinator.data.people[ANNA_ID] is before[ANNA_ID]
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "quiet_eyes_open", "person": "Anna"},
        blocking=True,
    )
    await play(hass, generate("quiet-eo", seed=6, weight_kg=62.0, duration_s=12.0))
    after = coordinator.data.people
    assert len(after[ANNA_ID].sessions) == 1
    assert after[ANNA_ID] is not before[ANNA_ID]
    assert after[BEN_ID] is before[BEN_ID]


async def test_test_events_publish_at_once(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Starting, the state changing and cancelling are shown at once, not a second later."""
    fire(hass, "frames", standing(1))
    await flush_live_updates(hass)
    assert hass.states.get(STATE).state == "occupied"
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    assert hass.states.get(STATE).state == "testing"
    assert hass.states.get("sensor.balance_pad_hall_current_test").state == "tandem"
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    assert hass.states.get(STATE).state == "occupied"


@pytest.mark.usefixtures("mqtt_mock")
async def test_has_fn_decides_which_entities_exist(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """A description whose has_fn says no adds no entity (for the pad and for each person)."""
    pad_rows = tuple(
        replace(description, has_fn=lambda snapshot: False)
        if description.key == "dropped_frames"
        else description
        for description in pad_sensors.PAD_SENSORS
    )
    person_sensors = tuple(
        replace(description, has_fn=lambda person: person.profile.name == "Anna")
        if description.key == "balance_score"
        else description
        for description in sensor.PERSON_SENSORS
    )
    with (
        patch.object(sensor, "PAD_SENSORS", pad_rows),
        patch.object(sensor, "PERSON_SENSORS", person_sensors),
    ):
        mock_config_entry.add_to_hass(hass)
        assert await hass.config_entries.async_setup(ENTRY_ID)
        await hass.async_block_till_done()
    assert hass.states.get(DROPPED) is None
    assert hass.states.get(WEIGHT) is not None
    assert hass.states.get("sensor.anna_balance_score") is not None
    assert hass.states.get("sensor.ben_balance_score") is None
