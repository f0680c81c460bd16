"""`retro_balance.restart_baseline`: a person's baseline started again, stored, applied at once."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from homeassistant.const import STATE_UNKNOWN
from homeassistant.core import HomeAssistant
from homeassistant.exceptions import ServiceValidationError
from homeassistant.helpers import device_registry as dr
from homeassistant.util import dt as dt_util
from pytest_homeassistant_custom_component.common import MockConfigEntry

from custom_components.retro_balance.const import CONF_BASELINE_FROM, DOMAIN, SUBENTRY_PERSON
from custom_components.retro_balance.engine.clinical.session import SessionRecord
from custom_components.retro_balance.engine.trends.measure import TrendMeasure
from custom_components.retro_balance.settings import baseline_from

from .helpers import ANNA_ID, ENTRY_ID
from .trend_history import (
    DECLINING,
    FALL_RISK,
    SLS_CHANGE,
    SLS_SLOPE,
    TODAY,
    YESTERDAY,
    engine_trend,
)

pytestmark = pytest.mark.usefixtures("mqtt_mock")

TREND_EVENT = "event.anna_balance_trend"
PROGRAMME_EFFECT = "sensor.anna_programme_effect"
WEEK = timedelta(days=7)
RECENT = YESTERDAY - timedelta(days=13)
"""Two weeks before the end of the history: enough sessions since for a new baseline."""


def anna_device(hass: HomeAssistant) -> str:
    device = dr.async_get(hass).async_get_device(identifiers={(DOMAIN, ANNA_ID)})
    assert device is not None
    return device.id


async def restart_baseline(hass: HomeAssistant, **data: Any) -> None:
    await hass.services.async_call(DOMAIN, "restart_baseline", data, blocking=True)


def stored(entry: MockConfigEntry) -> Any:
    return entry.subentries[ANNA_ID].data.get(CONF_BASELINE_FROM)


@pytest.mark.usefixtures("declining_anna")
async def test_a_restart_ends_the_decline_at_once_and_says_why(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    coordinator = mock_config_entry.runtime_data.coordinator
    assert hass.states.get(DECLINING).state == "on"
    assert "trend_reasons" in hass.states.get(FALL_RISK).attributes
    assert coordinator.coach_inputs(ANNA_ID).declining
    event_before = hass.states.get(TREND_EVENT).state

    await restart_baseline(hass, person=anna_device(hass))  # no date: today

    # Applied before the action returned: no waiting for the entry's update listener.
    assert stored(mock_config_entry) == TODAY.isoformat()
    declining = hass.states.get(DECLINING)
    assert declining.state == "off"
    assert declining.attributes["baseline_since"] == TODAY.isoformat()
    assert declining.attributes["declining_measures"] == []
    risk = hass.states.get(FALL_RISK)
    assert "trend_reasons" not in risk.attributes
    assert "level_from_results" not in risk.attributes
    assert not coordinator.coach_inputs(ANNA_ID).declining
    for entity_id in (SLS_CHANGE, SLS_SLOPE):
        state = hass.states.get(entity_id)
        assert state.state == STATE_UNKNOWN
        assert state.attributes["baseline_since"] == TODAY.isoformat()
        assert state.attributes["status"] == "building_baseline"
        assert state.attributes["sessions"] == 0
        assert state.attributes["explanation"] == [
            "Single-leg stance left: the baseline was started again on "
            f"{TODAY.isoformat()}; 0 sessions since.",
            "Single-leg stance left: 9 more sessions are needed for a personal baseline.",
        ]
    await hass.async_block_till_done()
    # A restart is no recovery: the trend event does not fire.
    assert hass.states.get(TREND_EVENT).state == event_before


async def test_a_restart_in_the_past_builds_a_new_baseline_from_the_sessions_since(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, declining_anna: list[SessionRecord]
) -> None:
    await restart_baseline(hass, config_entry_id=ENTRY_ID, person="anna", date=RECENT.isoformat())
    expected = engine_trend(declining_anna, baseline_from=RECENT)
    sls = expected.measure(TrendMeasure.SINGLE_LEG_LEFT)
    assert sls.baseline is not None
    assert sls.baseline_since == RECENT
    assert (
        sls.baseline != engine_trend(declining_anna).measure(TrendMeasure.SINGLE_LEG_LEFT).baseline
    )

    change = hass.states.get(SLS_CHANGE)
    assert change.attributes["baseline"] == pytest.approx(sls.baseline, abs=1e-3)
    assert float(change.state) == pytest.approx(sls.change_pct, abs=0.05)
    assert change.attributes["baseline_since"] == RECENT.isoformat()
    assert change.attributes["sessions"] == sls.sessions
    assert hass.states.get(DECLINING).state == ("on" if expected.declining else "off")


@pytest.mark.usefixtures("declining_anna")
async def test_the_restart_survives_a_restart_of_the_entry_and_a_change_of_details(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    await restart_baseline(hass, person=anna_device(hass), date=RECENT.isoformat())
    await restart_baseline(hass, person=anna_device(hass), date=RECENT.isoformat())  # no change
    assert stored(mock_config_entry) == RECENT.isoformat()

    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert hass.states.get(SLS_CHANGE).attributes["baseline_since"] == RECENT.isoformat()

    # Changing her details keeps it (it is not on the form).
    result = await mock_config_entry.start_subentry_reconfigure_flow(hass, SUBENTRY_PERSON, ANNA_ID)
    result = await hass.config_entries.subentries.async_configure(
        result["flow_id"],
        {"name": "Anna", "birth_year": 1953, "sex": "female"}
        | {"weight_min_kg": 55.0, "weight_max_kg": 70.0},
    )
    assert result["reason"] == "reconfigure_successful"
    await hass.async_block_till_done()
    assert stored(mock_config_entry) == RECENT.isoformat()
    assert mock_config_entry.subentries[ANNA_ID].data["birth_year"] == 1953
    assert hass.states.get(SLS_CHANGE).attributes["baseline_since"] == RECENT.isoformat()


async def test_clear_or_the_first_day_undoes_the_restart(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, declining_anna: list[SessionRecord]
) -> None:
    await restart_baseline(hass, person=anna_device(hass))
    assert hass.states.get(DECLINING).state == "off"

    await restart_baseline(hass, person=anna_device(hass), clear=True)
    assert stored(mock_config_entry) is None
    assert hass.states.get(DECLINING).state == "on"
    assert hass.states.get(SLS_CHANGE).attributes["baseline_since"] is None

    first = min(record.started_at for record in declining_anna).astimezone(
        dt_util.get_default_time_zone()
    )
    await restart_baseline(hass, person=anna_device(hass), date=first.date().isoformat())
    assert hass.states.get(DECLINING).state == "on"
    assert hass.states.get(SLS_CHANGE).attributes["baseline_since"] is None


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"person": "Zoe", "config_entry_id": ENTRY_ID}, "unknown_person"),
        ({"person": "Anna", "config_entry_id": ENTRY_ID, "date": "2026-06-02"}, None),
        (
            {"person": "Anna", "config_entry_id": ENTRY_ID, "date": "2026-05-01", "clear": True},
            "baseline_clear_with_date",
        ),
    ],
)
@pytest.mark.usefixtures("declining_anna")
async def test_bad_calls_are_refused_and_leave_the_stored_day_alone(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry, data: dict[str, Any], key: str | None
) -> None:
    await restart_baseline(hass, person=anna_device(hass), date=RECENT.isoformat())
    with pytest.raises(ServiceValidationError) as err:
        await restart_baseline(hass, **data)
    assert err.value.translation_key == (key or "baseline_date_in_future")
    if key is None:
        assert err.value.translation_placeholders == {"date": "2026-06-02"}
    assert stored(mock_config_entry) == RECENT.isoformat()
    assert hass.states.get(SLS_CHANGE).attributes["baseline_since"] == RECENT.isoformat()


async def test_a_stored_day_that_is_not_a_date_is_ignored(caplog: pytest.LogCaptureFixture) -> None:
    assert baseline_from({CONF_BASELINE_FROM: "3 March"}) is None
    assert baseline_from({CONF_BASELINE_FROM: 20260303}) is None
    assert "not a date" in caplog.text
    assert baseline_from({CONF_BASELINE_FROM: "2026-03-03"}) == date(2026, 3, 3)
    assert baseline_from({}) is None


@pytest.mark.usefixtures("declining_anna")
async def test_the_programme_effect_counts_from_a_restarted_baseline(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    began = YESTERDAY - timedelta(days=27)
    # The programme began four weeks ago and has a walk logged (its effect is judged from then).
    for action, data in (
        ("restart_programme", {"start_date": began.isoformat()}),
        ("log_retro_walk", {"minutes": 5}),
    ):
        await hass.services.async_call(
            DOMAIN, action, {"person": anna_device(hass), **data}, blocking=True
        )
    await hass.async_block_till_done()
    assert hass.states.get(PROGRAMME_EFFECT).state == "worsened"

    # An operation a week into the programme: the weeks before it are another person's balance.
    await restart_baseline(hass, person=anna_device(hass), date=(began + WEEK).isoformat())
    effect = hass.states.get(PROGRAMME_EFFECT)
    assert effect.state == "too_few_sessions"
    sls = effect.attributes["measures"]["single_leg_left"]
    assert sls["before_sessions"] == 0
    assert sls["since_sessions"] > 0
