"""export_history: its scope said explicitly; a summary, local times and rounded numbers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.detection.stance_result import StanceResult
from custom_components.retro_balance.export import rounded
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .helpers import ANNA_ID, ENTRY_ID

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"


@pytest.fixture(autouse=True)
def stored_sessions(hass_storage: dict[str, Any]) -> None:
    """Anna's daily check (2026-11-20 07:33 UTC) and a 40 kg test nobody fits (11-21 08:00)."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": json.loads(FIXTURE.read_text()),
    }


async def export(hass: HomeAssistant, **data: Any) -> dict[str, Any]:
    response: dict[str, Any] = await hass.services.async_call(
        DOMAIN,
        "export_history",
        {"config_entry_id": ENTRY_ID, **data},
        blocking=True,
        return_response=True,
    )
    return response


def floats(value: Any) -> list[float]:
    if isinstance(value, float):
        return [value]
    if isinstance(value, dict):
        return [f for item in value.values() for f in floats(item)]
    if isinstance(value, list):
        return [f for item in value for f in floats(item)]
    return []


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({}, "scope_required"),
        ({"include_raw_cop": True}, "scope_required"),
        ({"scope": "person"}, "scope_person_mismatch"),
        ({"scope": "unassigned", "person": "Anna"}, "scope_person_mismatch"),
        ({"scope": "all", "person": "Anna"}, "scope_person_mismatch"),
    ],
)
async def test_the_scope_is_never_a_silent_default(
    hass: HomeAssistant, init_integration: MockConfigEntry, data: dict[str, Any], key: str
) -> None:
    with pytest.raises(ServiceValidationError) as err:
        await export(hass, **data)
    assert err.value.translation_key == key


async def test_everything_readable_with_a_summary(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await hass.config.async_update(time_zone="Europe/Amsterdam")
    response = await export(hass, scope="all")
    assert (response["pad_id"], response["scope"], response["person"]) == ("hall", "all", None)
    assert response["summary"] == {
        "sessions": 2,
        "first": "2026-11-20T08:33:10+01:00",
        "last": "2026-11-21T09:00:45+01:00",
        "unassigned": 1,
        "people": [
            {
                "person": "Anna",
                "person_id": ANNA_ID,
                "sessions": 1,
                "last_check": "2026-11-20T08:33:10+01:00",
                # As her sensors show them.
                "balance_score": float(hass.states.get("sensor.anna_balance_score").state),
                "balance_for_age": float(hass.states.get("sensor.anna_balance_for_age").state),
                "fall_risk": hass.states.get("sensor.anna_fall_risk").state,
            }
        ],
    }
    anna, nobody = response["sessions"]
    assert (anna["person"], nobody["person"]) == ("Anna", None)
    assert anna["ended_at"] == "2026-11-20T08:33:10+01:00"
    assert nobody["started_at"].endswith("+01:00")
    # Rounded: no float with more than two decimals anywhere (the fixture has 15).
    assert all(round(value, 2) == value for value in floats(response))
    assert any(len(repr(value)) > 10 for value in floats(json.loads(FIXTURE.read_text())))
    # Still the stored record's shape: the engine reads its results back.
    for result in anna["results"]:
        StanceResult.from_dict(result)
    assert anna["assessment"]["fall_risk"]["level"] == "low"


async def test_one_person_or_the_unassigned(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    anna = await export(hass, scope="person", person="Anna")
    older_call = await export(hass, person="anna")  # a person alone: that person, as before
    assert anna == older_call
    assert (anna["person"], anna["person_id"]) == ("Anna", ANNA_ID)
    assert [s["person_id"] for s in anna["sessions"]] == [ANNA_ID]
    assert anna["summary"]["unassigned"] == 0
    unassigned = await export(hass, scope="unassigned")
    assert [s["identified_by"] for s in unassigned["sessions"]] == ["no_match"]
    assert unassigned["summary"]["people"] == []
    assert unassigned["summary"]["sessions"] == 1


def test_rounding_keeps_ints_and_bools() -> None:
    assert rounded({"a": [1.23456, 2, True, None, "x"], "b": (0.005,)}) == {
        "a": [1.23, 2, True, None, "x"],
        "b": [0.01],
    }


async def test_a_removed_persons_sessions_are_still_exported(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    hass.config_entries.async_remove_subentry(init_integration, ANNA_ID)
    await hass.async_block_till_done()
    response = await export(hass, scope="all")
    (anna,) = response["summary"]["people"]
    assert anna == {
        "person": None,
        "person_id": ANNA_ID,
        "sessions": 1,
        "last_check": response["sessions"][0]["ended_at"],
    }
    assert response["sessions"][0]["person"] is None
