"""Headless Chromium logs into the demo and shows the dashboards."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from devtools.browser import logged_in_page, open_and_capture
from devtools.demo import PadEntities
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")


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
        for warning in ("not available", "Entity not found", "non-numeric"):
            assert page.get_by_text(warning).count() == 0, warning
    assert shot.stat().st_size > 20_000
