"""Trend and programme-effect reasons as sentences in the user's language.

Home Assistant translates a state and an attribute holding one string, not a list of reasons,
so the sentences are rendered here from the integration's translations: the text of a reason is
`selector.trend_reason.options.<code>` of `strings.json` (`translations/<language>.json`), with
the placeholders `{measure}` (the measure's name, `selector.trend_measure.options.<measure>`),
`{figure}` (the reason's figure, formatted for its code: a change as signed % or points, an error
as % or points, a level in its unit, else a count) and `{day}` (the date a reason is about, ISO:
`baseline_restarted`). The codes that describe the method rather than the finding (`UNSAID`)
stay codes. Home Assistant keeps the integration's translations cached for the configured
language (English fills gaps), so rendering needs no I/O. A code without a text still shows, as
`code (measure: figure)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from homeassistant.core import HomeAssistant, callback
from homeassistant.helpers.translation import async_get_cached_translations

from .const import DOMAIN
from .engine.trends.measure import SPECS, Scale, TrendMeasure
from .engine.trends.reasons import TrendCode, TrendReason
from .person_results import SCORE_DECIMALS, shown_score

CATEGORY = "selector"
TREND_REASON = "trend_reason"
MEASURE = "trend_measure"
UNIT = "trend_unit"
POINTS = "points"


class Figure(StrEnum):
    """How a reason's figure reads."""

    CHANGE = "change"
    ERROR = "error"
    LEVEL = "level"
    COUNT = "count"


FIGURES: Mapping[str, Figure] = {
    TrendCode.CHANGE_WITHIN_ERROR: Figure.CHANGE,
    TrendCode.CHANGE_BEYOND_ERROR: Figure.CHANGE,
    TrendCode.DECLINE_RAISES_LEVEL: Figure.CHANGE,
    TrendCode.DECLINE_AT_HIGHEST_LEVEL: Figure.CHANGE,
    TrendCode.DECLINE_LEVEL_UNKNOWN: Figure.CHANGE,
    TrendCode.MEASUREMENT_ERROR: Figure.ERROR,
    TrendCode.BASELINE_AT_CAP: Figure.LEVEL,
    TrendCode.CURRENT_AT_CAP: Figure.LEVEL,
    TrendCode.TANDEM_BASELINE_UNDER_THRESHOLD: Figure.LEVEL,
    TrendCode.IMPROVED_BEYOND_ERROR: Figure.CHANGE,
    TrendCode.WORSENED_BEYOND_ERROR: Figure.CHANGE,
    TrendCode.EFFECT_WITHIN_ERROR: Figure.CHANGE,
    TrendCode.HELD_TO_CAP: Figure.LEVEL,
}
"""Codes whose figure is not a count."""


def option_key(selector: str, option: str) -> str:
    """Return the flattened translation key of a selector option."""
    return f"component.{DOMAIN}.{CATEGORY}.{selector}.options.{option}"


UNSAID = frozenset(
    {
        TrendCode.MEASUREMENT_ERROR,
        TrendCode.PRACTICE_SESSIONS_SET_ASIDE,
        TrendCode.DECLINE_PERSISTED,
    }
)
"""Codes that explain the method rather than the finding: kept as codes, not made sentences
(the change says "beyond measurement error"; a declining state says it persisted)."""


@callback
def explain_trend(hass: HomeAssistant, reasons: Iterable[TrendReason]) -> list[str]:
    """One sentence per trend reason that states a finding, in Home Assistant's language."""
    translations = _translations(hass)
    return [sentence(translations, reason) for reason in reasons if reason.code not in UNSAID]


def _translations(hass: HomeAssistant) -> dict[str, str]:
    return async_get_cached_translations(hass, hass.config.language, CATEGORY, DOMAIN)


def sentence(translations: Mapping[str, str], reason: TrendReason) -> str:
    """Render the reason's text with its measure and figure."""
    figure = figure_text(translations, reason)
    template = translations.get(option_key(TREND_REASON, reason.code))
    if template:
        measure = translations.get(option_key(MEASURE, reason.measure), reason.measure.value)
        try:
            day = "" if reason.day is None else reason.day.isoformat()
            return template.format(measure=measure, figure=figure, day=day)
        except (KeyError, IndexError, ValueError):
            pass  # a translation with a placeholder of its own making
    return f"{reason.code.value} ({reason.measure.value}: {figure})"


def figure_text(translations: Mapping[str, str], reason: TrendReason) -> str:
    """Format the figure as a reason's text shows it (empty when there is none)."""
    figure, measure = reason.figure, TrendMeasure(reason.measure)
    if figure is None:
        return ""
    kind = FIGURES.get(reason.code, Figure.COUNT)
    if kind is Figure.COUNT:
        return f"{figure:.0f}"
    spec = SPECS[measure]
    points = translations.get(option_key(UNIT, POINTS), POINTS)
    if kind is Figure.LEVEL:
        unit = points if spec.unit == POINTS else spec.unit
        return f"{figure:.1f} {unit}"
    sign = "+" if kind is Figure.CHANGE else ""
    if spec.scale is Scale.LOG:
        return f"{figure:{sign}.0f} %"
    if kind is Figure.CHANGE:  # a change of the score reads as the sensors show it: whole
        return f"{shown_score(figure):{sign}.{SCORE_DECIMALS}f} {points}"
    return f"{figure:{sign}.1f} {points}"
