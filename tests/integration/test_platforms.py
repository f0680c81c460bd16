"""Every entity of every platform, against syrupy snapshots (pad device and people's devices)."""

from __future__ import annotations

import importlib
import json
from collections import Counter
from pathlib import Path
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers import entity_registry as er
from pytest_homeassistant_custom_component.common import MockConfigEntry, snapshot_platform
from pytest_homeassistant_custom_component.typing import MqttMockHAClient
from syrupy.assertion import SnapshotAssertion

from custom_components.retro_balance import PLATFORMS as PACKAGE_PLATFORMS
from custom_components.retro_balance import (
    binary_sensor,
    button,
    calendar,
    coach_sensors,
    pad_sensors,
    select,
    sensor,
    switch,
    time,
)
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.guidance_sensors import GUIDANCE_SENSORS
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION
from pad_simulator.scenarios import generate

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, flush_live_updates, live, play

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
# snapshot_platform compares one platform at a time.
PLATFORMS = [[platform] for platform in sorted(Platform(name) for name in PACKAGE_PLATFORMS)]
PLATFORM_IDS = [str(platforms[0]) for platforms in PLATFORMS]


@pytest.fixture
def frozen_time(mqtt_mock: MqttMockHAClient, freezer: FrozenDateTimeFactory) -> None:
    """The coach's values (programme start, this week, next reminder) depend on the day.

    Requested before `init_integration`, after MQTT is set up (which cannot import under a
    frozen clock).
    """
    freezer.move_to("2026-11-21T08:00:00+00:00")


@pytest.fixture(autouse=True)
def stored_sessions(hass_storage: dict[str, Any]) -> None:
    """Anna has one stored daily check; one session is unassigned."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": json.loads(FIXTURE.read_text()),
    }


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", PLATFORMS, ids=PLATFORM_IDS)
async def test_entities(
    hass: HomeAssistant,
    frozen_time: None,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", PLATFORMS, ids=PLATFORM_IDS)
async def test_entities_while_testing(
    hass: HomeAssistant,
    frozen_time: None,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """Anna chosen, tandem selected and started, half of it played."""
    choose_anna_and_tandem(init_integration)
    messages = list(generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=12.0))
    await play(hass, messages[: len(messages) // 2])
    await flush_live_updates(hass)
    assert live(init_integration).current_test is StanceTest.TANDEM
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


@pytest.mark.usefixtures("entity_registry_enabled_by_default")
@pytest.mark.parametrize("platforms", PLATFORMS, ids=PLATFORM_IDS)
async def test_entities_after_results(
    hass: HomeAssistant,
    frozen_time: None,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    snapshot: SnapshotAssertion,
) -> None:
    """The same tandem played to the end: stored, shown on Anna's device, her event fired."""
    with patch(
        "custom_components.retro_balance.runs.new_session_id",
        return_value="5e5510ddeadbeef05e5510ddeadbeef0",
    ):
        choose_anna_and_tandem(init_integration)
        await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=12.0))
    await flush_live_updates(hass)
    assert not live(init_integration).testing
    newest = init_integration.runtime_data.sessions.for_person(ANNA_ID)[-1]
    assert newest.session_id == "5e5510ddeadbeef05e5510ddeadbeef0"
    await snapshot_platform(hass, entity_registry, snapshot, init_integration.entry_id)


def choose_anna_and_tandem(entry: MockConfigEntry) -> None:
    """What the selects and the start button do (the platform under test may be another)."""
    coordinator = entry.runtime_data.coordinator
    coordinator.commands.async_select_person(ANNA_ID)
    coordinator.commands.async_select_next_test("tandem")
    coordinator.commands.async_start_test(coordinator.data.pad.next_test)


async def test_every_entity_is_on_its_device(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    entity_registry: er.EntityRegistry,
    device_registry: dr.DeviceRegistry,
) -> None:
    """Pad entities on the pad's device, each person's on theirs (linked to the pad)."""
    pad = device_registry.async_get_device(identifiers={(DOMAIN, ENTRY_ID)})
    assert pad is not None
    people = {}
    for person_id in (ANNA_ID, BEN_ID):
        device = device_registry.async_get_device(identifiers={(DOMAIN, person_id)})
        assert device is not None
        assert device.via_device_id == pad.id
        people[person_id] = device
    on_device: Counter[str] = Counter()
    for entry in er.async_entries_for_config_entry(entity_registry, ENTRY_ID):
        owner = entry.unique_id.split("_", 1)[0]
        if owner == ENTRY_ID:
            assert (entry.device_id, entry.config_subentry_id) == (pad.id, None), entry.entity_id
        else:
            expected = (people[owner].id, owner)
            assert (entry.device_id, entry.config_subentry_id) == expected, entry.entity_id
        on_device[owner] += 1
    pad_entities = (
        len(pad_sensors.PAD_SENSORS)
        + len(GUIDANCE_SENSORS)
        + len(binary_sensor.BINARY_SENSORS)
        + len(button.BUTTONS)
        + len(select.SELECTS)
        + 1  # the unassigned-session event
    )
    person_entities = (
        len(sensor.PERSON_SENSORS)
        + len(binary_sensor.PERSON_BINARY_SENSORS)
        + len(coach_sensors.COACH_SENSORS)
        + len(button.PERSON_BUTTONS)
        + len(select.PERSON_SELECTS)
        + len(time.TIMES)
        + len(switch.SWITCHES)
        + len(calendar.CALENDARS)
        + 3  # the test-completed, balance-trend and walking-reminder events
    )
    assert on_device == {ENTRY_ID: pad_entities, ANNA_ID: person_entities, BEN_ID: person_entities}


@pytest.mark.parametrize("name", PACKAGE_PLATFORMS)
def test_platforms_set_parallel_updates(name: str) -> None:
    """quality_scale.yaml says parallel-updates is done: entities never poll or queue."""
    module = importlib.import_module(f"custom_components.retro_balance.{name}")
    assert module.PARALLEL_UPDATES == 0
