"""Headless Debian Chromium, driven by Playwright, logged into Home Assistant without typing.

Playwright never downloads a browser here: it starts `/usr/bin/chromium` with a fresh profile.
The login works as the frontend's own: `localStorage.hassTokens` holds the /auth/token response.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright

CHROMIUM_FLAGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def logged_in_page(
    chromium: Path, browser_tokens: dict[str, Any], *, width: int = 1280, height: int = 900
) -> Iterator[Page]:
    """Open a page of a fresh headless Chromium whose localStorage holds Home Assistant tokens."""
    with tempfile.TemporaryDirectory(prefix="rb-chromium-") as profile, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            profile,
            executable_path=str(chromium),
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": width, "height": height},
            locale="en-GB",
            timezone_id="UTC",
        )
        try:
            context.add_init_script(
                "window.localStorage.setItem('hassTokens', "
                f"{json.dumps(json.dumps(browser_tokens))});"
            )
            yield context.pages[0] if context.pages else context.new_page()
        finally:
            context.close()


def open_and_capture(
    page: Page,
    url: str,
    *,
    expect_texts: Sequence[str],
    screenshot: Path,
    timeout_s: float = 60.0,
) -> None:
    """Open url, wait until each expected text shows (shadow DOM included), take a screenshot."""
    page.goto(url, wait_until="domcontentloaded")
    for text in expect_texts:
        page.get_by_text(text, exact=False).first.wait_for(
            state="visible", timeout=timeout_s * 1000
        )
    # Cards fade in and icons load lazily; let the page settle before the picture.
    page.wait_for_timeout(1000)
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(screenshot))
