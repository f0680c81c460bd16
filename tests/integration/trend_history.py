"""Stored histories for the trend tests: the demo's simulated weeks, filed under Anna."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any

from freezegun.api import FrozenDateTimeFactory
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_fire_time_changed

from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.norms import Sex
from custom_components.retro_balance.engine.clinical.people import PersonProfile
from custom_components.retro_balance.engine.clinical.session import SessionRecord, assess_session
from custom_components.retro_balance.engine.trends.assess import assess_person, measure_history
from custom_components.retro_balance.engine.trends.inputs import trend_inputs
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.engine.trends.results import PersonTrend, TrendEventKind
from custom_components.retro_balance.storage import STORAGE_MINOR_VERSION, STORAGE_VERSION
from devtools.demo_history import FRANK_COURSE, daily_check, demo_history, session_id

from .helpers import ANNA_ID, ENTRY_ID, PAD_ID

NOW = "2026-06-01T17:00:00+00:00"
"""10:00 in the tests' time zone (US/Pacific): the day after the last simulated session."""
YESTERDAY = date(2026, 5, 31)
TODAY = YESTERDAY + timedelta(days=1)

DECLINING = "binary_sensor.anna_balance_declining"
SLS_CHANGE = "sensor.anna_single_leg_stance_left_change_from_baseline"
SLS_SLOPE = "sensor.anna_single_leg_stance_left_30_day_slope"
FALL_RISK = "sensor.anna_fall_risk"


ANNA = PersonProfile(
    person_id=ANNA_ID, name="Anna", birth_year=1952, sex=Sex.FEMALE, weight_min_kg=55.0,
    weight_max_kg=70.0,
)  # fmt: skip
"""Anna as the `people` fixture configures her."""


def assessed(records: Sequence[SessionRecord]) -> list[SessionRecord]:
    """The records scored for Anna, as the integration stores them."""
    return [assess_session(record, ANNA) for record in records]


def declining_history(last_day: date = YESTERDAY) -> list[SessionRecord]:
    """Eight weeks of Anna slowly declining (the demo's Frank), up to `last_day`."""
    return assessed(demo_history("Frank", ANNA_ID, PAD_ID, last_day))


def stable_history(last_day: date = YESTERDAY) -> list[SessionRecord]:
    """Eight weeks of Anna stable (the demo's Margaret)."""
    return assessed(demo_history("Margaret", ANNA_ID, PAD_ID, last_day))


def check_on(day: date, *, factor: float = 1.0) -> SessionRecord:
    """One of Anna's daily checks at the declining course's starting level times `factor`."""
    course = FRANK_COURSE
    record = daily_check(
        session_id=session_id("test", day),
        pad_id=PAD_ID,
        person_id=ANNA_ID,
        started_at=datetime(day.year, day.month, day.day, 16, tzinfo=UTC),
        single_leg_s=(course.single_leg_s * factor, course.single_leg_s * factor),
        tandem_s=course.tandem_s * factor,
        sway_cm_s=course.sway_cm_s / factor,
        body_mass_kg=course.body_mass_kg,
    )
    return assess_session(record, ANNA)


def engine_trend(
    records: Sequence[SessionRecord], *, baseline_from: date | None = None
) -> PersonTrend:
    """What the engine makes of `records` on `TODAY`, the baseline from `baseline_from` if given."""
    inputs = trend_inputs(records, dt_util.get_default_time_zone())
    return assess_person(inputs.observations, TODAY, baseline_from=baseline_from)


def first_event(
    records: Sequence[SessionRecord], kind: TrendEventKind
) -> tuple[date, set[TrendMeasure]]:
    """The first day the engine switches a flag that way, and the measures switched then."""
    inputs = trend_inputs(records, dt_util.get_default_time_zone())
    events = [
        event
        for measure in TrendMeasure
        for event in measure_history(measure, inputs.observations[measure]).events
        if event.kind is kind
    ]
    first = min(event.day for event in events)
    return first, {event.measure for event in events if event.day == first}


def store(hass_storage: dict[str, Any], records: Sequence[SessionRecord]) -> None:
    """Put the sessions in the pad's storage, as a previous run left them."""
    hass_storage[f"{DOMAIN}.{ENTRY_ID}"] = {
        "version": STORAGE_VERSION,
        "minor_version": STORAGE_MINOR_VERSION,
        "key": f"{DOMAIN}.{ENTRY_ID}",
        "data": {"sessions": [record.as_dict() for record in records], "quarantine": []},
    }


async def set_up(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    """Load the pad entry (MQTT mocked by the caller's fixture)."""
    entry.add_to_hass(hass)
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()


async def start(
    hass: HomeAssistant,
    entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    records: Sequence[SessionRecord],
) -> None:
    """At `NOW`, load the pad with `records` stored by an earlier run."""
    freezer.move_to(NOW)
    store(hass_storage, records)
    await set_up(hass, entry)


async def next_day(hass: HomeAssistant, freezer: FrozenDateTimeFactory) -> None:
    """Let a day pass and fire Home Assistant's timers."""
    freezer.tick(timedelta(days=1))
    async_fire_time_changed(hass, dt_util.utcnow())
    await hass.async_block_till_done()


async def import_sessions(
    hass: HomeAssistant, records: Sequence[SessionRecord], **extra: Any
) -> dict[str, Any]:
    """Call `retro_balance.import_history` with the records and return its response."""
    response = await hass.services.async_call(
        DOMAIN,
        "import_history",
        {
            "config_entry_id": ENTRY_ID,
            "sessions": [record.as_dict() for record in records],
            **extra,
        },
        blocking=True,
        return_response=True,
    )
    await hass.async_block_till_done()
    assert response is not None
    return dict(response)


def on_day(records: Sequence[SessionRecord], day: date) -> list[SessionRecord]:
    """The records of a local day."""
    zone = dt_util.get_default_time_zone()
    return [record for record in records if record.started_at.astimezone(zone).date() == day]


def before_day(records: Sequence[SessionRecord], day: date) -> list[SessionRecord]:
    """The records before a local day."""
    zone = dt_util.get_default_time_zone()
    return [record for record in records if record.started_at.astimezone(zone).date() < day]


def days_after(day: date, count: int) -> list[date]:
    """The `count` days after `day`."""
    return [day + timedelta(days=offset) for offset in range(1, count + 1)]


def renamed(record: SessionRecord, suffix: str) -> SessionRecord:
    """The record with another session id."""
    return replace(record, session_id=record.session_id[: -len(suffix)] + suffix)
