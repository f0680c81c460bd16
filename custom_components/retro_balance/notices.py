"""Telling the user that a test they started ended with nothing measured.

A test that ends before anyone held a stance stores no session, so nothing on a dashboard
changes: the person who pressed *Start* and stood on the pad deserves to know why. One persistent
notification per pad (replaced by the next one, dismissed when a session is stored) says which
test, and why it ended; the same is logged at WARNING. Its texts are in `strings.json`
("exceptions": `nothing_measured*`, the test names from the `test` selector), in the user's
language where a translation exists.
"""

from __future__ import annotations

from homeassistant.components import persistent_notification
from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_translations

from .const import DOMAIN, LOGGER
from .engine.detection.daily_check import IncompleteReason

_EXCEPTIONS = f"component.{DOMAIN}.exceptions"


def notification_id(entry_id: str) -> str:
    """Return the id of a pad's nothing-measured notification."""
    return f"{DOMAIN}_{entry_id}_nothing_measured"


async def async_nothing_measured(
    hass: HomeAssistant,
    *,
    entry_id: str,
    pad_id: str,
    what: str,
    reason: IncompleteReason | None,
) -> None:
    """Log and show that `what` (a test or the daily check) ended before anything was measured."""
    why_key = f"nothing_measured_{reason or 'unknown'}"
    language = hass.config.language
    exceptions = await async_get_translations(hass, language, "exceptions", {DOMAIN})
    selector = await async_get_translations(hass, language, "selector", {DOMAIN})

    def exception(key: str) -> str:
        return exceptions.get(f"{_EXCEPTIONS}.{key}.message", key)

    test = selector.get(f"component.{DOMAIN}.selector.test.options.{what}", what)
    message = exception("nothing_measured").format(test=test, pad_id=pad_id, why=exception(why_key))
    LOGGER.warning("Pad %s: %s ended with nothing measured (%s)", pad_id, what, reason)
    persistent_notification.async_create(
        hass,
        message,
        title=exception("nothing_measured_title").format(pad_id=pad_id),
        notification_id=notification_id(entry_id),
    )


@callback
def dismiss_nothing_measured(hass: HomeAssistant, entry_id: str) -> None:
    """Take the notice away (a session was stored since)."""
    persistent_notification.async_dismiss(hass, notification_id(entry_id))
