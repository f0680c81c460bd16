"""Headless Chromium logs into the demo and shows the dashboards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from devtools.browser import logged_in_page, open_and_capture
from devtools.demo import FRANK, MARGARET, PadEntities
from devtools.processes import REPO
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")

PHASE_WORDS = json.loads(
    (REPO / "custom_components" / "retro_balance" / "strings.json").read_text()
)["entity"]["sensor"]["retro_walk_phase"]["state"]
"""The phases as the dashboard shows them in English ("Phase 1: stabilisation")."""
WARNINGS = ("not available", "Entity not found", "non-numeric")
"""What the frontend writes on a card whose entity is missing or does not suit it."""


def test_browser_login_shows_the_overview(
    stack: Stack, chromium: Path, artifacts_dir: Path
) -> None:
    shot = artifacts_dir / "overview.png"
    with logged_in_page(chromium, stack.api.browser_tokens()) as page:
        open_and_capture(
            page, f"{stack.hass.base_url}/lovelace/0", expect_texts=["Overview"], screenshot=shot
        )
        assert "/auth/authorize" not in page.url
    assert shot.stat().st_size > 10_000


def test_caregiver_dashboard_shows_the_persons_values(
    stack: Stack,
    chromium: Path,
    artifacts_dir: Path,
    demo_pad: PadEntities,
    frank_single_leg_left: dict[str, Any],
) -> None:
    shot = artifacts_dir / "caregiver-dashboard.png"
    hold = f"{float(frank_single_leg_left['state']):.1f} s"
    with logged_in_page(chromium, stack.api.browser_tokens(), height=1100) as page:
        open_and_capture(
            page,
            f"{stack.hass.base_url}/retro-balance-care/care",
            expect_texts=[
                "Margaret",
                "Frank",
                "Single-leg stance left",
                hold,
                "Balance pad hallway",
            ],
            screenshot=shot,
        )
        # Every card's entity exists and suits its card: no warning boxes on the dashboard.
        for warning in WARNINGS:
            assert page.get_by_text(warning).count() == 0, warning
    assert shot.stat().st_size > 20_000


def test_walking_view_shows_the_coach_and_its_buttons_work(
    stack: Stack, chromium: Path, artifacts_dir: Path, demo_pad: PadEntities
) -> None:
    shot = artifacts_dir / "caregiver-walking.png"
    phase = stack.api.wait_for_state(
        demo_pad.person(MARGARET.name, "retro_walk_phase"),
        lambda s: s["state"] in PHASE_WORDS,
        what="Margaret's retro-walk phase",
        timeout_s=30,
    )
    walks = demo_pad.person(FRANK.name, "retro_walk_sessions_week")
    counted = stack.api.wait_for_state(walks, lambda s: s["state"].isdigit(), what="a count")
    before = int(counted["state"])
    with logged_in_page(chromium, stack.api.browser_tokens(), height=1400) as page:
        open_and_capture(
            page,
            f"{stack.hass.base_url}/retro-balance-care/walking",
            expect_texts=[
                "Margaret — retro walking",
                PHASE_WORDS[phase["state"]],
                "Minutes walked:",
                "Walking days:",
                "Log a walk",
                "Snooze 30 min",
                "Walk safely",
                "Use a clear, flat path without obstacles.",
                "Why this phase",
                "Margaret — walks, planned and done",
            ],
            screenshot=shot,
        )
        for warning in WARNINGS:
            assert page.get_by_text(warning).count() == 0, warning
        # Frank taps his big button: one walk more, on his card at once.
        frank = page.locator("hui-vertical-stack-card").filter(has_text="Frank — retro walking")
        frank.get_by_text("Log a walk").click()
        logged = stack.api.wait_for_state(
            walks, lambda s: s["state"] == str(before + 1), what="Frank's walk logged"
        )
        frank.get_by_text(f"walks logged: {logged['state']}").wait_for(state="visible")
    assert shot.stat().st_size > 20_000
