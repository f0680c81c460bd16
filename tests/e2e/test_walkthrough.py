"""The older person's path and the caregiver's, in a real browser (runs after test_trends).

Ruth is added to the household (the dashboard shows her without editing). On a phone-sized page
she taps *Start daily check*, a simulated Ruth steps on and does the check (tandem stance, then
three tries on the left leg) while the page shows the instruction, the progress with its target
and trial, and the plain result. Then someone the pad does not know (73 kg: nobody's range) does
a tandem test; the caregiver opens Settings → Repairs and files that check under Frank through
the repair's form. Screenshots go to the artifacts folder (docs/images/ when made for the docs).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import pytest_socket  # type: ignore[import-untyped]
from playwright.sync_api import Page, expect

from devtools.browser import logged_in_page
from devtools.demo import (
    DEMO_PAD_ID,
    DOMAIN,
    FRANK,
    DemoPerson,
    PadEntities,
    add_people,
    simulator,
)
from devtools.processes import REPO, VENV_BIN, ManagedProcess, wait_until
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")

RUTH = DemoPerson(name="Ruth", birth_year=1942, sex="female", weight_kg=46.0)
"""Added later: her weight range (40–52 kg) overlaps nobody's."""
STRANGER_KG = 73.0
"""Between Margaret's range (58–70 kg) and Frank's (76–88 kg): a check nobody can be chosen for."""
CAP_S = 15
LOSE_BALANCE_AT_S = 8
"""Ruth puts her foot down after 8 s on the left leg: under the 10 s that pass, so three tries."""
CHECK = "/retro-balance-care/check"
PHONE = {"width": 390, "height": 844}
WAIT_FOR_TAP_S = 30.0
"""The simulated Ruth steps on this long after her pad comes online."""
TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def ruth(stack: Stack, demo_pad: PadEntities) -> str:
    """Ruth added to the pad, and the daily check made short: tandem, then the left leg."""
    pytest_socket.enable_socket()
    people = add_people(stack.api, demo_pad.entry_id, [RUTH])
    stack.api.set_options(
        demo_pad.entry_id,
        {"cap_s": CAP_S, "test_1": "tandem", "test_2": "single_leg_left", "trials": 3},
    )
    return people[RUTH.name]


@pytest.fixture
def guided_ruth(stack: Stack, tmp_path: Path) -> Iterator[ManagedProcess]:
    """The simulated Ruth on the pad (devtools/guided_pad.py), stopped after the test."""
    pad = ManagedProcess(
        "guided-pad",
        [
            str(VENV_BIN / "python"),
            "-m",
            "devtools.guided_pad",
            "--port",
            str(stack.broker.port),
            "--weight-kg",
            str(RUTH.weight_kg),
            "--wait",
            str(WAIT_FOR_TAP_S),
            "--cap",
            str(CAP_S),
            "--lose-balance-at",
            str(LOSE_BALANCE_AT_S),
        ],
        tmp_path / "guided-pad.log",
        cwd=REPO,
    )
    pad.start()
    try:
        yield pad
    finally:
        pad.stop(timeout_s=10)


def shows(page: Page, text: str | re.Pattern[str]) -> None:
    """Wait until the page shows `text` (shadow DOM included)."""
    expect(page.get_by_text(text).first).to_be_visible(timeout=TIMEOUT_MS)


def test_the_older_person_follows_the_check_on_a_phone(
    stack: Stack,
    demo_pad: PadEntities,
    ruth: str,
    guided_ruth: ManagedProcess,
    chromium: Path,
    artifacts_dir: Path,
) -> None:
    stack.api.wait_for_state(
        demo_pad.pad("connectivity"), lambda s: s["state"] == "on", what="pad online"
    )
    with logged_in_page(chromium, stack.api.browser_tokens(), **PHONE) as page:
        page.goto(f"{stack.hass.base_url}{CHECK}", wait_until="domcontentloaded")
        shows(page, "Start the daily check when you are ready")
        start = page.get_by_text("Start daily check", exact=True).first
        expect(start).to_be_visible(timeout=TIMEOUT_MS)
        box = page.locator("hui-button-card").first.bounding_box()
        page.wait_for_timeout(1000)
        page.screenshot(path=str(artifacts_dir / "check-start.png"))

        start.click()  # one tap on the big tile: no dialog
        shows(page, "Step on the pad")
        shows(page, "Test 1 of 2: waiting for someone to step on")
        page.screenshot(path=str(artifacts_dir / "check-step-on.png"))

        shows(page, "Put one foot right in front of the other, heel to toe")
        shows(page, "Tandem stance: 15 s — well done")
        shows(page, "Stand on your left leg, arms crossed")
        shows(page, "Left leg: 8 s — let's try again")
        # A later try, under way: what was asked, how far (in 5-s steps), the last result.
        shows(page, re.compile(r"Test 2 of 2: 5 of 15 s, trial [23] of 3"))
        page.screenshot(path=str(artifacts_dir / "check-progress.png"))

        shows(page, re.compile(r"Ruth: daily check done, balance score \d+\. Thank you!"))
        page.wait_for_timeout(1000)
        page.screenshot(path=str(artifacts_dir / "check-result.png"))
    assert box is not None
    assert box["height"] >= 150  # a big tile, not a 32-px "Press"
    assert box["width"] >= PHONE["width"] * 0.8
    wait_until(lambda: not guided_ruth.running, what="the walk-through pad to end", timeout_s=30)
    ruths = stack.api.call_service_for_response(
        DOMAIN,
        "export_history",
        {"config_entry_id": demo_pad.entry_id, "scope": "person", "person": RUTH.name},
    )
    [session] = ruths["sessions"]
    assert session["complete"]


def test_the_caregiver_files_an_unknown_check_through_the_repair(
    stack: Stack,
    demo_pad: PadEntities,
    ruth: str,
    chromium: Path,
    artifacts_dir: Path,
    tmp_path: Path,
) -> None:
    before = frank_sessions(stack, demo_pad)
    stranger = simulator(
        DEMO_PAD_ID,
        stack.broker.port,
        ["--scenario", "tandem", "--lose-balance-at", "12", "--weight-kg", str(STRANGER_KG)],
        tmp_path / "stranger.log",
    )
    stranger.start()
    try:
        stack.api.wait_for_state(
            demo_pad.pad("connectivity"), lambda s: s["state"] == "on", what="pad online"
        )
        stack.api.call_service(
            DOMAIN, "start_test", {"config_entry_id": demo_pad.entry_id, "test": "tandem"}
        )
        wait_until(lambda: not stranger.running, what="the stranger's tandem to end", timeout_s=60)
    finally:
        stranger.stop()
    unassigned = wait_until(
        lambda: unassigned_sessions(stack, demo_pad) or None,
        what="the stranger's check stored without a person",
        timeout_s=30,
    )
    with logged_in_page(chromium, stack.api.browser_tokens(), height=900) as page:
        page.goto(f"{stack.hass.base_url}/config/repairs", wait_until="domcontentloaded")
        issue = page.get_by_text(re.compile(r"Balance checks on pad \w+ need a person")).first
        expect(issue).to_be_visible(timeout=TIMEOUT_MS)
        issue.click()
        shows(page, "Whose check was this?")
        # The newest check is chosen: its date, time, test and weight (the list is closed).
        page.get_by_text(re.compile(r"Tandem stance · 7\d\.\d kg")).first.wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
        page.get_by_text(FRANK.name, exact=True).last.click()
        page.wait_for_timeout(500)
        page.screenshot(path=str(artifacts_dir / "repair-assign.png"))
        page.get_by_role("button", name="Submit").click()
        wait_until(
            lambda: len(frank_sessions(stack, demo_pad)) == len(before) + 1,
            what="the check filed under Frank",
            timeout_s=30,
        )
    assert not unassigned_sessions(stack, demo_pad)
    newest = max(frank_sessions(stack, demo_pad), key=lambda s: s["started_at"])
    assert newest["session_id"] == unassigned[0]["session_id"]


def frank_sessions(stack: Stack, demo_pad: PadEntities) -> list[dict[str, Any]]:
    exported = stack.api.call_service_for_response(
        DOMAIN,
        "export_history",
        {"config_entry_id": demo_pad.entry_id, "scope": "person", "person": FRANK.name},
    )
    sessions: list[dict[str, Any]] = exported["sessions"]
    return sessions


def unassigned_sessions(stack: Stack, demo_pad: PadEntities) -> list[dict[str, Any]]:
    exported = stack.api.call_service_for_response(
        DOMAIN, "export_history", {"config_entry_id": demo_pad.entry_id, "scope": "unassigned"}
    )
    sessions: list[dict[str, Any]] = exported["sessions"]
    return sessions


def test_ruth_added_later_is_on_the_caregivers_dashboard_with_her_reasons(
    stack: Stack, demo_pad: PadEntities, ruth: str, chromium: Path, artifacts_dir: Path
) -> None:
    """Nobody edited the dashboard: Ruth's card, her score's make-up and its reasons are there."""
    with logged_in_page(chromium, stack.api.browser_tokens(), height=1400) as page:
        page.goto(f"{stack.hass.base_url}/retro-balance-care/care", wait_until="domcontentloaded")
        shows(page, "Ruth — balance score, three months")
        shows(page, "Tandem stance: 100 of 100 points — 15 s held; 15 s earns full points.")
        shows(
            page,
            re.compile(r"Single-leg stance, left: 5\d of 100 points — 8(\.\d)? s held; 15 s earns"),
        )
        shows(page, "It is not a risk of falling.")
        page.wait_for_timeout(1500)
        page.screenshot(path=str(artifacts_dir / "caregiver-why.png"))
        for warning in ("not available", "Entity not found", "non-numeric"):
            assert page.get_by_text(warning).count() == 0, warning
