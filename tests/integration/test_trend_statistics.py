"""Trends in long-term statistics: history written once, restarts write nothing, deletions redo."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from unittest.mock import MagicMock, patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.recorder import Recorder
from homeassistant.components.recorder.statistics import (
    list_statistic_ids,
    statistics_during_period,
)
from homeassistant.const import EVENT_HOMEASSISTANT_STARTED
from homeassistant.core import CoreState, HomeAssistant
from homeassistant.helpers.recorder import get_instance
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry
from pytest_homeassistant_custom_component.components.recorder.common import (
    async_wait_recording_done,
)

from custom_components.retro_balance import trend_statistics
from custom_components.retro_balance.const import DOMAIN
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.trend_statistics import (
    SINCE,
    person_rows,
    row_start,
    statistic_id,
)

from .helpers import ENTRY_ID, PAD_ID
from .trend_history import (
    NOW,
    YESTERDAY,
    check_on,
    declining_history,
    import_sessions,
    set_up,
    start,
    store,
)

pytestmark = pytest.mark.usefixtures("mqtt_mock")
TANDEM = statistic_id(PAD_ID, "Anna", TrendMeasure.TANDEM)


@pytest.fixture(autouse=True)
def auto_enable_custom_integrations(
    recorder_mock: Recorder, enable_custom_integrations: None
) -> None:
    """The recorder first (it must be set up before Home Assistant loads our integration)."""


@pytest.fixture
def writes() -> Iterator[MagicMock]:
    """Every call that writes statistics rows (they still go through)."""
    with patch.object(
        trend_statistics,
        "async_add_external_statistics",
        wraps=trend_statistics.async_add_external_statistics,
    ) as spy:
        yield spy


async def rows(hass: HomeAssistant, *ids: str) -> dict[str, list[dict[str, Any]]]:
    """What the recorder holds for these statistics."""
    await async_wait_recording_done(hass)
    found = await get_instance(hass).async_add_executor_job(
        statistics_during_period,
        hass,
        SINCE,
        None,
        set(ids),
        "hour",
        None,
        {"mean", "min", "max"},
    )
    return {key: [dict(row) for row in value] for key, value in found.items()}


def anna_ids() -> list[str]:
    return [
        statistic_id(PAD_ID, "Anna", measure, suffix)
        for measure in TrendMeasure
        for suffix in ("", "_baseline", "_level")
    ]


async def restart(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    assert await hass.config_entries.async_unload(entry.entry_id)
    await hass.async_block_till_done()
    assert await hass.config_entries.async_setup(entry.entry_id)
    await hass.async_block_till_done()
    await async_wait_recording_done(hass)


async def test_existing_history_is_written_once_and_restarts_write_nothing(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    writes: MagicMock,
) -> None:
    freezer.move_to(NOW)
    records = declining_history()
    store(hass_storage, records)  # as after an upgrade: sessions, no statistics yet
    await set_up(hass, mock_config_entry)
    first = await rows(hass, *anna_ids())

    expected = person_rows(PAD_ID, "Anna", records, dt_util.get_default_time_zone())
    assert set(first) == {key for key, (_, data) in expected.items() if data}
    for key, (_, data) in expected.items():
        assert [row["start"] for row in first.get(key, [])] == [
            row["start"].timestamp() for row in data
        ], key
        assert [row["mean"] for row in first.get(key, [])] == pytest.approx(
            [row["mean"] for row in data]
        ), key
    tandem = first[TANDEM]
    assert len(tandem) == len(records)  # one row per session day
    band = first[f"{TANDEM}_baseline"][-1]
    assert band["min"] < band["mean"] < band["max"]
    assert writes.call_count == len(first)

    # Two restarts: the same rows, and not one written again.
    writes.reset_mock()
    await restart(hass, mock_config_entry)
    await restart(hass, mock_config_entry)
    assert writes.call_count == 0
    assert await rows(hass, *anna_ids()) == first


@pytest.mark.usefixtures("declining_anna")
async def test_statistics_are_named_with_their_unit(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
) -> None:
    await async_wait_recording_done(hass)
    listed = await get_instance(hass).async_add_executor_job(
        list_statistic_ids, hass, {TANDEM, f"{TANDEM}_baseline"}
    )
    found = {item["statistic_id"]: item for item in listed}
    assert found[TANDEM]["name"] == "Anna tandem stance"
    assert found[f"{TANDEM}_baseline"]["name"] == "Anna tandem stance baseline"
    assert found[TANDEM]["source"] == DOMAIN
    assert found[TANDEM]["statistics_unit_of_measurement"] == "s"


@pytest.mark.usefixtures("declining_anna")
async def test_a_new_session_adds_its_rows_only(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    writes: MagicMock,
) -> None:
    before = await rows(hass, *anna_ids())
    writes.reset_mock()

    today = YESTERDAY + timedelta(days=1)
    await import_sessions(hass, [check_on(today, factor=0.4)])
    after = await rows(hass, *anna_ids())

    noon = row_start(today, dt_util.get_default_time_zone()).timestamp()
    for key, old in before.items():
        assert after[key][: len(old)] == old, key  # earlier rows untouched
        assert [row["start"] for row in after[key][len(old) :]] == [noon], key
    assert all(len(call.args[2]) == 1 for call in writes.call_args_list)


async def test_a_deleted_session_takes_its_rows_with_it(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    declining_anna: list[SessionRecord],
) -> None:
    records = declining_anna
    gone = records[20]
    await hass.services.async_call(
        DOMAIN,
        "delete_session",
        {"config_entry_id": ENTRY_ID, "session_id": gone.session_id},
        blocking=True,
    )
    await hass.async_block_till_done()
    after = await rows(hass, *anna_ids())
    day = gone.started_at.astimezone(dt_util.get_default_time_zone()).date()
    noon = row_start(day, dt_util.get_default_time_zone()).timestamp()
    assert noon not in [row["start"] for row in after[TANDEM]]
    zone = dt_util.get_default_time_zone()
    expected = person_rows(PAD_ID, "Anna", records[:20] + records[21:], zone)
    for key, (_, data) in expected.items():
        assert [row["start"] for row in after.get(key, [])] == [
            row["start"].timestamp() for row in data
        ], key


@pytest.mark.usefixtures("declining_anna")
async def test_a_removed_pad_takes_its_statistics_with_it(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
) -> None:
    assert await rows(hass, TANDEM)
    assert await hass.config_entries.async_remove(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert await rows(hass, *anna_ids()) == {}


async def test_nothing_is_written_before_home_assistant_has_started(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    writes: MagicMock,
) -> None:
    """The recorder commits nothing during start-up: a sync then would hold the start-up up."""
    freezer.move_to(NOW)
    store(hass_storage, declining_history())
    hass.set_state(CoreState.not_running)
    await set_up(hass, mock_config_entry)
    assert writes.call_count == 0
    hass.set_state(CoreState.running)
    hass.bus.async_fire(EVENT_HOMEASSISTANT_STARTED)
    await hass.async_block_till_done()
    assert await rows(hass, TANDEM)
    assert writes.call_count > 0


async def test_a_persons_results_are_kept_as_sessions_not_as_sensor_statistics(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    """312 rows a day for each result sensor holding yesterday's value would be most of a
    home's recorder rows (benchmarks/README.md); the sessions' own rows carry the history.
    Only the weekly walking totals, which nothing else keeps, have sensor statistics."""
    await start(hass, mock_config_entry, hass_storage, freezer, declining_history())
    await async_wait_recording_done(hass)
    listed = await get_instance(hass).async_add_executor_job(list_statistic_ids, hass)
    anna = sorted(
        item["statistic_id"] for item in listed if item["statistic_id"].startswith("sensor.anna_")
    )
    assert anna == ["sensor.anna_retro_walk_minutes_this_week", "sensor.anna_retro_walks_this_week"]
    assert TANDEM in {item["statistic_id"] for item in listed}


async def test_a_restarted_baseline_rewrites_the_rows_from_its_day_only(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    declining_anna: list[SessionRecord],
) -> None:
    records = declining_anna
    before = await rows(hass, *anna_ids())
    restart_day = YESTERDAY - timedelta(days=13)
    zone = dt_util.get_default_time_zone()
    cut = row_start(restart_day, zone).timestamp()

    await hass.services.async_call(
        DOMAIN,
        "restart_baseline",
        {"config_entry_id": ENTRY_ID, "person": "Anna", "date": restart_day.isoformat()},
        blocking=True,
    )
    await hass.async_block_till_done()
    after = await rows(hass, *anna_ids())

    expected = person_rows(PAD_ID, "Anna", records, zone, restart_day)
    for key, (_, data) in expected.items():
        assert [row["start"] for row in after.get(key, [])] == [
            row["start"].timestamp() for row in data
        ], key
        assert [row["mean"] for row in after.get(key, [])] == pytest.approx(
            [row["mean"] for row in data]
        ), key
        # Rows before the restart are what they were.
        old = [row for row in before.get(key, []) if row["start"] < cut]
        assert [row for row in after.get(key, []) if row["start"] < cut] == old, key
    # From the restart on: the values as they were, no baseline until it is built again.
    baseline = after[f"{TANDEM}_baseline"]
    building = [row for row in before[f"{TANDEM}_baseline"] if cut <= row["start"]]
    assert building  # the old baseline reached past the restart day
    assert [row for row in baseline if row["start"] >= cut] != building
    values = [row for row in after[TANDEM] if row["start"] >= cut]
    assert values == [row for row in before[TANDEM] if row["start"] >= cut]
    first_new = min(row["start"] for row in baseline if row["start"] >= cut)
    assert len([row for row in values if row["start"] < first_new]) == 3 + 6 - 1
