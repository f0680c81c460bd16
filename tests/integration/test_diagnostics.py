"""Diagnostics: pad state and counters; names, birth years, weights and results redacted."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.wire.protocol import encode_info

from .helpers import ENTRY_ID, INFO, fire

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"


async def test_diagnostics(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
    snapshot: SnapshotAssertion,
) -> None:
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": 2,
        "minor_version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": json.loads(FIXTURE.read_text()),
    }
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    fire(hass, "info", encode_info(INFO))
    fire(hass, "status", b"online")
    fire(hass, "frames", b"not json")
    await hass.async_block_till_done()
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot
    text = json.dumps(diagnostics)
    for secret in ("Anna", "Ben", "1952", "1948", "55.0", "female"):
        assert secret not in text
