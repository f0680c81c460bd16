"""The person subentry flow: limits, errors, weight ranges that tell people apart, pad weight."""

from __future__ import annotations

from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
import voluptuous as vol
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import (
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_PAD_ID,
    CONF_PREFIX,
    CONF_SEX,
    CONF_USE_PAD_WEIGHT,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    DOMAIN,
    SUBENTRY_PERSON,
)
from custom_components.retro_balance.engine.clinical.people import (
    MAX_PERSON_WEIGHT_KG,
    MIN_BIRTH_YEAR,
    MIN_PERSON_WEIGHT_KG,
)
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame
from devtools.demo import DEMO_PEOPLE

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, PAD_ID, PREFIX, fire, flush_live_updates, person

CARLA = {CONF_NAME: "Carla", CONF_BIRTH_YEAR: 1960, CONF_SEX: "female"}
RANGES = "Anna 55–70 kg, Ben 75–95 kg"


def entry_with(*people: Any) -> MockConfigEntry:
    return MockConfigEntry(
        domain=DOMAIN,
        title=PAD_ID,
        data={CONF_PREFIX: PREFIX, CONF_PAD_ID: PAD_ID},
        unique_id=f"{PREFIX}/{PAD_ID}",
        entry_id=ENTRY_ID,
        subentries_data=list(people),
    )


async def add(hass: HomeAssistant, entry: MockConfigEntry, **fields: Any) -> dict[str, Any]:
    """Open the add-person form and submit it once."""
    if hass.config_entries.async_get_entry(entry.entry_id) is None:
        entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], fields)
    return dict(result)


def schema_keys(result: dict[str, Any]) -> dict[str, vol.Marker]:
    return {str(key): key for key in result["data_schema"].schema}


@pytest.mark.parametrize(
    ("field", "refused", "accepted"),
    [
        (CONF_BIRTH_YEAR, MIN_BIRTH_YEAR - 1, MIN_BIRTH_YEAR),
        (CONF_WEIGHT_MIN_KG, MIN_PERSON_WEIGHT_KG - 0.5, MIN_PERSON_WEIGHT_KG),
        (CONF_WEIGHT_MAX_KG, MAX_PERSON_WEIGHT_KG + 0.5, MAX_PERSON_WEIGHT_KG),
    ],
)
async def test_person_limits_are_the_engines(
    hass: HomeAssistant, field: str, refused: float, accepted: float
) -> None:
    """The form offers exactly what the engine's PersonProfile accepts (first person: any range)."""
    entry = entry_with()
    entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    valid = {**CARLA, CONF_WEIGHT_MIN_KG: 60.0, CONF_WEIGHT_MAX_KG: 80.0}
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**valid, field: refused}
        )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**valid, field: accepted}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    (carla,) = entry.subentries.values()
    assert carla.data[field] == accepted


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        ({CONF_NAME: "  "}, {CONF_NAME: "invalid_name"}),
        ({CONF_NAME: "anna"}, {CONF_NAME: "name_exists"}),
        ({CONF_BIRTH_YEAR: None}, {CONF_BIRTH_YEAR: "birth_year_missing"}),
        ({CONF_WEIGHT_MAX_KG: None}, {"base": "weight_range_incomplete"}),
        (
            {CONF_WEIGHT_MIN_KG: 120.0, CONF_WEIGHT_MAX_KG: 110.0},
            {CONF_WEIGHT_MAX_KG: "invalid_weight_range"},
        ),
    ],
)
async def test_person_errors(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    user_input: dict[str, object],
    errors: dict[str, str],
) -> None:
    fields = {**CARLA, CONF_WEIGHT_MIN_KG: 100.0, CONF_WEIGHT_MAX_KG: 110.0, **user_input}
    result = await add(
        hass, mock_config_entry, **{k: v for k, v in fields.items() if v is not None}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors


async def test_birth_year_is_not_prefilled(hass: HomeAssistant) -> None:
    """A required number field would show its minimum (1900): the year starts empty."""
    entry = entry_with()
    entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    birth_year = schema_keys(dict(result))[CONF_BIRTH_YEAR]
    assert isinstance(birth_year, vol.Optional)
    assert birth_year.default is vol.UNDEFINED
    assert not birth_year.description
    # Nobody stands on an unloaded pad: no "use the weight on the pad now".
    assert CONF_USE_PAD_WEIGHT not in schema_keys(dict(result))
    assert result["description_placeholders"]["ranges"] == "—"


async def test_person_refused_by_engine(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Whatever the engine refuses (its rules may be stricter than the form) is an error."""
    with patch(
        "custom_components.retro_balance.person_flow.PersonProfile",
        side_effect=ValueError("weight range too wide"),
    ):
        result = await add(
            hass, mock_config_entry, **CARLA, weight_min_kg=96.0, weight_max_kg=110.0
        )
    assert result["errors"] == {"base": "invalid_person"}


async def test_add_person(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    result = await add(
        hass,
        mock_config_entry,
        name=" Carla ",
        birth_year=1960.0,
        sex="female",
        weight_min_kg=96.0,
        weight_max_kg=110.0,
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    carla = next(s for s in mock_config_entry.subentries.values() if s.title == "Carla")
    assert dict(carla.data) == {
        CONF_NAME: "Carla",
        CONF_BIRTH_YEAR: 1960,
        CONF_SEX: "female",
        CONF_WEIGHT_MIN_KG: 96.0,
        CONF_WEIGHT_MAX_KG: 110.0,
    }


async def test_adding_a_person_without_a_range_beside_two_is_refused(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    result = await add(hass, mock_config_entry, **CARLA)
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {"base": "weight_range_needed"}
    # The message shows everyone's ranges.
    assert result["description_placeholders"]["ranges"] == RANGES
    assert len(mock_config_entry.subentries) == 2


@pytest.mark.parametrize(
    ("low", "high", "concerned"),
    [
        (68.0, 74.0, "Anna"),
        (70.0, 75.0, "Anna, Ben"),  # bounds are inclusive: 70 and 75 kg could be either
        (40.0, 120.0, "Anna, Ben"),
        (94.0, 100.0, "Ben"),
    ],
)
async def test_overlapping_ranges_are_refused(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    low: float,
    high: float,
    concerned: str,
) -> None:
    result = await add(hass, mock_config_entry, **CARLA, weight_min_kg=low, weight_max_kg=high)
    assert result["errors"] == {"base": "weight_range_overlaps"}
    assert result["description_placeholders"]["people"] == concerned
    assert result["description_placeholders"]["ranges"] == RANGES
    assert len(mock_config_entry.subentries) == 2


async def test_second_person_needs_the_first_to_have_a_range(hass: HomeAssistant) -> None:
    """Alone, Carl needs no range; beside Dora he does: give him one first."""
    entry = entry_with(person("01JCARL", "Carl", 1950, "male"))
    result = await add(
        hass,
        entry,
        name="Dora",
        birth_year=1955,
        sex="female",
        weight_min_kg=60.0,
        weight_max_kg=70.0,
    )
    assert result["errors"] == {"base": "others_without_range"}
    assert result["description_placeholders"]["people"] == "Carl"
    assert result["description_placeholders"]["ranges"] == "Carl —"


async def test_one_person_needs_no_range(hass: HomeAssistant) -> None:
    result = await add(hass, entry_with(), **CARLA)
    assert result["type"] is FlowResultType.CREATE_ENTRY


async def test_reconfigure_person(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, SUBENTRY_PERSON, ANNA_ID)
    assert result["step_id"] == "reconfigure"
    # Her own range and details are suggested; only the others' ranges are listed.
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested == {
        CONF_NAME: "Anna",
        CONF_BIRTH_YEAR: 1952,
        CONF_WEIGHT_MIN_KG: 55.0,
        CONF_WEIGHT_MAX_KG: 70.0,
    }
    assert result["description_placeholders"]["ranges"] == "Ben 75–95 kg"
    anna = {CONF_NAME: "Anna", CONF_BIRTH_YEAR: 1953, CONF_SEX: "female"}
    # Her own name is not a clash; Ben's is.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {**anna, CONF_NAME: "Ben", CONF_WEIGHT_MIN_KG: 55, CONF_WEIGHT_MAX_KG: 70},
    )
    assert result["errors"] == {CONF_NAME: "name_exists"}
    # Emptying her range beside Ben is refused; so is a range over his.
    result = await hass.config_entries.subentries.async_configure(result["flow_id"], anna)
    assert result["errors"] == {"base": "weight_range_needed"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**anna, CONF_WEIGHT_MIN_KG: 60.0, CONF_WEIGHT_MAX_KG: 80.0}
    )
    assert result["errors"] == {"base": "weight_range_overlaps"}
    assert result["description_placeholders"]["people"] == "Ben"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**anna, CONF_WEIGHT_MIN_KG: 56.0, CONF_WEIGHT_MAX_KG: 72.0}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    data = mock_config_entry.subentries[ANNA_ID].data
    assert (data[CONF_BIRTH_YEAR], data[CONF_WEIGHT_MIN_KG], data[CONF_WEIGHT_MAX_KG]) == (
        1953,
        56.0,
        72.0,
    )


@pytest.mark.parametrize(
    "people",
    [
        [
            person(ANNA_ID, "Anna", 1952, "female", (55.0, 70.0)),
            person(BEN_ID, "Ben", 1948, "male", (75.0, 95.0)),
            person("01JCARL", "Carl", 1950, "male"),
        ]
    ],
)
async def test_others_problems_do_not_block_a_change(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Carl, set up before ranges were checked, has none: Anna can still change her year."""
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, SUBENTRY_PERSON, ANNA_ID)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Anna",
            CONF_BIRTH_YEAR: 1951,
            CONF_SEX: "female",
            CONF_WEIGHT_MIN_KG: 55.0,
            CONF_WEIGHT_MAX_KG: 70.0,
        },
    )
    assert result["reason"] == "reconfigure_successful"


def stand(hass: HomeAssistant, corner_kg: float, seq: int = 1) -> None:
    """Two seconds of someone standing still on the pad (four equal corners)."""
    for index in range(16):
        cells = np.full((10, 4), corner_kg)
        frame = Frame(
            seq=seq + index, t_ms=1000 + 125 * (seq - 1 + index), rate_hz=80.0, cells_kg=cells
        )
        fire(hass, "frames", encode_frame(frame))


async def test_use_the_weight_on_the_pad_now(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Carla stands on the pad (72.4 kg): ticking the box fills her range in for checking."""
    stand(hass, 18.1)
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_PERSON), context={"source": "user"}
    )
    assert CONF_USE_PAD_WEIGHT in schema_keys(dict(result))
    assert result["description_placeholders"]["pad_weight"] == "72.4 kg"
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**CARLA, CONF_USE_PAD_WEIGHT: True}
    )
    # Not saved yet: the form comes back with the range filled in around her weight.
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {}
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested == {
        CONF_NAME: "Carla",
        CONF_BIRTH_YEAR: 1960,
        CONF_WEIGHT_MIN_KG: 68.0,
        CONF_WEIGHT_MAX_KG: 76.5,
    }
    # 68–76.5 kg overlaps Anna (to 70) and Ben (from 75): said so, with everyone's ranges.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**CARLA, CONF_WEIGHT_MIN_KG: 68.0, CONF_WEIGHT_MAX_KG: 76.5}
    )
    assert result["errors"] == {"base": "weight_range_overlaps"}
    assert result["description_placeholders"]["people"] == "Anna, Ben"
    # Nobody on the pad any more: the box says so instead of guessing.
    stand(hass, 0.0, seq=100)
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**CARLA, CONF_USE_PAD_WEIGHT: True}
    )
    assert result["errors"] == {CONF_USE_PAD_WEIGHT: "pad_empty"}
    assert result["description_placeholders"]["pad_weight"] == "—"


async def test_the_demo_household_passes_the_form(hass: HomeAssistant) -> None:
    """scripts/develop and the end-to-end tests add Margaret and Frank through this form."""
    entry = entry_with()
    for demo_person in DEMO_PEOPLE:
        result = await add(hass, entry, **demo_person.subentry_data())
        assert result["type"] is FlowResultType.CREATE_ENTRY, result.get("errors")
    assert sorted(s.title for s in entry.subentries.values()) == ["Frank", "Margaret"]
