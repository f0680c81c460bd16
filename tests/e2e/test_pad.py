"""The integration on real parts: discovery, a single-leg stance, restarts, the pad's last will.

The tests run in this order on one stack and one pad (`demo_pad`, conftest.py): each one leaves
the pad offline and idle for the next.
"""

from __future__ import annotations

import math
import signal
from pathlib import Path
from typing import Any

import pytest

from custom_components.retro_balance.engine.detection.stance_result import StanceResult
from devtools.demo import (
    DEMO_PAD_ID,
    DOMAIN,
    FRANK,
    MARGARET,
    PadEntities,
    simulator,
    start_test_when_online,
)
from devtools.processes import wait_until
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")

UNKNOWN = ("unknown", "unavailable")


def sessions_of(stack: Stack, entities: PadEntities, person: str) -> list[dict[str, Any]]:
    """A person's stored sessions, oldest first, through the export_history action."""
    response = stack.api.call_service_for_response(
        DOMAIN,
        "export_history",
        {"config_entry_id": entities.entry_id, "scope": "person", "person": person},
    )
    sessions: list[dict[str, Any]] = response["sessions"]
    return sessions


def test_pad_is_discovered_and_set_up(stack: Stack, demo_pad: PadEntities) -> None:
    (entry,) = stack.api.config_entries(DOMAIN)
    assert entry["entry_id"] == demo_pad.entry_id
    assert entry["state"] == "loaded"
    assert entry["title"] == DEMO_PAD_ID
    assert set(demo_pad.people) == {MARGARET.name, FRANK.name}
    for name in demo_pad.people:
        for key in ("single_leg_left_time", "balance_score", "fall_risk", "last_check"):
            assert stack.api.state(demo_pad.person(name, key)) is not None, (name, key)
    # Margaret never stands on her left leg in these tests.
    margaret = stack.api.state(demo_pad.person(MARGARET.name, "single_leg_left_time"))
    assert margaret is not None
    assert margaret["state"] in UNKNOWN
    connection = stack.api.state(demo_pad.pad("connectivity"))
    assert connection is not None
    assert connection["state"] == "off"  # every simulator run ends with `offline`


def test_single_leg_stance_lost_at_12_s_shows_on_the_right_person(
    stack: Stack, demo_pad: PadEntities, frank_single_leg_left: dict[str, Any]
) -> None:
    hold_s = float(frank_single_leg_left["state"])
    assert math.isclose(hold_s, 12.0, abs_tol=0.2), hold_s
    assert frank_single_leg_left["attributes"]["unit_of_measurement"] == "s"
    margaret = stack.api.state(demo_pad.person(MARGARET.name, "single_leg_left_time"))
    assert margaret is not None
    assert margaret["state"] in UNKNOWN
    (session,) = sessions_of(stack, demo_pad, FRANK.name)
    assert session["complete"] is True
    assert session["identified_by"] == "weight"
    (result,) = session["results"]
    assert result["test"] == "single_leg_left"
    assert result["end_reason"] == "touched_down"


def test_results_survive_a_home_assistant_restart(
    stack: Stack, demo_pad: PadEntities, frank_single_leg_left: dict[str, Any]
) -> None:
    entity_id = demo_pad.person(FRANK.name, "single_leg_left_time")
    stack.restart_hass()
    after = stack.api.state(entity_id)
    assert after is not None
    assert after["state"] == frank_single_leg_left["state"]
    assert len(sessions_of(stack, demo_pad, FRANK.name)) == 1


def test_broker_restart_mid_test_leaves_an_incomplete_session_not_a_score(
    stack: Stack, demo_pad: PadEntities, tmp_path: Path
) -> None:
    before = len(sessions_of(stack, demo_pad, MARGARET.name))
    pad = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        ["--scenario", "sls-right", "--weight-kg", str(MARGARET.weight_kg), "--seed", "3"],
        tmp_path / "simulator.log",
    )
    pad.start()
    try:
        start_test_when_online(stack.api, demo_pad, "single_leg_right")
        stack.api.wait_for_state(
            demo_pad.pad("test_elapsed"),
            lambda s: s["state"] not in UNKNOWN and float(s["state"]) >= 3.0,
            what="the single-leg hold to be 3 s under way",
            details=pad.log_tail,
        )
        stack.broker.restart()
        sessions = wait_until(
            lambda: (found := sessions_of(stack, demo_pad, MARGARET.name))[before:] and found,
            what="the interrupted session to be stored",
            timeout_s=60,
            details=stack.diagnostics,
        )
    finally:
        pad.stop()
    (session,) = sessions[before:]
    assert session["complete"] is False
    assert session["incomplete_reason"]
    assert not any(StanceResult.from_dict(result).completed for result in session["results"])
    for key in ("single_leg_right_time", "balance_score"):
        state = stack.api.state(demo_pad.person(MARGARET.name, key))
        assert state is not None
        assert state["state"] in UNKNOWN, (key, state["state"])


def test_someone_who_never_lifts_a_foot_is_told_so_and_not_low(
    stack: Stack, demo_pad: PadEntities, tmp_path: Path
) -> None:
    """Frank tries to stand on his right leg and cannot lift the foot (played 8 times faster)."""
    # The fast run is over in seconds: first make sure Home Assistant hears the pad (its MQTT
    # client may still be reconnecting after the broker restart of the test before).
    probe = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        ["--scenario", "idle", "--duration", "60"],
        tmp_path / "probe.log",
    )
    probe.start()
    try:
        stack.api.wait_for_state(
            demo_pad.pad("connectivity"), lambda s: s["state"] == "on", what="pad online"
        )
    finally:
        probe.stop()
    before = len(sessions_of(stack, demo_pad, FRANK.name))
    pad = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        [
            "--scenario",
            "sls-right",
            "--no-lift",
            "--weight-kg",
            str(FRANK.weight_kg),
            "--seed",
            "5",
            "--speed",
            "8",
        ],
        tmp_path / "simulator.log",
    )
    pad.start()
    try:
        # Frank steps on 3 s (simulated) after the pad is online and stands on both feet 38 s:
        # the test must start within 12 s for its 30-s start timeout to pass with him on the pad.
        start_test_when_online(stack.api, demo_pad, "single_leg_right", timeout_s=20)
        sessions = wait_until(
            lambda: (found := sessions_of(stack, demo_pad, FRANK.name))[before:] and found,
            what="Frank's single-leg session to be stored",
            timeout_s=60,
            details=pad.log_tail,
        )
    finally:
        pad.stop()
    (session,) = sessions[before:]
    (result,) = session["results"]
    assert (result["test"], result["end_reason"]) == ("single_leg_right", "timed_out")
    (right,) = (test for test in session["assessment"]["tests"] if test["test"] == result["test"])
    assert (right["outcome"], right["hold_s"]) == ("position_not_taken", 0.0)
    hold = stack.api.state(demo_pad.person(FRANK.name, "single_leg_right_time"))
    assert hold is not None
    assert (float(hold["state"]), hold["attributes"]["outcome"]) == (0.0, "position_not_taken")
    risk = stack.api.state(demo_pad.person(FRANK.name, "fall_risk"))
    assert risk is not None
    assert risk["state"] == "moderate"
    assert "Could not lift a foot to stand on one leg." in risk["attributes"]["explanation"]


def test_pad_availability_follows_its_last_will(
    stack: Stack, demo_pad: PadEntities, tmp_path: Path
) -> None:
    connection = demo_pad.pad("connectivity")
    pad = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        ["--scenario", "idle", "--duration", "120"],
        tmp_path / "simulator.log",
    )
    pad.start()
    try:
        stack.api.wait_for_state(connection, lambda s: s["state"] == "on", what="pad online")
        # A crash: no clean `offline`; the broker publishes the pad's last will for it.
        pad.signal(signal.SIGKILL)
        stack.api.wait_for_state(
            connection,
            lambda s: s["state"] == "off",
            what="the last will to mark the pad offline",
            timeout_s=20,
        )
        state = stack.api.state(demo_pad.pad("pad_state"))
        assert state is not None
        assert state["state"] in ("offline", "unavailable")
    finally:
        pad.kill()
