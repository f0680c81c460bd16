"""Trend entities over weeks: change, slope, declining, fall risk raised, programme effect."""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from datetime import timedelta
from types import MappingProxyType
from typing import Any
from unittest.mock import patch

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.detection.stance_result import EndReason, StanceTest
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.trend_texts import UNSAID

from .helpers import ANNA_ID
from .trend_history import (
    DECLINING,
    FALL_RISK,
    NOW,
    SLS_CHANGE,
    SLS_SLOPE,
    YESTERDAY,
    declining_history,
    engine_trend,
    next_day,
    set_up,
    stable_history,
    start,
    store,
)

pytestmark = pytest.mark.usefixtures("mqtt_mock")

SCORE_CHANGE = "sensor.anna_balance_score_change_from_baseline"
EFFECT = "sensor.anna_programme_effect"


async def test_a_slow_decline_shows_on_every_trend_entity(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, declining_anna: list[SessionRecord]
) -> None:
    expected = engine_trend(declining_anna)
    assert expected.declining  # the demo's declining course is flagged by its end

    declining = hass.states.get(DECLINING)
    assert declining.state == "on"
    assert declining.attributes["device_class"] == "problem"
    assert declining.attributes["declining_measures"] == [
        m.value for m in expected.declining_measures
    ]
    codes = {reason["code"] for reason in declining.attributes["reasons"]}
    assert {"measurement_error", "change_beyond_error", "decline_persisted"} <= codes
    explanation = declining.attributes["explanation"]
    said = [r for r in declining.attributes["reasons"] if r["code"] not in UNSAID]
    assert len(explanation) == len(said)
    assert any("beyond measurement error" in line for line in explanation)
    assert (
        declining.attributes["declining_since"]
        == min(
            m.declining_since for m in expected.measures if m.declining_since is not None
        ).isoformat()
    )

    sls = expected.measure(TrendMeasure.SINGLE_LEG_LEFT)
    change = hass.states.get(SLS_CHANGE)
    assert float(change.state) == pytest.approx(sls.change_pct, abs=0.05)
    assert change.attributes["unit_of_measurement"] == "%"
    assert change.attributes["baseline"] == pytest.approx(sls.baseline, abs=1e-3)
    assert change.attributes["status"] == sls.status.value
    slope = hass.states.get(SLS_SLOPE)
    assert float(slope.state) == pytest.approx(sls.slope_pct_per_30d, abs=0.05)
    assert slope.attributes["unit_of_measurement"] == "%/30 d"
    score = expected.measure(TrendMeasure.BALANCE_SCORE)
    # Points are shown whole, as the score is (`shown_score`): "-9", not "-9.3".
    assert hass.states.get(SCORE_CHANGE).state == str(math.floor(score.change + 0.5))

    # Ben has no sessions: nothing declines, nothing is known.
    assert hass.states.get("binary_sensor.ben_balance_declining").state == "off"
    assert hass.states.get("sensor.ben_balance_score_change_from_baseline").state == STATE_UNKNOWN


@pytest.mark.usefixtures("declining_anna")
async def test_a_confirmed_decline_raises_the_fall_risk_one_level_with_its_reasons(
    hass: HomeAssistant,
) -> None:
    risk = hass.states.get(FALL_RISK)
    from_results = risk.attributes["level_from_results"]
    order = ["low", "moderate", "high"]
    assert risk.state == order[min(order.index(from_results) + 1, 2)]
    trend_reasons = risk.attributes["trend_reasons"]
    declining = hass.states.get(DECLINING).attributes["declining_measures"]
    assert [reason["measure"] for reason in trend_reasons] == declining
    assert {reason["code"] for reason in trend_reasons} <= {
        "decline_raises_level",
        "decline_at_highest_level",
    }
    assert len(risk.attributes["trend_explanation"]) == len(trend_reasons)
    assert "fall risk" in risk.attributes["trend_explanation"][0]
    # The results' own reasons are still there.
    assert risk.attributes["reasons"]


async def test_a_stable_person_is_not_declining_and_keeps_the_level_of_the_results(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    await start(hass, mock_config_entry, hass_storage, freezer, stable_history())
    declining = hass.states.get(DECLINING)
    assert declining.state == "off"
    assert declining.attributes["reasons"] == []
    assert set(declining.attributes["statuses"].values()) <= {"stable", "decline_suspected"}
    risk = hass.states.get(FALL_RISK)
    assert "level_from_results" not in risk.attributes
    assert "trend_reasons" not in risk.attributes
    assert "trend_explanation" not in risk.attributes
    assert abs(float(hass.states.get(SCORE_CHANGE).state)) < 9.0  # within the reliable change


async def test_weeks_without_a_check_drop_the_current_level_but_keep_the_decision(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, declining_anna: list[SessionRecord]
) -> None:
    assert hass.states.get(SLS_CHANGE).state != STATE_UNKNOWN
    last = declining_anna[-1].started_at.astimezone(dt_util.get_default_time_zone()).date()

    # Day by day: the trends move on at each midnight; the level holds for 20 days.
    while dt_util.now().date() < last + timedelta(days=20):
        await next_day(hass, freezer)
        assert hass.states.get(SLS_CHANGE).state != STATE_UNKNOWN
    await next_day(hass, freezer)  # 21 days after the last session

    assert hass.states.get(SLS_CHANGE).state == STATE_UNKNOWN
    assert hass.states.get(SLS_SLOPE).state == STATE_UNKNOWN
    declining = hass.states.get(DECLINING)
    assert declining.state == "on"  # nothing says it ended
    codes = [reason["code"] for reason in declining.attributes["reasons"]]
    assert "no_recent_sessions" in codes
    assert "change_beyond_error" not in codes
    assert any("no session for 21 days" in line for line in declining.attributes["explanation"])


@pytest.mark.usefixtures("declining_anna")
async def test_the_trend_is_computed_once_per_change_not_per_update(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    coordinator = mock_config_entry.runtime_data.coordinator
    before = coordinator.data.people[ANNA_ID]
    with patch("custom_components.retro_balance.person_trend.assess_person") as assess:
        coordinator.commands.async_select_next_test(StanceTest.TANDEM)  # a live update
        await coordinator.async_refresh()
        await hass.async_block_till_done()
    assess.assert_not_called()
    assert coordinator.data.people[ANNA_ID] is before


@pytest.mark.usefixtures("declining_anna")
async def test_the_programme_effect_waits_for_a_start_date(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    effect = hass.states.get(EFFECT)
    assert effect.state == STATE_UNKNOWN
    assert "explanation" not in effect.attributes

    # The coach sets the start (here by hand): the weeks since it are worse than before.
    began = YESTERDAY - timedelta(days=27)
    coordinator = mock_config_entry.runtime_data.coordinator
    people = dict(coordinator.data.people)
    people[ANNA_ID] = replace(people[ANNA_ID], programme_start=began)
    coordinator.async_set_updated_data(replace(coordinator.data, people=MappingProxyType(people)))
    await hass.async_block_till_done()

    effect = hass.states.get(EFFECT)
    assert effect.state == "worsened"
    assert effect.attributes["start"] == began.isoformat()
    assert effect.attributes["days_since_start"] == 28
    sls = effect.attributes["measures"]["single_leg_left"]
    assert sls["since"] < sls["before"]
    assert {reason["code"] for reason in effect.attributes["reasons"]} >= {"worsened_beyond_error"}
    assert any("for the worse" in line for line in effect.attributes["explanation"])


async def test_a_stored_value_the_detector_refuses_is_left_out_and_logged_once(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(NOW)
    records = stable_history()
    bad = records[-1]
    results = tuple(
        replace(r, hold_time_s=-3.0, end_reason=EndReason.TOUCHED_DOWN)
        if r.test is StanceTest.SINGLE_LEG_LEFT
        else r
        for r in bad.results
    )
    records[-1] = replace(bad, results=results)
    store(hass_storage, records)
    caplog.set_level(logging.WARNING)
    await set_up(hass, mock_config_entry)

    good = engine_trend(records[:-1])
    change = hass.states.get(SLS_CHANGE)
    expected = good.measure(TrendMeasure.SINGLE_LEG_LEFT).change_pct
    assert float(change.state) == pytest.approx(expected, abs=0.05)
    assert change.attributes["sessions"] == len(records) - 1
    # The other measures of that session still count.
    assert hass.states.get("sensor.anna_tandem_stance_change_from_baseline").attributes[
        "sessions"
    ] == len(records)
    lines = [r.getMessage() for r in caplog.records if "left out of the trends" in r.getMessage()]
    assert len(lines) == 1
    assert bad.session_id in lines[0]
    # A new day recomputes the trend, but says it no more.
    await next_day(hass, freezer)
    again = [r for r in caplog.records if "left out of the trends" in r.getMessage()]
    assert len(again) == 1
    # The stored session itself is untouched.
    stored = hass_storage[f"retro_balance.{mock_config_entry.entry_id}"]["data"]["sessions"]
    assert stored[-1] == records[-1].as_dict()


async def test_a_trend_that_cannot_be_computed_is_unknown_not_wrong(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
    caplog: pytest.LogCaptureFixture,
) -> None:
    freezer.move_to(NOW)
    store(hass_storage, declining_history())
    with patch(
        "custom_components.retro_balance.person_trend.assess_person",
        side_effect=ValueError("single_leg_left on 2026-05-30: broken"),
    ):
        await set_up(hass, mock_config_entry)
    assert hass.states.get(DECLINING).state == STATE_UNKNOWN
    assert hass.states.get(SLS_CHANGE).state == STATE_UNKNOWN
    risk = hass.states.get(FALL_RISK)
    assert risk.state in {"low", "moderate", "high"}  # the results' level, not raised
    assert "trend_reasons" not in risk.attributes
    assert "the trends of Anna cannot be computed" in caplog.text
    # The next day computes it again, now that it works.
    await next_day(hass, freezer)
    assert hass.states.get(DECLINING).state == "on"
