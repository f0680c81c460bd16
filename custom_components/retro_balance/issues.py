"""A pad's repair issues: offline, protocol, calibration, people, twin pads, stored sessions.

Offline for a day, an unsupported protocol version, bad calibration, weight ranges that cannot
tell people apart, sessions without a person, two pads under one id, and what was found in its
stored sessions.

(Not named `repairs.py`: Home Assistant loads that name as the platform for the fix flows of
the fixable ones — `unassigned_sessions`, `twin_pads`, `sessions_quarantined`,
`corrupt_storage`.)
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.helpers import issue_registry as ir
from homeassistant.helpers.event import async_call_later

from .const import (
    DOMAIN,
    ISSUE_CALIBRATION,
    ISSUE_CORRUPT_STORAGE,
    ISSUE_PAD_OFFLINE,
    ISSUE_QUARANTINED,
    ISSUE_STORAGE_TOO_NEW,
    ISSUE_TWIN_PADS,
    ISSUE_UNASSIGNED_SESSIONS,
    ISSUE_UNSUPPORTED_VERSION,
    ISSUE_WEIGHT_RANGES,
    OFFLINE_ISSUE_AFTER_S,
)
from .engine.clinical.people import PersonProfile
from .engine.clinical.weight_ranges import weight_range_problems
from .engine.detection.pad_state import CalibrationIssue
from .settings import describe_ranges


class PadIssues:
    """Raise and clear the issues of one pad (ids end with the entry id)."""

    def __init__(self, hass: HomeAssistant, *, entry_id: str, pad_id: str) -> None:
        """No issue raised yet, no timer running."""
        self._hass = hass
        self._entry_id = entry_id
        self._pad_id = pad_id
        self._offline_timer: CALLBACK_TYPE | None = None
        self._calibration: CalibrationIssue | None = None

    def issue_id(self, kind: str) -> str:
        """Return the id of one of the pad's issues."""
        return f"{kind}_{self._entry_id}"

    @callback
    def pad_online(self) -> None:
        """Clear the offline issue and its timer: the pad is back."""
        self._cancel_offline_timer()
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(ISSUE_PAD_OFFLINE))

    @callback
    def pad_offline(self) -> None:
        """Raise the offline issue if the pad stays offline (or unheard) that long."""
        self._cancel_offline_timer()
        self._offline_timer = async_call_later(
            self._hass, OFFLINE_ISSUE_AFTER_S, self._raise_offline_issue
        )

    @callback
    def unsupported_version(self, version: object) -> None:
        """Raise the issue: a message carried a protocol version this integration does not speak."""
        self._create(
            ISSUE_UNSUPPORTED_VERSION,
            ir.IssueSeverity.ERROR,
            {"version": str(version)},
        )

    @callback
    def version_supported(self) -> None:
        """Clear the version issue: a valid info message arrived (e.g. after a firmware update)."""
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(ISSUE_UNSUPPORTED_VERSION))

    @callback
    def calibration(self, issue: CalibrationIssue | None) -> None:
        """Show the pad monitor's current calibration issue (None clears it)."""
        if issue == self._calibration:
            return
        self._calibration = issue
        if issue is None:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(ISSUE_CALIBRATION))
            return
        self._create(ISSUE_CALIBRATION, ir.IssueSeverity.WARNING, {"problem": issue.message})

    @callback
    def weight_ranges(self, people: Mapping[str, PersonProfile]) -> None:
        """Raise the issue while the people's weight ranges cannot tell them apart, else clear it.

        The person form refuses such ranges; this catches people set up before it did.
        """
        problems = weight_range_problems(list(people.values()))
        if not problems:
            ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(ISSUE_WEIGHT_RANGES))
            return
        concerned = {problem.person_id for problem in problems} | {
            problem.other_id for problem in problems if problem.other_id is not None
        }
        self._create(
            ISSUE_WEIGHT_RANGES,
            ir.IssueSeverity.WARNING,
            {
                "ranges": describe_ranges(people.values()),
                "people": ", ".join(sorted(people[person_id].name for person_id in concerned)),
            },
        )

    @callback
    def unassigned(self, count: int) -> None:
        """Raise the issue while sessions have no person (its fix flow assigns them)."""
        issue_id = self.issue_id(ISSUE_UNASSIGNED_SESSIONS)
        if not count:
            ir.async_delete_issue(self._hass, DOMAIN, issue_id)
            return
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            issue_id,
            is_fixable=True,
            severity=ir.IssueSeverity.WARNING,
            translation_key=ISSUE_UNASSIGNED_SESSIONS,
            translation_placeholders={"pad_id": self._pad_id, "count": str(count)},
            data={"entry_id": self._entry_id},
        )

    def twin_pads(self, suspected: bool) -> None:
        """Show (or clear) that two pads seem to publish under this pad's id."""
        if not suspected:
            self._delete(ISSUE_TWIN_PADS)
            return
        self._create(ISSUE_TWIN_PADS, ir.IssueSeverity.ERROR, {}, fixable=True)

    @callback
    def storage_too_new(self, version: int) -> None:
        """Say that the stored sessions are from a newer Retro Balance (the pad is not set up)."""
        self._create(ISSUE_STORAGE_TOO_NEW, ir.IssueSeverity.ERROR, {"version": str(version)})

    @callback
    def storage_read(self, *, quarantined: int, corrupt_file: Path | None) -> None:
        """After the sessions were read: what was set aside, a corrupt file to import from."""
        self._delete(ISSUE_STORAGE_TOO_NEW)
        if quarantined:
            self._create(
                ISSUE_QUARANTINED,
                ir.IssueSeverity.WARNING,
                {"count": str(quarantined)},
                fixable=True,
            )
        else:
            self._delete(ISSUE_QUARANTINED)
        if corrupt_file is None:
            self._delete(ISSUE_CORRUPT_STORAGE)
            return
        self._create(
            ISSUE_CORRUPT_STORAGE,
            ir.IssueSeverity.WARNING,
            {"path": str(corrupt_file)},
            fixable=True,
            data={"path": str(corrupt_file)},
        )

    @callback
    def shutdown(self) -> None:
        """Stop the offline timer (issues stay until their cause is gone)."""
        self._cancel_offline_timer()

    def _create(
        self,
        kind: str,
        severity: ir.IssueSeverity,
        placeholders: dict[str, str],
        *,
        fixable: bool = False,
        data: dict[str, str] | None = None,
    ) -> None:
        ir.async_create_issue(
            self._hass,
            DOMAIN,
            self.issue_id(kind),
            is_fixable=fixable,
            severity=severity,
            translation_key=kind,
            translation_placeholders={"pad_id": self._pad_id, **placeholders},
            data={"entry_id": self._entry_id, **(data or {})} if fixable else None,
        )

    def _delete(self, kind: str) -> None:
        ir.async_delete_issue(self._hass, DOMAIN, self.issue_id(kind))

    def _cancel_offline_timer(self) -> None:
        if self._offline_timer is not None:
            self._offline_timer()
            self._offline_timer = None

    @callback
    def _raise_offline_issue(self, _now: datetime) -> None:
        self._offline_timer = None
        self._create(ISSUE_PAD_OFFLINE, ir.IssueSeverity.WARNING, {})
