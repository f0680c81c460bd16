"""The dashboard's Retro walking view: each person's coach in words, big buttons, a calendar."""

from __future__ import annotations

from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers.template import Template
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient, WebSocketGenerator

from custom_components.retro_balance.const import CONF_NAME, DOMAIN, SUBENTRY_PERSON
from custom_components.retro_balance.dashboard import DASHBOARD_URL
from custom_components.retro_balance.dashboard_cards import Member, PadPage, Texts
from custom_components.retro_balance.dashboard_views import dashboard

from .coach_helpers import call, choose_phase, set_up_at
from .dashboard_helpers import cards, load
from .helpers import ENTRY_ID

pytestmark = pytest.mark.usefixtures("lovelace")


def coach(config: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """The cards of `name`'s stack on the walking view, stacks opened."""
    [walking] = [v for v in config["views"] if v["path"] == "walking"]
    [stack] = [top for top in walking["cards"] if top["cards"][0].get("title", "").startswith(name)]
    return list(cards(stack))


def said(hass: HomeAssistant, card: dict[str, Any]) -> list[str]:
    """The lines a markdown card shows, its templates rendered by Home Assistant (no blanks)."""
    text = Template(card["content"], hass).async_render(parse_result=False)
    return [line for line in text.splitlines() if line.strip()]


def markdown(found: list[dict[str, Any]], title: str) -> dict[str, Any]:
    [card] = [card for card in found if card["type"] == "markdown" and card["title"] == title]
    return card


async def test_every_person_gets_the_coach_buttons_settings_and_calendar(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    config = await load(hass_ws_client)
    [walking] = [v for v in config["views"] if v["path"] == "walking"]
    assert (walking["title"], walking["max_columns"]) == ("Retro walking", 2)
    for name, slug in (("Anna", "anna"), ("Ben", "ben")):
        found = coach(config, name)
        assert found[1]["title"] == f"{name} — retro walking"
        # One tap logs the walk or snoozes: big buttons, no dialog.
        log, snooze = (card for card in found if card["type"] == "button")
        assert (log["name"], snooze["name"]) == ("Log a walk", "Snooze 30 min")
        for card, button in ((log, "log_retro_walk"), (snooze, "snooze_walking_reminder")):
            assert card["tap_action"] == {
                "action": "perform-action",
                "perform_action": "button.press",
                "target": {"entity_id": f"button.{slug}_{button}"},
            }
            assert card["icon_height"] == "80px"
        [settings] = [card for card in found if card["type"] == "entities"]
        assert [row["entity"] for row in settings["entities"]] == [
            f"sensor.{slug}_weeks_meeting_the_walking_target",
            f"sensor.{slug}_next_walking_reminder",
            f"switch.{slug}_walking_reminders",
            f"time.{slug}_walking_reminder_time",
            f"sensor.{slug}_single_leg_practice_hold",
        ]
        assert settings["entities"][1]["format"] == "datetime"
        [calendar] = [card for card in found if card["type"] == "calendar"]
        assert calendar["entities"] == [f"calendar.{slug}_retro_walk_programme"]
        assert calendar["initial_view"] == "listWeek"
        assert markdown(found, "Walk safely")


async def test_the_cards_say_the_phase_the_week_and_a_snooze_in_words(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
) -> None:
    await set_up_at(hass, freezer, mock_config_entry, "2026-12-09T09:00:00+01:00")
    # Loaded as the websocket command does (its test token has expired in this time travel).
    config = await hass.data["lovelace"].dashboards[DASHBOARD_URL].async_load(False)
    found = coach(config, "Anna")
    status, advice = markdown(found, "Anna — retro walking"), markdown(found, "Walk safely")
    assert said(hass, status) == [
        "## Phase 1: stabilisation",
        "Walk backwards 3 to 5 minutes on 3 days a week. "
        "Go very slowly and put your toes down first.",
        "### This week",
        "- Minutes walked: 0 of 9",
        "- Walking days: 0 of 3 — walks logged: 0",
    ]
    shown = said(hass, advice)
    assert shown[:5] == [
        "- Use a clear, flat path without obstacles.",
        "- Never walk backwards near stairs or on uneven ground.",
        "- Keep a hand on a wall or rail.",
        "- Take slow steps, toes first, never fast.",
        "- Stop if you feel dizzy.",
    ]
    assert shown[5:9] == [
        "**Also each week**",
        "- Single-leg practice: 2 days",
        "- Tandem walk: 2 days",
        "- Cross-body marching: 2 days",
    ]
    assert "Single-leg practice goal: 30 seconds on each leg." in shown
    assert shown[-3:] == [
        "**Why this phase**",
        "- Weeks in a row meeting the target in this phase: 0 of the 2 needed.",
        "- No fall-risk level measured yet: a balance check comes before the next phase.",
    ]

    # What a tap on each big button does.
    for button in (card for card in found if card["type"] == "button"):
        domain, service = button["tap_action"]["perform_action"].split(".")
        await call(hass, domain, service, **button["tap_action"]["target"])
    shown = said(hass, status)
    assert shown[3:] == [
        "- Minutes walked: 3 of 9",
        "- Walking days: 1 of 3 — walks logged: 1",
        "_Reminder snoozed until 09:30._",
    ]

    # A phase chosen by hand: its target, its advice, and why.
    await choose_phase(hass, "phase_2")
    shown = said(hass, status)
    assert shown[:2] == [
        "## Phase 2: proprioceptive build",
        "Walk backwards 5 to 10 minutes on 4 days a week. Feel the ground with every step.",
    ]
    shown = said(hass, advice)
    assert "- Touch a wall lightly with your fingertips." in shown
    assert "- Keep a hand on a wall or rail." not in shown
    assert "- Single-leg practice: 3 days" in shown
    assert "- Phase 2 was chosen by hand." in shown

    # The week's target met (as the sensor says it once the exercises are done too).
    walks = "sensor.anna_retro_walks_this_week"
    attributes = {**hass.states.get(walks).attributes, "walk_days": 4, "target_met": True}
    hass.states.async_set(walks, "5", attributes)
    assert "**This week's target is met.**" in said(hass, status)


async def test_the_cards_before_the_coach_has_values_say_none_yet(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    found = coach(await load(hass_ws_client), "Ben")
    status = markdown(found, "Ben — retro walking")
    for key in ("retro_walk_phase", "retro_walk_minutes_this_week", "retro_walks_this_week"):
        hass.states.async_set(f"sensor.ben_{key}", "unavailable")
    assert said(hass, status) == [
        "## Retro-walk phase: none yet",
        "### This week",
        "none yet",
    ]


async def test_the_words_follow_home_assistants_language(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    hass.config.language = "nl"
    config = await load(hass_ws_client)
    [walking] = [v for v in config["views"] if v["path"] == "walking"]
    assert walking["title"] == "Achteruitlopen"
    found = coach(config, "Anna")
    assert [card["name"] for card in found if card["type"] == "button"] == [
        "Loopje vastleggen",
        "30 min uitstellen",
    ]
    status = markdown(found, "Anna — achteruitlopen")
    assert said(hass, status)[1] == (
        "Loop op 3 dagen per week 3 tot 5 minuten achteruit. "
        "Ga heel langzaam en zet eerst je tenen neer."
    )


async def test_a_person_called_walking_does_not_take_the_views_address(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_ws_client: WebSocketGenerator
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_PERSON), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Walking",
            "birth_year": 1944,
            "sex": "male",
            "weight_min_kg": 100.0,
            "weight_max_kg": 115.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    await hass.async_block_till_done()
    config = await load(hass_ws_client)
    paths = [v["path"] for v in config["views"]]
    assert paths == ["check", "care", "walking", "anna", "ben", "walking_hall"]
    assert coach(config, "Walking")[1]["title"] == "Walking — retro walking"


def test_people_without_coach_entities_get_no_walking_view() -> None:
    def member(entities: dict[str, str]) -> Member:
        return Member(name="Ida", path="ida", entities=entities, statistic=lambda *_: "")

    texts = Texts({})
    pad = PadPage(name="Pad", entities={}, cap_s=30.0, people=(member({}),))
    assert "walking" not in [v["path"] for v in dashboard([pad], texts)["views"]]
    # Only a phase: its words, no buttons, settings or calendar.
    alone = PadPage(
        name="Pad",
        entities={},
        cap_s=30.0,
        people=(member({"retro_walk_phase": "sensor.ida_phase"}),),
    )
    [walking] = [v for v in dashboard([alone], texts)["views"] if v["path"] == "walking"]
    [stack] = walking["cards"]
    assert [card["type"] for card in stack["cards"]] == ["markdown", "markdown"]
    # A translation whose placeholders do not fit shows its text unfilled, never fails.
    broken = Texts({f"component.{DOMAIN}.selector.coach_reminder.options.goal": "{seconds}"})
    assert broken.option("coach_reminder", "goal", hold_s=30) == "{seconds}"
