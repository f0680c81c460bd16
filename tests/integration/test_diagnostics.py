"""Diagnostics: pad state and counters; names, birth years, weights and results redacted."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.diagnostics import (
    get_diagnostics_for_config_entry,
)
from pytest_homeassistant_custom_component.typing import ClientSessionGenerator
from syrupy.assertion import SnapshotAssertion

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame, encode_info

from .helpers import ENTRY_ID, INFO, fire, flush_live_updates, live

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
    await flush_live_updates(hass)
    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    assert diagnostics == snapshot
    text = json.dumps(diagnostics)
    for secret in ("Anna", "Ben", "1952", "1948", "55.0", "female"):
        assert secret not in text


def _results_and_times(value: Any) -> Iterator[str]:
    """What a stored session says about a person, as text: its figures (64.7, 0.945...; whole
    numbers such as a 30.0 s cap are left out, they name no one), times and ids."""
    if isinstance(value, dict):
        for item in value.values():
            yield from _results_and_times(item)
    elif isinstance(value, list):
        for item in value:
            yield from _results_and_times(item)
    elif isinstance(value, float) and not value.is_integer() and len(repr(value)) >= 4:
        yield repr(value)
    elif isinstance(value, str) and (value[:4].isdigit() or len(value) == 32):  # times, ids
        yield value


async def test_diagnostics_hold_no_results_scores_times_or_live_weight(
    hass: HomeAssistant,
    hass_client: ClientSessionGenerator,
    hass_storage: dict[str, Any],
    init_integration: MockConfigEntry,
) -> None:
    """Health data stays out: results, scores, session times and ids, the weight on the pad."""
    stored = json.loads(FIXTURE.read_text())
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": 2,
        "minor_version": 1,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": stored,
    }
    assert await hass.config_entries.async_reload(ENTRY_ID)
    await hass.async_block_till_done()
    fire(hass, "info", encode_info(INFO))
    fire(hass, "status", b"online")
    weight_kg = 63.2
    for seq in range(16):  # two seconds of a person standing still
        cells = np.full((10, 4), weight_kg / 4)
        fire(
            hass,
            "frames",
            encode_frame(Frame(seq=seq, t_ms=1000 + 125 * seq, rate_hz=80.0, cells_kg=cells)),
        )
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    assert live(init_integration).weight_kg == pytest.approx(weight_kg, abs=0.01)
    assert len(init_integration.runtime_data.sessions.history.sessions) == 2

    diagnostics = await get_diagnostics_for_config_entry(hass, hass_client, init_integration)
    text = json.dumps(diagnostics)
    private = set(_results_and_times(stored["sessions"]))
    assert {"64.7", "12.299999999999997", "2026-11-20T07:30:00+00:00"} <= private  # the scan works
    assert [value for value in private if value in text] == []
    assert "63.2" not in text
    assert diagnostics["sessions"]["stored"] == 2
