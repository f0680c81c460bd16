"""Two pads publishing under one id: detected, shown as a repair, tests refused until resolved."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from unittest.mock import patch

import numpy as np
import pytest
from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import issue_registry as ir
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.wire import protocol
from custom_components.retro_balance.engine.wire.messages import Frame
from custom_components.retro_balance.engine.wire.protocol import encode_frame
from custom_components.retro_balance.engine.wire.twins import (
    QUIET_BEFORE_CLEAR_S,
    RECONNECTS_FOR_TWINS,
)
from custom_components.retro_balance.notices import notification_id
from pad_simulator.scenarios import generate

from .helpers import (
    ENTRY_ID,
    counters,
    fire,
    fix_issue,
    flush_live_updates,
    live,
    play_until,
    records,
    start_test,
)

ISSUE = f"twin_pads_{ENTRY_ID}"


def frame(seq: int, t_ms: int, kg: float) -> bytes:
    return encode_frame(Frame(seq=seq, t_ms=t_ms, rate_hz=80.0, cells_kg=np.full((10, 4), kg / 4)))


def two_pads(frames: int, kg: float = 70.0) -> list[bytes]:
    """Pad A (up 15 min, `kg` on it) and pad B (up 6 s, empty), frames alternating."""
    stream = []
    for index in range(frames):
        stream.append(frame(5000 + index, 900_000 + index * 125, kg))
        stream.append(frame(50 + index, 6_000 + index * 125, 0.0))
    return stream


async def test_two_streams_raise_the_repair_and_refuse_tests(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    issue_registry: ir.IssueRegistry,
    hass_storage: dict[str, Any],
) -> None:
    fire(hass, "frames", frame(4999, 899_875, 0.0))
    await start_test(hass, "daily_check")
    for payload in two_pads(400, kg=0.0):
        fire(hass, "frames", payload)
    await hass.async_block_till_done()
    await flush_live_updates(hass)
    issue = issue_registry.async_get_issue(DOMAIN, ISSUE)
    assert issue is not None
    assert issue.severity is ir.IssueSeverity.ERROR
    assert issue.is_fixable
    assert issue.translation_placeholders == {"pad_id": "hall"}
    pad = live(init_integration)
    assert pad.twin_pads
    assert not pad.testing
    # Each frame of one pad is counted once as conflicting; nothing else grows (at most the
    # frames since the second pad's boot count as lost once, when it is taken for a reboot).
    frames = counters(init_integration)
    assert frames.received == 801
    assert frames.conflicting >= 399
    assert frames.lost <= 64
    assert pad.dropped_frames <= 399 + 64
    with pytest.raises(ServiceValidationError, match="Two pads seem to publish as hall"):
        await start_test(hass, "tandem")
    # Nobody stood on the pad yet: nothing is stored, the user is told why.
    assert f"{DOMAIN}.{ENTRY_ID}" not in hass_storage
    notices = persistent_notification._async_get_or_create_notifications(hass)
    assert "two pads publish" in notices[notification_id(ENTRY_ID)]["message"]

    opened, done = await fix_issue(hass, ISSUE)
    assert opened["step_id"] == "confirm"
    assert done["type"] == "create_entry"
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    assert not live(init_integration).twin_pads
    await start_test(hass, "tandem")
    assert live(init_integration).testing


async def test_a_test_under_way_ends_as_twin_pads(
    hass: HomeAssistant, init_integration: MockConfigEntry, hass_storage: dict[str, Any]
) -> None:
    """Someone was holding when a second pad came: what they held is kept, marked."""
    await start_test(hass, "quiet_eyes_open", "Anna")
    rest = await play_until(
        hass, generate("quiet-eo", seed=6, weight_kg=62.0, duration_s=20.0), 12.0
    )
    following = protocol.parse_frame(next(payload for _, kind, payload in rest if kind == "frames"))
    # The second pad started at about the same time: its seqs are among the recent ones.
    for index, (_, kind, payload) in enumerate(rest[:40]):
        fire(hass, kind, payload)
        fire(hass, "frames", frame(following.seq - 30 + index, 500_000 + index * 125, 0.0))
    await hass.async_block_till_done()
    (record,) = records(hass_storage)
    assert record.incomplete_reason == "twin_pads"
    assert record.results
    assert record.results[-1].hold_time_s > 5.0


async def test_status_flapping_is_two_pads_with_one_client_id(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    for _ in range(RECONNECTS_FOR_TWINS):
        fire(hass, "status", b"offline")
        fire(hass, "status", b"online")
    await hass.async_block_till_done()
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None


async def test_a_few_reconnections_are_no_twin(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    for _ in range(2):
        fire(hass, "status", b"offline")
        fire(hass, "status", b"online")
    fire(hass, "frames", frame(10, 5000, 70.0))
    fire(hass, "frames", frame(10, 5125, 70.0))  # one stray conflicting frame
    await flush_live_updates(hass)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
    assert not live(init_integration).twin_pads


async def test_the_suspicion_ends_after_a_quiet_while(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    for payload in two_pads(5):
        fire(hass, "frames", payload)
    await flush_live_updates(hass)
    assert issue_registry.async_get_issue(DOMAIN, ISSUE) is not None
    with patch.object(hass.loop, "time", return_value=hass.loop.time() + QUIET_BEFORE_CLEAR_S + 1):
        async_fire_time_changed(
            hass, dt_util.utcnow() + timedelta(seconds=QUIET_BEFORE_CLEAR_S + 1)
        )
        await hass.async_block_till_done()
        assert issue_registry.async_get_issue(DOMAIN, ISSUE) is None
        assert not live(init_integration).twin_pads


async def test_the_fix_flow_needs_the_pad_loaded(
    hass: HomeAssistant, init_integration: MockConfigEntry, issue_registry: ir.IssueRegistry
) -> None:
    for payload in two_pads(5):
        fire(hass, "frames", payload)
    await flush_live_updates(hass)
    assert await hass.config_entries.async_unload(ENTRY_ID)
    opened, _ = await fix_issue(hass, ISSUE)
    assert opened["type"] == "abort"
    assert opened["reason"] == "entry_not_loaded"
