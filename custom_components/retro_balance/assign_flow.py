"""The fix flow of the "checks without a person" repair: pick whose check it was from a list.

Each unassigned session is offered with its local date and time, what it was and the weight the
pad measured; the caregiver picks the person from the pad's people and the session is filed under
them and scored (`PadSessions.async_assign`), one after the other until none is left. No session
id to paste, and nothing is deleted here (`retro_balance.delete_session` does that).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import voluptuous as vol
from homeassistant.components.repairs import RepairsFlow
from homeassistant.config_entries import ConfigEntryState
from homeassistant.core import HomeAssistant
from homeassistant.data_entry_flow import FlowResult
from homeassistant.helpers.selector import (
    SelectOptionDict,
    SelectSelector,
    SelectSelectorConfig,
    SelectSelectorMode,
)
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.util import dt as dt_util

from .check_notes import TEST_SELECTOR, local_minute
from .const import DOMAIN
from .engine.clinical.people import identify_person
from .engine.clinical.session import SessionKind, SessionRecord
from .reason_texts import CATEGORY, option_key

if TYPE_CHECKING:
    from .sessions import PadSessions

STEP = "assign"
FIELD_SESSION = "session"
FIELD_PERSON = "person"


def session_label(record: SessionRecord, translations: Mapping[str, str]) -> str:
    """Describe a session for the list: local date and time, what it was, the weight measured."""
    when = local_minute(record.ended_at)
    what = (
        record.kind.value
        if record.kind is SessionKind.DAILY_CHECK or not record.results
        else record.results[0].test.value
    )
    parts = [when, translations.get(option_key(TEST_SELECTOR, what), what)]
    if (weight_kg := record.body_mass_kg) is not None:
        parts.append(f"{weight_kg:.1f} kg")
    return " · ".join(parts)


class UnassignedSessionsFlow(RepairsFlow):
    """Assign a pad's unassigned sessions, one at a time."""

    def __init__(self, entry_id: str) -> None:
        """Bind to the pad whose sessions are unassigned."""
        self._entry_id = entry_id
        self._assigned = 0

    async def async_step_init(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Start with the first session."""
        return await self.async_step_assign()

    async def async_step_assign(self, user_input: dict[str, Any] | None = None) -> FlowResult:
        """Show the unassigned sessions and the people; assign the chosen one."""
        sessions = self._sessions()
        if sessions is None:
            return self.async_abort(reason="pad_not_loaded")
        if not sessions.people:
            return self.async_abort(reason="no_people")
        errors: dict[str, str] = {}
        if user_input is not None:
            record = sessions.get(user_input[FIELD_SESSION])
            person_id = user_input[FIELD_PERSON]
            if record is None or record.assigned or person_id not in sessions.people:
                errors["base"] = "changed_meanwhile"
            else:
                await sessions.async_assign(record, person_id)
                self._assigned += 1
        unassigned = sorted(
            sessions.for_person(None), key=lambda record: record.ended_at, reverse=True
        )
        if not unassigned:
            return self.async_create_entry(data={})
        return self.async_show_form(
            step_id=STEP,
            data_schema=self._schema(unassigned, sessions),
            errors=errors,
            description_placeholders={
                "count": str(len(unassigned)),
                "assigned": str(self._assigned),
            },
        )

    def _sessions(self) -> PadSessions | None:
        entry = self.hass.config_entries.async_get_entry(self._entry_id)
        if entry is None or entry.state is not ConfigEntryState.LOADED:
            return None
        sessions: PadSessions = entry.runtime_data.sessions
        return sessions

    def _schema(self, unassigned: list[SessionRecord], sessions: PadSessions) -> vol.Schema:
        translations = async_get_cached_translations(
            self.hass, self.hass.config.language, CATEGORY, DOMAIN
        )
        newest = unassigned[0]
        # The person the weight points to now (ranges may have been fixed since), if anyone.
        suggested = identify_person(
            newest.body_mass_kg,
            list(sessions.people.values()),
            selected_person_id=None,
            on_date=dt_util.as_local(newest.started_at).date(),
        ).person_id
        people = sorted(sessions.people.items(), key=lambda item: item[1].name)
        return vol.Schema(
            {
                vol.Required(FIELD_SESSION, default=newest.session_id): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(
                                value=record.session_id, label=session_label(record, translations)
                            )
                            for record in unassigned
                        ],
                        mode=SelectSelectorMode.DROPDOWN,
                    )
                ),
                vol.Required(FIELD_PERSON, default=suggested or vol.UNDEFINED): SelectSelector(
                    SelectSelectorConfig(
                        options=[
                            SelectOptionDict(value=person_id, label=profile.name)
                            for person_id, profile in people
                        ],
                        mode=SelectSelectorMode.LIST,
                    )
                ),
            }
        )


def create_flow(hass: HomeAssistant, data: Mapping[str, Any] | None) -> RepairsFlow:
    """Return the fix flow for the pad named in the issue's data."""
    if not data or not isinstance(data.get("entry_id"), str):
        raise ValueError("the unassigned-sessions issue has no entry_id")
    return UnassignedSessionsFlow(data["entry_id"])
