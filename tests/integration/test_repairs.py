"""The repair for checks without a person, and its fix flow: pick the person from a list."""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import voluptuous as vol
from homeassistant.components.repairs import DOMAIN as REPAIRS
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.helpers import issue_registry as ir
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance import assign_flow, repairs
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.people import IdentifiedBy
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, play, stored

ISSUE_ID = f"unassigned_sessions_{ENTRY_ID}"
FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
LABEL = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d · Quiet stance, eyes open · \d+\.\d kg$")


def sessions(hass_storage: dict[str, Any]) -> list[SessionRecord]:
    return [SessionRecord.from_dict(raw) for raw in stored(hass_storage)["sessions"]]


async def unclear_check(hass: HomeAssistant, weight_kg: float, seed: int) -> None:
    """A quiet-stance test nobody chose, at a weight no range holds: stored without a person."""
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "quiet_eyes_open"},
        blocking=True,
    )
    await play(hass, generate("quiet-eo", seed=seed, weight_kg=weight_kg, duration_s=12.0))


async def start_fix_flow(hass: HomeAssistant) -> dict[str, Any]:
    assert await async_setup_component(hass, REPAIRS, {})
    manager = hass.data[REPAIRS]["flow_manager"]
    result = await manager.async_init(DOMAIN, data={"issue_id": ISSUE_ID})
    return dict(result)


async def configure(hass: HomeAssistant, flow_id: str, data: dict[str, Any]) -> dict[str, Any]:
    result = await hass.data[REPAIRS]["flow_manager"].async_configure(flow_id, data)
    return dict(result)


def options(result: dict[str, Any], field: str) -> list[dict[str, str]]:
    key = next(key for key in result["data_schema"].schema if str(key) == field)
    selector = result["data_schema"].schema[key]
    found: list[dict[str, str]] = selector.config["options"]
    return found


def default(result: dict[str, Any], field: str) -> object:
    key = next(key for key in result["data_schema"].schema if str(key) == field)
    return key.default if key.default is vol.UNDEFINED else key.default()


async def test_an_unclear_check_raises_a_repair_whose_flow_assigns_it(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    issue_registry: ir.IssueRegistry,
) -> None:
    await hass.config.async_update(time_zone="Europe/Amsterdam")
    await unclear_check(hass, 40.0, seed=1)  # lighter than anyone's range
    await unclear_check(hass, 72.5, seed=2)  # between Anna's (to 70) and Ben's (from 75)
    first, second = sessions(hass_storage)
    assert first.person_id is None
    assert second.person_id is None
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.is_fixable
    assert issue.translation_placeholders == {"pad_id": "hall", "count": "2"}

    result = await start_fix_flow(hass)
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "assign"
    assert result["description_placeholders"] == {"count": "2", "assigned": "0"}
    listed = options(result, "session")
    # Newest first, each with its local date and time, what it was and the weight.
    assert [option["value"] for option in listed] == [second.session_id, first.session_id]
    for option, record in zip(listed, (second, first), strict=True):
        assert LABEL.match(option["label"]), option["label"]
        local = dt_util.as_local(record.ended_at).strftime("%Y-%m-%d %H:%M")
        assert option["label"].startswith(local)
        assert record.body_mass_kg is not None
        assert option["label"].endswith(f"{record.body_mass_kg:.1f} kg")
    assert default(result, "session") == second.session_id
    assert options(result, "person") == [
        {"value": ANNA_ID, "label": "Anna"},
        {"value": BEN_ID, "label": "Ben"},
    ]

    result = await configure(
        hass, result["flow_id"], {"session": second.session_id, "person": BEN_ID}
    )
    # One more to go.
    assert result["type"] is FlowResultType.FORM
    assert result["description_placeholders"] == {"count": "1", "assigned": "1"}
    assert [option["value"] for option in options(result, "session")] == [first.session_id]
    assigned = next(r for r in sessions(hass_storage) if r.session_id == second.session_id)
    assert (assigned.person_id, assigned.identified_by) == (BEN_ID, IdentifiedBy.ASSIGNED)
    assert assigned.assessment is not None
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.translation_placeholders["count"] == "1"

    result = await configure(
        hass, result["flow_id"], {"session": first.session_id, "person": ANNA_ID}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert issue_registry.async_get_issue(DOMAIN, ISSUE_ID) is None
    # Nothing dropped: both checks kept, now with their people.
    assert {(r.session_id, r.person_id) for r in sessions(hass_storage)} == {
        (first.session_id, ANNA_ID),
        (second.session_id, BEN_ID),
    }


async def test_the_person_the_weight_points_to_now_is_preselected(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Stored unassigned while Ben's range started at 85 kg; then his range is corrected."""
    ben = init_integration.subentries[BEN_ID]
    hass.config_entries.async_update_subentry(
        init_integration, ben, data={**ben.data, "weight_min_kg": 85.0}
    )
    await hass.async_block_till_done()
    await unclear_check(hass, 77.0, seed=3)
    result = await start_fix_flow(hass)
    assert default(result, "person") is vol.UNDEFINED
    hass.config_entries.async_update_subentry(
        init_integration, ben, data={**ben.data, "weight_min_kg": 75.0}
    )
    await hass.async_block_till_done()
    result = await start_fix_flow(hass)
    assert default(result, "person") == BEN_ID


async def test_a_check_assigned_meanwhile_is_not_assigned_twice(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    await unclear_check(hass, 40.0, seed=1)
    await unclear_check(hass, 40.0, seed=2)
    first, second = sessions(hass_storage)
    result = await start_fix_flow(hass)
    await hass.services.async_call(
        DOMAIN,
        "assign_session",
        {"config_entry_id": ENTRY_ID, "session_id": second.session_id, "person": "Anna"},
        blocking=True,
    )
    result = await configure(
        hass, result["flow_id"], {"session": second.session_id, "person": BEN_ID}
    )
    assert result["errors"] == {"base": "changed_meanwhile"}
    assert [option["value"] for option in options(result, "session")] == [first.session_id]
    assert (
        next(r for r in sessions(hass_storage) if r.session_id == second.session_id).person_id
        == ANNA_ID
    )


@pytest.fixture
def stored_unassigned(hass_storage: dict[str, Any]) -> None:
    """The fixture's sessions: Anna's daily check and a 40 kg test nobody could be chosen for."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": json.loads(FIXTURE.read_text()),
    }


@pytest.mark.usefixtures("stored_unassigned")
async def test_stored_unassigned_sessions_raise_the_repair_on_load(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE_ID)
    assert issue is not None
    assert issue.translation_placeholders["count"] == "1"
    assert issue.data == {"entry_id": ENTRY_ID}

    # The pad unloaded: the flow says so instead of failing.
    assert await hass.config_entries.async_unload(ENTRY_ID)
    result = await start_fix_flow(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "pad_not_loaded")
    assert issue_registry.async_get_issue(DOMAIN, ISSUE_ID) is not None


@pytest.mark.usefixtures("stored_unassigned")
@pytest.mark.parametrize("people", [[]])
async def test_without_people_the_flow_asks_for_one(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    result = await start_fix_flow(hass)
    assert (result["type"], result["reason"]) == (FlowResultType.ABORT, "no_people")


async def test_only_fixable_kinds_have_a_flow(hass: HomeAssistant) -> None:
    with pytest.raises(ValueError, match="no fix flow"):
        await repairs.async_create_fix_flow(hass, f"pad_offline_{ENTRY_ID}", None)
    with pytest.raises(ValueError, match="entry_id"):
        await repairs.async_create_fix_flow(hass, ISSUE_ID, None)
    flow = await repairs.async_create_fix_flow(hass, ISSUE_ID, {"entry_id": ENTRY_ID})
    assert isinstance(flow, assign_flow.UnassignedSessionsFlow)


def test_a_session_without_a_weight_is_listed_without_one() -> None:
    data = json.loads(FIXTURE.read_text())["sessions"][0]
    record = SessionRecord.from_dict(data)
    weightless = replace(
        record, results=tuple(replace(r, body_mass_kg=0.0) for r in record.results)
    )
    label = assign_flow.session_label(weightless, {})
    assert label.endswith(" · daily_check")
    assert "kg" not in label
