"""Options and people change while the pad runs: applied live, a running check goes on."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers import issue_registry as ir
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retro_balance.const import (
    CONF_CAP_S,
    CONF_NAME,
    CONF_PAD_ID,
    CONF_PREFIX,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    DOMAIN,
    SUBENTRY_PERSON,
)
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, live, person, play, stored

CARL_ID = "01JRETROBALANCEPERSONCARL0"
SELECT = "select.balance_pad_hall_next_check_for"


def sessions(hass_storage: dict[str, Any]) -> list[SessionRecord]:
    return [SessionRecord.from_dict(raw) for raw in stored(hass_storage)["sessions"]]


async def add_person(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_PERSON), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], data)
    await hass.async_block_till_done()
    return dict(result)


async def test_a_check_running_while_a_person_is_added_is_stored_in_full(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Ben's daily check (pad button, by weight) goes on while Carla is added; she gets a device."""
    coordinator = init_integration.runtime_data.coordinator
    messages = list(
        generate("daily-check", seed=5, weight_kg=84.0, lose_balance_at_s=14.0, sls_trials=3)
    )
    await play(hass, [message for message in messages if message[0] < 45.0])
    assert live(init_integration).testing

    result = await add_person(
        hass,
        name="Carla",
        birth_year=1990,
        sex="female",
        weight_min_kg=100.0,
        weight_max_kg=110.0,
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    # No reload: the same coordinator, the check still running, Carla's entities there.
    assert init_integration.state is ConfigEntryState.LOADED
    assert init_integration.runtime_data.coordinator is coordinator
    assert live(init_integration).testing
    assert hass.states.get("sensor.carla_balance_score") is not None
    assert hass.states.get("event.carla_balance_check") is not None
    assert "Carla" in hass.states.get(SELECT).attributes["options"]

    await play(hass, [message for message in messages if message[0] >= 45.0])
    (record,) = sessions(hass_storage)
    assert record.complete
    assert record.incomplete_reason is None
    assert record.person_id == BEN_ID
    assert set(record.tests_done) == set(record.planned_tests)
    assert len(record.planned_tests) == 4
    assert float(hass.states.get("sensor.ben_balance_score").state) > 0


async def test_options_apply_to_the_next_check_without_a_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """A new cap while tandem runs: this test keeps 30 s, the next one holds to 20 s."""
    coordinator = init_integration.runtime_data.coordinator
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "tandem", "person": "Anna"},
        blocking=True,
    )
    hass.config_entries.async_update_entry(init_integration, options={CONF_CAP_S: 20})
    await hass.async_block_till_done()
    assert init_integration.runtime_data.coordinator is coordinator
    assert live(init_integration).testing
    await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=25.0))
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "tandem", "person": "Anna"},
        blocking=True,
    )
    await play(hass, generate("tandem", seed=3, weight_kg=62.0, lose_balance_at_s=25.0))
    first, second = sessions(hass_storage)
    assert first.complete
    assert second.complete
    assert first.results[0].cap_s == 30.0
    assert first.results[0].hold_time_s == pytest.approx(25.0, abs=0.2)
    assert (second.results[0].cap_s, second.results[0].hold_time_s) == (20.0, 20.0)
    assert second.planned_tests == (StanceTest.TANDEM,)


async def test_a_person_renamed_and_removed_live(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    device_registry: dr.DeviceRegistry,
    entity_registry: er.EntityRegistry,
) -> None:
    coordinator = init_integration.runtime_data.coordinator
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "quiet_eyes_open", "person": "Ben"},
        blocking=True,
    )
    await play(hass, generate("quiet-eo", seed=1, weight_kg=84.0, duration_s=12.0))
    await hass.services.async_call(
        "select", "select_option", {"entity_id": SELECT, "option": "Ben"}, blocking=True
    )

    anna = init_integration.subentries[ANNA_ID]
    hass.config_entries.async_update_subentry(
        init_integration, anna, title="Annie", data={**anna.data, CONF_NAME: "Annie"}
    )
    await hass.async_block_till_done()
    device = device_registry.async_get_device(identifiers={(DOMAIN, ANNA_ID)})
    assert device is not None
    assert device.name == "Annie"
    score = hass.states.get("sensor.anna_balance_score")  # the entity id is kept
    assert score.attributes["friendly_name"] == "Annie Balance score"
    assert hass.states.get(SELECT).attributes["options"] == ["automatic", "Annie", "Ben"]
    assert coordinator.sessions.people[ANNA_ID].name == "Annie"

    hass.config_entries.async_remove_subentry(init_integration, BEN_ID)
    await hass.async_block_till_done()
    assert device_registry.async_get_device(identifiers={(DOMAIN, BEN_ID)}) is None
    assert hass.states.get("sensor.ben_balance_score") is None
    assert not [e for e in entity_registry.entities.values() if e.unique_id.startswith(BEN_ID)]
    # He was chosen for the next check: back to automatic. His session stays stored.
    assert hass.states.get(SELECT).state == "automatic"
    assert hass.states.get(SELECT).attributes["options"] == ["automatic", "Annie"]
    (record,) = sessions(hass_storage)
    assert record.person_id == BEN_ID
    assert init_integration.runtime_data.coordinator is coordinator
    assert init_integration.state is ConfigEntryState.LOADED


@pytest.mark.parametrize(
    "people",
    [
        [
            person(ANNA_ID, "Anna", 1952, "female", (55.0, 70.0)),
            person(BEN_ID, "Ben", 1948, "male", (68.0, 95.0)),
            person(CARL_ID, "Carl", 1950, "male"),
        ]
    ],
)
async def test_people_set_up_before_ranges_were_checked_raise_a_repair(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """Existing entries keep working; a repair says whose ranges cannot tell them apart."""
    issue_id = f"weight_ranges_{ENTRY_ID}"
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "weight_ranges"
    assert issue.translation_placeholders == {
        "pad_id": "hall",
        "people": "Anna, Ben, Carl",
        "ranges": "Anna 55–70 kg, Ben 68–95 kg, Carl —",
    }
    assert not issue.is_fixable

    # Fixed one person at a time, each change applied live: the issue goes with the last.
    for subentry_id, low, high in ((BEN_ID, 75.0, 95.0), (CARL_ID, 100.0, 120.0)):
        subentry = init_integration.subentries[subentry_id]
        hass.config_entries.async_update_subentry(
            init_integration,
            subentry,
            data={**subentry.data, CONF_WEIGHT_MIN_KG: low, CONF_WEIGHT_MAX_KG: high},
        )
        await hass.async_block_till_done()
        remaining = issue_registry.async_get_issue(DOMAIN, issue_id)
        if subentry_id == BEN_ID:
            assert remaining is not None
            assert remaining.translation_placeholders["people"] == "Carl"
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def test_new_topics_wait_for_the_check_to_end(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Reconfiguring the pad's topics reloads it: refused while a check runs."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    result = await init_integration.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "hall2", CONF_PREFIX: "retro_balance"}
    )
    assert result["errors"] == {"base": "test_running"}
    assert live(init_integration).testing
    await hass.services.async_call(
        DOMAIN, "cancel_test", {"config_entry_id": ENTRY_ID}, blocking=True
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "hall2", CONF_PREFIX: "retro_balance"}
    )
    assert result["reason"] == "reconfigure_successful"


async def test_a_person_added_later_is_coached_at_once_and_a_removed_one_no_longer(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """Without a restart: Ruth starts the programme, her walk counts, Ben's reminders stop."""
    coach = init_integration.runtime_data.coordinator.coach
    result = await add_person(
        hass,
        **{
            CONF_NAME: "Ruth",
            "birth_year": 1940,
            "sex": "female",
            CONF_WEIGHT_MIN_KG: 40.0,
            CONF_WEIGHT_MAX_KG: 52.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    phase = hass.states.get("sensor.ruth_retro_walk_phase")
    assert phase.state == "phase_1"
    assert phase.attributes["decision"] == "hold"  # the rules ran for her
    assert hass.states.get("switch.ruth_walking_reminders").state == "on"
    assert hass.states.get("sensor.ruth_next_walking_reminder").state != "unavailable"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.ruth_log_retro_walk"}, blocking=True
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.ruth_retro_walk_minutes_this_week").state == "3.0"

    ben, reminder = coach.state(BEN_ID), coach.view(BEN_ID).next_reminder
    assert reminder is not None
    hass.config_entries.async_remove_subentry(init_integration, BEN_ID)
    await hass.async_block_till_done()
    assert coach.view(BEN_ID) is None
    assert BEN_ID not in coach.people
    # His reminder's time passes: no timer was left for him, and his programme stays stored
    # untouched until the pad is deleted.
    async_fire_time_changed(hass, reminder + timedelta(minutes=1))
    await hass.async_block_till_done()
    assert coach.state(BEN_ID) == ben
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
