"""The coach on the pad: single-leg practice (never a session) and "walk done" by a long press."""

from __future__ import annotations

import re
from typing import Any
from unittest.mock import patch

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.const import DOMAIN, SINGLE_LEG_PRACTICE
from custom_components.retro_balance.engine.coach.activities import LoggedVia
from custom_components.retro_balance.engine.coach.programme import ActivityKind, Support
from custom_components.retro_balance.engine.wire.protocol import encode_button
from pad_simulator.body import LEFT_LEG, QUIET_EO, RIGHT_LEG
from pad_simulator.scenarios import generate
from pad_simulator.simulation import Simulation, device_config
from pad_simulator.timeline import empty_pad, single_leg, stand, step_off, step_on

from .coach_helpers import call, coach_state
from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, fire, live, play
from .test_sessions import cues

ANNA_KG = 62.0


def practice(right_holds_s: tuple[float, ...]) -> list[tuple[float, str, bytes]]:
    """Anna: left leg held past the 30-s goal, then the right leg's holds, each a trial."""
    phases = [
        empty_pad(3.0),
        step_on(ANNA_KG, QUIET_EO),
        stand("settle", ANNA_KG, QUIET_EO, 3.0),
        *single_leg("single_leg_left", ANNA_KG, LEFT_LEG, 31.5),
    ]
    for hold_s in right_holds_s:
        phases += [
            stand("rest", ANNA_KG, QUIET_EO, 2.0),
            *single_leg("single_leg_right", ANNA_KG, RIGHT_LEG, hold_s),
        ]
    phases += [stand("after", ANNA_KG, QUIET_EO, 2.0), step_off(ANNA_KG, QUIET_EO), empty_pad(4.0)]
    simulation = Simulation(phases, device_config(), seed=5)
    return [(m.time_s, str(m.kind), m.payload) for m in simulation.messages()]


async def start_practice_for_anna(hass: HomeAssistant) -> None:
    """Choose Anna on the pad and press *Start balance practice*."""
    await call(
        hass,
        "select",
        "select_option",
        entity_id="select.balance_pad_hall_next_check_for",
        option="Anna",
    )
    await call(hass, "button", "press", entity_id="button.balance_pad_hall_start_balance_practice")


async def test_practice_logs_holds_with_its_own_cues_and_no_session(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
    hass_storage: dict[str, Any],
) -> None:
    trends_before = init_integration.runtime_data.coordinator.data.people[ANNA_ID].trend
    await start_practice_for_anna(hass)
    assert live(init_integration).testing
    await play(hass, practice((12.0, 14.0, 13.0)))
    assert not live(init_integration).testing
    # Pass only at the goal (30 s): the right leg's 12–14 s would pass a daily check (10 s).
    assert cues(mqtt_mock) == [
        "start",
        "pass",
        "start",
        "fail",
        "start",
        "fail",
        "start",
        "fail",
        "stop",
    ]
    # The screen agrees with the pad, and ends with each leg's best hold against the goal.
    result = hass.states.get("sensor.balance_pad_hall_check_result").state
    assert re.fullmatch(
        r"Anna: practice done — best hold left 30 s, right 1[34](\.\d)? s; the goal is 30 s\.",
        result,
    ), result
    holds = coach_state(init_integration).activities
    assert [(a.kind, a.logged_via, a.eyes_closed) for a in holds] == [
        (ActivityKind.SINGLE_LEG_HOLD, LoggedVia.PAD, False)
    ] * 2
    assert sorted(a.duration_s for a in holds) == [pytest.approx(14.0, abs=0.3), 30.0]
    practice_hold = hass.states.get("sensor.anna_single_leg_practice_hold")
    assert practice_hold.state == "30.0"
    assert practice_hold.attributes["goal_reached"] is True
    # Never a session: nothing stored, no result, the trends as they were.
    assert init_integration.runtime_data.sessions.history.sessions == ()
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    assert hass.states.get("sensor.anna_single_leg_stance_left").state == "unknown"
    assert init_integration.runtime_data.coordinator.data.people[ANNA_ID].trend == trends_before
    assert live(init_integration).selected_person_id is None


async def test_practice_by_action_needs_to_know_who(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await call(hass, DOMAIN, "start_test", config_entry_id=ENTRY_ID, test=SINGLE_LEG_PRACTICE)
    assert err.value.translation_key == "practice_needs_person"
    await call(
        hass,
        DOMAIN,
        "start_test",
        config_entry_id=ENTRY_ID,
        test=SINGLE_LEG_PRACTICE,
        person="Ben",
    )
    assert live(init_integration).testing
    assert live(init_integration).selected_person_id is None
    await call(hass, DOMAIN, "cancel_test", config_entry_id=ENTRY_ID)
    assert coach_state(init_integration, BEN_ID).activities == ()


async def test_long_press_logs_the_walk_of_whoever_is_on_the_pad(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
) -> None:
    standing = list(generate("step", seed=2, weight_kg=ANNA_KG, duration_s=20.0))
    await play(hass, standing[: len(standing) // 2])
    fire(hass, "button", encode_button("long"))
    await hass.async_block_till_done()
    (walk,) = coach_state(init_integration).activities
    assert (walk.kind, walk.duration_s, walk.support, walk.logged_via) == (
        ActivityKind.RETRO_WALK,
        180.0,
        Support.WALL_OR_RAIL,
        LoggedVia.PAD,
    )
    # A second press a moment later is the same walk.
    fire(hass, "button", encode_button("long"))
    await hass.async_block_till_done()
    assert len(coach_state(init_integration).activities) == 1
    assert cues(mqtt_mock) == ["pass", "pass"]
    assert hass.states.get("sensor.anna_retro_walks_this_week").state == "1"
    assert coach_state(init_integration, BEN_ID).activities == ()


async def test_long_press_with_nobody_known_logs_nothing_and_cues_fail(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
) -> None:
    fire(hass, "button", encode_button("long"))
    await hass.async_block_till_done()
    assert cues(mqtt_mock) == ["fail"]
    assert coach_state(init_integration).activities == ()
    assert coach_state(init_integration, BEN_ID).activities == ()
    # With Ben chosen on the pad, it is his walk.
    init_integration.runtime_data.coordinator.commands.async_select_person(BEN_ID)
    fire(hass, "button", encode_button("long"))
    await hass.async_block_till_done()
    assert len(coach_state(init_integration, BEN_ID).activities) == 1
    assert live(init_integration).selected_person_id is None


async def test_short_press_starts_the_check_and_long_press_cancels_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    fire(hass, "button", encode_button("short"))
    await hass.async_block_till_done()
    assert live(init_integration).testing
    fire(hass, "button", encode_button("long"))
    await hass.async_block_till_done()
    assert not live(init_integration).testing
    assert coach_state(init_integration).activities == ()


async def test_a_walk_that_cannot_be_logged_cues_fail(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    mqtt_mock: MqttMockHAClient,
    caplog: pytest.LogCaptureFixture,
) -> None:
    coach = init_integration.runtime_data.coordinator.coach
    init_integration.runtime_data.coordinator.commands.async_select_person(ANNA_ID)
    refused = ServiceValidationError(translation_domain=DOMAIN, translation_key="invalid_activity")
    with patch.object(coach, "async_log", side_effect=refused):
        fire(hass, "button", encode_button("long"))
        await hass.async_block_till_done()
    assert cues(mqtt_mock) == ["fail"]
    assert "'Walk done' for Anna could not be logged" in caplog.text


async def test_practice_ends_with_the_goal_reached_on_both_legs(
    hass: HomeAssistant, init_integration: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    await start_practice_for_anna(hass)
    await play(hass, practice((31.5,)))
    assert cues(mqtt_mock) == ["start", "pass", "start", "pass", "stop"]
    result = hass.states.get("sensor.balance_pad_hall_check_result").state
    assert result == "Anna: practice done — 30 s on both legs, goal reached. Well done!"
