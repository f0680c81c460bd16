"""Every session of a pad, kept in Home Assistant's storage (versioned, defended, never lost).

Layout (version 2.1), one file per pad, `.storage/retro_balance.<entry_id>`:

    {"sessions": [<SessionRecord.as_dict()>, ...],     # oldest first
     "quarantine": [<records that could not be read>]}  # kept, never shown, never lost

A session's raw centre-of-pressure trace (for `export_history` with `include_raw_cop`) is large, so
it lives in its own file, `.storage/retro_balance.<entry_id>.cop.<session_id>`:
`{"rate_hz": .., "ap_cm": [..], "ml_cm": [..]}`. The pad's file is rewritten (atomically) on every
save and must stay small.

Nothing in the file is trusted (`docs/reliability.md`):
- a newer major version is refused (`StorageTooNewError`): not read, never rewritten;
- before a migration rewrites the file, the file as it was is kept beside it
  (`retro_balance.<entry_id>.backup.v<major>.<minor>`, the same version and data);
- the layout is told by its keys, whatever the label says, and any part or record that cannot be
  read goes to the quarantine (`storage_layout.read_layout`);
- a file whose envelope Home Assistant cannot read (no version, not an object) is copied aside
  byte for byte (`…unreadable.<time>`) and read as well as it can be;
- a file Home Assistant core moved aside as corrupt (`…corrupt.<time>`) is found, so that the
  sessions still whole in it can be imported (`salvage_sessions`, a repair's fix flow).
"""

from __future__ import annotations

import glob
import json
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final

from homeassistant.core import HomeAssistant
from homeassistant.helpers.storage import Store
from homeassistant.util import dt as dt_util

from .const import DOMAIN, LOGGER
from .engine.clinical.session import SessionRecord
from .storage_layout import QUARANTINE_KEY, SESSIONS_KEY, read_layout, salvage_sessions

STORAGE_VERSION: Final = 2
STORAGE_MINOR_VERSION: Final = 1
COP_STORAGE_VERSION: Final = 1
IMPORTED_SUFFIX: Final = ".imported"

type RawCop = dict[str, Any]


class StorageTooNewError(Exception):
    """The pad's file is from a newer Retro Balance (a major version this one cannot read)."""

    def __init__(self, version: int, minor_version: object) -> None:
        """Name the version found."""
        super().__init__(
            f"storage version {version}.{minor_version} is newer than {STORAGE_VERSION}"
        )
        self.version = version


class RawCopTraces:
    """Traces read for an export, looked up by session id (`engine.session.RawCopSource`)."""

    def __init__(self, traces: Mapping[str, RawCop]) -> None:
        """Hold the traces that were read."""
        self._traces = traces

    def raw_cop(self, session_id: str) -> RawCop | None:
        """Return the session's trace, None when none was kept."""
        return self._traces.get(session_id)


class _SessionStore(Store[Any]):
    """The pad's store: refuses newer versions, keeps the old file before a migration."""

    async def _async_migrate_func(
        self, old_major_version: Any, old_minor_version: Any, old_data: Any
    ) -> dict[str, Any]:
        """Bring data written by an older version (or labelled wrongly) to the current layout."""
        major = old_major_version if isinstance(old_major_version, int) else None
        if major is not None and major > STORAGE_VERSION:
            raise StorageTooNewError(major, old_minor_version)
        backup = f"{self.key}.backup.v{old_major_version}.{old_minor_version}"
        await Store[Any](
            self.hass,
            major or 0,
            backup,
            minor_version=old_minor_version if isinstance(old_minor_version, int) else 1,
            atomic_writes=True,
        ).async_save(old_data)
        layout = read_layout(old_data, labelled_major=major)
        LOGGER.info(
            "Migrating %s from version %s.%s (the old file is kept as %s)%s",
            self.key,
            old_major_version,
            old_minor_version,
            backup,
            "".join(f"; {problem}" for problem in layout.problems),
        )
        return {SESSIONS_KEY: layout.sessions, QUARANTINE_KEY: layout.quarantine}


class SessionHistory:
    """The sessions of one pad: read at start-up, written before anything is announced."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the pad's storage file (nothing is read yet)."""
        self._hass = hass
        self._key = f"{DOMAIN}.{entry_id}"
        self._store = _SessionStore(
            hass,
            STORAGE_VERSION,
            self._key,
            minor_version=STORAGE_MINOR_VERSION,
            atomic_writes=True,
        )
        self._records: dict[str, SessionRecord] = {}
        self._quarantine: list[Any] = []

    @property
    def path(self) -> Path:
        """The pad's storage file."""
        return Path(self._store.path)

    async def async_load(self) -> None:
        """Read the stored sessions; what cannot be read is logged and set aside, never dropped.

        Raises `StorageTooNewError` for a file of a newer major version (left untouched).
        """
        try:
            data = await self._store.async_load()
        except StorageTooNewError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError) as err:
            # Home Assistant could not read the file's envelope (no version, not an object).
            data = await self._async_read_unreadable(err)
        layout = read_layout({} if data is None else data, labelled_major=STORAGE_VERSION)
        for problem in layout.problems:
            LOGGER.warning("Stored sessions of %s: %s", self._key, problem)
        for index, raw in enumerate(layout.sessions):
            try:
                record = SessionRecord.from_dict(raw)
            except (ValueError, TypeError, KeyError, AttributeError) as err:
                LOGGER.warning(
                    "Skipping stored session %s of %s that cannot be read: %s",
                    index,
                    self._key,
                    err,
                )
                self._quarantine.append(raw)
                continue
            self._records[record.session_id] = record
        self._quarantine.extend(layout.quarantine)

    async def _async_read_unreadable(self, err: Exception) -> Any:
        """Copy a file Home Assistant could not read aside, byte for byte; return what it holds."""
        path = self.path
        aside = path.with_name(f"{path.name}.unreadable.{dt_util.utcnow():%Y%m%dT%H%M%S}")
        LOGGER.warning(
            "The stored sessions of %s cannot be read as they are (%s); the file is copied to %s "
            "and read as well as it can be",
            self._key,
            err,
            aside,
        )
        # An error copying it propagates: setting up without the copy could overwrite the file.
        text = await self._hass.async_add_executor_job(_copy_and_read, path, aside)
        try:
            whole = json.loads(text)
        except ValueError as read_err:
            LOGGER.error("The stored sessions of %s cannot be read at all: %s", self._key, read_err)
            return None
        data = whole.get("data", whole) if isinstance(whole, dict) else whole
        # Written back at once, in the current format, so that the next start reads it normally.
        layout = read_layout(data, labelled_major=None)
        rewritten = {SESSIONS_KEY: layout.sessions, QUARANTINE_KEY: layout.quarantine}
        await self._store.async_save(rewritten)
        return rewritten

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

    async def async_corrupt_files(self) -> list[Path]:
        """Files Home Assistant core moved aside as corrupt and not imported yet, newest last."""
        path = self.path

        def find() -> list[Path]:
            found = sorted(path.parent.glob(f"{glob.escape(path.name)}.corrupt.*"))
            return [name for name in found if not name.name.endswith(IMPORTED_SUFFIX)]

        return await self._hass.async_add_executor_job(find)

    async def _async_salvage(self, path: Path) -> tuple[list[SessionRecord], list[Any]]:
        """Read the sessions still whole in a corrupt file: the new ones, and the unreadable."""
        text = await self._hass.async_add_executor_job(path.read_text, "utf-8", "replace")
        new: dict[str, SessionRecord] = {}
        unreadable: list[Any] = []
        for raw in salvage_sessions(text):
            try:
                record = SessionRecord.from_dict(raw)
            except (ValueError, TypeError, KeyError, AttributeError):
                unreadable.append(raw)
                continue
            if record.session_id not in self._records:
                new[record.session_id] = record
        return list(new.values()), unreadable

    async def async_salvageable(self, path: Path) -> int:
        """How many sessions an import from a corrupt file would add."""
        return len((await self._async_salvage(path))[0])

    async def async_import_corrupt(self, path: Path) -> int:
        """Import the sessions still whole in a corrupt file; return how many were new.

        Records already stored are skipped, unreadable ones quarantined; the file is then
        renamed `….imported`, so that it is offered only once.
        """
        records, unreadable = await self._async_salvage(path)
        for record in records:
            self._records[record.session_id] = record
        self._quarantine.extend(unreadable)
        imported = len(records)
        await self._async_save()
        await self._hass.async_add_executor_job(
            path.rename, path.with_name(path.name + IMPORTED_SUFFIX)
        )
        LOGGER.info("Imported %s sessions of %s from %s", imported, self._key, path)
        return imported

    async def async_move_quarantine_aside(self) -> str:
        """Move the quarantined parts to a file of their own; return its storage key."""
        key = f"{self._key}.quarantine.{dt_util.utcnow():%Y%m%dT%H%M%S}"
        await Store[Any](self._hass, STORAGE_VERSION, key, atomic_writes=True).async_save(
            {QUARANTINE_KEY: self._quarantine}
        )
        self._quarantine = []
        await self._async_save()
        return key

    async def async_remove(self) -> None:
        """Delete every file of the pad (it was removed); call after `async_load`."""
        for session_id in self._records:
            await self._cop_store(session_id).async_remove()
        await self._store.async_remove()

    async def _async_save(self) -> None:
        await self._store.async_save(
            {
                SESSIONS_KEY: [record.as_dict() for record in self.sessions],
                QUARANTINE_KEY: self._quarantine,
            }
        )


def _copy_and_read(path: Path, aside: Path) -> str:
    """Copy `path` to `aside` (bytes as they are) and return its text."""
    shutil.copy2(path, aside)
    return path.read_text("utf-8", "replace")
