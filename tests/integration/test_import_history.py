"""`import_history`: an export stored again, scored, once; bad input stores nothing."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import IdentifiedBy, PersonProfile
from custom_components.retro_balance.engine.clinical.session import SessionRecord, assess_session

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, stored
from .trend_history import NOW, declining_history, import_sessions, set_up

pytestmark = pytest.mark.usefixtures("mqtt_mock")


def stored_records(hass_storage: dict[str, Any]) -> list[SessionRecord]:
    return [SessionRecord.from_dict(raw) for raw in stored(hass_storage)["sessions"]]


@pytest.fixture
async def pad(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> MockConfigEntry:
    freezer.move_to(NOW)
    await set_up(hass, mock_config_entry)
    return mock_config_entry


async def test_an_export_comes_back_scored_and_only_once(
    hass: HomeAssistant, pad: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    records = [replace(record, assessment=None) for record in declining_history()[:10]]
    assert await import_sessions(hass, records) == {"imported": 10, "skipped": 0}
    kept = stored_records(hass_storage)
    assert [r.session_id for r in kept] == [r.session_id for r in records]
    assert all(r.person_id == ANNA_ID and r.assessment is not None for r in kept)
    assert hass.states.get("sensor.anna_last_check").state == records[-1].ended_at.isoformat()

    # The same export again, and what export_history gives back: nothing new.
    exported = await hass.services.async_call(
        DOMAIN,
        "export_history",
        {"config_entry_id": ENTRY_ID, "person": "Anna"},
        blocking=True,
        return_response=True,
    )
    assert exported is not None
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {"config_entry_id": ENTRY_ID, "sessions": exported["sessions"]},
        blocking=True,
        return_response=True,
    )
    assert response == {"imported": 0, "skipped": 10}
    assert stored_records(hass_storage) == kept


async def test_a_person_given_files_every_session_under_them(
    hass: HomeAssistant, pad: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    records = [replace(record, assessment=None) for record in declining_history()[:3]]
    await import_sessions(hass, records, person="Ben")
    kept = stored_records(hass_storage)
    assert {r.person_id for r in kept} == {BEN_ID}
    assert {r.identified_by for r in kept} == {IdentifiedBy.ASSIGNED}
    ben = PersonProfile(person_id=BEN_ID, name="Ben", birth_year=1948, sex=Sex.MALE)
    assert [r.assessment for r in kept] == [
        assess_session(replace(r, person_id=BEN_ID), ben).assessment for r in records
    ]
    assert hass.states.get("sensor.ben_last_check").state == records[-1].ended_at.isoformat()


async def test_unassigned_sessions_stay_unassigned(
    hass: HomeAssistant, pad: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    record = replace(
        declining_history()[0],
        person_id=None,
        identified_by=IdentifiedBy.NO_MATCH,
        assessment=None,
    )
    await import_sessions(hass, [record])
    (kept,) = stored_records(hass_storage)
    assert kept.person_id is None
    assert kept.assessment is None


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda raw: {**raw[1], "started_at": "yesterday"}, "sessions[1]: started_at"),
        (lambda raw: {**raw[1], "person_id": "01JSOMEONEELSE"}, "is not a person of this pad"),
        (lambda raw: raw[0], "is in the import twice"),
    ],
    ids=["malformed", "unknown person", "twice"],
)
async def test_bad_input_is_a_clear_error_and_stores_nothing(
    hass: HomeAssistant,
    pad: MockConfigEntry,
    hass_storage: dict[str, Any],
    change: Any,
    problem: str,
) -> None:
    raw = [record.as_dict() for record in declining_history()[:3]]
    raw[1] = change(raw)
    with pytest.raises(ServiceValidationError) as err:
        await hass.services.async_call(
            DOMAIN,
            "import_history",
            {"config_entry_id": ENTRY_ID, "sessions": raw},
            blocking=True,
            return_response=True,
        )
    assert err.value.translation_key == "bad_import"
    assert problem in str(err.value.translation_placeholders["problem"])
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage or stored_records(hass_storage) == []


async def test_a_session_before_the_persons_birth_year_is_refused(
    hass: HomeAssistant, pad: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    record = declining_history()[0]
    old = replace(
        record,
        started_at=record.started_at.replace(year=1940),
        ended_at=record.ended_at.replace(year=1940),
    )
    with pytest.raises(ServiceValidationError, match="cannot be imported"):
        await import_sessions(hass, [old])
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage or stored_records(hass_storage) == []
