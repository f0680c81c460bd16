"""Faults of the pad and the network during a test, on the real broker and Home Assistant.

Frank (82 kg, identified by weight) stands on his left leg; the simulator injects the fault; the
session he leaves behind is read back and checked.
"""

from __future__ import annotations

import re
import signal
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from devtools.demo import FRANK
from devtools.processes import HarnessError, ManagedProcess, wait_until

from .conftest import DOMAIN, PAD_ID, PROFILES, Faults, Profile

LEAD_S = 3.0
HOLD_AFTER_S = 7.25
"""From the start of the sls-left scenario to the lift of the foot (docs/simulator.md)."""
HELD_S = 4.0
CHANGED = ("reboots", "clock_jumps", "duplicate", "out_of_order", "late", "conflicting", "lost")


def sls_left(
    profile: Profile, *extra: str, lose_at_s: float, seed: int, lead_s: float = LEAD_S
) -> list[str]:
    """Frank's single-leg stance on the left leg, with the simulator options of a fault."""
    return [
        "--scenario", "sls-left", "--lose-balance-at", str(lose_at_s),
        "--weight-kg", str(FRANK.weight_kg), "--seed", str(seed), "--lead-in", str(lead_s),
        "--speed", str(profile.speed), *extra,
    ]  # fmt: skip


def injected(process: ManagedProcess) -> dict[str, int]:
    """What the simulator says it injected (its last line of counts)."""
    text = process.log_path.read_text()
    line = re.findall(r"faults injected: (.*)", text)[-1]
    return {name: int(value) for name, value in re.findall(r"([a-z ]+?) (\d+)(?:, |$)", line)}


def delta(after: dict[str, int], before: dict[str, int]) -> dict[str, int]:
    return {key: after[key] - before[key] for key in CHANGED}


def finish(process: ManagedProcess, timeout_s: float = 90.0) -> None:
    """Let a simulator run end by itself (then it says `offline`)."""
    try:
        wait_until(
            lambda: not process.running, what="the simulator run to end", timeout_s=timeout_s
        )
    finally:
        process.stop()


@pytest.mark.parametrize("profile", PROFILES)
def test_duplicated_reordered_and_late_frames_are_counted_exactly(
    faults: Faults, profile: Profile
) -> None:
    before, counters = len(faults.sessions(FRANK.name)), faults.counters()
    pad = faults.simulate(
        *sls_left(profile, "--dup-rate", "0.05", "--reorder-rate", "0.05", "--late-rate", "0.03",
                  lose_at_s=8.0, seed=31),
    )  # fmt: skip
    faults.start_test("single_leg_left")
    finish(pad)
    (session,) = faults.new_sessions(FRANK.name, before)
    assert session["complete"] is True
    (result,) = session["results"]
    assert result["hold_time_s"] == pytest.approx(8.0, abs=0.3)
    sent = injected(pad)
    assert min(sent["duplicated"], sent["reordered"], sent["late"]) > 0
    seen = delta(faults.counters(), counters)
    assert seen == {
        "reboots": 0,
        "clock_jumps": 0,
        "duplicate": sent["duplicated"],
        "out_of_order": sent["reordered"],
        "late": sent["late"],
        "conflicting": 0,
        "lost": 0,
    }
    assert not faults.integration_errors()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    ("fault", "counter"),
    [
        pytest.param(["--reboot-at"], "reboots", id="reboot"),
        pytest.param(["--clock-jump", "-600", "--clock-jump-at"], "clock_jumps", id="jump-back"),
        pytest.param(["--clock-jump", "600", "--clock-jump-at"], "clock_jumps", id="jump-forward"),
    ],
)
def test_reboot_or_clock_jump_mid_hold_keeps_the_hold_so_far(
    faults: Faults, profile: Profile, fault: list[str], counter: str
) -> None:
    """Four seconds into the hold: stored as `pad_restarted` with the 4 s, no engine error."""
    before, counters = len(faults.sessions(FRANK.name)), faults.counters()
    at_s = LEAD_S + HOLD_AFTER_S + HELD_S
    pad = faults.simulate(
        *sls_left(profile, "--t0-ms", "900000", *fault, str(at_s), lose_at_s=20.0, seed=32)
    )
    try:
        faults.start_test("single_leg_left")
        (session,) = faults.new_sessions(FRANK.name, before)
    finally:
        pad.stop()
    assert session["complete"] is False
    assert session["incomplete_reason"] == "pad_restarted"
    (result,) = session["results"]
    assert result["end_reason"] == "signal_lost"
    assert result["hold_time_s"] == pytest.approx(HELD_S, abs=0.3)
    assert delta(faults.counters(), counters)[counter] == 1
    assert not faults.integration_errors()


@pytest.mark.parametrize("profile", PROFILES)
@pytest.mark.parametrize(
    "fault",
    [
        pytest.param(["--reboot-at"], id="reboot"),
        pytest.param(["--clock-jump", "600", "--clock-jump-at"], id="jump-forward"),
        pytest.param(["--clock-jump", "-600", "--clock-jump-at"], id="jump-back"),
    ],
)
def test_reboot_or_clock_jump_before_stepping_on_lets_the_test_go_on(
    faults: Faults, profile: Profile, fault: list[str]
) -> None:
    """The pad restarts while it is still empty: the test waits on and measures the hold."""
    before = len(faults.sessions(FRANK.name))
    pad = faults.simulate(
        *sls_left(profile, "--t0-ms", "900000", *fault, "6", lose_at_s=6.0, seed=33, lead_s=8.0)
    )
    faults.start_test("single_leg_left")
    finish(pad)
    (session,) = faults.new_sessions(FRANK.name, before)
    assert session["complete"] is True
    (result,) = session["results"]
    assert result["hold_time_s"] == pytest.approx(6.0, abs=0.2)
    assert not faults.integration_errors()


@pytest.mark.parametrize("profile", PROFILES)
def test_pad_offline_mid_test_is_stored_as_signal_lost(faults: Faults, profile: Profile) -> None:
    """The pad dies (no clean goodbye): its last will ends the test with the hold so far."""
    before = len(faults.sessions(FRANK.name))
    pad = faults.simulate(*sls_left(profile, lose_at_s=20.0, seed=34))
    try:
        faults.start_test("single_leg_left")
        held_s = faults.wait_held(HELD_S, details=pad.log_tail)
        pad.signal(signal.SIGKILL)
        (session,) = faults.new_sessions(FRANK.name, before)
    finally:
        pad.kill()
    assert session["incomplete_reason"] == "signal_lost"
    (result,) = session["results"]
    assert result["end_reason"] == "signal_lost"
    assert held_s - 0.2 <= result["hold_time_s"] <= held_s + 1.5


@pytest.mark.parametrize("profile", PROFILES)
def test_a_frozen_pad_expires_its_live_values_and_ends_the_test(
    faults: Faults, profile: Profile
) -> None:
    """The pad stops sending but stays connected (hung firmware, Wi-Fi stall)."""
    api = faults.stack.api
    before = len(faults.sessions(FRANK.name))
    pad = faults.simulate(*sls_left(profile, lose_at_s=20.0, seed=35))
    try:
        faults.start_test("single_leg_left")
        held_s = faults.wait_held(HELD_S, details=pad.log_tail)
        pad.signal(signal.SIGSTOP)
        weight = api.wait_for_state(
            faults.pad.pad("weight"), lambda s: s["state"] == "unknown", what="stale weight"
        )
        assert weight is not None
        assert api.state(faults.pad.pad("connectivity"))["state"] == "on"  # type: ignore[index]
        (session,) = faults.new_sessions(FRANK.name, before)
        pad.signal(signal.SIGCONT)
    finally:
        pad.kill()
    assert session["incomplete_reason"] == "signal_lost"
    (result,) = session["results"]
    assert held_s - 0.2 <= result["hold_time_s"] <= held_s + 1.5


@pytest.mark.parametrize("profile", PROFILES)
def test_broker_outage_mid_test(faults: Faults, profile: Profile) -> None:
    """The broker goes away for a while: the pad is unavailable, the test stored, the cue sent."""
    api, broker = faults.stack.api, faults.stack.broker
    connection = faults.pad.pad("connectivity")
    for run, outage_s in enumerate(profile.outages_s):
        before = len(faults.sessions(FRANK.name))
        pad = faults.simulate(*sls_left(profile, lose_at_s=30.0, seed=36 + run), name=f"sim{run}")
        try:
            faults.start_test("single_leg_left")
            held_s = faults.wait_held(3.0, details=pad.log_tail)
            broker.stop()
            started = time.monotonic()
            api.wait_for_state(
                connection, lambda s: s["state"] == "unavailable", what="unavailable"
            )
            assert api.state(faults.pad.pad("weight"))["state"] == "unavailable"  # type: ignore[index]
            time.sleep(max(outage_s - (time.monotonic() - started), 0.0))
            broker.start()
            api.wait_for_state(connection, lambda s: s["state"] == "on", what="back", timeout_s=60)
            (session,) = faults.new_sessions(FRANK.name, before)
            # The stop cue could not reach the pad while the broker was away: it is sent when
            # the pad is back, or, when that took longer than 30 s, reported as missed.
            wait_until(
                lambda log=pad.log_path: "cue: stop" in log.read_text()
                or "missed the stop cue" in faults.log_since_start(),
                what="the stop cue to reach the pad after the outage, or to be reported",
                timeout_s=60,
            )
        finally:
            pad.stop()
        assert session["complete"] is False
        assert session["incomplete_reason"] == "signal_lost"
        (result,) = session["results"]
        assert held_s - 0.2 <= result["hold_time_s"] <= held_s + 1.5
    assert not faults.integration_errors()


def test_twin_pads_are_told_and_tests_refused_until_resolved(faults: Faults) -> None:
    """Two pads with a copied configuration: same pad id, same MQTT client id."""
    api = faults.stack.api
    issue_id = f"twin_pads_{faults.pad.entry_id}"
    counters = faults.counters()
    history = {person: faults.sessions(person) for person in (None, *faults.pad.people)}
    idle = ["--scenario", "idle", "--duration", "120", "--client-id", "copied-config"]
    first = faults.simulate(*idle, "--seed", "1", name="first")
    second = faults.simulate(*idle, "--seed", "2", "--t0-ms", "5000000", name="second")
    try:
        wait_until(
            lambda: issue_id in api.issues(DOMAIN), what="the twin pads repair", timeout_s=60
        )
        with pytest.raises(HarnessError, match="Two pads seem to publish as fault-pad"):
            api.ws(
                {
                    "type": "call_service",
                    "domain": DOMAIN,
                    "service": "start_test",
                    "service_data": {"config_entry_id": faults.pad.entry_id, "test": "tandem"},
                }
            )
        second.stop()
        assert api.fix_issue(DOMAIN, issue_id)["type"] == "create_entry"
        assert issue_id not in api.issues(DOMAIN)
        faults.start_test("tandem", timeout_s=60)
        api.call_service(DOMAIN, "cancel_test", {"config_entry_id": faults.pad.entry_id})
    finally:
        second.stop()
        first.stop()
    seen = faults.counters()
    received = seen["received"] - counters["received"]
    # Every frame counted once; no counter runs away (the last report: 6.4 million lost).
    assert received > 0
    assert seen["lost"] - counters["lost"] <= 2 * 64
    assert sum(delta(seen, counters).values()) <= received + 2 * 64
    # Nothing was measured on a mix of two pads, and nothing stored before was touched.
    assert {person: faults.sessions(person) for person in history} == history


def test_a_garbage_flood_is_counted_exactly(faults: Faults) -> None:
    counters = faults.counters()
    history = {person: faults.sessions(person) for person in (None, *faults.pad.people)}
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="garbage")
    client.connect("127.0.0.1", faults.stack.broker.port)
    client.loop_start()
    garbage = [b"", b"nope", b"[1]", b"\xff\xfe", b'{"v":2,"seq":1}', b"{" * 4000, b"x" * 20_000]
    try:
        for index in range(350):
            payload = garbage[index % len(garbage)]
            client.publish(f"{DOMAIN}/{PAD_ID}/frames", payload, qos=1).wait_for_publish(5)
    finally:
        client.loop_stop()
        client.disconnect()
    wait_until(
        lambda: faults.counters()["malformed"] - counters["malformed"] == 350,
        what="every garbage message counted",
        timeout_s=30,
    )
    assert faults.counters()["received"] == counters["received"]
    started = time.monotonic()
    faults.stack.api.core_state()
    assert time.monotonic() - started < 2.0
    assert {person: faults.sessions(person) for person in history} == history
