"""What a loaded pad entry holds (`entry.runtime_data`) and the settings applied to it live."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from homeassistant.config_entries import ConfigEntry

from .coordinator import PadCoordinator
from .sessions import PadSessions


@dataclass(frozen=True, kw_only=True)
class EntrySettings:
    """The part of a pad's entry that is applied live when it changes: options and people."""

    options: dict[str, Any]
    people: dict[str, tuple[str, dict[str, Any]]]
    """Each person subentry's title and data, by subentry id."""

    @classmethod
    def of(cls, entry: ConfigEntry[Any]) -> EntrySettings:
        """Snapshot the entry's options and person subentries."""
        return cls(
            options=dict(entry.options),
            people={key: (sub.title, dict(sub.data)) for key, sub in entry.subentries.items()},
        )


@dataclass(kw_only=True)
class RetroBalanceData:
    """A loaded pad: its live coordinator, its stored sessions, the settings applied to it."""

    coordinator: PadCoordinator
    sessions: PadSessions
    settings: EntrySettings
    """The options and people applied last (`live_settings.async_apply_settings`)."""


type RetroBalanceConfigEntry = ConfigEntry[RetroBalanceData]
