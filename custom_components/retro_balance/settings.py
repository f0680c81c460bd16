"""Turn a pad's config entry (options, person subentries) into the engine's types."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from homeassistant.config_entries import ConfigEntry, ConfigSubentry

from .const import (
    CONF_BASELINE_FROM,
    CONF_BIRTH_YEAR,
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_NAME,
    CONF_SEX,
    CONF_TRIALS,
    CONF_WEIGHT_MAX_KG,
    CONF_WEIGHT_MIN_KG,
    DAILY_CHECK,
    LOGGER,
    SINGLE_LEG_PRACTICE,
    SUBENTRY_PERSON,
)
from .engine.clinical.norms import Sex
from .engine.clinical.people import PersonProfile
from .engine.clinical.session import SessionKind
from .engine.coach.pad_practice import practice_plan
from .engine.coach.programme import HoldGoal
from .engine.detection.check_plan import CheckPlan
from .engine.detection.stance_result import StanceTest
from .engine.wire.topics import TopicKind, topic

DEFAULT_PLAN = CheckPlan()
"""The engine's default daily check: its tests, trials and cap are the options' defaults."""
STANCE_TEST_KEYS: tuple[str, ...] = tuple(test.value for test in StanceTest)
DEFAULT_DAILY_TESTS: tuple[str, ...] = tuple(test.value for test in DEFAULT_PLAN.tests)
TEST_CHOICES: tuple[str, ...] = (DAILY_CHECK, *STANCE_TEST_KEYS, SINGLE_LEG_PRACTICE)
"""What can be started: the daily check, one stance test or single-leg practice (select, action,
services.yaml)."""


def valid_prefix(prefix: str) -> bool:
    """Whether `prefix` can head the pad's topics (the protocol module's rule)."""
    try:
        topic(prefix, "pad", TopicKind.INFO)
    except ValueError:
        return False
    return True


def daily_check_plan(options: Mapping[str, Any]) -> CheckPlan:
    """Return the configured daily-check sequence."""
    tests = tuple(StanceTest(key) for key in options.get(CONF_DAILY_TESTS, DEFAULT_DAILY_TESTS))
    return CheckPlan(
        tests=tests,
        trials=int(options.get(CONF_TRIALS, DEFAULT_PLAN.trials)),
        cap_s=float(options.get(CONF_CAP_S, DEFAULT_PLAN.cap_s)),
    )


def single_test_plan(options: Mapping[str, Any], test: StanceTest) -> CheckPlan:
    """One trial of one stance test, with the configured cap."""
    return CheckPlan(
        tests=(test,), trials=1, cap_s=float(options.get(CONF_CAP_S, DEFAULT_PLAN.cap_s))
    )


def run_plan(
    options: Mapping[str, Any], what: str, practice: HoldGoal | None = None
) -> tuple[CheckPlan, SessionKind]:
    """Return what a run of `what` measures: the daily check, one test, or practice to a goal."""
    if practice is not None:
        return practice_plan(practice), SessionKind.SINGLE_TEST
    if what == DAILY_CHECK:
        return daily_check_plan(options), SessionKind.DAILY_CHECK
    return single_test_plan(options, StanceTest(what)), SessionKind.SINGLE_TEST


def person_profile(subentry: ConfigSubentry) -> PersonProfile:
    """Return the engine's view of a person subentry."""
    data = subentry.data
    return PersonProfile(
        person_id=subentry.subentry_id,
        name=data[CONF_NAME],
        birth_year=int(data[CONF_BIRTH_YEAR]),
        sex=Sex(data[CONF_SEX]),
        weight_min_kg=data.get(CONF_WEIGHT_MIN_KG),
        weight_max_kg=data.get(CONF_WEIGHT_MAX_KG),
        baseline_from=baseline_from(data),
    )


def baseline_from(data: Mapping[str, Any]) -> date | None:
    """Return the day a person's trend baseline starts again (None: never started again).

    Only the `restart_baseline` action writes it, as an ISO date; anything else found there (a
    hand-edited file) is ignored, as if the baseline was never started again.
    """
    value = data.get(CONF_BASELINE_FROM)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        LOGGER.warning("Ignoring a person's baseline start that is not a date: %r", value)
        return None


def people(entry: ConfigEntry[Any]) -> dict[str, PersonProfile]:
    """Everyone configured on this pad, by subentry id."""
    return {
        subentry_id: person_profile(subentry)
        for subentry_id, subentry in entry.subentries.items()
        if subentry.subentry_type == SUBENTRY_PERSON
    }


NO_RANGE = "—"
"""How a missing weight range reads in `describe_ranges` (the same in every language)."""


def describe_range(profile: PersonProfile) -> str:
    """Return a person's weight range for a message: `Anna 55–70 kg`, or `Carl —` without one."""
    if profile.weight_min_kg is None or profile.weight_max_kg is None:
        return f"{profile.name} {NO_RANGE}"
    return f"{profile.name} {profile.weight_min_kg:g}–{profile.weight_max_kg:g} kg"


def describe_ranges(profiles: Iterable[PersonProfile]) -> str:
    """Return everyone's weight range for a message, by name: `Anna 55–70 kg, Carl —`."""
    described = [describe_range(profile) for profile in sorted(profiles, key=lambda p: p.name)]
    return ", ".join(described) or NO_RANGE
