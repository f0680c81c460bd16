"""Reboots and clock jumps reach the running test before the engine sees the new clock."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from homeassistant.core import HomeAssistant
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.engine.detection.stance_result import EndReason
from pad_simulator.faults import FaultPlan
from pad_simulator.scenarios import generate

from .helpers import counters, flush_live_updates, hold_start_s, live, play, records, start_test

SLS = {"seed": 5, "weight_kg": 62.0, "lose_balance_at_s": 12.0}
HELD_S = 4.0
# The scenario's pad has run 15 minutes when the test starts, so that its clock can jump back.
T0_MS = 900_000


def hold_start() -> float:
    return hold_start_s("sls-left", weight_kg=62.0, lose_balance_at_s=12.0)


def integration_errors(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("custom_components") and r.levelno >= logging.ERROR
    ]


@pytest.mark.parametrize(
    "faults",
    [
        pytest.param(FaultPlan(reboot_at_s=1.0), id="reboot"),
        pytest.param(FaultPlan(clock_jump_at_s=1.0, clock_jump_s=600.0), id="jump-forward"),
        pytest.param(FaultPlan(clock_jump_at_s=1.0, clock_jump_s=-600.0), id="jump-back"),
    ],
)
async def test_before_stepping_on_the_test_goes_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    faults: FaultPlan,
) -> None:
    """The pad restarts (or its clock jumps) while the pad is still empty: nothing is lost."""
    await start_test(hass, "single_leg_left", "Anna")
    await play(hass, generate("sls-left", **SLS, t0_ms=T0_MS, faults=faults))
    (record,) = records(hass_storage)
    assert record.complete
    (result,) = record.results
    assert result.hold_time_s == pytest.approx(12.0, abs=0.2)
    assert not integration_errors(caplog)
    assert "the test starts over on the new clock" in caplog.text


@pytest.mark.parametrize(
    ("faults", "time_base"),
    [
        pytest.param(FaultPlan(reboot_at_s=1.0), "reboots", id="reboot"),
        pytest.param(
            FaultPlan(clock_jump_at_s=1.0, clock_jump_s=-600.0), "clock_jumps", id="jump-back"
        ),
        pytest.param(
            FaultPlan(clock_jump_at_s=1.0, clock_jump_s=600.0), "clock_jumps", id="jump-forward"
        ),
    ],
)
async def test_mid_hold_the_hold_so_far_is_kept(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    faults: FaultPlan,
    time_base: str,
) -> None:
    """Four seconds into the hold: the session ends there, `pad_restarted`, no engine error."""
    at_s = hold_start() + HELD_S
    moved = FaultPlan(
        reboot_at_s=at_s if faults.reboot_at_s else None,
        clock_jump_at_s=at_s if faults.clock_jump_at_s else None,
        clock_jump_s=faults.clock_jump_s,
    )
    await start_test(hass, "single_leg_left", "Anna")
    await play(hass, generate("sls-left", **SLS, t0_ms=T0_MS, faults=moved))
    await flush_live_updates(hass)
    (record,) = records(hass_storage)
    assert not record.complete
    assert record.incomplete_reason == "pad_restarted"
    (result,) = record.results
    assert result.end_reason is EndReason.SIGNAL_LOST
    # The reboot's silence comes after the last sample sent before it.
    assert result.hold_time_s == pytest.approx(HELD_S, abs=0.25)
    assert not integration_errors(caplog)
    pad = live(init_integration)
    assert getattr(counters(init_integration), time_base) == 1
    assert counters(init_integration).rejected == 0
    assert not pad.testing
    # The pad itself goes on: its weight is shown on the new clock.
    assert pad.weight_kg is not None
