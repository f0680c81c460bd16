"""Fall-risk reasons as sentences in the user's language, from the integration's translations.

Home Assistant translates a state and an attribute that holds one string, not a list of reasons,
so the sentences are rendered here: the text of a reason's code is
`selector.risk_reason.options.<code>` of `strings.json` (`translations/<language>.json`), with the
reason's figures as placeholders — `{figure}` (what was measured), `{limit}` (the cut-off) and
`{axis}` (`selector.sway_axis.options.<axis>`). Home Assistant keeps the integration's
translations cached for the configured language (English fills gaps), so rendering needs no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .const import DOMAIN
from .engine.clinical.fall_risk import CM_PER_S, SECONDS, RiskReason

CATEGORY = "selector"
REASON_SELECTOR = "risk_reason"
AXIS_SELECTOR = "sway_axis"
DECIMALS = {SECONDS: 1, CM_PER_S: 2}
"""Shown precision: holds to 0.1 s, sway speeds to 0.01 cm/s."""


@callback
def explain(hass: HomeAssistant, reasons: Iterable[RiskReason]) -> list[str]:
    """One sentence per reason, in Home Assistant's language."""
    translations = async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN)
    return [sentence(translations, reason) for reason in reasons]


def option_key(selector: str, option: str) -> str:
    """Return the flattened translation key of a selector option."""
    return f"component.{DOMAIN}.{CATEGORY}.{selector}.options.{option}"


def sentence(translations: Mapping[str, str], reason: RiskReason) -> str:
    """Render the reason's text with its figures (its neutral summary if it has no text)."""
    template = translations.get(option_key(REASON_SELECTOR, reason.code))
    if not template:
        # An engine newer than its translations: the code and figures still say what happened.
        return reason.message
    axis = reason.axis or ""
    placeholders = {
        "figure": _number(reason.figure, reason.unit),
        "limit": _number(reason.limit, reason.unit),
        "axis": translations.get(option_key(AXIS_SELECTOR, axis), axis),
    }
    try:
        return template.format(**placeholders)
    except (KeyError, IndexError, ValueError):
        # A translation with a placeholder of its own making.
        return reason.message


def _number(value: float | None, unit: str | None) -> str:
    if value is None:
        return ""
    return f"{round(value, DECIMALS.get(unit or '', 2)):g}"
