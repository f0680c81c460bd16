"""Setup, unload, reload, people added later, removal, the pad's device and its repairs."""

from __future__ import annotations

import logging
import subprocess
import sys
from dataclasses import replace
from datetime import timedelta
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from homeassistant.config_entries import ConfigEntryState, ConfigFlowResult
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import AbortFlow
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.service_info.mqtt import MqttServiceInfo
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.config_flow import RetroBalanceConfigFlow
from custom_components.retro_balance.const import (
    CONF_BIRTH_YEAR,
    CONF_NAME,
    CONF_SEX,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    DOMAIN,
    SUBENTRY_PERSON,
)
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame, encode_info
from pad_simulator.scenarios import generate

from .helpers import ENTRY_ID, INFO, PAD_ID, fire, flush_live_updates, live, play, standing

STATE = "sensor.balance_pad_hall_pad_state"


async def test_setup_unload_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    assert init_integration.state is ConfigEntryState.LOADED
    assert any(
        call.args[0] == "retro_balance/hall/+" for call in mqtt_mock.async_subscribe.call_args_list
    )
    assert hass.states.get(STATE).state == "idle"
    assert hass.states.get("binary_sensor.balance_pad_hall_connection").state == "on"
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    assert init_integration.state is ConfigEntryState.LOADED
    assert await hass.config_entries.async_unload(ENTRY_ID)
    assert init_integration.state is ConfigEntryState.NOT_LOADED
    assert hass.states.get(STATE).state == "unavailable"


async def test_mqtt_down_retries(
    hass: HomeAssistant, mqtt_mock: MqttMockHAClient, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    with patch("homeassistant.components.mqtt.async_wait_for_mqtt_client", return_value=False):
        await hass.config_entries.async_setup(ENTRY_ID)
    assert mock_config_entry.state is ConfigEntryState.SETUP_RETRY


async def test_device_info_follows_info_topic(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    device = device_registry.async_get_device(identifiers={(DOMAIN, ENTRY_ID)})
    assert device is not None
    assert (device.model, device.sw_version, device.serial_number) == (
        INFO.model,
        INFO.firmware,
        PAD_ID,
    )
    newer = replace(INFO, firmware="1.3.0")
    fire(hass, "info", encode_info(newer))
    await hass.async_block_till_done()
    device = device_registry.async_get_device(identifiers={(DOMAIN, ENTRY_ID)})
    assert device is not None
    assert device.sw_version == "1.3.0"


async def test_person_added_later_gets_a_device(
    hass: HomeAssistant, init_integration: MockConfigEntry, device_registry: dr.DeviceRegistry
) -> None:
    result = await hass.config_entries.subentries.async_init(
        (ENTRY_ID, SUBENTRY_PERSON), context={"source": "user"}
    )
    await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {
            CONF_NAME: "Carla",
            CONF_BIRTH_YEAR: 1990,
            CONF_SEX: "female",
            CONF_WEIGHT_MIN_KG: 100.0,
            CONF_WEIGHT_MAX_KG: 110.0,
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("sensor.carla_balance_score") is not None
    carla = next(s for s in init_integration.subentries.values() if s.title == "Carla")
    assert device_registry.async_get_device(identifiers={(DOMAIN, carla.subentry_id)})
    select = hass.states.get("select.balance_pad_hall_next_check_for")
    assert select.attributes["options"] == ["automatic", "Anna", "Ben", "Carla"]

    hass.config_entries.async_remove_subentry(init_integration, carla.subentry_id)
    await hass.async_block_till_done()
    assert not device_registry.async_get_device(identifiers={(DOMAIN, carla.subentry_id)})


async def test_remove_entry_deletes_sessions(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Removing the pad deletes its sessions and their traces (health data)."""
    await hass.services.async_call(
        DOMAIN,
        "start_test",
        {"config_entry_id": ENTRY_ID, "test": "quiet_eyes_open", "person": "Anna"},
        blocking=True,
    )
    await play(hass, generate("quiet-eo", seed=6, weight_kg=62.0, duration_s=12.0))
    keys = [key for key in hass_storage if key.startswith(f"{DOMAIN}.{ENTRY_ID}")]
    assert len(keys) == 2  # the sessions and one trace
    await hass.config_entries.async_remove(ENTRY_ID)
    await hass.async_block_till_done()
    assert not [key for key in hass_storage if key.startswith(DOMAIN)]


def pad_log(caplog: pytest.LogCaptureFixture) -> list[str]:
    """Our info lines about the pad's connection."""
    return [
        record.message
        for record in caplog.records
        if record.name.startswith("custom_components")
        and record.levelno == logging.INFO
        and record.message.startswith("Pad hall is")
    ]


async def test_offline_online_and_repair(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    caplog: pytest.LogCaptureFixture,
) -> None:
    issue_id = f"pad_offline_{ENTRY_ID}"
    fire(hass, "status", b"offline")
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    # Logged once when the pad goes away, once when it is back (the connectivity sensor too).
    assert pad_log(caplog) == ["Pad hall is offline"]
    assert hass.states.get(STATE).state == "offline"
    assert hass.states.get("binary_sensor.balance_pad_hall_connection").state == "off"
    assert hass.states.get("sensor.balance_pad_hall_weight_on_pad").state == "unavailable"
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=23))
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    async_fire_time_changed(hass, dt_util.utcnow() + timedelta(hours=25))
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_key == "pad_offline"
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None
    assert hass.states.get(STATE).state == "idle"
    assert pad_log(caplog) == ["Pad hall is offline", "Pad hall is online"]


async def test_offline_during_test_ends_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    assert not init_integration.runtime_data.coordinator.data.pad.testing


async def test_silence_during_test_ends_it(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """The pad sends at least a frame a second; 5 s of silence ends the test (signal lost)."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    with patch.object(hass.loop, "time", return_value=hass.loop.time() + 2):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=2))
        await hass.async_block_till_done()
    assert live(init_integration).testing
    with patch.object(hass.loop, "time", return_value=hass.loop.time() + 10):
        async_fire_time_changed(hass, dt_util.utcnow() + timedelta(seconds=10))
        await hass.async_block_till_done()
    assert not live(init_integration).testing


def loads(tl: float, tr: float, bl: float, br: float, samples: int = 10) -> np.ndarray:
    return np.tile([tl, tr, bl, br], (samples, 1)).astype(float)


async def test_calibration_repair(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    """A dead corner under a person raises a repair; good readings clear it."""
    issue_id = f"calibration_{ENTRY_ID}"
    seq, t_ms = 100, 10_000
    for _ in range(80):  # 10 s of a person standing with the front-left cell dead
        fire(
            hass,
            "frames",
            encode_frame(
                Frame(seq=seq, t_ms=t_ms, rate_hz=80.0, cells_kg=loads(0.0, 25.0, 25.0, 25.0))
            ),
        )
        seq, t_ms = seq + 1, t_ms + 125
    await hass.async_block_till_done()
    issue = issue_registry.async_get_issue(DOMAIN, issue_id)
    assert issue is not None
    assert issue.translation_placeholders["pad_id"] == PAD_ID
    for _ in range(16):
        cells = loads(18.0, 18.0, 18.0, 18.0) + np.random.default_rng(seq).normal(0, 0.02, (10, 4))
        fire(hass, "frames", encode_frame(Frame(seq=seq, t_ms=t_ms, rate_hz=80.0, cells_kg=cells)))
        seq, t_ms = seq + 1, t_ms + 125
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    assert issue_registry.async_get_issue(DOMAIN, issue_id) is None


async def press_tare(hass: HomeAssistant) -> None:
    """Press the pad's Tare button."""
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.balance_pad_hall_tare"}, blocking=True
    )


async def test_tare_button(
    hass: HomeAssistant, init_integration: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    await press_tare(hass)
    mqtt_mock.async_publish.assert_any_call("retro_balance/hall/cmd", b'{"cmd":"tare"}', 1, False)
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    mqtt_mock.async_publish.reset_mock()
    # Offline, the button is unavailable and pressing it sends nothing.
    assert hass.states.get("button.balance_pad_hall_tare").state == "unavailable"
    await press_tare(hass)
    mqtt_mock.async_publish.assert_not_called()


async def test_tare_is_refused_with_someone_on_the_pad_or_a_test_running(
    hass: HomeAssistant, init_integration: MockConfigEntry, mqtt_mock: MqttMockHAClient
) -> None:
    """The pad zeroes any load that is still: a tare must not take a person's weight as zero."""
    mqtt_mock.async_publish.reset_mock()
    for seq in range(1, 9):
        fire(hass, "frames", standing(seq))
    await flush_live_updates(hass)
    assert hass.states.get(STATE).state == "occupied"
    with pytest.raises(ServiceValidationError) as refused:
        await press_tare(hass)
    assert refused.value.translation_key == "tare_while_occupied"
    assert "Empty the pad" in str(refused.value)
    # Nobody on it: the pad's small drift is what a tare is for.
    for seq in range(9, 25):
        fire(hass, "frames", standing(seq, total_kg=0.8))
    await flush_live_updates(hass)
    assert hass.states.get(STATE).state == "idle"
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    with pytest.raises(ServiceValidationError) as refused:
        await press_tare(hass)
    assert refused.value.translation_key == "tare_during_test"
    mqtt_mock.async_publish.assert_not_called()
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.balance_pad_hall_cancel_test"}, blocking=True
    )
    await press_tare(hass)
    mqtt_mock.async_publish.assert_called_with(  # after the cancelled test's stop cue
        "retro_balance/hall/cmd", b'{"cmd":"tare"}', 1, False
    )


async def test_buttons_start_and_cancel(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.balance_pad_hall_start_daily_check"}, blocking=True
    )
    assert live(init_integration).testing
    # Nobody on the pad yet: the check waits for them.
    assert hass.states.get(STATE).state == "waiting_for_person"
    await hass.services.async_call(
        "button", "press", {"entity_id": "button.balance_pad_hall_cancel_test"}, blocking=True
    )
    assert not live(init_integration).testing


async def test_rediscovery_does_not_reload(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """A rebooted pad re-publishes its retained info: discovery must not reload the entry."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    coordinator = init_integration.runtime_data.coordinator
    discovered: list[str] = []
    step_mqtt = RetroBalanceConfigFlow.async_step_mqtt

    async def spy(flow: RetroBalanceConfigFlow, info: MqttServiceInfo) -> ConfigFlowResult:
        try:
            return await step_mqtt(flow, info)
        except AbortFlow as err:
            discovered.append(err.reason)
            raise

    with patch.object(RetroBalanceConfigFlow, "async_step_mqtt", spy):
        fire(hass, "info", encode_info(replace(INFO, firmware="9.9.9")))
        await hass.async_block_till_done()
    # The message did reach discovery, which found the pad configured ...
    assert discovered == ["already_configured"]
    # ... and the entry kept running: same coordinator, the test still going.
    assert init_integration.runtime_data.coordinator is coordinator
    assert live(init_integration).testing


async def test_other_entry_updates_change_nothing(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Another change of the entry (a new title) keeps the coordinator and a running test."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    coordinator = init_integration.runtime_data.coordinator
    settings = init_integration.runtime_data.settings
    hass.config_entries.async_update_entry(init_integration, title="Hall pad")
    await hass.async_block_till_done()
    assert init_integration.runtime_data.coordinator is coordinator
    assert init_integration.runtime_data.settings is settings
    assert live(init_integration).testing


async def test_update_entity_republishes(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """homeassistant.update_entity refreshes from the live state (nothing to poll)."""
    await async_setup_component(hass, "homeassistant", {})
    fire(
        hass,
        "frames",
        encode_frame(Frame(seq=1, t_ms=1000, rate_hz=80.0, cells_kg=loads(15, 15, 15, 15))),
    )
    await flush_live_updates(hass)
    await hass.services.async_call(
        "homeassistant",
        "update_entity",
        {"entity_id": "sensor.balance_pad_hall_weight_on_pad"},
        blocking=True,
    )
    await hass.async_block_till_done()
    assert float(hass.states.get("sensor.balance_pad_hall_weight_on_pad").state) == 60.0


def test_package_imports_without_home_assistant() -> None:
    """The engine's command-line tool and the pad simulator import the package without HA."""
    code = (
        "import sys; sys.modules['homeassistant'] = None; "
        "import custom_components.retro_balance as package; "
        "import custom_components.retro_balance.engine.wire.protocol; "
        "assert package.PLATFORMS"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
