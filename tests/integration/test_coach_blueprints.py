"""The walking-reminder blueprints, run: the speaker says the reminder, the phone's buttons act.

(`test_blueprints.py` validates every blueprint of the folder with Home Assistant's schema.)
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest.mock import AsyncMock, patch

from freezegun.api import FrozenDateTimeFactory
from homeassistant.components.mobile_app import device_action as mobile_app_actions
from homeassistant.core import HomeAssistant
from homeassistant.helpers import device_registry as dr
from homeassistant.helpers.template import render_complex
from homeassistant.setup import async_setup_component
from pytest_homeassistant_custom_component.common import (
    MockConfigEntry,
    async_fire_time_changed,
    async_mock_service,
)
from pytest_homeassistant_custom_component.typing import MqttMockHAClient

from custom_components.retro_balance.engine.coach.activities import LoggedVia
from custom_components.retro_balance.engine.coach.programme import ActivityKind

from .coach_helpers import ANNA_REMINDER, coach_state, set_up_at, travel, utc

BLUEPRINTS = Path(__file__).parents[2] / "blueprints" / "automation" / "retro_balance"
NOTIFICATION = "retro_walk_reminder_notification.yaml"
SPEAKER = "retro_walk_reminder_speaker.yaml"


async def set_up_with_blueprint(
    hass: HomeAssistant,
    freezer: FrozenDateTimeFactory,
    entry: MockConfigEntry,
    tmp_path: Path,
    blueprint: str,
    inputs: dict[str, Any],
) -> None:
    """The pad on a Monday morning, Anna reminded at 10:00, an automation from `blueprint`."""
    await set_up_at(hass, freezer, entry, "2026-03-02T09:00:00+01:00")
    hass.config.config_dir = str(tmp_path)
    target = tmp_path / "blueprints" / "automation" / "retro_balance"
    target.mkdir(parents=True)
    shutil.copy(BLUEPRINTS / blueprint, target / blueprint)
    assert await async_setup_component(
        hass,
        "automation",
        {
            "automation": {
                "alias": "Anna's walk",
                "use_blueprint": {
                    "path": f"retro_balance/{blueprint}",
                    "input": {"reminder_event": ANNA_REMINDER, **inputs},
                },
            }
        },
    )
    await hass.async_block_till_done()
    assert hass.states.get("automation.anna_s_walk").state == "on"


async def test_the_speaker_says_the_reminder(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    tmp_path: Path,
) -> None:
    spoken = async_mock_service(hass, "tts", "speak")
    await set_up_with_blueprint(
        hass,
        freezer,
        mock_config_entry,
        tmp_path,
        SPEAKER,
        {"tts_engine": "tts.home", "media_player": "media_player.kitchen"},
    )
    await travel(hass, freezer, "2026-03-02T10:05:00+01:00")
    (speech,) = spoken
    assert speech.data["entity_id"] == ["tts.home"]
    assert speech.data["media_player_entity_id"] == "media_player.kitchen"
    assert speech.data["message"].startswith(
        "Anna. Time to walk backwards. Walk backwards for 3 to 5 minutes."
    )


def notification(notify: AsyncMock) -> dict[str, Any]:
    """What the device action was asked to send, rendered as the mobile app would."""
    _hass, config, variables, _context = notify.await_args.args
    rendered: dict[str, Any] = render_complex(config, variables)
    return rendered


async def reminder_waiting_for_an_answer(
    hass: HomeAssistant, freezer: FrozenDateTimeFactory, at: str, sent: Callable[[], bool]
) -> None:
    """Reach the reminder at `at` and let the automation send it and start waiting.

    No `async_block_till_done` while the automation waits for a button: it would wait for the
    automation, which waits for the clock, which does not move.
    """
    await travel(hass, freezer, utc(at) - timedelta(minutes=1))
    freezer.move_to(at)
    async_fire_time_changed(hass)
    for _ in range(100):
        if sent():
            return
        await asyncio.sleep(0)
    raise AssertionError(f"no notification for the reminder at {at}")


async def test_the_phone_notification_logs_the_walk_or_snoozes(
    hass: HomeAssistant,
    mqtt_mock: MqttMockHAClient,
    freezer: FrozenDateTimeFactory,
    mock_config_entry: MockConfigEntry,
    device_registry: dr.DeviceRegistry,
    tmp_path: Path,
) -> None:
    phone_entry = MockConfigEntry(domain="mobile_app", data={"webhook_id": "phone"})
    phone_entry.add_to_hass(hass)
    phone = device_registry.async_get_or_create(
        config_entry_id=phone_entry.entry_id, identifiers={("mobile_app", "phone")}, name="Phone"
    )
    notify = AsyncMock()
    with patch.object(mobile_app_actions, "async_call_action_from_config", notify):
        await set_up_with_blueprint(
            hass, freezer, mock_config_entry, tmp_path, NOTIFICATION, {"notify_device": phone.id}
        )
        await reminder_waiting_for_an_answer(
            hass, freezer, "2026-03-02T10:00:00+01:00", lambda: notify.await_count == 1
        )
        sent = notification(notify)
        assert sent["device_id"] == phone.id
        assert sent["title"] == "Time to walk backwards"
        assert "Keep a hand on a wall or rail." in sent["message"]
        assert [button["title"] for button in sent["data"]["actions"]] == ["Done", "Snooze 30 min"]
        _, snooze = (button["action"] for button in sent["data"]["actions"])
        # "Snooze 30 min" on the phone.
        hass.bus.async_fire("mobile_app_notification_action", {"action": snooze})
        await hass.async_block_till_done()
        assert coach_state(mock_config_entry).reminders.snoozed_until == utc(
            "2026-03-02T10:30:00+01:00"
        )
        # The snoozed reminder comes; "Done" this time.
        await reminder_waiting_for_an_answer(
            hass, freezer, "2026-03-02T10:30:00+01:00", lambda: notify.await_count == 2
        )
        done, _ = (button["action"] for button in notification(notify)["data"]["actions"])
        hass.bus.async_fire("mobile_app_notification_action", {"action": done})
        await hass.async_block_till_done()
    (walk,) = coach_state(mock_config_entry).activities
    assert (walk.kind, walk.logged_via, walk.duration_s) == (
        ActivityKind.RETRO_WALK,
        LoggedVia.ACTION,
        180.0,
    )
