"""Headless Chromium logs into the demo and shows the dashboards."""

from __future__ import annotations

from pathlib import Path

import pytest

from .browser import logged_in_page, open_and_capture
from .harness import Stack

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
