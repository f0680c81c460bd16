"""The Balance care dashboard: every person, one added later too, graphs on fixed axes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from homeassistant.const import EVENT_LOVELACE_UPDATED
from homeassistant.core import Event, HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.helpers.template import Template
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_capture_events,
    async_fire_time_changed,
)
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.retro_balance.const import (
    CONF_CAP_S,
    CONF_NAME,
    CONF_PAD_ID,
    CONF_PREFIX,
    DOMAIN,
    SUBENTRY_PERSON,
)
from custom_components.retro_balance.dashboard import DASHBOARD_URL, BalanceDashboard
from custom_components.retro_balance.dashboard_cards import Texts
from custom_components.retro_balance.dashboard_views import dashboard
from pad_simulator.scenarios import generate

from .dashboard_helpers import load, view
from .helpers import BEN_ID, ENTRY_ID, PREFIX, flush_live_updates, person, play

START = "button.balance_pad_hall_start_daily_check"


@pytest.mark.usefixtures("lovelace")
async def test_the_dashboard_shows_the_check_every_person_and_their_trends(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    config = await load(hass_ws_client)
    assert config["title"] == "Balance care"
    assert [v["path"] for v in config["views"]] == ["check", "care", "walking", "anna", "ben"]

    check = view(config, "check")
    [start] = [card for card in check if card.get("entity") == START]
    # One tap presses the pad's button: a big button, no dialog with a small "Press".
    assert start["type"] == "button"
    assert start["tap_action"] == {
        "action": "perform-action",
        "perform_action": "button.press",
        "target": {"entity_id": START},
    }
    assert start["icon_height"] == "120px"
    [words] = [card for card in check if card["type"] == "markdown"]
    assert "state_translated('sensor.balance_pad_hall_instruction')" in words["content"]
    assert "states('sensor.balance_pad_hall_check_progress')" in words["content"]

    care = view(config, "care")
    names = {card.get("title") for card in care if card["type"] == "entities"}
    assert {"Anna", "Ben", "Balance pad hall"} <= names
    why = [card["content"] for card in care if card.get("title") == "Why"]
    assert len(why) == 2
    assert "state_attr('sensor.anna_balance_score', 'make_up')" in why[0]
    assert "state_attr('sensor.anna_fall_risk', 'explanation')" in why[0]
    percentile = "sensor.anna_sway_steadiness_eyes_closed_percentile_for_age"
    assert f"state_attr('{percentile}', 'meaning')" in why[0]
    assert "It is not a risk of falling." in why[0]
    [score] = [card for card in care if card.get("title") == "Anna — balance score, three months"]
    assert (score["min_y_axis"], score["max_y_axis"]) == (0, 100)
    assert score["entities"][1]["entity"] == "retro_balance:hall_anna_balance_score"

    graphs = {card["title"]: card for card in view(config, "ben") if "min_y_axis" in card}
    assert graphs["Tandem stance (s)"]["max_y_axis"] == 30.0
    assert graphs["Single-leg stance left (s)"]["min_y_axis"] == 0
    assert graphs["Balance score"]["max_y_axis"] == 100
    assert "max_y_axis" not in graphs["Sway velocity eyes closed (cm/s)"]


@pytest.mark.usefixtures("lovelace")
async def test_a_person_added_later_is_on_it_and_open_browsers_are_told(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    updates: list[Event] = async_capture_events(hass, EVENT_LOVELACE_UPDATED)
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_PERSON), context={"source": "user"}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Ruth",
            "birth_year": 1940,
            "sex": "female",
            "weight_min_kg": 40.0,
            "weight_max_kg": 52.0,
        },
    )
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    # A burst of new entities is one update.
    assert [event.data for event in updates] == [{"url_path": DASHBOARD_URL}]
    config = await load(hass_ws_client)
    assert [v["path"] for v in config["views"]] == [
        "check",
        "care",
        "walking",
        "anna",
        "ben",
        "ruth",
    ]
    care = view(config, "care")
    assert any(card.get("entity") == "sensor.ruth_balance_score" for card in care)
    # Her walking coach too: the buttons, the reminder's switch and her calendar.
    walking = view(config, "walking")
    assert [card["title"] for card in walking if card["type"] == "calendar"] == [
        "Anna — walks, planned and done",
        "Ben — walks, planned and done",
        "Ruth — walks, planned and done",
    ]
    ruth = {card.get("entity") for card in walking} | {
        row["entity"] for card in walking if card["type"] == "entities" for row in card["entities"]
    }
    assert {
        "button.ruth_log_retro_walk",
        "button.ruth_snooze_walking_reminder",
        "switch.ruth_walking_reminders",
        "time.ruth_walking_reminder_time",
    } <= ruth
    assert ["calendar.ruth_retro_walk_programme"] in [card.get("entities") for card in walking]


@pytest.mark.usefixtures("lovelace")
async def test_the_holds_axis_follows_the_cap(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    hass.config_entries.async_update_entry(init_integration, options={CONF_CAP_S: 45})
    config = await load(hass_ws_client)
    graphs = {card["title"]: card for card in view(config, "anna") if "min_y_axis" in card}
    assert graphs["Tandem stance (s)"]["max_y_axis"] == 45.0


@pytest.mark.usefixtures("lovelace")
async def test_the_dashboard_is_in_the_sidebar_once(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    panels = hass.data["frontend_panels"]
    assert panels[DASHBOARD_URL].sidebar_title == "Balance care"
    assert panels[DASHBOARD_URL].config == {"mode": "yaml"}
    dashboards = hass.data["lovelace"].dashboards
    assert isinstance(dashboards[DASHBOARD_URL], BalanceDashboard)
    info = await dashboards[DASHBOARD_URL].async_get_info()
    assert info == {"mode": "yaml", "views": 5}


async def test_a_dashboard_of_the_users_at_that_address_is_kept(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, mqtt_mock: Any
) -> None:
    assert await async_setup_component(
        hass,
        "lovelace",
        {
            "lovelace": {
                "dashboards": {
                    DASHBOARD_URL: {
                        "mode": "yaml",
                        "filename": "mine.yaml",
                        "title": "Mine",
                        "show_in_sidebar": True,
                    }
                }
            }
        },
    )
    mock_config_entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    dashboard = hass.data["lovelace"].dashboards[DASHBOARD_URL]
    assert not isinstance(dashboard, BalanceDashboard)


async def test_without_dashboards_the_pad_still_loads(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    assert "lovelace" not in hass.data
    assert init_integration.runtime_data.coordinator.data.pad.online
    assert DOMAIN in hass.config.components


@pytest.mark.usefixtures("lovelace")
async def test_the_cards_templates_render_the_reasons_in_words(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    """The markdown cards' templates, rendered by Home Assistant after Anna's daily check."""
    await play(hass, generate("daily-check", seed=3, weight_kg=62.0, lose_balance_at_s=12.0))
    await flush_live_updates(hass)  # the frames after the check: Anna stepped off
    config = await load(hass_ws_client)
    care = view(config, "care")
    [why, _] = [card["content"] for card in care if card.get("title") == "Why"]
    said = Template(why, hass).async_render(parse_result=False)
    score = hass.states.get("sensor.anna_balance_score")
    assert f"### Balance score: {score.state}\n" in said
    assert "- Tandem stance: 40 of 100 points — 12 s held; 30 s earns full points." in said
    assert "- The score is the average of the kinds of test" in said
    assert "### Fall risk: " in said
    assert "Steadier than " in said  # the percentile's meaning, not the note for none
    check = view(config, "check")
    [words] = [card["content"] for card in check if card["type"] == "markdown"]
    shown = Template(words, hass).async_render(parse_result=False)
    assert shown.splitlines() == [
        "# Start the daily check when you are ready",
        "## No check running",
        f"### {hass.states.get('sensor.balance_pad_hall_check_result').state}",
    ]
    [trend] = [card["content"] for card in view(config, "anna") if card.get("title") == "Why"]
    assert Template(trend, hass).async_render(parse_result=False).startswith("No decline")


@pytest.mark.usefixtures("lovelace")
async def test_two_pads_a_namesake_a_pad_not_loaded_and_a_hidden_entity(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    garden = MockConfigEntry(
        domain=DOMAIN,
        title="garden",
        data={CONF_PAD_ID: "garden", CONF_PREFIX: PREFIX},
        unique_id=f"{PREFIX}/garden",
        subentries_data=[person("01JRETROBALANCEGARDENANNA0", "Anna", 1960, "female")],
    )
    garden.add_to_hass(hass)
    assert await hass.config_entries.async_setup(garden.entry_id)
    shed = MockConfigEntry(
        domain=DOMAIN, title="shed", data={CONF_PAD_ID: "shed", CONF_PREFIX: PREFIX}
    )
    shed.add_to_hass(hass)  # not loaded: not on the dashboard
    registry = er.async_get(hass)
    for hidden in ("sensor.anna_balance_for_age", "calendar.anna_retro_walk_programme"):
        registry.async_update_entity(hidden, disabled_by=er.RegistryEntryDisabler.USER)
    await hass.async_block_till_done()
    config = await load(hass_ws_client)
    # Pads by name; a second Anna's view gets her pad in its address.
    assert [v["path"] for v in config["views"]] == [
        "check",
        "care",
        "walking",
        "anna",
        "anna_hall",
        "ben",
    ]
    check = view(config, "check")
    assert [card["title"] for card in check if card["type"] == "vertical-stack"] == [
        "Balance pad garden",
        "Balance pad hall",
    ]
    care = view(config, "care")
    lists = [card["entities"] for card in care if card["type"] == "entities"]
    rows = [row.get("entity") for entities in lists for row in entities]
    assert "sensor.anna_balance_for_age" not in rows
    assert "sensor.anna_balance_score" in rows
    # Hall's Anna has no calendar card; garden's Anna and Ben keep theirs.
    calendars = [card["entities"] for card in view(config, "walking") if card["type"] == "calendar"]
    assert len(calendars) == 2
    assert ["calendar.anna_retro_walk_programme"] not in calendars


@pytest.mark.usefixtures("lovelace")
async def test_a_person_removed_leaves_it_and_browsers_are_told(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    updates: list[Event] = async_capture_events(hass, EVENT_LOVELACE_UPDATED)
    hass.config_entries.async_remove_subentry(init_integration, BEN_ID)
    await hass.async_block_till_done()
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
    await hass.async_block_till_done()
    assert len(updates) == 1
    config = await load(hass_ws_client)
    assert [v["path"] for v in config["views"]] == ["check", "care", "walking", "anna"]


def test_without_pads_the_dashboard_says_so_and_texts_fall_back() -> None:
    texts = Texts({})
    config = dashboard([], texts)
    [check] = [v for v in config["views"] if v["path"] == "check"]
    assert check["cards"] == [{"type": "markdown", "content": "no_pad"}]
    broken = Texts({f"component.{DOMAIN}.selector.dashboard.options.trends_view": "{who}"})
    assert broken("trends_view", name="Anna") == "trends_view"
    assert texts.entity("sensor.x", "fall_risk") == "fall_risk"


@pytest.mark.usefixtures("lovelace")
async def test_the_trend_view_names_each_change_by_its_measure(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    config = await load(hass_ws_client)
    [side] = [card for card in view(config, "anna") if card.get("title") == "Anna"]
    section = next(i for i, row in enumerate(side["entities"]) if row.get("type") == "section")
    assert [row["name"] for row in side["entities"][section + 1 :]] == [
        "Single-leg stance left",
        "Single-leg stance right",
        "Tandem stance",
        "Sway velocity eyes closed",
        "Balance score",
    ]
    tandem = side["entities"][section + 3]["entity"]
    assert tandem == "sensor.anna_tandem_stance_change_from_baseline"
