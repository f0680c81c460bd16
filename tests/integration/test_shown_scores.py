"""A score and the percentile are one number wherever people see them, and stored as scored.

The balance score 76.8 is 77 on its sensor (the frontend shows a state without unit or state class
as it is), in the check's summary (said and shown), in the logbook, on the Why card and in
`export_history`'s summary; the stored session keeps 76.8.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.helpers.template import Template
from homeassistant.helpers.translation import recursive_flatten
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import WebSocketGenerator

from custom_components.retro_balance.check_events import check_event_data
from custom_components.retro_balance.check_summary import CheckSummary
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.guidance_texts import summary_text
from custom_components.retro_balance.logbook_texts import check_message
from custom_components.retro_balance.person_results import shown_score
from custom_components.retro_balance.score_texts import percentile_meaning
from custom_components.retro_balance.sessions import ChangeKind
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .dashboard_helpers import load, view
from .helpers import ENTRY_ID, stored

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
STRINGS = json.loads(
    (Path(__file__).parents[2] / "custom_components/retro_balance/strings.json").read_text()
)
EN = recursive_flatten(f"component.{DOMAIN}.selector.", STRINGS["selector"])
SCORE = "sensor.anna_balance_score"
PERCENTILE = "sensor.anna_sway_steadiness_eyes_closed_percentile_for_age"


@pytest.mark.parametrize(
    ("value", "shown"),
    [(76.8, 77), (76.4, 76), (76.5, 77), (98.5, 99), (0.0, 0), (100.0, 100), (70.46, 70)],
)
def test_a_score_is_shown_whole_halves_up(value: float, shown: int) -> None:
    assert shown_score(value) == shown
    assert str(shown_score(value)) == str(shown)  # "77", never "77.0"


@pytest.fixture
def anna_stored_check(hass_storage: dict[str, Any]) -> None:
    """Anna's stored daily check (the fixture's; assessed again on load)."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": {"sessions": [json.loads(FIXTURE.read_text())["sessions"][0]], "quarantine": []},
    }


async def rescored(
    hass: HomeAssistant, hass_storage: dict[str, Any], score: float, percentile: float
) -> SessionRecord:
    """Store Anna's check again with this score and percentile, and load it."""
    data = stored(hass_storage)
    data["sessions"][0]["assessment"] |= {"score": score, "percentile": percentile}
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    return SessionRecord.from_dict(stored(hass_storage)["sessions"][0])


@pytest.mark.usefixtures("anna_stored_check", "lovelace")
async def test_the_score_sensor_and_the_summary_say_the_same_number(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    hass_ws_client: WebSocketGenerator,
) -> None:
    record = await rescored(hass, hass_storage, score=76.8, percentile=70.5)
    assert record.assessment is not None
    assert (record.assessment.score, record.assessment.percentile) == (76.8, 70.5)  # as scored

    assert hass.states.get(SCORE).state == "77"
    said = summary_text(EN, CheckSummary.of(record, "Anna"))
    assert said == "Anna: daily check done, balance score 77. Thank you!"
    event = check_event_data(record, ChangeKind.STORED, "Anna")
    assert event["score"] == 77
    assert check_message(EN, event).startswith("finished the daily check: score 77, ")
    response: dict[str, Any] = await hass.services.async_call(
        DOMAIN,
        "export_history",
        {"config_entry_id": ENTRY_ID, "scope": "person", "person": "Anna"},
        blocking=True,
        return_response=True,
    )
    [anna] = response["summary"]["people"]
    assert anna["balance_score"] == 77
    assert response["sessions"][0]["assessment"]["score"] == 76.8

    # The percentile (unit %: the frontend rounds it too) is the same whole number everywhere.
    percentile = hass.states.get(PERCENTILE)
    assert percentile.state == "71"
    assert percentile.attributes["meaning"][0].startswith("Steadier than 71 of 100 people")
    assert percentile_meaning(EN, 70.5, approximate=False)[0].startswith("Steadier than 71 ")

    # The Why card shows the states as they are.
    care = view(await load(hass_ws_client), "care")
    [why, _] = [card["content"] for card in care if card.get("title") == "Why"]
    shown = Template(why, hass).async_render(parse_result=False)
    assert "### Balance score: 77\n" in shown
    assert "### Sway steadiness, eyes closed — percentile for age: 71 %\n" in shown
