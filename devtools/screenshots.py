"""Screenshots of a running demo for the docs, taken the way the browser test takes them.

    scripts/develop                                   # in one terminal; wait for a few checks
    .venv/bin/python -m devtools.screenshots          # writes docs/images/*.png

Logs in as the demo user (headless Debian Chromium, tokens in localStorage) and waits for the
people's values before each picture.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from .browser import logged_in_page, open_and_capture
from .client import Credentials, HomeAssistantClient
from .processes import REPO

CHROMIUM = Path("/usr/bin/chromium")
PAGES = (
    ("caregiver-dashboard.png", "/retro-balance-care/care", ["Margaret", "Frank", "Fall risk"]),
    (
        "caregiver-trends.png",
        "/retro-balance-care/frank",
        ["Frank's balance is declining", "Usual range", "Day's result"],
    ),
    (
        "caregiver-walking.png",
        "/retro-balance-care/walking",
        ["Margaret — retro walking", "Phase 2: proprioceptive build", "Walking days: "],
    ),
)


def main(argv: Sequence[str] | None = None) -> int:
    """Take the screenshots."""
    parser = argparse.ArgumentParser(prog="screenshots", description=__doc__)
    parser.add_argument("--url", default="http://127.0.0.1:8123")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    args = parser.parse_args(argv)
    client = HomeAssistantClient.login(args.url.rstrip("/"), Credentials())
    client.wait_running()  # a page of a starting instance shows a banner and no statistics yet
    with logged_in_page(CHROMIUM, client.browser_tokens(), height=1500) as page:
        for name, path, texts in PAGES:
            open_and_capture(
                page, client.base_url + path, expect_texts=texts, screenshot=args.out / name
            )
            print(f"wrote {args.out / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
