"""Home Assistant stopped or killed in the middle of a test: the session is still there."""

from __future__ import annotations

import pytest

from devtools.demo import FRANK

from .conftest import PROFILES, Faults, Profile
from .test_link import sls_left

HELD_S = 4.0


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize("kill", [False, True], ids=["sigterm", "sigkill"])
def test_home_assistant_going_away_mid_hold_loses_nothing(
    faults: Faults, profile: Profile, kill: bool
) -> None:
    """SIGTERM: the test is ended and stored on the way out. SIGKILL: nothing runs on the way
    out; the note kept during the test (every 2 s of a hold) is stored at the next start."""
    stack = faults.stack
    earlier = faults.sessions(FRANK.name)
    before = len(earlier)
    pad = faults.simulate(*sls_left(profile, lose_at_s=30.0, seed=41))
    try:
        faults.start_test("single_leg_left")
        held_s = faults.wait_held(HELD_S, details=pad.log_tail)
        stack.restart_hass(kill=kill)
        (session,) = faults.new_sessions(FRANK.name, before)
    finally:
        pad.stop()
    assert session["complete"] is False
    assert session["incomplete_reason"] == "interrupted"
    assert session["identified_by"] == "weight"
    (result,) = session["results"]
    assert result["test"] == "single_leg_left"
    assert result["end_reason"] == "signal_lost"
    if kill:
        # The last note is at most a progress interval and a watchdog tick old.
        assert held_s - 3.5 * profile.speed <= result["hold_time_s"] <= held_s + 1.0
        assert result["hold_time_s"] >= 1.0
    else:
        assert held_s - 0.2 <= result["hold_time_s"] <= held_s + 2.0 * profile.speed
        assert result["sway"] is not None
    # Stored once, everything stored before as it was, and shown.
    assert faults.sessions(FRANK.name) == [*earlier, session]
    assert stack.api.state(faults.pad.person(FRANK.name, "last_check"))["state"] not in (  # type: ignore[index]
        "unknown",
        "unavailable",
    )
    assert not faults.integration_errors()
