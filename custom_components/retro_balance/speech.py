"""Spoken guidance: the pad's instructions and results said by a TTS engine on a media player.

Optional: only when the pad's options name both (`CONF_TTS_ENGINE`, `CONF_MEDIA_PLAYER`); the
pad's own beeps go on either way. The text is in Home Assistant's language and is asked for in that
language; an engine that refuses it (a voice for another language) is asked again without one,
and not asked for that language again. A failure is logged (at most once a minute per kind),
never raised: a missed sentence must not stop a check.
"""

from __future__ import annotations

from typing import Any, Final

import voluptuous as vol
from homeassistant.config_entries import ConfigEntry
from homeassistant.const import ATTR_ENTITY_ID
from homeassistant.core import HomeAssistant, callback
from homeassistant.exceptions import HomeAssistantError, ServiceNotFound

from .const import CONF_MEDIA_PLAYER, CONF_TTS_ENGINE
from .pad_mqtt import RateLimitedLog

TTS_DOMAIN: Final = "tts"
SERVICE_SPEAK: Final = "speak"
ATTR_MEDIA_PLAYER_ENTITY_ID: Final = "media_player_entity_id"
ATTR_MESSAGE: Final = "message"
ATTR_LANGUAGE: Final = "language"


class Voice:
    """Says sentences through the TTS engine and media player chosen in a pad's options."""

    def __init__(self, hass: HomeAssistant, entry: ConfigEntry[Any]) -> None:
        """Bind to the pad's entry (its options are read at each sentence: they apply live)."""
        self._hass = hass
        self._entry = entry
        self._language_refused: set[tuple[str, str]] = set()
        self._log = RateLimitedLog()

    @property
    def enabled(self) -> bool:
        """Whether the options name a TTS engine and a media player."""
        options = self._entry.options
        return bool(options.get(CONF_TTS_ENGINE) and options.get(CONF_MEDIA_PLAYER))

    @callback
    def say(self, text: str) -> None:
        """Say `text` in the background (nothing when speech is not set up or text is empty)."""
        if not text or not self.enabled:
            return
        options = self._entry.options
        self._entry.async_create_background_task(
            self._hass,
            self.async_say(options[CONF_TTS_ENGINE], options[CONF_MEDIA_PLAYER], text),
            "retro_balance spoken guidance",
        )

    async def async_say(self, engine: str, player: str, text: str) -> None:
        """Call `tts.speak`, in Home Assistant's language if the engine takes it."""
        data: dict[str, Any] = {
            ATTR_ENTITY_ID: engine,
            ATTR_MEDIA_PLAYER_ENTITY_ID: player,
            ATTR_MESSAGE: text,
        }
        language = self._hass.config.language
        if (engine, language) not in self._language_refused:
            try:
                await self._speak({**data, ATTR_LANGUAGE: language})
            except ServiceNotFound as err:
                self._log.warning("no_tts", "Cannot speak the pad's guidance: %s", err)
                return
            except (HomeAssistantError, vol.Invalid) as err:
                self._language_refused.add((engine, language))
                self._log.warning(
                    f"language:{engine}",
                    "%s did not take language %s (%s); its own language is used",
                    engine,
                    language,
                    err,
                )
            else:
                return
        try:
            await self._speak(data)
        except (HomeAssistantError, vol.Invalid) as err:
            self._log.warning(f"speak:{engine}", "Cannot speak the pad's guidance: %s", err)

    async def _speak(self, data: dict[str, Any]) -> None:
        await self._hass.services.async_call(TTS_DOMAIN, SERVICE_SPEAK, data, blocking=True)
