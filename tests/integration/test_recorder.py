"""What the recorder keeps of a person's results: the reasons, not their rendered sentences."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from homeassistant.components.recorder import Recorder, get_instance, history
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .helpers import ENTRY_ID

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
FALL_RISK = "sensor.anna_fall_risk"


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder must be set up before Home Assistant loads custom integrations."""


@pytest.fixture(autouse=True)
def stored_sessions(hass_storage: dict[str, Any]) -> None:
    """Anna has one stored daily check."""
    key = f"{DOMAIN}.{ENTRY_ID}"
    hass_storage[key] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": key,
        "data": json.loads(FIXTURE.read_text()),
    }


async def test_reasons_are_recorded_and_their_sentences_are_not(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    start = dt_util.utcnow().replace(year=2000)
    shown = hass.states.get(FALL_RISK)
    assert shown.attributes["explanation"]
    await async_wait_recording_done(hass)
    states = await get_instance(hass).async_add_executor_job(
        history.get_significant_states, hass, start, None, [FALL_RISK]
    )
    recorded = states[FALL_RISK][-1]
    assert recorded.state == shown.state
    assert recorded.attributes["reasons"] == shown.attributes["reasons"]
    assert "explanation" not in recorded.attributes
