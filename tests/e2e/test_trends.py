"""Trends on the real stack: history imported, Frank's decline flagged and notified, graphs drawn.

Runs after the other e2e modules (they expect people without a history): the import is a
session fixture of this module only.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_socket  # type: ignore[import-untyped]

from devtools.browser import logged_in_page, open_and_capture
from devtools.demo import FRANK, MARGARET, PadEntities, seed_history
from devtools.devstack import today_in_demo
from devtools.processes import wait_until
from devtools.stack import Stack

pytestmark = pytest.mark.usefixtures("socket_enabled")

FRANK_TANDEM = "retro_balance:hallway_frank_tandem"


@pytest.fixture(scope="module")
def seeded(stack: Stack, demo_pad: PadEntities) -> dict[str, int]:
    """Eight simulated weeks for both people, as scripts/develop imports them on a first start."""
    pytest_socket.enable_socket()
    return seed_history(stack.api, demo_pad.entry_id, demo_pad.people, today_in_demo())


def test_the_history_flags_franks_decline_and_notifies(
    stack: Stack, demo_pad: PadEntities, seeded: dict[str, int]
) -> None:
    assert set(seeded) == {MARGARET.name, FRANK.name}
    assert all(count > 40 for count in seeded.values())  # 56 days, some missed
    frank = stack.api.wait_for_state(
        demo_pad.person(FRANK.name, "balance_declining"),
        lambda state: state["state"] == "on",
        what="Frank's balance declining",
        timeout_s=30,
    )
    assert frank["attributes"]["explanation"]
    margaret = stack.api.state(demo_pad.person(MARGARET.name, "balance_declining"))
    assert margaret is not None
    assert margaret["state"] == "off"
    event = stack.api.state(demo_pad.person(FRANK.name, "balance_trend"))
    assert event is not None
    assert event["attributes"]["event_type"] == "decline_detected"
    # The demo's automation (config/demo_automations.yaml, from the blueprint) told about it.
    notifications = stack.api.ws({"type": "persistent_notification/get"})[0]
    titles = [notification["title"] for notification in notifications]
    assert titles.count("Frank: balance declining") == 1
    assert "Margaret: balance declining" not in titles


def test_the_history_is_in_long_term_statistics(
    stack: Stack, demo_pad: PadEntities, seeded: dict[str, int]
) -> None:
    def rows() -> list[dict[str, float]] | None:
        found = stack.api.ws(
            {
                "type": "recorder/statistics_during_period",
                "start_time": "2000-01-01T00:00:00Z",
                "statistic_ids": [FRANK_TANDEM],
                "period": "day",
                "types": ["mean"],
            }
        )[0]
        values: list[dict[str, float]] = found.get(FRANK_TANDEM, [])
        return values if len(values) >= seeded[FRANK.name] else None

    days = wait_until(rows, what="Frank's tandem statistics", timeout_s=30)
    assert len(days) >= seeded[FRANK.name]


def test_the_trend_view_draws_the_graphs(
    stack: Stack, chromium: Path, artifacts_dir: Path, seeded: dict[str, int]
) -> None:
    shot = artifacts_dir / "caregiver-trends.png"
    with logged_in_page(chromium, stack.api.browser_tokens(), height=1500) as page:
        open_and_capture(
            page,
            f"{stack.hass.base_url}/retro-balance-care/frank",
            expect_texts=["Frank's balance is declining", "Usual range", "Day's result"],
            screenshot=shot,
        )
        for warning in ("not available", "Entity not found", "non-numeric", "No statistics"):
            assert page.get_by_text(warning).count() == 0, warning
    assert shot.stat().st_size > 50_000
