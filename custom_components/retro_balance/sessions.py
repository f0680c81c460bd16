"""A pad's sessions: identify the person, score, store, announce; assign, import, delete later.

Every change is written to storage first and then announced with the dispatcher signal
`session_signal(entry_id)`, carrying a `SessionChange`: the coordinator rebuilds the person's part
of its snapshot, and the event entities fire. The test in progress is kept in the pad's
`RunJournal` until its session is stored; a note left by a Home Assistant that never finished the
test is stored at the next start (`async_recover`). A run that ends with nothing measured stores
no session; unless the user cancelled it, they are told (`notices`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.dispatcher import async_dispatcher_send
from homeassistant.util import dt as dt_util
from homeassistant.util.signal_type import SignalType

from .const import DOMAIN, LOGGER
from .engine.clinical.people import PersonProfile, identify_person
from .engine.clinical.reassess import needing_assessment
from .engine.clinical.session import SessionRecord, assess_session, assign_session
from .engine.detection.daily_check import IncompleteReason
from .engine.signal.cop import centre_of_pressure
from .journal import RunJournal
from .notices import async_nothing_measured, dismiss_nothing_measured
from .runs import FinishedRun
from .storage import RawCop, SessionHistory


class ChangeKind(StrEnum):
    """What happened to a session."""

    STORED = "stored"
    """A new session (a finished run) was stored."""
    ASSIGNED = "assigned"
    """A stored session was filed under a person (and scored for them)."""
    DELETED = "deleted"
    """A session was deleted."""
    IMPORTED = "imported"
    """Sessions were imported (one announcement for all; the record is the newest of them)."""


@dataclass(frozen=True, kw_only=True)
class SessionChange:
    """A session as stored (or as it was, for a deletion) and what happened to it."""

    kind: ChangeKind
    record: SessionRecord


def session_signal(entry_id: str) -> SignalType[SessionChange]:
    """Return the dispatcher signal that announces a pad's session changes."""
    return SignalType(f"{DOMAIN}_{entry_id}_session")


class PadSessions:
    """The stored sessions of one pad and the people they belong to."""

    def __init__(
        self,
        hass: HomeAssistant,
        *,
        entry_id: str,
        pad_id: str,
        history: SessionHistory,
        people: Mapping[str, PersonProfile],
    ) -> None:
        """Bind to the pad's loaded history, its people and its journal."""
        self._hass = hass
        self._entry_id = entry_id
        self._signal = session_signal(entry_id)
        self.journal = RunJournal(hass, entry_id)
        self.pad_id = pad_id
        self.history = history
        self.people = people

    def find_person(self, person: str) -> str | None:
        """Find a person by subentry id or (case-insensitive) name."""
        wanted = person.strip().casefold()
        for person_id, profile in self.people.items():
            if person == person_id or profile.name.casefold() == wanted:
                return person_id
        return None

    def get(self, session_id: str) -> SessionRecord | None:
        """Return a stored session by id."""
        return self.history.get(session_id)

    def for_person(self, person_id: str | None) -> tuple[SessionRecord, ...]:
        """One person's sessions (None: the unassigned ones), oldest first."""
        return self.history.for_person(person_id)

    async def async_recover(self) -> None:
        """Store the test a stopped or killed Home Assistant never finished (`interrupted`)."""
        run = await self.journal.async_read()
        if run is not None and self.history.get(run.session_id) is None:
            LOGGER.warning(
                "Pad %s: Home Assistant stopped during a test started at %s; it is stored as "
                "interrupted with what was measured (%s trials)",
                self.pad_id,
                run.started_at,
                len(run.results),
            )
            await self.async_store_run(run)
        await self.journal.async_remove()

    async def async_assess_stored(self) -> None:
        """Assess again the sessions stored without an assessment, and store them in one write.

        An assessment stored in an older format reads as None (`engine.clinical.assessment`);
        the session's results give one by the current rules. Call once after loading: a session
        assessed here is stored with its assessment, so the next load finds nothing to do. A
        session the engine cannot assess is logged and left as it is.
        """
        assessed: list[SessionRecord] = []
        for record in self.history.sessions:
            try:
                assessed += needing_assessment([record], self.people)
            except ValueError as err:
                LOGGER.warning(
                    "Pad %s: stored session %s cannot be assessed again: %s",
                    self.pad_id,
                    record.session_id,
                    err,
                )
        if assessed:
            await self.history.async_replace(*assessed)
            LOGGER.info(
                "Pad %s: %d stored sessions assessed again by the current rules",
                self.pad_id,
                len(assessed),
            )

    async def async_store_run(self, run: FinishedRun) -> SessionRecord | None:
        """Store a finished run as a session (None when it measured nothing: the user is told)."""
        if not run.results:
            await self.journal.async_discard(run.session_id)
            if run.incomplete_reason is not IncompleteReason.CANCELLED:
                await async_nothing_measured(
                    self._hass,
                    entry_id=self._entry_id,
                    pad_id=self.pad_id,
                    what=run.what,
                    reason=run.incomplete_reason,
                )
            return None
        identification = identify_person(
            run.weight_kg,
            list(self.people.values()),
            selected_person_id=run.selected_person_id,
            on_date=dt_util.as_local(run.started_at).date(),
        )
        record = SessionRecord(
            session_id=run.session_id,
            pad_id=self.pad_id,
            person_id=identification.person_id,
            started_at=run.started_at,
            ended_at=run.ended_at,
            kind=run.kind,
            results=run.results,
            assessment=None,
            complete=run.complete,
            incomplete_reason=run.incomplete_reason,
            identified_by=identification.method,
            planned_tests=run.planned_tests,
        )
        if record.person_id is not None:
            record = assess_session(record, self.people[record.person_id])
        raw_cop = (
            await self._hass.async_add_executor_job(raw_cop_trace, run) if run.cells_kg else None
        )
        await self.history.async_add(record, raw_cop)
        await self.journal.async_discard(run.session_id)
        dismiss_nothing_measured(self._hass, self._entry_id)
        self._announce(ChangeKind.STORED, record)
        return record

    async def async_assign(self, record: SessionRecord, person_id: str) -> SessionRecord:
        """File a session under a person and score it for them."""
        assigned = assign_session(record, self.people[person_id])
        await self.history.async_replace(assigned)
        self._announce(ChangeKind.ASSIGNED, assigned)
        return assigned

    async def async_import(
        self, records: Sequence[SessionRecord], person_id: str | None = None
    ) -> list[SessionRecord]:
        """Store sessions from an export, each scored for its person; return the new ones.

        With `person_id` every session is filed under that person; otherwise each keeps its
        person, who must be one of the pad's (or none: unassigned). Sessions already stored (by
        id) are skipped, so an import can be repeated. Everything is checked before anything is
        stored (`ValueError` saying which session and why), then stored in one write and
        announced once.
        """
        seen: set[str] = set()
        new: list[SessionRecord] = []
        for record in records:
            if record.session_id in seen:
                raise ValueError(f"session {record.session_id} is in the import twice")
            seen.add(record.session_id)
            if self.history.get(record.session_id) is not None:
                continue
            try:
                new.append(self._filed(record, person_id))
            except ValueError as err:
                raise ValueError(f"session {record.session_id}: {err}") from err
        if new:
            await self.history.async_add_many(new)
            newest = max(new, key=lambda record: record.started_at)
            self._announce(ChangeKind.IMPORTED, newest)
        return new

    def _filed(self, record: SessionRecord, person_id: str | None) -> SessionRecord:
        """Return the record under `person_id` (or its own person), scored for them."""
        if person_id is not None and record.person_id != person_id:
            return assign_session(record, self.people[person_id])
        if record.person_id is None:
            return record
        if (profile := self.people.get(record.person_id)) is None:
            raise ValueError(f"person {record.person_id} is not a person of this pad")
        return assess_session(record, profile)

    async def async_delete(self, record: SessionRecord) -> None:
        """Delete a session and its trace for good."""
        await self.history.async_delete(record.session_id)
        self._announce(ChangeKind.DELETED, record)

    @callback
    def _announce(self, kind: ChangeKind, record: SessionRecord) -> None:
        async_dispatcher_send(self._hass, self._signal, SessionChange(kind=kind, record=record))


def raw_cop_trace(run: FinishedRun) -> RawCop:
    """Return the run's centre-of-pressure trace as stored for export (in an executor)."""
    trace = centre_of_pressure(np.concatenate(run.cells_kg), run.geometry)
    return {
        "rate_hz": run.rate_hz,
        "ap_cm": [None if np.isnan(v) else round(float(v), 3) for v in trace.ap_cm],
        "ml_cm": [None if np.isnan(v) else round(float(v), 3) for v in trace.ml_cm],
    }
