"""Config flow: MQTT discovery, manual entry, reconfigure, options and person subentries."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from unittest.mock import patch

import pytest
from homeassistant import config_entries
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResultType, InvalidData
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance import config_flow
from custom_components.retro_balance.const import (
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_PAD_ID,
    CONF_PREFIX,
    CONF_TRIALS,
    DOMAIN,
)
from custom_components.retro_balance.engine.detection.check_plan import MAX_TRIALS
from custom_components.retro_balance.engine.detection.stance_config import MAX_CAP_S, MIN_CAP_S
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.engine.wire.protocol import encode_info
from custom_components.retro_balance.settings import daily_check_plan

from .helpers import INFO, PAD_ID, PREFIX

DISCOVERY_TOPIC = "retro_balance/+/info"
MANIFEST = Path(__file__).parents[2] / "custom_components" / "retro_balance" / "manifest.json"


def test_manifest_subscribes_to_the_flows_discovery_topic() -> None:
    """manifest.json cannot import the topic, so it is checked against the flow's here."""
    assert json.loads(MANIFEST.read_text())["mqtt"] == [config_flow.DISCOVERY_TOPIC]
    assert config_flow.DISCOVERY_TOPIC == DISCOVERY_TOPIC


@pytest.fixture(autouse=True)
def no_setup() -> object:
    """Flows only: the entry is not really set up (a "loaded" pad that runs no check)."""
    idle = SimpleNamespace(
        coordinator=SimpleNamespace(data=SimpleNamespace(pad=SimpleNamespace(testing=False)))
    )

    async def setup(hass: HomeAssistant, entry: MockConfigEntry) -> bool:
        entry.runtime_data = idle
        return True

    with patch("custom_components.retro_balance.async_setup_entry", side_effect=setup) as mock:
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
    """The daily check is chosen position by position: the order is what the form shows."""
    mock_config_entry.add_to_hass(hass)
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    assert result["type"] is FlowResultType.FORM
    # The default order, one test per position; the fifth position is empty.
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested == dict(
        zip(
            config_flow.TEST_POSITIONS,
            ["quiet_eyes_closed", "tandem", "single_leg_left", "single_leg_right"],
            strict=False,
        )
    )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {CONF_CAP_S: 45, CONF_TRIALS: 2}
    )
    assert result["errors"] == {"test_1": "no_tests"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_CAP_S: 45,
            "test_1": "tandem",
            "test_2": "single_leg_left",
            "test_4": "tandem",
            CONF_TRIALS: 2,
        },
    )
    assert result["errors"] == {"test_4": "duplicate_test"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"],
        {
            CONF_CAP_S: 45.0,
            "test_1": "single_leg_right",
            "test_3": "tandem",
            "test_5": "quiet_eyes_open",
            CONF_TRIALS: 2.0,
        },
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_CAP_S: 45,
        CONF_DAILY_TESTS: ["single_leg_right", "tandem", "quiet_eyes_open"],
        CONF_TRIALS: 2,
    }
    # The form shows that order again, and the check runs it.
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert suggested == {
        "test_1": "single_leg_right",
        "test_2": "tandem",
        "test_3": "quiet_eyes_open",
    }
    assert daily_check_plan(mock_config_entry.options).tests == (
        StanceTest.SINGLE_LEG_RIGHT,
        StanceTest.TANDEM,
        StanceTest.QUIET_EYES_OPEN,
    )


def test_manifest_lists_the_pad_as_a_device() -> None:
    assert json.loads(MANIFEST.read_text())["integration_type"] == "device"


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
    valid = {CONF_CAP_S: 30, "test_1": "tandem", CONF_TRIALS: 3}
    with pytest.raises(InvalidData):
        await hass.config_entries.options.async_configure(
            result["flow_id"], {**valid, field: refused}
        )
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**valid, field: accepted}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options[field] == accepted
