"""The durable note of a test in progress, so that even a killed Home Assistant loses nothing.

While a test runs, `RunJournal` keeps the run as it would be stored if it ended now (results so
far, a hold under way as `signal_lost` up to its last noted second) in its own small file,
`.storage/retro_balance.<entry_id>.in_progress`, written atomically: at the start, after every
trial and every couple of seconds of a hold (`runs.PROGRESS_INTERVAL_S`). Once the session is
stored, the note is removed. At the next start, a note whose session is not in the history is a
test that Home Assistant never finished: it is stored as `interrupted` with what was measured.
A note whose session *is* stored (Home Assistant stopped between the two writes) is dropped.
While Home Assistant stops, the note is left in place: the session is only written at the final
write, and if that never happens the note still holds the test.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any, Final

from homeassistant.core import CoreState, HomeAssistant, callback
from homeassistant.helpers.storage import Store

from .const import DOMAIN, LOGGER
from .engine.clinical.session import SessionKind
from .engine.detection.daily_check import IncompleteReason
from .engine.detection.stance_result import StanceResult, StanceTest
from .engine.signal.cop import WII_BALANCE_BOARD
from .engine.validation import finite_number, member, text
from .runs import FinishedRun

JOURNAL_VERSION: Final = 1


def journal_dict(run: FinishedRun) -> dict[str, Any]:
    """Return what the journal keeps of a run (no raw loads: every write would be large)."""
    return {
        "session_id": run.session_id,
        "kind": run.kind.value,
        "what": run.what,
        "selected_person_id": run.selected_person_id,
        "started_at": run.started_at.isoformat(),
        "ended_at": run.ended_at.isoformat(),
        "planned_tests": [test.value for test in run.planned_tests],
        "results": [result.as_dict() for result in run.results],
        "weight_kg": run.weight_kg,
    }


def run_from_journal(data: dict[str, Any]) -> FinishedRun:
    """Return the interrupted run a journal holds; `ValueError` (or a lookup error) if damaged."""
    weight_kg = data["weight_kg"]
    person_id = data["selected_person_id"]
    return FinishedRun(
        session_id=text(data["session_id"], "session_id"),
        kind=member(SessionKind, data["kind"], "kind"),
        what=text(data["what"], "what"),
        selected_person_id=None if person_id is None else text(person_id, "selected_person_id"),
        started_at=_aware(data["started_at"], "started_at"),
        ended_at=_aware(data["ended_at"], "ended_at"),
        planned_tests=tuple(
            member(StanceTest, test, "planned_tests") for test in data.get("planned_tests", [])
        ),
        results=tuple(StanceResult.from_dict(result) for result in data["results"]),
        complete=False,
        incomplete_reason=IncompleteReason.INTERRUPTED,
        weight_kg=None if weight_kg is None else finite_number(weight_kg, "weight_kg"),
        cells_kg=(),
        rate_hz=0.0,
        geometry=WII_BALANCE_BOARD,
    )


def _aware(value: object, name: str) -> datetime:
    moment = datetime.fromisoformat(text(value, name))
    if moment.tzinfo is None:
        raise ValueError(f"{name}: no time zone")
    return moment


class RunJournal:
    """The pad's note of the test in progress (see the module docstring)."""

    def __init__(self, hass: HomeAssistant, entry_id: str) -> None:
        """Bind to the pad's journal file (nothing is read or written yet)."""
        self._hass = hass
        self._store: Store[dict[str, Any]] = Store(
            hass, JOURNAL_VERSION, f"{DOMAIN}.{entry_id}.in_progress", atomic_writes=True
        )
        self._lock = asyncio.Lock()
        self._pending: FinishedRun | None = None

    @callback
    def note(self, run: FinishedRun) -> None:
        """Keep this state of the running run (written at once, in order, the latest wins)."""
        self._pending = run
        self._hass.async_create_task(self._async_write(), "retro_balance journal")

    async def _async_write(self) -> None:
        async with self._lock:
            run, self._pending = self._pending, None
            if run is not None:
                await self._store.async_save(journal_dict(run))

    async def async_discard(self, session_id: str) -> None:
        """Forget the note of a stored session (left in place while Home Assistant stops)."""
        async with self._lock:
            if self._pending is not None and self._pending.session_id == session_id:
                self._pending = None
            if self._hass.state is not CoreState.stopping:
                await self._store.async_remove()

    async def async_read(self) -> FinishedRun | None:
        """Read the note left by the last run of Home Assistant (None if none or damaged)."""
        try:
            data = await self._store.async_load()
            return None if data is None else run_from_journal(data)
        except (ValueError, TypeError, KeyError, AttributeError) as err:
            LOGGER.warning(
                "The note of a test in progress (%s) is damaged and was dropped: %s",
                self._store.key,
                err,
            )
            return None

    async def async_remove(self) -> None:
        """Remove the note (once what it held is stored)."""
        await self._store.async_remove()
