"""The coach state of a pad's people, kept in Home Assistant's storage (versioned, quarantined).

Layout (version 1.1), one file per pad, `.storage/retro_balance.<entry_id>.coach`:

    {"people": {"<person_id>": <CoachState.as_dict()>, ...},
     "quarantine": [{"person_id": ..., "state": <as stored>, "error": "..."}, ...]}

A person's state that does not read back (`CoachState.from_dict` refuses it: a wrong schema
version, a broken phase history, ...) is logged, moved to `quarantine` exactly as it was stored,
and written back with every save: never shown, never lost. That person starts a new programme.
One bad activity inside a state costs nothing else: the engine keeps it in the state's own
`quarantine` (docs/coach.md). The file holds no raw traces and stays small (a year of daily
walks is about 100 kB).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .engine.coach.state import CoachState

COACH_STORAGE_VERSION = 1
COACH_STORAGE_MINOR_VERSION = 1
SAVE_DELAY_S = 1.0
"""Changes the coach makes on its own (reminder checks, daily rules) are written within this."""


def coach_storage_key(entry_id: str) -> str:
    """Return the storage key of a pad's coach file."""
    return f"{DOMAIN}.{entry_id}.coach"


class CoachStore:
    """The coach states of one pad's people: read at start-up, written on every change."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the pad's coach file (nothing is read yet)."""
        self._store: Store[dict[str, Any]] = Store(
            hass,
            COACH_STORAGE_VERSION,
            coach_storage_key(entry_id),
            minor_version=COACH_STORAGE_MINOR_VERSION,
        )
        self.states: dict[str, CoachState] = {}
        self._quarantine: list[Any] = []

    @property
    def quarantined(self) -> int:
        """How many stored states (or unreadable files) are set aside."""
        return len(self._quarantine)

    async def async_load(self) -> None:
        """Read every person's state; one that cannot be read is logged and set aside."""
        data = await self._store.async_load()
        if data is None:
            return
        people = data.get("people") if isinstance(data, Mapping) else None
        if not isinstance(people, Mapping):
            LOGGER.warning("The coach file %s cannot be read; kept aside", self._store.key)
            self._quarantine.append({"person_id": None, "state": data, "error": "not a layout"})
            return
        for person_id, raw in people.items():
            try:
                self.states[str(person_id)] = CoachState.from_dict(raw)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                LOGGER.warning(
                    "The coach state of person %s in %s cannot be read and is kept aside "
                    "(a new programme starts): %s",
                    person_id,
                    self._store.key,
                    err,
                )
                self._quarantine.append({"person_id": person_id, "state": raw, "error": str(err)})
        quarantine = data.get("quarantine", [])
        self._quarantine.extend(quarantine if isinstance(quarantine, list) else [quarantine])

    def _data(self) -> dict[str, Any]:
        return {
            "people": {person_id: state.as_dict() for person_id, state in self.states.items()},
            "quarantine": self._quarantine,
        }

    async def async_save(self) -> None:
        """Write now (returns once written)."""
        await self._store.async_save(self._data())

    def schedule_save(self) -> None:
        """Write soon (also written when Home Assistant stops)."""
        self._store.async_delay_save(self._data, SAVE_DELAY_S)

    async def async_remove(self) -> None:
        """Delete the file (the pad was removed)."""
        await self._store.async_remove()
