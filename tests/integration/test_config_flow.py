"""Config flow: MQTT discovery, manual entry, reconfigure, options and person subentries."""

from __future__ import annotations

import json
from pathlib import Path
from unittest.mock import patch

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance import config_flow
from custom_components.retro_balance.const import (
    CONF_BIRTH_YEAR,
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_NAME,
    CONF_PAD_ID,
    CONF_PREFIX,
    CONF_SEX,
    CONF_TRIALS,
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
from custom_components.retro_balance.engine.detection.check_plan import MAX_TRIALS
from custom_components.retro_balance.engine.detection.stance_config import MAX_CAP_S, MIN_CAP_S
from custom_components.retro_balance.engine.wire.protocol import encode_info

from .helpers import ANNA_ID, INFO, PAD_ID, PREFIX

DISCOVERY_TOPIC = "retro_balance/+/info"
MANIFEST = Path(__file__).parents[2] / "custom_components" / "retro_balance" / "manifest.json"


def test_manifest_subscribes_to_the_flows_discovery_topic() -> None:
    """manifest.json cannot import the topic, so it is checked against the flow's here."""
    assert json.loads(MANIFEST.read_text())["mqtt"] == [config_flow.DISCOVERY_TOPIC]
    assert config_flow.DISCOVERY_TOPIC == DISCOVERY_TOPIC


@pytest.fixture(autouse=True)
def no_setup() -> object:
    """Flows only: do not set the entry up."""
    with patch("custom_components.retro_balance.async_setup_entry", return_value=True) as mock:
        yield mock


def discovery(
    payload: bytes | str, topic: str = f"retro_balance/{PAD_ID}/info", subscribed: str = ""
) -> MqttServiceInfo:
    """What HA's MQTT integration hands a flow for a retained info message."""
    return MqttServiceInfo(
        topic=topic,
        payload=payload,
        qos=0,
        retain=True,
        subscribed_topic=subscribed or DISCOVERY_TOPIC,
        timestamp=None,  # type: ignore[arg-type]
    )


async def test_discovery_creates_entry(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_MQTT}, data=discovery(encode_info(INFO))
    )
    assert result["type"] is FlowResultType.FORM
    assert result["step_id"] == "confirm"
    assert result["description_placeholders"] == {
        "pad_id": PAD_ID,
        "model": INFO.model,
        "firmware": INFO.firmware,
    }
    result = await hass.config_entries.flow.async_configure(result["flow_id"], {})
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["title"] == PAD_ID
    assert result["data"] == {CONF_PREFIX: PREFIX, CONF_PAD_ID: PAD_ID}
    assert result["result"].unique_id == f"{PREFIX}/{PAD_ID}"


@pytest.mark.parametrize(
    ("info", "topic", "subscribed", "reason"),
    [
        (encode_info(INFO), f"retro_balance/{PAD_ID}/info", "x/+/info", "invalid_discovery_info"),
        (encode_info(INFO), "retro_balance/BAD ID/info", "", "invalid_discovery_info"),
        (encode_info(INFO), f"retro_balance/{PAD_ID}/status", "", "invalid_discovery_info"),
        (b"", f"retro_balance/{PAD_ID}/info", "", "invalid_discovery_info"),
        (b"{not json", f"retro_balance/{PAD_ID}/info", "", "invalid_discovery_info"),
        (
            json.dumps({**json.loads(encode_info(INFO)), "v": 2}),
            f"retro_balance/{PAD_ID}/info",
            "",
            "unsupported_version",
        ),
    ],
)
async def test_discovery_aborts(
    hass: HomeAssistant, info: bytes | str, topic: str, subscribed: str, reason: str
) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN,
        context={"source": config_entries.SOURCE_MQTT},
        data=discovery(info, topic, subscribed),
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == reason


async def test_discovery_of_known_pad_aborts(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_MQTT}, data=discovery(encode_info(INFO))
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_user_flow(hass: HomeAssistant) -> None:
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "Bad Id!", CONF_PREFIX: "home/+/x"}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == {CONF_PAD_ID: "invalid_pad_id", CONF_PREFIX: "invalid_prefix"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "bedroom", CONF_PREFIX: "home/balance"}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert result["data"] == {CONF_PREFIX: "home/balance", CONF_PAD_ID: "bedroom"}
    assert result["result"].unique_id == "home/balance/bedroom"


async def test_user_flow_known_pad_aborts(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.flow.async_init(
        DOMAIN, context={"source": config_entries.SOURCE_USER}
    )
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: PAD_ID, CONF_PREFIX: PREFIX}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"


async def test_reconfigure(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    other = MockConfigEntry(
        domain=DOMAIN,
        data={CONF_PREFIX: PREFIX, CONF_PAD_ID: "attic"},
        unique_id=f"{PREFIX}/attic",
    )
    other.add_to_hass(hass)
    result = await mock_config_entry.start_reconfigure_flow(hass)
    assert result["step_id"] == "reconfigure"
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "x y", CONF_PREFIX: PREFIX}
    )
    assert result["errors"] == {CONF_PAD_ID: "invalid_pad_id"}
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "attic", CONF_PREFIX: PREFIX}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "already_configured"

    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "hall2", CONF_PREFIX: "home"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    assert mock_config_entry.data == {CONF_PREFIX: "home", CONF_PAD_ID: "hall2"}
    assert mock_config_entry.unique_id == "home/hall2"

    # Same topics again: nothing to clash with.
    result = await mock_config_entry.start_reconfigure_flow(hass)
    result = await hass.config_entries.flow.async_configure(
        result["flow_id"], {CONF_PAD_ID: "hall2", CONF_PREFIX: "home"}
    )
    assert result["reason"] == "reconfigure_successful"


async def test_options(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CAP_S: 45, CONF_DAILY_TESTS: [], CONF_TRIALS: 2}
    )
    assert result["errors"] == {CONF_DAILY_TESTS: "no_tests"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_CAP_S: 45.0,
            CONF_DAILY_TESTS: ["tandem", "single_leg_left", "tandem"],
            CONF_TRIALS: 2.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_CAP_S: 45,
        CONF_DAILY_TESTS: ["tandem", "single_leg_left"],
        CONF_TRIALS: 2,
    }


@pytest.mark.parametrize(
    ("field", "refused", "accepted"),
    [
        (CONF_CAP_S, MIN_CAP_S - 1, MIN_CAP_S),
        (CONF_CAP_S, MAX_CAP_S + 1, MAX_CAP_S),
        (CONF_TRIALS, 0, 1),
        (CONF_TRIALS, MAX_TRIALS + 1, MAX_TRIALS),
    ],
)
async def test_options_limits_are_the_engines(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    field: str,
    refused: float,
    accepted: float,
) -> None:
    """The form offers exactly what the engine's check plan accepts."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    valid = {CONF_CAP_S: 30, CONF_DAILY_TESTS: ["tandem"], CONF_TRIALS: 3}
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {**valid, field: refused}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**valid, field: accepted}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[field] == accepted


@pytest.mark.parametrize(
    ("field", "refused", "accepted"),
    [
        (CONF_BIRTH_YEAR, MIN_BIRTH_YEAR - 1, MIN_BIRTH_YEAR),
        (CONF_WEIGHT_MIN_KG, MIN_PERSON_WEIGHT_KG - 0.5, MIN_PERSON_WEIGHT_KG),
        (CONF_WEIGHT_MAX_KG, MAX_PERSON_WEIGHT_KG + 0.5, MAX_PERSON_WEIGHT_KG),
    ],
)
async def test_person_limits_are_the_engines(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    field: str,
    refused: float,
    accepted: float,
) -> None:
    """The person form offers exactly what the engine's PersonProfile accepts."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    valid = {
        CONF_NAME: "Carla",
        CONF_BIRTH_YEAR: 1960,
        CONF_SEX: "female",
        CONF_WEIGHT_MIN_KG: 60.0,
        CONF_WEIGHT_MAX_KG: 80.0,
    }
    with pytest.raises(InvalidData):
        await hass.config_entries.subentries.async_configure(
            result["flow_id"], {**valid, field: refused}
        )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**valid, field: accepted}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    carla = next(s for s in mock_config_entry.subentries.values() if s.title == "Carla")
    assert carla.data[field] == accepted


@pytest.mark.parametrize(
    ("user_input", "errors"),
    [
        ({CONF_NAME: "  "}, {CONF_NAME: "invalid_name"}),
        ({CONF_NAME: "anna"}, {CONF_NAME: "name_exists"}),
        ({CONF_WEIGHT_MIN_KG: 60.0}, {"base": "weight_range_incomplete"}),
        (
            {CONF_WEIGHT_MIN_KG: 80.0, CONF_WEIGHT_MAX_KG: 70.0},
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
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    assert result["type"] is FlowResultType.FORM
    valid = {CONF_NAME: "Carla", CONF_BIRTH_YEAR: 1960, CONF_SEX: "female"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {**valid, **user_input}
    )
    assert result["type"] is FlowResultType.FORM
    assert result["errors"] == errors


async def test_person_refused_by_engine(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    """Whatever the engine refuses (its rules may be stricter than the form) is an error."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    with patch(
        "custom_components.retro_balance.config_flow.PersonProfile",
        side_effect=ValueError("weight range too wide"),
    ):
        result = await hass.config_entries.subentries.async_configure(
            result["flow_id"], {CONF_NAME: "Carla", CONF_BIRTH_YEAR: 1960, CONF_SEX: "female"}
        )
    assert result["errors"] == {"base": "invalid_person"}


async def test_add_person(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.subentries.async_init(
        (mock_config_entry.entry_id, SUBENTRY_PERSON), context={"source": "user"}
    )
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: " Carla ",
            CONF_BIRTH_YEAR: 1960.0,
            CONF_SEX: "female",
            CONF_WEIGHT_MIN_KG: 96.0,
            CONF_WEIGHT_MAX_KG: 110.0,
        },
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


async def test_reconfigure_person(hass: HomeAssistant, mock_config_entry: MockConfigEntry) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, SUBENTRY_PERSON, ANNA_ID)
    assert result["step_id"] == "reconfigure"
    # Her own name is not a clash; Ben's is.
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Ben", CONF_BIRTH_YEAR: 1952, CONF_SEX: "female"}
    )
    assert result["errors"] == {CONF_NAME: "name_exists"}
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"], {CONF_NAME: "Anna", CONF_BIRTH_YEAR: 1953, CONF_SEX: "female"}
    )
    assert result["type"] is FlowResultType.ABORT
    assert result["reason"] == "reconfigure_successful"
    anna = mock_config_entry.subentries[ANNA_ID]
    assert anna.data[CONF_BIRTH_YEAR] == 1953
    assert anna.data[CONF_WEIGHT_MIN_KG] is None


async def test_person_form_suggests_current_weights(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    mock_config_entry.add_to_hass(hass)
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, SUBENTRY_PERSON, ANNA_ID)
    schema = result["data_schema"].schema
    suggested = {
        str(key): key.description["suggested_value"]
        for key in schema
        if getattr(key, "description", None)
    }
    assert suggested == {CONF_WEIGHT_MIN_KG: 55.0, CONF_WEIGHT_MAX_KG: 70.0}
