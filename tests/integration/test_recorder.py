"""What the recorder keeps: a person's reasons, not their sentences; live values at their steps."""

from __future__ import annotations

import json
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from homeassistant.components.recorder import Recorder, get_instance, history
from homeassistant.core import HomeAssistant
from homeassistant.helpers import entity_registry as er
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION

from .helpers import ENTRY_ID, fire, flush_live_updates

FIXTURE = Path(__file__).parent / "fixtures" / "sessions.json"
FALL_RISK = "sensor.anna_fall_risk"
WEIGHT = "sensor.balance_pad_hall_weight_on_pad"


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


def standing(seq: int, rng: np.random.Generator) -> bytes:
    """1/8 s of someone standing still whose weight lies on a rounding boundary, with noise."""
    cells = np.full((10, 4), 69.95 / 4) + rng.normal(0.0, 0.03, (10, 4))
    return encode_frame(Frame(seq=seq, t_ms=1000 + seq * 125, rate_hz=80.0, cells_kg=cells))


async def test_a_minute_of_standing_records_each_change_once(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """Someone steps on and stands still for a minute: pad state, weight and who it is, once each.

    The live weight is a median that moves with the cells' noise every second; what is shown
    and recorded moves only in whole 0.1 kg steps (issue 15: ~84,000 rows a day before).
    """
    start = dt_util.utcnow()
    rng = np.random.default_rng(15)
    for seq in range(1, 8 * 60 + 1):
        fire(hass, "frames", standing(seq, rng))
        if seq % 8 == 0:
            await flush_live_updates(hass)
    await async_wait_recording_done(hass)
    pad_entities = [
        entry.entity_id
        for entry in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        if entry.config_subentry_id is None
    ]
    states = await get_instance(hass).async_add_executor_job(
        partial(
            history.get_significant_states,
            hass,
            start,
            None,
            pad_entities,
            significant_changes_only=False,
            include_start_time_state=False,
        )
    )
    recorded = {entity_id: [s.state for s in rows] for entity_id, rows in states.items() if rows}
    assert recorded == {
        "sensor.balance_pad_hall_pad_state": ["occupied"],
        "sensor.balance_pad_hall_person_on_the_pad": ["Anna"],
        "sensor.balance_pad_hall_weight_on_pad": [recorded[WEIGHT][0]],
    }
    assert recorded[WEIGHT][0] in ("69.9", "70.0")


async def test_troubleshooting_values_are_disabled_by_default(
    hass: HomeAssistant, init_integration: MockConfigEntry, entity_registry: er.EntityRegistry
) -> None:
    """The measured rate and the malformed-message counter: diagnostics, not for every day."""
    disabled = {
        entry.unique_id.removeprefix(f"{ENTRY_ID}_")
        for entry in er.async_entries_for_config_entry(entity_registry, ENTRY_ID)
        if entry.disabled_by is er.RegistryEntryDisabler.INTEGRATION
    }
    assert {"sample_rate", "malformed_frames"} <= disabled
    assert "dropped_frames" not in disabled
