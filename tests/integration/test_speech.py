"""Spoken guidance: with a voice and a speaker in the options, the pad's guidance is said aloud."""

from __future__ import annotations

from typing import Any

import pytest
from homeassistant.core import HomeAssistant, ServiceCall
from homeassistant.data_entry_flow import FlowResultType
from homeassistant.exceptions import HomeAssistantError
from pytest_homeassistant_custom_component.common import MockConfigEntry, async_mock_service

from custom_components.retro_balance.const import (
    CONF_CAP_S,
    CONF_DAILY_TESTS,
    CONF_MEDIA_PLAYER,
    CONF_TRIALS,
    CONF_TTS_ENGINE,
    DOMAIN,
)
from pad_simulator.scenarios import generate

from .helpers import ENTRY_ID, play

VOICE = {CONF_TTS_ENGINE: "tts.piper", CONF_MEDIA_PLAYER: "media_player.hall_speaker"}


async def tandem_for_anna(hass: HomeAssistant) -> None:
    """Anna (62 kg) does a tandem stance test and loses her balance after 12 s."""
    await hass.services.async_call(
        DOMAIN, "start_test", {"config_entry_id": ENTRY_ID, "test": "tandem"}, blocking=True
    )
    await play(hass, generate("tandem", seed=2, weight_kg=62.0, lose_balance_at_s=12.0))
    await hass.async_block_till_done(wait_background_tasks=True)


def with_voice(hass: HomeAssistant, entry: MockConfigEntry) -> None:
    hass.config_entries.async_update_entry(entry, options={**entry.options, **VOICE})


async def test_the_check_is_spoken_on_the_chosen_speaker(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    calls = async_mock_service(hass, "tts", "speak")
    with_voice(hass, init_integration)
    await tandem_for_anna(hass)
    assert {call.data["entity_id"] for call in calls} == {"tts.piper"}
    assert {call.data["media_player_entity_id"] for call in calls} == {"media_player.hall_speaker"}
    assert {call.data["language"] for call in calls} == {"en"}
    said = [call.data["message"] for call in calls]
    assert said == [
        "Step on the pad.",
        "Put one foot right in front of the other, heel to toe.",
        "Good — now hold.",
        "Tandem stance: 12.2 s — well done. All done — you can step off the pad.",
        "Anna: Tandem stance 12.2 s. Thank you!",
    ]


async def test_nothing_is_spoken_without_a_voice(
    hass: HomeAssistant, init_integration: MockConfigEntry
) -> None:
    calls = async_mock_service(hass, "tts", "speak")
    await tandem_for_anna(hass)
    assert calls == []
    # The pad's own beeps are the default, with or without a voice.


async def test_an_engine_without_the_language_is_asked_in_its_own(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    """A voice for another language refuses 'en': asked again without one, then never with it."""
    calls: list[dict[str, Any]] = []

    async def speak(call: ServiceCall) -> None:
        calls.append(dict(call.data))
        if "language" in call.data:
            raise HomeAssistantError("Language 'en' not supported")

    hass.services.async_register("tts", "speak", speak)
    with_voice(hass, init_integration)
    await tandem_for_anna(hass)
    assert ["language" in call for call in calls] == [True, False, False, False, False, False]
    assert calls[-1]["message"] == "Anna: Tandem stance 12.2 s. Thank you!"
    assert caplog.text.count("did not take language en") == 1


async def test_a_missing_tts_service_is_logged_and_the_check_goes_on(
    hass: HomeAssistant,
    init_integration: MockConfigEntry,
    hass_storage: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
) -> None:
    with_voice(hass, init_integration)
    await tandem_for_anna(hass)
    assert caplog.text.count("Cannot speak the pad's guidance") == 1  # once a minute at most
    assert len(hass_storage[f"{DOMAIN}.{ENTRY_ID}"]["data"]["sessions"]) == 1


async def test_a_failing_speaker_is_logged_not_raised(
    hass: HomeAssistant, init_integration: MockConfigEntry, caplog: pytest.LogCaptureFixture
) -> None:
    async def speak(call: ServiceCall) -> None:
        raise HomeAssistantError("media_player.hall_speaker is unavailable")

    hass.services.async_register("tts", "speak", speak)
    with_voice(hass, init_integration)
    await tandem_for_anna(hass)
    assert "Cannot speak the pad's guidance: media_player.hall_speaker is unavailable" in (
        caplog.text
    )


async def test_options_take_a_voice_and_a_speaker_together(
    hass: HomeAssistant, mock_config_entry: MockConfigEntry
) -> None:
    mock_config_entry.add_to_hass(hass)
    check = {CONF_CAP_S: 30, "test_1": "tandem", CONF_TRIALS: 3}
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**check, CONF_TTS_ENGINE: "tts.piper"}
    )
    assert result["errors"] == {CONF_MEDIA_PLAYER: "speech_needs_both"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**check, CONF_MEDIA_PLAYER: "media_player.hall_speaker"}
    )
    assert result["errors"] == {CONF_TTS_ENGINE: "speech_needs_both"}
    result = await hass.config_entries.options.async_configure(
        result["flow_id"], {**check, **VOICE}
    )
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert mock_config_entry.options == {
        CONF_CAP_S: 30,
        CONF_DAILY_TESTS: ["tandem"],
        CONF_TRIALS: 3,
        **VOICE,
    }
    # The form shows them again; emptied, the pad only beeps.
    result = await hass.config_entries.options.async_init(mock_config_entry.entry_id)
    suggested = {
        str(key): key.description["suggested_value"]
        for key in result["data_schema"].schema
        if getattr(key, "description", None)
    }
    assert {field: suggested[field] for field in VOICE} == VOICE
    result = await hass.config_entries.options.async_configure(result["flow_id"], check)
    assert result["type"] is FlowResultType.CREATE_ENTRY
    assert CONF_TTS_ENGINE not in mock_config_entry.options
    assert CONF_MEDIA_PLAYER not in mock_config_entry.options
