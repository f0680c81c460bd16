"""The sentence for a newer check the headline does not count, in every case."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from homeassistant.core import HomeAssistant

from custom_components.retro_balance.check_notes import (
    NOTE_SELECTOR,
    REASON_SELECTOR,
    TEST_SELECTOR,
    newest_check,
    note,
)
from custom_components.retro_balance.engine.clinical.session import SessionKind, SessionRecord
from custom_components.retro_balance.engine.detection.daily_check import IncompleteReason
from custom_components.retro_balance.engine.detection.stance_result import StanceTest
from custom_components.retro_balance.reason_texts import option_key

PACKAGE = Path(__file__).parents[2] / "custom_components" / "retro_balance"
STRINGS = json.loads((PACKAGE / "strings.json").read_text())
TRANSLATIONS = {
    option_key(selector, option): text
    for selector in (NOTE_SELECTOR, REASON_SELECTOR, TEST_SELECTOR)
    for option, text in STRINGS["selector"][selector]["options"].items()
}
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "sessions.json").read_text())
PLAN = (
    StanceTest.QUIET_EYES_CLOSED,
    StanceTest.TANDEM,
    StanceTest.SINGLE_LEG_LEFT,
    StanceTest.SINGLE_LEG_RIGHT,
)


@pytest.fixture
def check(hass: HomeAssistant) -> SessionRecord:
    """Anna's stored daily check (ended 2026-11-20 07:33 UTC), read in UTC."""
    return SessionRecord.from_dict(FIXTURE["sessions"][0])


async def test_every_case_reads_as_what_it_was(hass: HomeAssistant, check: SessionRecord) -> None:
    await hass.config.async_update(time_zone="UTC")
    when = "The newest check (2026-11-20 07:33) is not counted here"
    cut = replace(
        check,
        complete=False,
        incomplete_reason=IncompleteReason.SIGNAL_LOST,
        results=check.results[:2],
        planned_tests=PLAN,
    )
    assert note(TRANSLATIONS, cut) == (
        f"{when}: based on 2 of 4 tests, interrupted (the pad's signal was lost)."
    )
    assert note(TRANSLATIONS, replace(cut, planned_tests=())) == (
        f"{when}: based on 2 tests, interrupted (the pad's signal was lost)."
    )
    partial = replace(check, results=check.results[2:], planned_tests=PLAN)
    assert note(TRANSLATIONS, partial) == (
        f"{when}: based on 2 of 4 tests, too few kinds of test for a score."
    )
    assert note(TRANSLATIONS, replace(partial, planned_tests=())) == (
        f"{when}: based on 2 tests, too few kinds of test for a score."
    )
    single = replace(
        check, kind=SessionKind.SINGLE_TEST, results=check.results[1:2], planned_tests=PLAN[1:2]
    )
    assert note(TRANSLATIONS, single) == f"{when}: a single test (Tandem stance)."
    assert newest_check(cut) == {
        "ended_at": "2026-11-20T07:33:10+00:00",
        "tests_done": 2,
        "tests_planned": 4,
        "interrupted": "signal_lost",
        "partial": False,
    }
    # A missing or broken translation never hides what happened.
    assert note({}, cut) == "interrupted: 2026-11-20 07:33, 2/4"
    broken = {option_key(NOTE_SELECTOR, "interrupted"): "Cut at {minute}"}
    assert note(broken, cut) == "interrupted: 2026-11-20 07:33, 2/4"
