"""The pad's "Person on the pad" sensor: who the weight on the pad points to, live."""

from __future__ import annotations

import numpy as np
import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame

from .helpers import ANNA_ID, BEN_ID, fire, flush_live_updates, person

ON_PAD = "sensor.balance_pad_hall_person_on_the_pad"


async def stand(hass: HomeAssistant, weight_kg: float, seq: int) -> None:
    """Two seconds of someone standing still on the pad (four equal corners)."""
    for index in range(16):
        cells = np.full((10, 4), weight_kg / 4)
        frame = Frame(seq=seq + index, t_ms=125 * (seq + index), rate_hz=80.0, cells_kg=cells)
        fire(hass, "frames", encode_frame(frame))
    await hass.async_block_till_done()
    await flush_live_updates(hass)


async def test_the_weight_on_the_pad_shows_who_it_is(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    assert hass.states.get(ON_PAD).state == "nobody"
    await stand(hass, 62.0, seq=1)
    state = hass.states.get(ON_PAD)
    assert state.state == "Anna"
    assert state.attributes["identified_by"] == "weight"
    await stand(hass, 72.5, seq=20)  # between Anna's range and Ben's
    state = hass.states.get(ON_PAD)
    assert state.state == "not_recognised"
    assert "candidates" not in state.attributes
    await stand(hass, 0.0, seq=40)
    assert hass.states.get(ON_PAD).state == "nobody"
    assert "identified_by" not in hass.states.get(ON_PAD).attributes
    fire(hass, "status", b"offline")
    await hass.async_block_till_done()
    assert hass.states.get(ON_PAD).state == "unavailable"


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
async def test_a_person_without_a_range_makes_it_unclear(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    """Carl could weigh anything: whoever stands on the pad might be him."""
    await stand(hass, 62.0, seq=1)
    state = hass.states.get(ON_PAD)
    assert state.state == "unclear"
    assert state.attributes == {
        "friendly_name": "Balance pad hall Person on the pad",
        "identified_by": "ambiguous",
        "candidates": ["Anna", "Carl"],
    }
