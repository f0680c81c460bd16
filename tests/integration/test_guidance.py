"""A check the person can follow without a phone: the pad waits, instructs, counts, tells results.

A simulated person does the daily check (started by the pad's own button, as in the scenario);
the test records every state the guidance sensors and the pad state go through.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import numpy as np
import pytest
from homeassistant.const import EVENT_STATE_CHANGED
from homeassistant.core import Event, HomeAssistant, callback
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import (
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_TRIALS,
    DOMAIN,
)
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame, encode_info
from devtools.guided_pad import guided_timeline
from pad_simulator.scenarios import generate
from pad_simulator.simulation import Simulation, device_config

from .helpers import ENTRY_ID, INFO, fire, flush_live_updates, play

PAD = "sensor.balance_pad_hall_"
INSTRUCTION = f"{PAD}instruction"
PROGRESS = f"{PAD}check_progress"
RESULT = f"{PAD}check_result"
STATE = f"{PAD}pad_state"
ELAPSED = f"{PAD}test_progress"
WEIGHT = f"{PAD}weight_on_pad"
CURRENT = f"{PAD}current_test"
WATCHED = (INSTRUCTION, PROGRESS, RESULT, STATE)


def record_states(hass: HomeAssistant) -> dict[str, list[str]]:
    """Every state each watched entity goes through, in order (repeats dropped)."""
    seen: dict[str, list[str]] = defaultdict(list)

    @callback
    def changed(event: Event) -> None:
        entity_id = event.data["entity_id"]
        if entity_id in WATCHED and event.data["new_state"] is not None:
            states = seen[entity_id]
            state = event.data["new_state"].state
            if not states or states[-1] != state:
                states.append(state)

    hass.bus.async_listen(EVENT_STATE_CHANGED, changed)
    return seen


async def play_in_time(hass: HomeAssistant, messages: Iterable[tuple[float, str, bytes]]) -> None:
    """Deliver simulator messages with Home Assistant's once-a-second updates in between."""
    next_flush_s = 0.0
    for device_time_s, kind, payload in messages:
        fire(hass, kind, payload)
        if device_time_s >= next_flush_s:
            await flush_live_updates(hass)
            next_flush_s = device_time_s + 1.0
    await flush_live_updates(hass)


def empty_frame(seq: int, total_kg: float) -> bytes:
    """One 1/8 s frame of an empty pad reading `total_kg` in all (tare drift)."""
    cells = np.full((10, 4), total_kg / 4)
    return encode_frame(Frame(seq=seq, t_ms=1000 + seq * 125, rate_hz=80.0, cells_kg=cells))


async def test_daily_check_guides_the_person_through_every_test(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Step on, each test's position, 'N of 30 s, trial n of 3', each result, then the summary."""
    seen = record_states(hass)
    # Anna (62 kg) presses the pad's button, steps on, and loses her balance after 6 s in the
    # timed stances: every single-leg trial is tried again, up to three.
    await play_in_time(hass, generate("daily-check", seed=3, weight_kg=62.0, lose_balance_at_s=6.0))

    assert seen[STATE] == ["waiting_for_person", "testing", "occupied", "idle"]
    assert seen[INSTRUCTION] == [
        "step_on",
        "quiet_eyes_closed",
        "tandem",
        "single_leg_left",
        "single_leg_right",
        "step_off",
        "none",
    ]
    progress = seen[PROGRESS]
    assert progress[0] == "Test 1 of 4: waiting for someone to step on"
    assert "Test 1 of 4: 10 of 30 s" in progress
    assert "Test 2 of 4: getting into position" in progress
    assert "Test 3 of 4: 5 of 30 s, trial 2 of 3" in progress
    assert "Test 4 of 4: 5 of 30 s, trial 3 of 3" in progress
    assert progress[-1] == "No check running"
    results = seen[RESULT]
    assert results[:3] == [
        "Standing still, eyes closed: 30 s — well done",
        "Tandem stance: 6 s",
        "Left leg: 6.1 s — let's try again",
    ]
    assert "Right leg: 6 s" in results
    final = hass.states.get(RESULT).state
    assert final.startswith("Anna: daily check done, balance score ")
    assert final.endswith(". Thank you!")


async def test_progress_attributes_name_the_target_and_trial(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    messages = list(generate("daily-check", seed=3, weight_kg=62.0, lose_balance_at_s=6.0))
    first_left = next(i for i, m in enumerate(messages) if m[0] > 5 + 1.5 + 31 + 2 + 3 + 8 + 6)
    await play(hass, messages[:first_left])
    await flush_live_updates(hass)
    state = hass.states.get(ELAPSED)
    assert state.attributes["target_s"] == 30.0
    assert (state.attributes["test_number"], state.attributes["tests"]) == (3, 4)
    assert (state.attributes["trial"], state.attributes["trials"]) == (1, 3)
    assert hass.states.get(INSTRUCTION).state == "single_leg_left"


async def test_idle_pad_says_none_zero_and_no_negative_weight(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """No test: current test 'none', progress 0 s; an empty pad weighs 0 kg, never −0.0."""
    for seq in range(1, 12):
        fire(hass, "frames", empty_frame(seq, -0.04))
    await flush_live_updates(hass)
    assert hass.states.get(CURRENT).state == "none"
    assert float(hass.states.get(ELAPSED).state) == 0.0
    assert hass.states.get(INSTRUCTION).state == "none"
    weight = hass.states.get(WEIGHT)
    assert weight.state == "0.0"
    reading = weight.attributes["empty_reading_kg"]
    assert reading == 0.0
    assert np.copysign(1.0, reading) == 1.0  # not −0.0
    for seq in range(12, 30):
        fire(hass, "frames", empty_frame(seq, 2.46))
    await flush_live_updates(hass)
    assert hass.states.get(WEIGHT).attributes["empty_reading_kg"] == 2.5


async def test_a_check_cancelled_before_anything_was_measured_says_so(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    assert hass.states.get(INSTRUCTION).state == "step_on"
    assert hass.states.get(RESULT).state == "No result yet"
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(INSTRUCTION).state == "none"
    assert hass.states.get(RESULT).state == "The check stopped before anything was measured."


async def test_someone_nobody_knows_hears_the_check_was_saved(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A weight in nobody's range: the check is kept unassigned, and the person told it is saved."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    await play(hass, generate("tandem", seed=2, weight_kg=110.0, lose_balance_at_s=12.0))
    assert hass.states.get(RESULT).state == "Check done and saved. Thank you!"


async def test_a_check_stopped_midway_names_how_far_it_got(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    messages = list(generate("daily-check", seed=3, weight_kg=62.0))
    # Through quiet stance and into tandem, then the check is cancelled.
    await play(hass, [m for m in messages if m[0] < 5 + 1.5 + 31 + 2 + 3 + 5])
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get(RESULT).state == (
        # Quiet stance done; the tandem trial under way when cancelled is no test done.
        "Anna: the check stopped after 1 of 4 tests (cancelled)."
    )


@pytest.mark.parametrize(
    ("language", "idle", "step_on", "result"),
    [
        (
            "nl",
            "Geen controle bezig",
            "Wachten tot iemand op de plaat stapt",
            "Anna: Tandemstand 12.2 s. Dank je wel!",
        ),
        (
            "de",
            "Kein Check läuft",
            "Warten, bis jemand auf die Platte steigt",
            "Anna: Tandemstand 12.2 s. Danke!",
        ),
    ],
)
async def test_the_guidance_speaks_home_assistants_language(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    language: str,
    idle: str,
    step_on: str,
    result: str,
) -> None:
    hass.config.language = language
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    fire(hass, "info", encode_info(INFO))
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    # Entity ids come from the names in the language of the moment: found by unique id.
    registry = er.async_get(hass)
    progress = registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_check_progress")
    checked = registry.async_get_entity_id("sensor", DOMAIN, f"{ENTRY_ID}_check_result")
    assert progress is not None
    assert checked is not None
    assert hass.states.get(progress).state == idle
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    assert hass.states.get(progress).state == step_on
    await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=12.0))
    assert hass.states.get(checked).state == result


async def test_the_walk_through_person_follows_a_short_check(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The end-to-end walk-through's person (devtools/guided_pad.py) fits its options."""
    hass.config_entries.async_update_entry(
        init_integration,
        options={CONF_CAP_S: 15, CONF_DAILY_TESTS: ["tandem", "single_leg_left"], CONF_TRIALS: 3},
    )
    seen = record_states(hass)
    timeline = guided_timeline(62.0, wait_s=3.0, cap_s=15.0, lose_balance_at_s=8.0, trials=3)
    messages = Simulation(timeline, device_config(), seed=1).messages()
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "daily_check"}, blocking=True
    )
    await play_in_time(
        hass, ((m.time_s, str(m.kind), m.payload) for m in messages if m.kind == "frames")
    )
    assert seen[INSTRUCTION] == ["step_on", "tandem", "single_leg_left", "step_off", "none"]
    assert "Test 2 of 2: 5 of 15 s, trial 2 of 3" in seen[PROGRESS]
    assert seen[RESULT][:2] == [
        "Tandem stance: 15 s — well done",
        "Left leg: 8 s — let's try again",
    ]
    assert hass.states.get(RESULT).state.startswith("Anna: daily check done, balance score ")
