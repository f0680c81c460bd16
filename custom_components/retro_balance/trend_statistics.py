"""Trends into Home Assistant's long-term statistics: one row per person, measure and day.

Three external statistics (source `retro_balance`) per person and trend measure, with ids made
from the pad id, the person's name and the measure, so that a dashboard can name them:

    retro_balance:<pad>_<person>_<measure>            the day's value (mean = min = max)
    retro_balance:<pad>_<person>_<measure>_baseline   the baseline; min/max: its 95 % band
    retro_balance:<pad>_<person>_<measure>_level      the current level (recent median)

(`engine.trends.daily`: a row at local noon of each session day; the baseline and the level
also on the days between sessions, which they hold.) External statistics rather than the
sensors' own: a sensor's statistics are the hourly mean of its state, which holds the newest
result for days on end and cannot be given a past it never had; these rows are the sessions
themselves, with the band a sensor cannot carry, and they can be written for history that
existed before the sensors did.

Writing is a comparison, not an append: for a person, the rows are computed from all their
stored sessions and compared with what the recorder holds for those ids; only rows that differ
are written (`async_add_external_statistics` replaces a row of the same hour), and a statistic
holding a row that is no longer computed (its session deleted) is cleared and written again.
So the first start after an upgrade, or an import, writes the history once; a restart writes
nothing; and nothing is counted twice — the rows carry means, minima and maxima, never sums.
It runs at start-up and whenever a person's sessions change or their baseline is started again
(`restart_baseline`: the rows before that day stay as they were, the baseline rows from it on
are gone until the new baseline is built), one person at a time.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from datetime import UTC, date, datetime, tzinfo
from typing import Any

from homeassistant.components.recorder.models import (
    StatisticData,
    StatisticMeanType,
    StatisticMetaData,
)
from homeassistant.components.recorder.statistics import (
    async_add_external_statistics,
    statistics_during_period,
)
from homeassistant.config_entries import ConfigEntry
from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers.recorder import get_instance
from homeassistant.helpers.start import async_at_started
from homeassistant.util import dt as dt_util
from homeassistant.util import slugify

from .const import CONF_PAD_ID, DOMAIN, LOGGER, SUBENTRY_PERSON
from .coordinator import PadCoordinator
from .engine.clinical.session import SessionRecord
from .engine.trends.assess import measure_history
from .engine.trends.daily import DailyLevel, daily_levels
from .engine.trends.inputs import trend_inputs
from .engine.trends.measure import SPECS, TrendMeasure
from .snapshot import PersonSessions

RECORDER = "recorder"
ROW_HOUR = 12
"""Rows sit at local noon of their day (whole hours, as the recorder wants)."""
DECIMALS = 4
SINCE = datetime(2000, 1, 1, tzinfo=UTC)
"""Earlier than any session: the recorder is asked for every row of an id."""
LABELS = {
    TrendMeasure.SINGLE_LEG_LEFT: "single-leg stance left",
    TrendMeasure.SINGLE_LEG_RIGHT: "single-leg stance right",
    TrendMeasure.TANDEM: "tandem stance",
    TrendMeasure.QUIET_SWAY_VELOCITY: "sway velocity eyes closed",
    TrendMeasure.BALANCE_SCORE: "balance score",
}
"""Names in the statistics' metadata (the recorder stores one name, not a translation key)."""
KINDS = {"": "", "_baseline": " baseline", "_level": " level"}

type Rows = dict[str, tuple[StatisticMetaData, list[StatisticData]]]


def statistic_id(pad_id: str, name: str, measure: TrendMeasure, suffix: str = "") -> str:
    """Return the id of a person's statistic: `retro_balance:<pad>_<person>_<measure><suffix>`."""
    person = slugify(name) or "person"
    return f"{DOMAIN}:{slugify(pad_id)}_{person}_{measure.value}{suffix}"


def person_rows(
    pad_id: str,
    name: str,
    sessions: Iterable[SessionRecord],
    zone: tzinfo,
    baseline_from: date | None = None,
) -> Rows:
    """Every statistic of a person with its rows (in an executor: it runs the detector)."""
    inputs = trend_inputs(sessions, zone)
    rows: Rows = {}
    for measure in TrendMeasure:
        history = measure_history(
            measure, inputs.observations[measure], baseline_from=baseline_from
        )
        levels = daily_levels(history)
        unit = None if measure is TrendMeasure.BALANCE_SCORE else SPECS[measure].unit
        for suffix, kind in KINDS.items():
            metadata = StatisticMetaData(
                has_mean=True,
                mean_type=StatisticMeanType.ARITHMETIC,
                has_sum=False,
                name=f"{name} {LABELS[measure]}{kind}",
                source=DOMAIN,
                statistic_id=statistic_id(pad_id, name, measure, suffix),
                unit_of_measurement=unit,
            )
            data = [row for level in levels if (row := _row(level, suffix, zone)) is not None]
            rows[metadata["statistic_id"]] = (metadata, data)
    return rows


def _row(level: DailyLevel, suffix: str, zone: tzinfo) -> StatisticData | None:
    if suffix == "_baseline":
        values = (level.baseline, level.band_low, level.band_high)
    elif suffix == "_level":
        values = (level.current, level.current, level.current)
    else:
        values = (level.value, level.value, level.value)
    mean, low, high = values
    if mean is None or low is None or high is None:
        return None
    return StatisticData(
        start=row_start(level.day, zone),
        mean=round(mean, DECIMALS),
        min=round(low, DECIMALS),
        max=round(high, DECIMALS),
    )


def row_start(day: date, zone: tzinfo) -> datetime:
    """Local noon of `day`, in UTC, at the top of its hour."""
    noon = datetime(day.year, day.month, day.day, ROW_HOUR, tzinfo=zone)
    return noon.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _same(row: StatisticData, stored: dict[str, Any] | None) -> bool:
    if stored is None:
        return False
    wanted = (row.get("mean"), row.get("min"), row.get("max"))
    have = (stored.get("mean"), stored.get("min"), stored.get("max"))
    return all(
        a is not None and b is not None and abs(a - b) < 1e-6
        for a, b in zip(wanted, have, strict=True)
    )


class TrendStatistics:
    """Keeps the recorder's statistics of one pad's people in step with their sessions."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any], coordinator: PadCoordinator):
        """Bind to the pad (nothing runs until `async_start`)."""
        self._hass = hass
        self._entry = entry
        self._coordinator = coordinator
        self._synced: dict[str, tuple[tuple[SessionRecord, ...], date | None]] = {}
        self._lock = asyncio.Lock()

    @callback
    def async_start(self) -> CALLBACK_TYPE | None:
        """Sync every person once Home Assistant has started, and after each change.

        Not before: the recorder commits nothing until then, and a start-up that waited for a
        sync waiting for the recorder would never end. None: no recorder, nothing to do.
        """
        if RECORDER not in self._hass.config.components:
            LOGGER.debug("No recorder: the trends are not written to long-term statistics")
            return None
        stops: list[CALLBACK_TYPE] = []

        @callback
        def started(hass: HomeAssistant) -> None:
            self._changed()
            stops.append(self._coordinator.async_add_listener(self._changed))

        @callback
        def stop() -> None:
            for unsubscribe in stops:
                unsubscribe()

        stops.append(async_at_started(self._hass, started))
        return stop

    @callback
    def _changed(self) -> None:
        for person_id, person in self._coordinator.data.people.items():
            # The coordinator keeps a person's tuple of sessions while they do not change.
            synced = self._synced.get(person_id)
            baseline_from = person.profile.baseline_from
            if synced is not None and synced[0] is person.sessions and synced[1] == baseline_from:
                continue
            self._synced[person_id] = (person.sessions, baseline_from)
            self._entry.async_create_task(
                self._hass, self._async_sync(person), f"{DOMAIN} statistics {person_id}"
            )

    async def _async_sync(self, person: PersonSessions) -> None:
        recorder = get_instance(self._hass)
        if not await recorder.async_db_ready:
            return
        async with self._lock:
            rows = await self._hass.async_add_executor_job(
                person_rows,
                self._coordinator.pad_id,
                person.profile.name,
                person.sessions,
                dt_util.get_default_time_zone(),
                person.profile.baseline_from,
            )
            # What this sync compares with must include what the last one queued.
            await recorder.async_block_till_done()
            stored = await recorder.async_add_executor_job(
                statistics_during_period,
                self._hass,
                SINCE,
                None,
                set(rows),
                "hour",
                None,
                {"mean", "min", "max"},
            )
            written = 0
            for statistic, (metadata, data) in rows.items():
                have = {row["start"]: dict(row) for row in stored.get(statistic, [])}
                wanted = {row["start"].timestamp() for row in data}
                if set(have) - wanted:  # a row whose session is gone: start over
                    recorder.async_clear_statistics([statistic])
                    have = {}
                changed = [
                    row for row in data if not _same(row, have.get(row["start"].timestamp()))
                ]
                if changed:
                    async_add_external_statistics(self._hass, metadata, changed)
                    written += len(changed)
            if written:
                LOGGER.debug(
                    "Pad %s: %d statistics rows of %s written",
                    self._coordinator.pad_id,
                    written,
                    person.profile.name,
                )


@callback
def async_clear_pad_statistics(hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
    """Delete the statistics of a removed pad's people (they are health data)."""
    if RECORDER not in hass.config.components:
        return
    pad_id = entry.data[CONF_PAD_ID]
    ids = [
        statistic_id(pad_id, subentry.title, measure, suffix)
        for subentry in entry.subentries.values()
        if subentry.subentry_type == SUBENTRY_PERSON
        for measure in TrendMeasure
        for suffix in KINDS
    ]
    get_instance(hass).async_clear_statistics(ids)
