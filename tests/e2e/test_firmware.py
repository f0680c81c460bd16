"""The product's whole chain with only the load cells simulated.

The pad's real firmware, built for this machine (`scripts/firmware-host`, tests/e2e/firmware.py),
talks to the stack's mosquitto. Home Assistant discovers it from its retained info and a person of
the bench's weight is added. While the pad is empty, the tare button and a single-leg test go to
the pad; the bench's scripted person (esphome/tests/host/bench.yaml) steps on, lifts a foot for
the scripted hold and puts it down, and Home Assistant stores that hold as the person's result.
The pad is removed again afterwards: the other tests expect the demo pad alone.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from devtools.demo import (
    DOMAIN,
    DemoPerson,
    add_people,
    find_entities,
    set_up_pad,
    start_test_when_online,
)
from devtools.firmware import build_firmware, firmware, load_bench, pad_id, pad_topic_base
from devtools.processes import HarnessError, ManagedProcess, wait_until
from devtools.stack import Stack

from .conftest import missing_part

pytestmark = pytest.mark.usefixtures("socket_enabled")

UNKNOWN = ("unknown", "unavailable")
TONE = re.compile(r"Buzzer: \d+ Hz")
"""A tone of the bench's buzzer (pad_bench's log line; "Buzzer: off" ends one)."""
BENCH = load_bench()
PERSON = DemoPerson(
    name="Bench Person", birth_year=1950, sex="female", weight_kg=BENCH.person.mass_kg
)


@pytest.fixture(scope="module")
def built() -> None:
    """The host firmware, built (or found current) once for this module."""
    try:
        build_firmware()
    except HarnessError as err:
        missing_part(f"the host firmware does not build here: {err}")


@pytest.fixture
def pad(stack: Stack, built: None, tmp_path: Path) -> Iterator[ManagedProcess]:
    """The host firmware running on the stack's broker; afterwards its pad is gone again."""
    process = firmware(stack.broker.port, tmp_path / "firmware.log")
    process.start()
    try:
        yield process
    finally:
        process.stop(timeout_s=10)
        for kind in ("status", "info"):  # no rediscovery of a pad that is gone
            stack.api.call_service(
                "mqtt",
                "publish",
                {"topic": f"{pad_topic_base()}/{kind}", "payload": "", "retain": True},
            )
        for entry in stack.api.config_entries(DOMAIN):
            if entry["title"] == pad_id():
                stack.api.delete(f"/api/config/config_entries/entry/{entry['entry_id']}")


def test_host_firmware_hold_is_stored_as_the_persons_result(
    stack: Stack, pad: ManagedProcess
) -> None:
    person = BENCH.person
    entry_id = set_up_pad(stack.api, pad_id())
    people = add_people(stack.api, entry_id, [PERSON])
    entities = find_entities(stack.api, entry_id, people)
    pad_state = entities.pad("pad_state")
    # The script loops from the firmware's start: begin once the person has stepped off.
    for state in ("occupied", "idle"):
        stack.api.wait_for_state(
            pad_state,
            lambda s, wanted=state: s["state"] == wanted,
            what=f"the pad {state}",
            timeout_s=person.loop_s + 10,
            details=pad.log_tail,
        )
    stack.api.call_service("button", "press", {"entity_id": entities.pad("tare")})
    start_test_when_online(stack.api, entities, person.test)
    # Home Assistant's tare reached the pad (it plays two blips of its own); the person is not
    # on yet, so every tone from here on is a cue of the test.
    after_tare = log_offset_after(pad, "Tared on command", timeout_s=5)
    result = stack.api.wait_for_state(
        entities.person(PERSON.name, f"{person.test}_time"),
        lambda s: s["state"] not in UNKNOWN,
        what="the single-leg result",
        timeout_s=person.loop_s + 10,
        details=pad.log_tail,
    )

    assert math.isclose(float(result["state"]), person.hold_s, abs_tol=0.2), result["state"]
    response = stack.api.call_service_for_response(
        DOMAIN,
        "export_history",
        {"config_entry_id": entry_id, "scope": "person", "person": PERSON.name},
    )
    (session,) = response["sessions"]
    assert session["complete"] is True
    assert session["identified_by"] == "weight"
    (stored,) = session["results"]
    assert stored["test"] == person.test
    assert stored["end_reason"] == "touched_down"
    assert math.isclose(stored["hold_time_s"], person.hold_s, abs_tol=0.2)
    # The test's cues reached the pad: the start of the hold and its end.
    wait_until(
        lambda: len(TONE.findall(read_log(pad)[after_tare:])) >= 2,
        what="the firmware to play the test's start and end cues",
        timeout_s=5,
        details=pad.log_tail,
    )


def read_log(process: ManagedProcess) -> str:
    """The firmware's log so far."""
    return process.log_path.read_text(errors="replace")


def log_offset_after(process: ManagedProcess, text: str, *, timeout_s: float) -> int:
    """Wait for `text` in the firmware's log; return the log's length half a second later."""
    wait_until(
        lambda: text in read_log(process),
        what=f"{text!r} in the firmware's log",
        timeout_s=timeout_s,
        details=process.log_tail,
    )
    time.sleep(0.5)  # the tare's own blips
    return len(read_log(process))
