"""Fixtures for the Home Assistant integration tests (MQTT mocked by the HA test plugin)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any
from unittest.mock import PropertyMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.config_entries import ConfigSubentryDataWithId
from homeassistant.const import Platform
from homeassistant.core import HomeAssistant
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.syrupy import HomeAssistantSnapshotExtension
from pytest_homeassistant_custom_component.typing import MqttMockHAClient
from syrupy.assertion import SnapshotAssertion

from custom_components.retro_balance.const import (
    CONF_PAD_ID,
    CONF_PREFIX,
    DOMAIN,
)
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.wire.protocol import encode_info

from .helpers import ANNA_ID, BEN_ID, ENTRY_ID, INFO, PAD_ID, PREFIX, fire, person
from .trend_history import declining_history, start


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(enable_custom_integrations: None) -> None:
    """Load our integration from custom_components."""


@pytest.fixture
def expected_lingering_timers() -> bool:
    """HA's MQTT client leaves its housekeeping timer behind (core ignores it too)."""
    return True


@pytest.fixture
def entity_registry_enabled_by_default() -> Iterator[None]:
    """Enable entities that are disabled by default (as Home Assistant core's fixture does)."""
    with patch(
        "homeassistant.helpers.entity.Entity.entity_registry_enabled_default",
        new_callable=PropertyMock,
        return_value=True,
    ):
        yield


@pytest.fixture
def snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    """Snapshots in Home Assistant's format, in tests/integration/snapshots/."""
    return snapshot.use_extension(HomeAssistantSnapshotExtension)


@pytest.fixture
def people() -> list[ConfigSubentryDataWithId]:
    """Two people with separate weight ranges."""
    return [
        person(ANNA_ID, "Anna", 1952, "female", (55.0, 70.0)),
        person(BEN_ID, "Ben", 1948, "male", (75.0, 95.0)),
    ]


@pytest.fixture
def mock_config_entry(people: list[ConfigSubentryDataWithId]) -> MockConfigEntry:
    """A pad entry with its people."""
    return MockConfigEntry(
        domain=DOMAIN,
        title=PAD_ID,
        data={CONF_PREFIX: PREFIX, CONF_PAD_ID: PAD_ID},
        unique_id=f"{PREFIX}/{PAD_ID}",
        entry_id=ENTRY_ID,
        subentries_data=people,
    )


@pytest.fixture
async def lovelace(hass: HomeAssistant) -> None:
    """The frontend's dashboards, as every Home Assistant with a UI has them."""
    assert await async_setup_component(hass, "lovelace", {})


@pytest.fixture
def platforms() -> Iterable[Platform] | None:
    """Load every platform (a test module narrows it for its snapshots)."""
    return None


@pytest.fixture
async def init_integration(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    platforms: Iterable[Platform] | None,
) -> MockConfigEntry:
    """The pad set up, online, with its retained info received."""
    mock_config_entry.add_to_hass(hass)
    if platforms is None:
        assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    else:
        with patch("custom_components.retro_balance.PLATFORMS", list(platforms)):
            assert await hass.config_entries.async_setup(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    fire(hass, "info", encode_info(INFO))
    fire(hass, "status", b"online")
    await hass.async_block_till_done()
    return mock_config_entry


@pytest.fixture
async def declining_anna(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> list[SessionRecord]:
    """Anna's eight declining weeks, stored by an earlier run, loaded at `NOW`: the records."""
    records = declining_history()
    await start(hass, mock_config_entry, hass_storage, freezer, records)
    return records
