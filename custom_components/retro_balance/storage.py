"""Every session of a pad, kept in Home Assistant's storage (versioned, with migrations).

Layout (version 2.1), one file per pad, `.storage/retro_balance.<entry_id>`:

    {"sessions": [<SessionRecord.as_dict()>, ...],     # oldest first
     "quarantine": [<records that could not be read>]}  # kept, never shown, never lost

A session's raw centre-of-pressure trace (for `export_history` with `include_raw_cop`) is large, so
it lives in its own file, `.storage/retro_balance.<entry_id>.cop.<session_id>`:
`{"rate_hz": .., "ap_cm": [..], "ml_cm": [..]}`. The pad's file is rewritten on every save and
must stay small.

Version 1 (the first prototype) grouped records by person and had no unassigned sessions:
`{"history": {"<person_id>": [<record without person_id>, ...]}}`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .engine.clinical.session import SessionRecord

STORAGE_VERSION = 2
STORAGE_MINOR_VERSION = 1
COP_STORAGE_VERSION = 1

type RawCop = dict[str, Any]


class RawCopTraces:
    """Traces read for an export, looked up by session id (`engine.session.RawCopSource`)."""

    def __init__(self, traces: Mapping[str, RawCop]) -> None:
        """Hold the traces that were read."""
        self._traces = traces

    def raw_cop(self, session_id: str) -> RawCop | None:
        """Return the session's trace, None when none was kept."""
        return self._traces.get(session_id)


def _migrate_v1(old_data: dict[str, Any]) -> dict[str, Any]:
    sessions: list[Any] = []
    quarantine: list[Any] = []
    history = old_data.get("history")
    if not isinstance(history, dict):
        history = {}
        quarantine.append(old_data)
    for person_id, records in history.items():
        if not isinstance(records, list):
            quarantine.append({"person_id": person_id, "records": records})
            continue
        for record in records:
            if isinstance(record, dict):
                sessions.append({**record, "person_id": person_id})
            else:
                quarantine.append(record)
    sessions.sort(key=lambda record: str(record.get("started_at", "")))
    return {"sessions": sessions, "quarantine": quarantine}


class _SessionStore(Store[dict[str, Any]]):
    """The pad's store, able to read older layouts."""

    async def _async_migrate_func(
        self, old_major_version: int, old_minor_version: int, old_data: dict[str, Any]
    ) -> dict[str, Any]:
        """Bring data written by an older version to the current layout."""
        if old_major_version == 1:
            return _migrate_v1(old_data)
        return old_data


class SessionHistory:
    """The sessions of one pad: read at start-up, written before anything is announced."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the pad's storage file (nothing is read yet)."""
        self._hass = hass
        self._key = f"{DOMAIN}.{entry_id}"
        self._store = _SessionStore(
            hass, STORAGE_VERSION, self._key, minor_version=STORAGE_MINOR_VERSION
        )
        self._records: dict[str, SessionRecord] = {}
        self._quarantine: list[Any] = []

    async def async_load(self) -> None:
        """Read the stored sessions; a record that cannot be read is logged and set aside."""
        data = await self._store.async_load() or {}
        for index, raw in enumerate(data.get("sessions", [])):
            try:
                record = SessionRecord.from_dict(raw)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                LOGGER.warning(
                    "Skipping stored session %s of %s that cannot be read: %s",
                    index,
                    self._store.key,
                    err,
                )
                self._quarantine.append(raw)
                continue
            self._records[record.session_id] = record
        self._quarantine.extend(data.get("quarantine", []))

    @property
    def sessions(self) -> tuple[SessionRecord, ...]:
        """Every readable session, oldest first."""
        return tuple(sorted(self._records.values(), key=lambda record: record.started_at))

    @property
    def quarantined(self) -> int:
        """How many stored records could not be read."""
        return len(self._quarantine)

    def for_person(self, person_id: str | None) -> tuple[SessionRecord, ...]:
        """One person's sessions (None: the unassigned ones), oldest first."""
        return tuple(record for record in self.sessions if record.person_id == person_id)

    def get(self, session_id: str) -> SessionRecord | None:
        """Return a session by id."""
        return self._records.get(session_id)

    def _cop_store(self, session_id: str) -> Store[RawCop]:
        return Store(self._hass, COP_STORAGE_VERSION, f"{self._key}.cop.{session_id}")

    async def async_load_raw_cop(self, session_ids: Iterable[str]) -> RawCopTraces:
        """Read the centre-of-pressure traces kept with these sessions (for an export)."""
        traces: dict[str, RawCop] = {}
        for session_id in session_ids:
            if (trace := await self._cop_store(session_id).async_load()) is not None:
                traces[session_id] = trace
        return RawCopTraces(traces)

    async def async_add(self, record: SessionRecord, raw_cop: RawCop | None = None) -> None:
        """Store a new session and its trace (returns once both are written)."""
        if raw_cop is not None:
            await self._cop_store(record.session_id).async_save(raw_cop)
        self._records[record.session_id] = record
        await self._async_save()

    async def async_add_many(self, records: Iterable[SessionRecord]) -> None:
        """Store several new sessions (an import) in one write."""
        for record in records:
            self._records[record.session_id] = record
        await self._async_save()

    async def async_replace(self, *records: SessionRecord) -> None:
        """Store changed sessions (assigned to a person, assessed again) in one write."""
        for record in records:
            self._records[record.session_id] = record
        await self._async_save()

    async def async_delete(self, session_id: str) -> None:
        """Forget a session and its trace."""
        self._records.pop(session_id, None)
        await self._async_save()
        await self._cop_store(session_id).async_remove()

    async def async_remove(self) -> None:
        """Delete every file of the pad (it was removed); call after `async_load`."""
        for session_id in self._records:
            await self._cop_store(session_id).async_remove()
        await self._store.async_remove()

    async def _async_save(self) -> None:
        await self._store.async_save(
            {
                "sessions": [record.as_dict() for record in self.sessions],
                "quarantine": self._quarantine,
            }
        )
