"""A newer check the headline does not count, said as what it is: "1 of 4 tests, interrupted".

The balance score, the balance for age and the fall risk come from the newest full check
(`person_results`). When a newer check was interrupted or partial, these sensors say so in their
attributes: `newest_check_counted` (false), `newest_check` (when it ended, how many tests it did
of how many planned, why it stopped, whether it was partial) and `newest_check_note`, the same as a
sentence in Home Assistant's language from `selector.check_note.options.<case>` of `strings.json`
(`{when}`, `{done}`, `{planned}`, `{reason}` from `selector.incomplete_reason.options.<reason>`,
`{test}` from `selector.test.options.<test>`).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations
from homeassistant.util import dt as dt_util

from .const import DOMAIN
from .engine.clinical.session import SessionKind, SessionRecord
from .person_results import assessment
from .reason_texts import CATEGORY, option_key
from .snapshot import PersonSessions

ATTR_NEWEST_CHECK_COUNTED: Final = "newest_check_counted"
ATTR_NEWEST_CHECK: Final = "newest_check"
ATTR_NEWEST_CHECK_NOTE: Final = "newest_check_note"
NOTE_SELECTOR: Final = "check_note"
REASON_SELECTOR: Final = "incomplete_reason"
TEST_SELECTOR: Final = "test"
"""The selector whose option texts name the tests (`selector.test.options`)."""


def local_minute(moment: datetime) -> str:
    """Return a time as people read it here: local, to the minute (`2026-03-12 08:14`)."""
    return dt_util.as_local(moment).strftime("%Y-%m-%d %H:%M")


def newest_check(record: SessionRecord) -> dict[str, Any]:
    """Describe a check for the `newest_check` attribute."""
    return {
        "ended_at": record.ended_at.isoformat(),
        "tests_done": len(record.tests_done),
        "tests_planned": len(record.planned_tests) or None,
        "interrupted": record.incomplete_reason.value
        if record.interrupted and record.incomplete_reason is not None
        else None,
        "partial": record.assessment is not None and record.assessment.partial,
    }


def note(translations: Mapping[str, str], record: SessionRecord) -> str:
    """Say what a check the headline does not count was, in the translations' language."""
    if record.kind is SessionKind.SINGLE_TEST and not record.interrupted:
        case = "single_test"
    else:
        case = "interrupted" if record.interrupted else "partial"
        if not record.planned_tests:
            case += "_unplanned"  # stored before the plan was kept
    reason = "" if record.incomplete_reason is None else record.incomplete_reason.value
    test = record.results[0].test.value if record.results else ""
    template = translations.get(option_key(NOTE_SELECTOR, case), "")
    placeholders = {
        "when": local_minute(record.ended_at),
        "done": str(len(record.tests_done)),
        "planned": str(len(record.planned_tests)),
        "reason": translations.get(option_key(REASON_SELECTOR, reason), reason),
        "test": translations.get(option_key(TEST_SELECTOR, test), test),
    }
    fallback = f"{case}: {placeholders['when']}, {placeholders['done']}/{placeholders['planned']}"
    try:
        return template.format(**placeholders) if template else fallback
    except (KeyError, IndexError, ValueError):
        return fallback  # a translation with a placeholder of its own making


@callback
def newest_check_attributes(
    hass: HomeAssistant, person: PersonSessions, shown: SessionRecord | None
) -> dict[str, Any]:
    """Whether the newest check is the one `shown`; if not, what it was (None: no check yet)."""
    latest = person.newest(assessment)
    if latest is None:
        return {}
    if latest is shown:
        return {ATTR_NEWEST_CHECK_COUNTED: True}
    translations = async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN)
    return {
        ATTR_NEWEST_CHECK_COUNTED: False,
        ATTR_NEWEST_CHECK: newest_check(latest),
        ATTR_NEWEST_CHECK_NOTE: note(translations, latest),
    }
