"""The blueprints: valid for Home Assistant, and doing their job in a running instance."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.automation.config import AUTOMATION_BLUEPRINT_SCHEMA
from homeassistant.components.blueprint.models import Blueprint
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.setup import async_setup_component
from homeassistant.util import dt as dt_util
from homeassistant.util.yaml import load_yaml_dict
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)

from custom_components.retro_balance.engine.trends.results import TrendEventKind
from tests.paths import REPO

from .trend_history import (
    NOW,
    YESTERDAY,
    before_day,
    check_on,
    declining_history,
    first_event,
    import_sessions,
    on_day,
    set_up,
    start,
    store,
)

pytestmark = pytest.mark.usefixtures("mqtt_mock")

FOLDER = REPO / "blueprints" / "automation" / "retro_balance"
DECLINE = "retro_balance/decline_detected.yaml"
REMINDER = "retro_balance/daily_check_reminder.yaml"
NOTIFY = [{"action": "test.notify", "data": {"title": "{{ title }}", "message": "{{ message }}"}}]


@pytest.mark.parametrize("path", sorted(FOLDER.glob("*.yaml")), ids=lambda path: path.name)
def test_each_blueprint_is_valid(path: Path) -> None:
    # Home Assistant 2025.4 wants the domain's schema as well (the automation blueprint schema).
    blueprint = Blueprint(
        load_yaml_dict(str(path)), expected_domain="automation", schema=AUTOMATION_BLUEPRINT_SCHEMA
    )
    assert blueprint.domain == "automation"
    assert blueprint.validate() is None  # no problems
    assert blueprint.metadata["source_url"].endswith(f"automation/retro_balance/{path.name}")


@pytest.fixture
def blueprints(hass: HomeAssistant, tmp_path: Path) -> None:
    """A configuration folder of its own, with the blueprints where users import them to."""
    hass.config.config_dir = str(tmp_path)
    shutil.copytree(FOLDER, tmp_path / "blueprints" / "automation" / "retro_balance")


async def automation(hass: HomeAssistant, path: str, *more: dict[str, Any], **inputs: Any) -> None:
    """Set up automations from the blueprint at `path`: one with `inputs`, one per `more`."""
    configs = [
        {"alias": f"{path} {index}", "use_blueprint": {"path": path, "input": given}}
        for index, given in enumerate([inputs, *more])
    ]
    assert await async_setup_component(hass, "automation", {"automation": configs})
    await hass.async_block_till_done()


@pytest.mark.usefixtures("blueprints")
async def test_a_confirmed_decline_notifies_once_with_its_reasons(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    records = declining_history()
    confirmed_on, _ = first_event(records, TrendEventKind.DECLINE_DETECTED)
    await start(hass, mock_config_entry, hass_storage, freezer, before_day(records, confirmed_on))
    calls: list[ServiceCall] = async_mock_service(hass, "test", "notify")
    await automation(hass, DECLINE, trend_event="event.anna_balance_trend", notify=NOTIFY)

    await import_sessions(hass, on_day(records, confirmed_on))
    await hass.async_block_till_done()

    (call,) = calls
    assert call.data["title"] == "Anna: balance declining"
    message = call.data["message"]
    assert message.startswith(f"Anna's balance has declined (confirmed on {confirmed_on}).")
    assert "beyond measurement error" in message

    # A reload and a restart of the pad bring the same event back: no second notification.
    assert await hass.config_entries.async_reload(mock_config_entry.entry_id)
    await hass.async_block_till_done()
    assert len(calls) == 1


@pytest.mark.usefixtures("blueprints")
@pytest.mark.usefixtures("declining_anna")
async def test_recovery_is_told_unless_not_wanted(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    freezer: FrozenDateTimeFactory,
) -> None:
    calls: list[ServiceCall] = async_mock_service(hass, "test", "notify")
    quiet: list[ServiceCall] = async_mock_service(hass, "test", "quiet")
    await automation(
        hass,
        DECLINE,
        {
            "trend_event": "event.anna_balance_trend",
            "tell_recovery": False,
            "notify": [{"action": "test.quiet", "data": {"message": "{{ message }}"}}],
        },
        trend_event="event.anna_balance_trend",
        notify=NOTIFY,
    )
    for offset in range(1, 13):
        day = YESTERDAY + timedelta(days=offset)
        freezer.move_to(f"{day.isoformat()}T17:00:00+00:00")
        await import_sessions(hass, [check_on(day)])
    assert calls
    assert all(call.data["title"] == "Anna: balance recovered" for call in calls)
    assert "back near the baseline" in calls[0].data["message"]
    assert quiet == []


@pytest.mark.usefixtures("blueprints")
async def test_the_default_action_shows_a_notification(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    records = declining_history()
    confirmed_on, _ = first_event(records, TrendEventKind.DECLINE_DETECTED)
    await start(hass, mock_config_entry, hass_storage, freezer, before_day(records, confirmed_on))
    shown: list[ServiceCall] = async_mock_service(hass, "persistent_notification", "create")
    await automation(hass, DECLINE, trend_event="event.anna_balance_trend", tell_recovery=False)
    await import_sessions(hass, on_day(records, confirmed_on))
    await hass.async_block_till_done()
    (call,) = shown
    assert call.data["title"] == "Anna: balance declining"


@pytest.mark.usefixtures("blueprints")
async def test_the_reminder_comes_only_on_a_day_without_a_check(
    hass: HomeAssistant,
    mock_config_entry: MockConfigEntry,
    hass_storage: dict[str, Any],
    freezer: FrozenDateTimeFactory,
) -> None:
    freezer.move_to(NOW)  # 10:00 local; the last check was yesterday
    store(hass_storage, declining_history())
    await set_up(hass, mock_config_entry)
    calls: list[ServiceCall] = async_mock_service(hass, "test", "notify")
    await automation(
        hass, REMINDER, last_check="sensor.anna_last_check", remind_at="18:00:00", notify=NOTIFY
    )

    async def at_six_pm() -> None:
        now = dt_util.now()
        freezer.move_to(now.replace(hour=18, minute=0, second=0, microsecond=0))
        async_fire_time_changed(hass, dt_util.utcnow())
        await hass.async_block_till_done()

    await at_six_pm()
    (call,) = calls
    assert call.data == {
        "title": "Balance check",
        "message": "Anna has not done the balance check today yet.",
    }

    # The next day Anna does her check in the morning: no reminder in the evening.
    freezer.move_to(f"{YESTERDAY + timedelta(days=2)}T16:00:00+00:00")  # 09:00 local
    await import_sessions(hass, [check_on(YESTERDAY + timedelta(days=2))])
    await at_six_pm()
    assert len(calls) == 1
